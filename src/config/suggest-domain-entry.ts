// The allowlist entry to suggest for a domain the proxy refused: the auth_type its host (or, for
// an unknown host, its API path) calls for, and "https": false for local servers. The snippet
// uses extra_allowed_domains, which ADDS to the built-in list; pasting an allowed_domains
// snippet would replace it and break every other provider (README, "config.json").
import type { AuthType } from './defaults.js';

export interface SuggestedEntry {
  auth_type?: AuthType;
  https: boolean;
}

const LOCAL_HOST = /^(?:localhost|127\.\d+\.\d+\.\d+|\[::1\]|0\.0\.0\.0|host\.docker\.internal)$/;
const PRIVATE_IPV4 = /^(?:10\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.)/;

/** `host[:port]` → the entry a user most likely wants. `pathAuthType` is what the request's path suggests. */
export function suggestDomainEntry(authority: string, pathAuthType: AuthType | undefined): SuggestedEntry {
  const hostname = authority.startsWith('[') ? authority.slice(0, authority.indexOf(']') + 1) : authority.split(':')[0]!;
  const local = LOCAL_HOST.test(hostname) || PRIVATE_IPV4.test(hostname) || hostname.endsWith('.local') || hostname.endsWith('.internal');
  const authType = authTypeOfHost(hostname) ?? pathAuthType;
  return { ...(authType ? { auth_type: authType } : {}), https: !local };
}

function authTypeOfHost(hostname: string): AuthType | undefined {
  if (/(?:^|[.-])(?:anthropic|claude)(?:[.-]|$)/.test(hostname)) return 'anthropic';
  if (hostname.endsWith('.googleapis.com') || /(?:^|[.-])(?:gemini|google)(?:[.-]|$)/.test(hostname)) return 'google';
  return undefined;
}

/** The advice line of a domain_not_allowed refusal. */
export function allowlistAdvice(authority: string, pathAuthType: AuthType | undefined): string {
  const snippet = JSON.stringify({ extra_allowed_domains: { [authority]: suggestDomainEntry(authority, pathAuthType) } });
  return `Add it to config.json as ${snippet} (extra_allowed_domains adds to the built-in list; allowed_domains would replace it), then restart the proxy`;
}
