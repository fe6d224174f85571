// The domain allowlist: exact, case-insensitive match on host[:port]. Decides the upstream origin
// (https unless the entry says otherwise) and whether private addresses are acceptable.
import type { Config, DomainConfig } from '../../config/schema.js';
import { ProxyError } from '../../errors.js';
import { allowlistAdvice } from '../../config/suggest-domain-entry.js';
import { providerFor } from '../../providers/registry.js';
import type { ParsedTarget } from './parse-target.js';
import { canonicalHost } from './ssrf.js';

export interface AllowedTarget {
  entry: DomainConfig;
  /** `https://host[:port]` or `http://...`. */
  origin: string;
}

export function resolveAllowedTarget(target: ParsedTarget, allowedDomains: Config['allowed_domains']): AllowedTarget {
  const entry = allowedDomains[target.authority];
  if (!entry) {
    const what = target.isIpLiteral ? 'IP address targets are refused unless that exact address is' : 'it is not';
    throw new ProxyError(
      'domain_not_allowed',
      `domain "${target.authority}" is not allowed: ${what} in the allowlist. ${allowlistAdvice(target.authority, providerFor(undefined, target.path).id)}`,
    );
  }
  const scheme = entry.https ? 'https' : 'http';
  return { entry, origin: `${scheme}://${target.authority}` };
}

/**
 * Hosts (names and IP literals, in canonicalHost's spelling) whose addresses may be private: local
 * servers the user allowed on purpose with `"https": false` or `"allow_private": true`. Every other
 * allowlisted host, IP literals included, is held to the address-class check at connect time.
 */
export function privateAllowedHosts(allowedDomains: Config['allowed_domains']): Set<string> {
  const hosts = new Set<string>();
  for (const [authority, entry] of Object.entries(allowedDomains)) {
    if (entry.https === false || entry.allow_private === true) {
      hosts.add(canonicalHost(authority.startsWith('[') ? authority.slice(0, authority.indexOf(']') + 1) : authority.split(':')[0]!));
    }
  }
  return hosts;
}
