// The domain allowlist: exact, case-insensitive match on host[:port]. Decides the upstream origin
// (https unless the entry says otherwise) and whether private addresses are acceptable.
import type { Config, DomainConfig } from '../../config/schema.js';
import { ProxyError } from '../../errors.js';
import { allowlistAdvice } from '../../config/suggest-domain-entry.js';
import { detectAuthType } from '../auth/detect-auth-type.js';
import type { ParsedTarget } from './parse-target.js';

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
      `domain "${target.authority}" is not allowed: ${what} in the allowlist. ${allowlistAdvice(target.authority, detectAuthType(undefined, target.path))}`,
    );
  }
  const scheme = entry.https ? 'https' : 'http';
  return { entry, origin: `${scheme}://${target.authority}` };
}

/** Host names whose resolved addresses may be private: local servers the user allowed on purpose. */
export function privateAllowedHosts(allowedDomains: Config['allowed_domains']): Set<string> {
  const hosts = new Set<string>();
  for (const [authority, entry] of Object.entries(allowedDomains)) {
    if (entry.https === false || entry.allow_private === true) {
      hosts.add(authority.startsWith('[') ? authority.slice(0, authority.indexOf(']') + 1) : authority.split(':')[0]!);
    }
  }
  return hosts;
}
