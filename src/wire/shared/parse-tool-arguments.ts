// OpenAI-style tool arguments arrive as a JSON string; the canonical model keeps them parsed.
// Invalid JSON is kept raw and flagged, never guessed at (training rejects it with a reason).

export interface ParsedArguments {
  arguments: unknown;
  argumentsInvalid?: boolean;
}

export function parseToolArguments(raw: unknown): ParsedArguments {
  if (typeof raw !== 'string') return { arguments: raw ?? {} };
  if (raw.trim() === '') return { arguments: {} };
  try {
    return { arguments: JSON.parse(raw) as unknown };
  } catch {
    return { arguments: raw, argumentsInvalid: true };
  }
}
