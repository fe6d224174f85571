// POST /v1/responses: the Responses API at the OpenAI-compatible entry (Codex speaks only this),
// routed by model like chat completions. `openai` routes pass it through unchanged; Anthropic and
// Gemini routes go Responses request → chat request → the provider translator → chat answer or
// chunks → Responses response or events (translate/openai-responses/). Signed reasoning travels in
// the Responses shape (reasoning-carrier.ts) and, when a client drops it, comes back from the same
// cache as for chat clients, keyed by call_id. Recorded once, as the client saw it (its Responses
// request and the Responses answer it got), so capture derives it as openai-responses.
import { ProxyError } from '../../errors.js';
import { createResponsesStreamEncoder } from '../../translate/openai-responses/chat-chunks-to-response-events.js';
import { chatCompletionToResponse } from '../../translate/openai-responses/chat-completion-to-response.js';
import { responsesRequestToChat } from '../../translate/openai-responses/responses-request-to-chat.js';
import type { ResponseHeader } from '../../translate/openai-responses/responses-shapes.js';
import { asArray, asObject, asString } from '../../wire/shared/read-json.js';
import { answerTranslated } from './answer-translated.js';
import { readJsonBody, type CompatHandler } from './compat-env.js';
import { passThrough } from './pass-through.js';
import { routeModel } from './resolve-route-target.js';

export const RESPONSES_PATH = '/v1/responses';

export const handleResponses: CompatHandler = async (env, exchange) => {
  exchange.errorFormat = 'openai-responses';
  const { bytes, json } = await readJsonBody(env, exchange);
  const request = asObject(json);
  const model = asString(request.model);
  if (model === undefined || model === '') throw new ProxyError('bad_request', 'invalid responses request: model: a model name is required');
  const routed = routeModel(env, exchange, model);
  if (!routed.translator) {
    await passThrough(env, exchange, routed.route, routed.target, RESPONSES_PATH, bytes);
    return;
  }

  const converted = responsesRequestToChat(json);
  if (!converted.ok) throw new ProxyError('bad_request', converted.message);
  const header: ResponseHeader = {
    id: `resp_${env.generateId()}`,
    createdAt: Math.floor(exchange.startedAt / 1000),
    model,
    parallelToolCalls: request.parallel_tool_calls !== false,
    toolChoice: request.tool_choice ?? 'auto',
    tools: asArray(request.tools),
  };
  await answerTranslated(env, exchange, { ...routed, translator: routed.translator }, {
    pathAndQuery: RESPONSES_PATH,
    requestBytes: bytes,
    chat: converted.chat,
    warnings: converted.warnings,
    encoder: createResponsesStreamEncoder(header, env.generateId),
    answerBody: (completion) => chatCompletionToResponse(completion, header, env.generateId),
  });
};
