// GET /v1/models: the models each route's upstream lists for the client's key (called in parallel
// through the shared agent, with short timeouts), keeping only the models that route would serve
// (the first matching route is that route). An upstream that cannot be asked (no key, refused,
// unreachable, not allowlisted) contributes its configured routes instead, their `match` as the id.
// GET /v1/models/{id}: answered from the routing table alone. Neither is recorded (no exchange
// with a model took place).
import { ProxyError } from '../../errors.js';
import type { ModelEntry } from '../../translate/openai-chat-response.js';
import { CREDENTIAL_HEADERS, providerById } from '../../providers/registry.js';
import type { CompatRoute } from '../../translate/route-model.js';
import { asArray, asNumber, asObject, asString } from '../../wire/shared/read-json.js';
import { callUpstream, readUpstreamBody } from './call-upstream.js';
import { MAX_UPSTREAM_JSON_BYTES, type CompatEnv, type CompatHandler } from './compat-env.js';
import type { ExchangeContext } from '../exchange/exchange-context.js';
import { resolveRouteTarget } from './resolve-route-target.js';
import { forwardedHeaders } from '../upstream/forwarded-headers.js';
import { translatedHeaders } from './upstream-headers.js';

const LIST_TIMEOUT_MS = 15_000;

export const handleModelList: CompatHandler = async (env, exchange) => {
  const upstreams = new Map<string, CompatRoute[]>();
  for (const route of env.router.routes) {
    const key = `${route.provider} ${route.domain}`;
    upstreams.set(key, [...(upstreams.get(key) ?? []), route]);
  }
  const hasKey = CREDENTIAL_HEADERS.some((name) => exchange.request.headers[name] !== undefined);
  const lists = await Promise.all(
    [...upstreams.values()].map(async (routes) => {
      const route = routes[0]!;
      const listed = hasKey ? await listUpstreamModels(env, exchange, route) : undefined;
      if (listed === undefined) {
        return routes.map((entry): ModelEntry => ({ id: entry.match, object: 'model', created: 0, owned_by: entry.provider }));
      }
      // Only what this upstream would actually be sent: the model's first matching route is one of these.
      return listed.filter((model) => {
        const served = env.router.routeFor(model.id);
        return served !== undefined && served.provider === route.provider && served.domain === route.domain;
      });
    }),
  );
  const seen = new Set<string>();
  const data = lists.flat().filter((model) => !seen.has(model.id) && seen.add(model.id));
  exchange.log.models = data.length;
  exchange.answerJson(200, { object: 'list', data });
};

async function listUpstreamModels(env: CompatEnv, exchange: ExchangeContext, route: CompatRoute): Promise<ModelEntry[] | undefined> {
  try {
    const target = resolveRouteTarget(route, env.config.allowed_domains);
    const provider = providerById(route.provider);
    const translator = provider.translator;
    const request = translator ? translator.modelsRequest() : { method: 'GET' as const, path: '/v1/models' };
    const upstream = await callUpstream(env.agent, {
      origin: target.origin,
      path: request.path,
      method: request.method,
      headers: translator ? translatedHeaders(exchange.request, provider, 'application/json', false) : openAiListHeaders(exchange),
      body: null,
      signal: exchange.signal,
      headersTimeoutMs: LIST_TIMEOUT_MS,
      bodyTimeoutMs: LIST_TIMEOUT_MS,
    });
    const text = (await readUpstreamBody(upstream.body, MAX_UPSTREAM_JSON_BYTES)).toString('utf8');
    if (upstream.statusCode !== 200) {
      env.logger.info({ provider: route.provider, domain: route.domain, status: upstream.statusCode }, 'openai-compat: upstream model list refused; listing the routes instead');
      return undefined;
    }
    const body: unknown = JSON.parse(text);
    return translator ? translator.modelsResponse(body) : openAiModels(body);
  } catch (error) {
    env.logger.info({ provider: route.provider, domain: route.domain, reason: (error as Error).message }, 'openai-compat: upstream model list unavailable; listing the routes instead');
    return undefined;
  }
}

function openAiListHeaders(exchange: ExchangeContext) {
  const headers = forwardedHeaders(exchange.request);
  delete headers['content-type'];
  return headers;
}

function openAiModels(body: unknown): ModelEntry[] {
  return asArray(asObject(body).data).flatMap((raw) => {
    const model = asObject(raw);
    const id = asString(model.id);
    if (id === undefined) return [];
    return [{ id, object: 'model' as const, created: asNumber(model.created) ?? 0, owned_by: asString(model.owned_by) ?? 'openai' }];
  });
}

export const handleModelRetrieve: CompatHandler = async (env, exchange) => {
  const path = (exchange.request.url ?? '').split('?')[0] ?? '';
  let id: string;
  try {
    id = decodeURIComponent(path.slice('/v1/models/'.length));
  } catch {
    throw new ProxyError('bad_request', 'the model id in the path is not valid percent-encoding');
  }
  const route = env.router.routeFor(id);
  if (id === '' || !route) throw new ProxyError('not_found', `no openai_compat route matches model "${id}"`);
  exchange.answerJson(200, { id, object: 'model', created: 0, owned_by: route.provider } satisfies ModelEntry);
};
