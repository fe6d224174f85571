// Splits a ShareGPT turn value into what the conversation view shows separately: the reasoning
// (`<think>…</think>`), the visible text, tool calls (JSON, possibly after text in <tool_call>
// tags) and parallel tool results (joined by the tool_response separator). See formats.md 1.4-1.5.
// Model turns are read by the export's own reader (src/training/model-turn.ts), so the review shows
// exactly what training gets: only a <think> block that opens the value is reasoning; one in the
// middle of an answer is text, as LLaMA-Factory keeps it.
import {
  IMAGE_PLACEHOLDER,
  TOOL_RESPONSE_SEPARATOR,
} from '../../src/admin/api-types.js';
import { splitLeadingReasoning } from '../../src/training/reasoning-prefix.js';
import { readFunctionCallValue, readGptValue } from '../../src/training/model-turn.js';
import { toPlainJson } from '../../src/wire/shared/read-json.js';

export interface ParsedModelTurn {
  reasoning: string | null;
  text: string;
  /** Parsed call objects; null when the value holds no call JSON. */
  calls: unknown[] | null;
  /** Call JSON that did not parse, shown raw. */
  unparsedCalls: string | null;
}

/** The <think> block that opens a value, and the rest; a <think> later in the value is text (model-turn.ts). */
export function splitReasoning(value: string): { reasoning: string | null; rest: string } {
  const split = splitLeadingReasoning(value);
  return { reasoning: split.reasoning, rest: split.reasoning === null ? value : split.rest };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

export function parseModelTurn(from: 'gpt' | 'function_call', value: string): ParsedModelTurn {
  if (from === 'gpt') {
    const { turn } = readGptValue(value);
    return { reasoning: turn.reasoning, text: turn.text, calls: null, unparsedCalls: null };
  }
  const read = readFunctionCallValue(value);
  if (read === null) {
    // Not a call the export can read: shown raw, after the reasoning it opens with.
    const split = splitLeadingReasoning(value);
    const rest = split.rest.trim();
    return { reasoning: split.reasoning, text: '', calls: null, unparsedCalls: rest === '' ? null : rest };
  }
  const calls = (read.turn.calls ?? []).map((call) => ({ name: call.name, arguments: toPlainJson(call.arguments) }));
  return { reasoning: read.turn.reasoning, text: read.turn.text, calls: calls.length > 0 ? calls : null, unparsedCalls: null };
}

/** One tool result: parsed JSON when it is JSON, else text. */
export type ObservationPart = { json: unknown } | { text: string };

export function parseObservation(value: string): ObservationPart[] {
  return value.split(TOOL_RESPONSE_SEPARATOR).map((part) => {
    const trimmed = part.trim();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      const parsed = parseJson(trimmed);
      if (parsed.ok) return { json: parsed.value };
    }
    return { text: part };
  });
}

/** A call object's name and arguments, when it has the {name, arguments} shape. */
export function callShape(call: unknown): { name: string; arguments: unknown } | null {
  if (typeof call !== 'object' || call === null) return null;
  const record = call as Record<string, unknown>;
  return typeof record['name'] === 'string' ? { name: record['name'], arguments: record['arguments'] } : null;
}

/** Splits text at `<image>` placeholders: text segments with image indexes between them. */
export function splitImages(text: string, firstIndex: number): { segments: Array<{ text: string } | { image: number }>; count: number } {
  const pieces = text.split(IMAGE_PLACEHOLDER);
  const segments: Array<{ text: string } | { image: number }> = [];
  pieces.forEach((piece, index) => {
    if (index > 0) segments.push({ image: firstIndex + index - 1 });
    if (piece.trim() !== '') segments.push({ text: piece });
  });
  return { segments, count: pieces.length - 1 };
}
