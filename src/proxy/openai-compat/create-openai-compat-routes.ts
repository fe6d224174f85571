// The OpenAI-compatible entry (README, "OpenAI-compatible entry"): `/v1/chat/completions`,
// `/v1/responses`, `/v1/embeddings`, `/v1/models` without a domain in the path, for any provider the routing table
// names. Plugged into the pipeline as its `localRoutes` hook (after the probe filter and rate limit):
// it claims these paths synchronously and runs the exchange in the background.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { Config } from '../../config/schema.js';
import { asProxyError, ProxyError } from '../../errors.js';
import { createModelRouter } from '../../translate/route-model.js';
import type { ProxyMetrics } from '../metrics.js';
import type { Recorder } from '../recorder.js';
import { ExchangeContext } from '../exchange/exchange-context.js';
import type { CompatEnv, CompatHandler } from './compat-env.js';
import { CHAT_COMPLETIONS_PATH, handleChatCompletions } from './handle-chat-completions.js';
import { EMBEDDINGS_PATH, handleEmbeddings } from './handle-embeddings.js';
import { handleModelList, handleModelRetrieve } from './handle-models.js';
import { handleResponses, RESPONSES_PATH } from './handle-responses.js';
import { SignedReasoningCache } from './signed-reasoning-cache.js';

export interface OpenAiCompatDeps {
  config: Config;
  /** The proxy's shared agent (SSRF-guarded lookup, pool, timeouts). */
  agent: Dispatcher;
  logger: Logger;
  metrics: ProxyMetrics;
  recorder: Recorder | null;
  now?: () => number;
  generateId?: () => string;
}

/** 24 url-safe characters, like OpenAI's call ids. */
function randomId(): string {
  return randomBytes(18).toString('base64url');
}

/** Every route the OpenAI-compatible entry serves (a new handler adds its line): named in the 404 for any other /v1 path. */
export const SERVED_V1_ROUTES: readonly string[] = [`POST ${CHAT_COMPLETIONS_PATH}`, `POST ${RESPONSES_PATH}`, `POST ${EMBEDDINGS_PATH}`, 'GET /v1/models', 'GET /v1/models/{model}'];
const SERVED = SERVED_V1_ROUTES.join(', ');

function handlerFor(method: string, path: string): { handler: CompatHandler } | { allowed: string } | undefined {
  if (path === CHAT_COMPLETIONS_PATH) return method === 'POST' ? { handler: handleChatCompletions } : { allowed: 'POST' };
  if (path === RESPONSES_PATH) return method === 'POST' ? { handler: handleResponses } : { allowed: 'POST' };
  if (path === EMBEDDINGS_PATH) return method === 'POST' ? { handler: handleEmbeddings } : { allowed: 'POST' };
  if (path === '/v1/models') return method === 'GET' ? { handler: handleModelList } : { allowed: 'GET' };
  if (path.startsWith('/v1/models/')) return method === 'GET' ? { handler: handleModelRetrieve } : { allowed: 'GET' };
  return undefined;
}

export function createOpenAiCompatRoutes(deps: OpenAiCompatDeps): (request: IncomingMessage, response: ServerResponse) => boolean {
  const env: CompatEnv = {
    config: deps.config,
    agent: deps.agent,
    logger: deps.logger,
    metrics: deps.metrics,
    recorder: deps.recorder,
    router: createModelRouter(deps.config.openai_compat.routes),
    now: deps.now ?? Date.now,
    generateId: deps.generateId ?? randomId,
    signedReasoning: new SignedReasoningCache(),
  };

  return function openAiCompatRoutes(request, response) {
    const url = request.url ?? '/';
    if (!url.startsWith('/v1/')) return false;
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const method = request.method ?? 'GET';
    const match = handlerFor(method, path);
    const exchange = new ExchangeContext(request, response, env.now(), env, 'openai-compat', 'openai-chat');
    // `v1` is never a domain: a `/v1/…` path nobody serves gets the list of what is served.
    const handler: CompatHandler =
      match === undefined
        ? async () => {
            throw new ProxyError('not_found', `${method} ${path} is not served: the OpenAI-compatible entry serves ${SERVED}. For any other API put the provider's domain first, e.g. /api.openai.com${path}`);
          }
        : 'handler' in match
          ? match.handler
          : async () => {
              throw new ProxyError('not_found', `${method} ${path} is not served; use ${match.allowed}`);
            };
    void run(env, exchange, handler);
    return true;
  };
}

async function run(env: CompatEnv, exchange: ExchangeContext, handler: CompatHandler): Promise<void> {
  try {
    await handler(env, exchange);
  } catch (error) {
    const proxyError = asProxyError(error);
    if (proxyError.code === 'internal_error') env.logger.error({ err: error }, 'openai-compat: internal error');
    if (!exchange.clientGone) exchange.refuse(proxyError);
  } finally {
    exchange.finish();
  }
}
