// Gemini's other stream framing (`:streamGenerateContent` without `?alt=sse`): one JSON array sent
// in pieces. Each whole element becomes one event, like an SSE event's data; a cut-off array keeps
// its whole elements.
// Long integers keep their digits (read-json's lossless parse), as in every other reading.
import { parseJsonLoosely, stringifyJson } from '../wire/shared/read-json.js';
import type { SseEvent } from '../wire/wire-format.js';

export function decodeJsonArrayStream(text: string): SseEvent[] {
  const whole = parseJsonLoosely(text);
  if (Array.isArray(whole)) return whole.map((element) => ({ data: stringifyJson(element) }));
  // Cut off: scan for the whole top-level objects.
  const events: SseEvent[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === '{') {
      if (depth === 0) start = index;
      depth++;
    } else if (char === '}') {
      depth--;
      if (depth === 0 && start !== -1) {
        events.push({ data: text.slice(start, index + 1) });
        start = -1;
      }
    }
  }
  return events;
}
