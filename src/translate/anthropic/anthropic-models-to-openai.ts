// Anthropic `GET /v1/models` → OpenAI model entries (https://docs.anthropic.com/en/api/models-list).
import { asArray, asObject, asString } from '../../wire/shared/read-json.js';
import type { ModelEntry } from '../openai-chat-response.js';
import type { UpstreamRequest } from '../provider-translator.js';

export function anthropicModelsRequest(): UpstreamRequest {
  return { method: 'GET', path: '/v1/models?limit=1000', warnings: [] };
}

export function anthropicModelsToOpenAi(body: unknown): ModelEntry[] {
  return asArray(asObject(body).data).flatMap((raw) => {
    const model = asObject(raw);
    const id = asString(model.id);
    if (id === undefined) return [];
    const createdAt = Date.parse(asString(model.created_at) ?? '');
    return [{ id, object: 'model' as const, created: Number.isNaN(createdAt) ? 0 : Math.floor(createdAt / 1000), owned_by: 'anthropic' }];
  });
}
