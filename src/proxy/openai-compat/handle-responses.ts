// POST /v1/responses: the Responses API at the OpenAI-compatible entry (Codex speaks only this),
// routed by model like chat completions. `openai` routes pass it through unchanged; Anthropic and
// Gemini routes go Responses request → chat request → the provider translator → chat answer or
// chunks → Responses response or events (translate/openai-responses/). Recorded once, as the client
// saw it (its Responses request and the Responses answer it got), so capture derives it as
// openai-responses.
import { ProxyError } from '../../errors.js';
import type { TranslationContext } from '../../translate/provider-translator.js';
import { createResponsesStreamEncoder } from '../../translate/openai-responses/chat-chunks-to-response-events.js';
import { chatCompletionToResponse } from '../../translate/openai-responses/chat-completion-to-response.js';
import { responsesRequestToChat } from '../../translate/openai-responses/responses-request-to-chat.js';
import type { ResponseHeader } from '../../translate/openai-responses/responses-shapes.js';
import { asArray, asObject, asString } from '../../wire/shared/read-json.js';
import { callUpstream, readUpstreamBody } from './call-upstream.js';
import { logWarnings, MAX_UPSTREAM_JSON_BYTES, readJsonBody, relayedHeaders, type CompatHandler } from './compat-env.js';
import { passThrough } from './pass-through.js';
import { pipeTranslatedStream } from './pipe-translated-stream.js';
import { routeModel } from './resolve-route-target.js';
import { translatedHeaders } from './upstream-headers.js';

export const RESPONSES_PATH = '/v1/responses';

export const handleResponses: CompatHandler = async (env, exchange) => {
  exchange.errorFormat = 'openai-responses';
  const { bytes, json } = await readJsonBody(env, exchange);
  const model = asString(asObject(json).model);
  if (model === undefined || model === '') throw new ProxyError('bad_request', 'invalid responses request: model: a model name is required');
  const { route, target, provider, translator } = routeModel(env, exchange, model);
  if (!translator) {
    await passThrough(env, exchange, route, target, RESPONSES_PATH, bytes);
    return;
  }

  const converted = responsesRequestToChat(json);
  if (!converted.ok) throw new ProxyError('bad_request', converted.message);
  const chat = converted.chat;
  const translated = translator.chatRequest(chat);
  const warnings = [...converted.warnings, ...translated.warnings];
  const stream = chat.stream === true;
  const context: TranslationContext = {
    model,
    includeUsage: stream,
    now: exchange.startedAt,
    generateId: env.generateId,
    ...(translated.jsonToolName !== undefined ? { jsonToolName: translated.jsonToolName } : {}),
  };
  const request = asObject(json);
  const header: ResponseHeader = {
    id: `resp_${env.generateId()}`,
    createdAt: Math.floor(exchange.startedAt / 1000),
    model,
    parallelToolCalls: request.parallel_tool_calls !== false,
    toolChoice: request.tool_choice ?? 'auto',
    tools: asArray(request.tools),
  };
  exchange.startRecording({
    domain: target.authority,
    pathAndQuery: RESPONSES_PATH,
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
      // OpenAI's error shape is the Responses API's too.
      exchange.answerJson(upstream.statusCode, translator.errorBody(upstream.statusCode, text), relayedHeaders(upstream.headers));
      return;
    }
    if (stream) {
      const encoder = createResponsesStreamEncoder(header, env.generateId);
      warnings.push(...(await pipeTranslatedStream(upstream.body, translator.createStreamTranslator(context), exchange, encoder)));
      return;
    }
    const text = (await readUpstreamBody(upstream.body, MAX_UPSTREAM_JSON_BYTES)).toString('utf8');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ProxyError('upstream_failed', `the upstream answered ${upstream.statusCode} with a body that is not JSON`);
    }
    const answer = translator.chatResponse(body, context);
    warnings.push(...answer.warnings);
    exchange.answerJson(200, chatCompletionToResponse(answer.completion, header, env.generateId));
  } finally {
    logWarnings(env, exchange, warnings);
  }
};
