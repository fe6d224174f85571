// The half both translated endpoints share (/v1/chat/completions and /v1/responses, once each has
// its chat request): signed reasoning the client dropped put back from the cache, the provider
// request built (and made acceptable when the cache missed), the exchange recorded as the client
// sent it, the upstream called, and its answer, error or stream translated back. The endpoint says
// only how the client's answer is shaped (`encoder` for streams, `answerBody` for a whole answer).
import { ProxyError } from '../../errors.js';
import type { ChatRequest } from '../../translate/openai-chat-request.js';
import type { ChatCompletion } from '../../translate/openai-chat-response.js';
import type { TranslationContext } from '../../translate/provider-translator.js';
import { parseJsonExact } from '../../wire/shared/read-json.js';
import type { ExchangeContext } from '../exchange/exchange-context.js';
import { callUpstream, readUpstreamBody } from './call-upstream.js';
import { logWarnings, MAX_UPSTREAM_JSON_BYTES, relayedHeaders, type CompatEnv } from './compat-env.js';
import { CHAT_CHUNK_ENCODER, pipeTranslatedStream, type ClientStreamEncoder } from './pipe-translated-stream.js';
import type { routeModel } from './resolve-route-target.js';
import { acceptWithoutSignedReasoning } from './signed-reasoning-cache.js';
import { translatedHeaders } from './upstream-headers.js';

export interface TranslatedAnswer {
  /** The path the exchange is recorded under (the client's endpoint). */
  pathAndQuery: string;
  /** The client's request body, recorded as sent. */
  requestBytes: Buffer;
  chat: ChatRequest;
  /** Warnings from turning the client's request into `chat`. */
  warnings: readonly string[];
  /** How translated stream events reach the client (default: chat completion chunks). */
  encoder?: ClientStreamEncoder;
  /** The body a whole answer is sent as (default: the chat completion itself). */
  answerBody?: (completion: ChatCompletion) => unknown;
}

type Routed = ReturnType<typeof routeModel>;
/** A route whose provider is translated (not an OpenAI-speaking pass-through). */
export type TranslatedRoute = Routed & { translator: NonNullable<Routed['translator']> };

export async function answerTranslated(env: CompatEnv, exchange: ExchangeContext, routed: TranslatedRoute, call: TranslatedAnswer): Promise<void> {
  const { route, target, provider, translator } = routed;
  const { chat } = call;
  // Clients that drop signed reasoning between tool-loop calls get it put back (signed-reasoning-cache.ts).
  env.signedReasoning.restore(chat);
  const translated = translator.chatRequest(chat);
  const accepted = acceptWithoutSignedReasoning(route.provider, `${chat.model} ${translated.path}`, translated.body);
  if (accepted !== undefined) {
    env.logger.warn({ model: chat.model, provider: route.provider }, `openai-compat: tool calls came back without their signed reasoning and it was not in the cache; ${accepted}`);
  }
  const warnings = [...call.warnings, ...translated.warnings];
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
    pathAndQuery: call.pathAndQuery,
    requestBody: call.requestBytes,
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
      // OpenAI's error shape is the Responses API's too.
      exchange.answerJson(upstream.statusCode, translator.errorBody(upstream.statusCode, text), relayedHeaders(upstream.headers));
      return;
    }
    if (stream) {
      const translating = env.signedReasoning.observeStream(translator.createStreamTranslator(context));
      warnings.push(...(await pipeTranslatedStream(upstream.body, translating, exchange, call.encoder ?? CHAT_CHUNK_ENCODER)));
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
    exchange.answerJson(200, call.answerBody ? call.answerBody(answer.completion) : answer.completion);
  } finally {
    logWarnings(env, exchange, warnings);
  }
}
