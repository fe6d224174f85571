// A route's domain → the upstream origin, under the same rules as the dynamic proxy: the domain is
// parsed as a target (no IP tricks, userinfo...) and must be on the allowlist, whose `https` flag
// picks the scheme. The SSRF address check then happens at connect time in the shared agent.
import type { Config } from '../../config/schema.js';
import { ProxyError } from '../../errors.js';
import type { CompatRoute } from '../../translate/route-model.js';
import { resolveAllowedTarget } from '../target/allowlist.js';
import { parseTarget } from '../target/parse-target.js';

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
