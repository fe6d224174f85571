// When a chat completions stream has said all it will say, so that a client hanging up right then
// got the whole answer: `data: [DONE]`, or every choice's `finish_reason` when the request did not
// ask for usage, or the usage chunk after them when it did (`stream_options.include_usage`).
// https://platform.openai.com/docs/api-reference/chat-streaming
import { asArray, asNumber, asObject, isObject, parseJsonObject } from '../shared/read-json.js';
import type { SseEvent } from '../wire-format.js';

export function createTerminalWatch(requestBody: unknown): (event: SseEvent) => boolean {
  const request = asObject(requestBody);
  const usageAsked = asObject(request.stream_options).include_usage === true;
  const choiceCount = asNumber(request.n) ?? 1;
  const finished = new Set<number>();
  return (event) => {
    if (event.data.trim() === '[DONE]') return true;
    const chunk = parseJsonObject(event.data);
    if (!chunk) return false;
    for (const raw of asArray(chunk.choices)) {
      const choice = asObject(raw);
      if (typeof choice.finish_reason === 'string') finished.add(asNumber(choice.index) ?? 0);
    }
    if (finished.size < choiceCount) return false;
    return !usageAsked || isObject(chunk.usage);
  };
}
