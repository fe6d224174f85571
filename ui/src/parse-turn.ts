// Splits a ShareGPT turn value into what the conversation view shows separately: the reasoning
// (`<think>…</think>`), the visible text, tool calls (JSON, possibly after text in <tool_call>
// tags) and parallel tool results (joined by the tool_response separator). See formats.md 1.4-1.5.
import {
  IMAGE_PLACEHOLDER,
  TOOL_CALL_CLOSE,
  TOOL_CALL_OPEN,
  TOOL_RESPONSE_SEPARATOR,
} from '../../src/admin/api-types.js';

export interface ParsedModelTurn {
  reasoning: string | null;
  text: string;
  /** Parsed call objects; null when the value holds no call JSON. */
  calls: unknown[] | null;
  /** Call JSON that did not parse, shown raw. */
  unparsedCalls: string | null;
}

const THINK = /<think>([\s\S]*?)<\/think>\s*/u;

export function splitReasoning(value: string): { reasoning: string | null; rest: string } {
  const match = THINK.exec(value);
  if (match === null) return { reasoning: null, rest: value };
  return { reasoning: match[1]!.trim(), rest: (value.slice(0, match.index) + value.slice(match.index + match[0].length)).trim() };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

export function parseModelTurn(from: 'gpt' | 'function_call', value: string): ParsedModelTurn {
  const { reasoning, rest } = splitReasoning(value);
  if (from === 'gpt') return { reasoning, text: rest, calls: null, unparsedCalls: null };
  const open = rest.indexOf(TOOL_CALL_OPEN);
  const text = open === -1 ? '' : rest.slice(0, open).trim();
  const jsonParts =
    open === -1
      ? [rest]
      : rest
          .slice(open)
          .split(TOOL_CALL_OPEN)
          .map((part) => part.split(TOOL_CALL_CLOSE)[0]!.trim())
          .filter((part) => part !== '');
  const calls: unknown[] = [];
  const unparsed: string[] = [];
  for (const part of jsonParts) {
    const parsed = parseJson(part);
    if (!parsed.ok) unparsed.push(part);
    else if (Array.isArray(parsed.value)) calls.push(...(parsed.value as unknown[]));
    else calls.push(parsed.value);
  }
  return { reasoning, text, calls: calls.length > 0 ? calls : null, unparsedCalls: unparsed.length > 0 ? unparsed.join('\n') : null };
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
