// Gemini `GET /v1beta/models` → OpenAI model entries (https://ai.google.dev/api/models#method:-models.list).
import { asArray, asObject, asString } from '../../wire/shared/read-json.js';
import type { ModelEntry } from '../openai-chat-response.js';
import type { UpstreamRequest } from '../provider-translator.js';

export function geminiModelsRequest(): UpstreamRequest {
  return { method: 'GET', path: '/v1beta/models?pageSize=1000', warnings: [] };
}

export function geminiModelsToOpenAi(body: unknown): ModelEntry[] {
  return asArray(asObject(body).models).flatMap((raw) => {
    const name = asString(asObject(raw).name);
    if (name === undefined) return [];
    return [{ id: name.replace(/^models\//, ''), object: 'model' as const, created: 0, owned_by: 'google' }];
  });
}
