// Gemini's other stream framing (`:streamGenerateContent` without `?alt=sse`): one JSON array sent
// in pieces. Each whole element becomes one event, like an SSE event's data; a cut-off array keeps
// its whole elements.
import type { SseEvent } from '../wire/wire-format.js';

export function decodeJsonArrayStream(text: string): SseEvent[] {
  try {
    const whole: unknown = JSON.parse(text);
    if (Array.isArray(whole)) return whole.map((element) => ({ data: JSON.stringify(element) }));
  } catch {
    // Cut off: scan for the whole top-level objects below.
  }
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
