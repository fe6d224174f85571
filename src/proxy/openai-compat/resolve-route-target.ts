// A route's domain → the upstream origin, under the same rules as the dynamic proxy: the domain is
// parsed as a target (no IP tricks, userinfo...) and must be on the allowlist, whose `https` flag
// picks the scheme. The SSRF address check then happens at connect time in the shared agent.
import type { Config } from '../../config/schema.js';
import { ProxyError } from '../../errors.js';
import type { CompatRoute } from '../../translate/route-model.js';
import { resolveAllowedTarget } from '../target/allowlist.js';
import { parseTarget } from '../target/parse-target.js';
import { providerById } from '../../providers/registry.js';
import type { CompatEnv } from './compat-env.js';
import type { ExchangeContext } from '../exchange/exchange-context.js';

export interface RouteTarget {
  /** Lower-cased host[:port]: the recorded domain. */
  authority: string;
  /** `https://host[:port]` or `http://...`. */
  origin: string;
}

export function resolveRouteTarget(route: CompatRoute, allowedDomains: Config['allowed_domains']): RouteTarget {
  const target = parseTarget(`/${route.domain}/`);
  try {
    const allowed = resolveAllowedTarget(target, allowedDomains);
    return { authority: target.authority, origin: allowed.origin };
  } catch (error) {
    if (error instanceof ProxyError && error.code === 'domain_not_allowed') {
      throw new ProxyError(
        'domain_not_allowed',
        `openai_compat route "${route.match}" sends to "${target.authority}", which is not in the allowlist. Add it to "allowed_domains" in config.json, e.g. {"allowed_domains": {"${target.authority}": {"https": true}}}`,
      );
    }
    throw error;
  }
}

/** The route, upstream, provider and its translator for a model (none: an OpenAI-speaking pass-through route), noted in the exchange's log line. */
export function routeModel(env: CompatEnv, exchange: ExchangeContext, model: string) {
  exchange.log.model = model;
  const route = env.router.routeFor(model);
  if (!route) throw new ProxyError('not_found', `no openai_compat route matches model "${model}"; add one to "openai_compat.routes" in config.json`);
  const target = resolveRouteTarget(route, env.config.allowed_domains);
  exchange.log.provider = route.provider;
  exchange.log.domain = target.authority;
  const provider = providerById(route.provider);
  return { route, target, provider, translator: provider.translator };
}
