// POST /v1/chat/completions: route by model; `openai` routes pass through; Gemini and Anthropic
// routes are translated both ways (translate/), streamed chunk by chunk when `stream` is set. The
// exchange is recorded once, as the client saw it: its OpenAI request and the OpenAI answer it
// got, under the upstream's domain with the provider noted, so capture derives it as openai-chat.
import { ProxyError } from '../../errors.js';
import { parseChatRequest } from '../../translate/openai-chat-request.js';
import { answerTranslated } from './answer-translated.js';
import { readJsonBody, type CompatHandler } from './compat-env.js';
import { passThrough } from './pass-through.js';
import { routeModel } from './resolve-route-target.js';

export const CHAT_COMPLETIONS_PATH = '/v1/chat/completions';

export const handleChatCompletions: CompatHandler = async (env, exchange) => {
  const { bytes, json } = await readJsonBody(env, exchange);
  const parsed = parseChatRequest(json);
  if (!parsed.ok) throw new ProxyError('bad_request', parsed.message);
  const chat = parsed.value;
  const routed = routeModel(env, exchange, chat.model);
  if (!routed.translator) {
    await passThrough(env, exchange, routed.route, routed.target, CHAT_COMPLETIONS_PATH, bytes);
    return;
  }
  await answerTranslated(env, exchange, { ...routed, translator: routed.translator }, { pathAndQuery: CHAT_COMPLETIONS_PATH, requestBytes: bytes, chat, warnings: [] });
};
