// POST /v1/embeddings: route by model; `openai` routes pass through; a Gemini route becomes
// `batchEmbedContents` and its answer OpenAI's embeddings list (float or base64, as asked).
// Recorded once, as the client saw it, like chat completions.
import { ProxyError } from '../../errors.js';
import { parseEmbeddingsRequest } from '../../translate/openai-chat-request.js';
import { UntranslatableRequest, type UpstreamRequest } from '../../translate/provider-translator.js';
import { callUpstream, readUpstreamBody } from './call-upstream.js';
import { logWarnings, MAX_UPSTREAM_JSON_BYTES, readJsonBody, relayedHeaders, type CompatHandler } from './compat-env.js';
import { passThrough } from './pass-through.js';
import { routeModel } from './resolve-route-target.js';
import { translatedHeaders } from './upstream-headers.js';

export const EMBEDDINGS_PATH = '/v1/embeddings';

export const handleEmbeddings: CompatHandler = async (env, exchange) => {
  const { bytes, json } = await readJsonBody(env, exchange);
  const parsed = parseEmbeddingsRequest(json);
  if (!parsed.ok) throw new ProxyError('bad_request', parsed.message);
  const embeddings = parsed.value;
  const { route, target, provider, translator } = routeModel(env, exchange, embeddings.model);
  if (!translator) {
    await passThrough(env, exchange, route, target, EMBEDDINGS_PATH, bytes);
    return;
  }
  if (!translator.embeddingsRequest || !translator.embeddingsResponse) {
    throw new ProxyError('bad_request', `model "${embeddings.model}" is routed to ${route.provider}, which has no embeddings API`);
  }
  let translated: UpstreamRequest;
  try {
    translated = translator.embeddingsRequest(embeddings);
  } catch (error) {
    if (error instanceof UntranslatableRequest) throw new ProxyError('bad_request', error.message);
    throw error;
  }
  logWarnings(env, exchange, translated.warnings);
  exchange.startRecording({
    domain: target.authority,
    pathAndQuery: EMBEDDINGS_PATH,
    requestBody: bytes,
    requestContentType: 'application/json',
    upstreamProvider: route.provider,
  });

  const upstream = await callUpstream(env.agent, {
    origin: target.origin,
    path: translated.path,
    method: translated.method,
    headers: translatedHeaders(exchange.request, provider, 'application/json', true),
    body: Buffer.from(JSON.stringify(translated.body), 'utf8'),
    signal: exchange.signal,
  });
  exchange.markUpstreamResponse();
  const text = (await readUpstreamBody(upstream.body, MAX_UPSTREAM_JSON_BYTES)).toString('utf8');
  if (upstream.statusCode < 200 || upstream.statusCode >= 300) {
    exchange.answerJson(upstream.statusCode, translator.errorBody(upstream.statusCode, text), relayedHeaders(upstream.headers));
    return;
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ProxyError('upstream_failed', `the upstream answered ${upstream.statusCode} with a body that is not JSON`);
  }
  exchange.answerJson(200, translator.embeddingsResponse(body, embeddings));
};
