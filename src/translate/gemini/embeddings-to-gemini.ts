// OpenAI embeddings ↔ Gemini `batchEmbedContents` (https://ai.google.dev/api/embeddings).
//   input (a string or strings) → requests[i].content.parts[0].text, one request per input
//   dimensions                  → requests[i].outputDimensionality
//   embeddings[i].values        → data[i].embedding (float list, or base64 float32 when asked)
// Token-array inputs cannot be sent (Gemini embeds text only); Gemini reports no token usage, so
// usage is 0.
import { asArray, asNumber, asObject } from '../../wire/shared/read-json.js';
import type { EmbeddingsRequest } from '../openai-chat-request.js';
import type { EmbeddingsResponse } from '../openai-chat-response.js';
import { UntranslatableRequest, type UpstreamRequest } from '../provider-translator.js';
import { encodeEmbedding } from '../shared/encode-embedding.js';
import { geminiModelName } from './chat-request-to-gemini.js';

const HANDLED = new Set(['model', 'input', 'encoding_format', 'dimensions']);

export function embeddingsRequestToGemini(request: EmbeddingsRequest): UpstreamRequest {
  const inputs = typeof request.input === 'string' ? [request.input] : request.input;
  if (!inputs.every((input): input is string => typeof input === 'string')) {
    throw new UntranslatableRequest('token-array input cannot be embedded by Gemini: send the text instead');
  }
  const warnings = Object.keys(request)
    .filter((key) => !HANDLED.has(key) && request[key] !== undefined && request[key] !== null)
    .map((key) => `parameter "${key}" is not translated for Gemini and was not sent`);
  const model = geminiModelName(request.model);
  return {
    method: 'POST',
    path: `/v1beta/models/${encodeURIComponent(model)}:batchEmbedContents`,
    body: {
      requests: inputs.map((text) => ({
        model: `models/${model}`,
        content: { parts: [{ text }] },
        ...(request.dimensions !== undefined ? { outputDimensionality: request.dimensions } : {}),
      })),
    },
    warnings,
  };
}

export function geminiEmbeddingsToOpenAi(body: unknown, request: EmbeddingsRequest): EmbeddingsResponse {
  const embeddings = asArray(asObject(body).embeddings);
  return {
    object: 'list',
    data: embeddings.map((raw, index) => ({
      object: 'embedding',
      index,
      embedding: encodeEmbedding(
        asArray(asObject(raw).values).map((value) => asNumber(value) ?? 0),
        request.encoding_format,
      ),
    })),
    model: request.model,
    usage: { prompt_tokens: 0, total_tokens: 0 },
  };
}
