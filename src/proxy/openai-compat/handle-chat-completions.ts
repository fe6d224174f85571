// POST /v1/chat/completions: route by model; `openai` routes pass through; Gemini and Anthropic
// routes are translated both ways (translate/), streamed chunk by chunk when `stream` is set. The
// exchange is recorded once, as the client saw it: its OpenAI request and the OpenAI answer it
// got, under the upstream's domain with the provider noted, so capture derives it as openai-chat.
import { ProxyError } from '../../errors.js';
import { parseChatRequest } from '../../translate/openai-chat-request.js';
import { parseJsonExact } from '../../wire/shared/read-json.js';
import type { TranslationContext } from '../../translate/provider-translator.js';
import { callUpstream, readUpstreamBody } from './call-upstream.js';
import { logWarnings, MAX_UPSTREAM_JSON_BYTES, readJsonBody, relayedHeaders, type CompatHandler } from './compat-env.js';
import { passThrough } from './pass-through.js';
import { pipeTranslatedStream } from './pipe-translated-stream.js';
import { routeModel } from './resolve-route-target.js';
import { acceptWithoutSignedReasoning } from './signed-reasoning-cache.js';
import { translatedHeaders } from './upstream-headers.js';

export const CHAT_COMPLETIONS_PATH = '/v1/chat/completions';

export const handleChatCompletions: CompatHandler = async (env, exchange) => {
  const { bytes, json } = await readJsonBody(env, exchange);
  const parsed = parseChatRequest(json);
  if (!parsed.ok) throw new ProxyError('bad_request', parsed.message);
  const chat = parsed.value;
  const { route, target, provider, translator } = routeModel(env, exchange, chat.model);
  if (!translator) {
    await passThrough(env, exchange, route, target, CHAT_COMPLETIONS_PATH, bytes);
    return;
  }

  // Clients that drop signed reasoning between tool-loop calls get it put back (signed-reasoning-cache.ts).
  env.signedReasoning.restore(chat);
  const translated = translator.chatRequest(chat);
  const accepted = acceptWithoutSignedReasoning(route.provider, `${chat.model} ${translated.path}`, translated.body);
  if (accepted !== undefined) {
    env.logger.warn({ model: chat.model, provider: route.provider }, `openai-compat: tool calls came back without their signed reasoning and it was not in the cache; ${accepted}`);
  }
  const warnings = [...translated.warnings];
  const stream = chat.stream === true;
  const context: TranslationContext = {
    model: chat.model,
    includeUsage: stream && chat.stream_options?.include_usage === true,
    now: exchange.startedAt,
    generateId: env.generateId,
    ...(translated.jsonToolName !== undefined ? { jsonToolName: translated.jsonToolName } : {}),
  };
  exchange.startRecording({
    domain: target.authority,
    pathAndQuery: CHAT_COMPLETIONS_PATH,
    requestBody: bytes,
    requestContentType: 'application/json',
    upstreamProvider: route.provider,
  });

  try {
    const upstream = await callUpstream(env.agent, {
      origin: target.origin,
      path: translated.path,
      method: translated.method,
      headers: translatedHeaders(exchange.request, provider, stream ? 'text/event-stream' : 'application/json', true),
      body: Buffer.from(JSON.stringify(translated.body), 'utf8'),
      signal: exchange.signal,
    });
    exchange.markUpstreamResponse();
    if (upstream.statusCode < 200 || upstream.statusCode >= 300) {
      const text = (await readUpstreamBody(upstream.body, MAX_UPSTREAM_JSON_BYTES)).toString('utf8');
      exchange.answerJson(upstream.statusCode, translator.errorBody(upstream.statusCode, text), relayedHeaders(upstream.headers));
      return;
    }
    if (stream) {
      warnings.push(...(await pipeTranslatedStream(upstream.body, env.signedReasoning.observeStream(translator.createStreamTranslator(context)), exchange)));
      return;
    }
    const text = (await readUpstreamBody(upstream.body, MAX_UPSTREAM_JSON_BYTES)).toString('utf8');
    // Parsed keeping long integers exact (a tool argument such as a Discord channel id would be
    // rounded by JSON.parse); the translator reads the same lossless value.
    let body: unknown;
    try {
      body = parseJsonExact(text);
    } catch {
      throw new ProxyError('upstream_failed', `the upstream answered ${upstream.statusCode} with a body that is not JSON`);
    }
    const answer = translator.chatResponse(body, context);
    warnings.push(...answer.warnings);
    env.signedReasoning.rememberCompletion(answer.completion);
    exchange.answerJson(200, answer.completion);
  } finally {
    logWarnings(env, exchange, warnings);
  }
};
