// When a Gemini stream has said all it will say: the chunk whose candidate carries `finishReason`
// (the last one; it also carries the final usageMetadata). Code Assist chunks wrap it in
// `{response: …}`. https://ai.google.dev/api/generate-content#v1beta.GenerateContentResponse
import { asArray, asObject, parseJsonObject } from '../shared/read-json.js';
import type { SseEvent } from '../wire-format.js';

export function createTerminalWatch(_requestBody: unknown): (event: SseEvent) => boolean {
  return (event) => {
    const chunk = parseJsonObject(event.data);
    if (!chunk) return false;
    const response = chunk.candidates === undefined && chunk.response !== undefined ? asObject(chunk.response) : chunk;
    return asArray(response.candidates).some((candidate) => typeof asObject(candidate).finishReason === 'string');
  };
}
