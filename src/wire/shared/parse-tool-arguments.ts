// Tool arguments to the canonical fields: `arguments` a plain JSON value, `argumentsText` the
// same as compact JSON text with every digit the model produced (read-json.ts). OpenAI-style
// arguments arrive as a JSON string; Anthropic and Gemini give the parsed object. Invalid JSON is
// kept raw and flagged, never guessed at (training rejects it with a reason).
import { parseJsonExact, stringifyJson, toPlainJson } from './read-json.js';

export interface ParsedArguments {
  arguments: unknown;
  argumentsInvalid?: boolean;
  argumentsText?: string;
}

export function parseToolArguments(raw: unknown): ParsedArguments {
  if (typeof raw !== 'string') {
    const value = raw ?? {};
    return { arguments: toPlainJson(value), argumentsText: stringifyJson(value) };
  }
  if (raw.trim() === '') return { arguments: {}, argumentsText: '{}' };
  try {
    const value = parseJsonExact(raw);
    return { arguments: toPlainJson(value), argumentsText: stringifyJson(value) };
  } catch {
    return { arguments: raw, argumentsInvalid: true };
  }
}
