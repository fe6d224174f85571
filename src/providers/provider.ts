// What the proxy knows about one provider API family, in one record (see registry.ts for the list):
// how `Authorization: Bearer KEY` becomes the header it expects, which request headers carry its
// credentials, the domains it is reached at out of the box, the chat wire format its own API speaks
// (which also gives the shape of the proxy's own errors) and, for the OpenAI-compatible entry, the
// translator that speaks it from OpenAI chat completions. The proxy core never names a provider:
// it looks the record up by the allowlist entry's `auth_type` (or the request path).
import type { ChatTranslator } from '../translate/provider-translator.js';
import type { WireFormatId } from '../wire/wire-format.js';

/** The spelling config.json uses for a provider (`auth_type`, `openai_compat.routes[].provider`). */
export type ProviderId = 'openai' | 'anthropic' | 'google';

/** Outgoing request headers, lower-cased names (converted in place by `convertAuth`). */
export type OutgoingHeaders = Record<string, string | string[]>;

export interface Provider {
  id: ProviderId;
  /** The chat wire format of the provider's own API: errors the proxy answers on its paths take this shape. */
  wireFormat: WireFormatId;
  /** Request headers that carry a credential for this provider (redacted in logs, kept for translated calls). */
  credentialHeaders: readonly string[];
  /** Rewrites a client's `Authorization: Bearer KEY` into what the upstream expects; `query` is `?…` or ''. */
  convertAuth(headers: OutgoingHeaders, query: string): void;
  /** Hosts on the built-in allowlist that speak this provider's API. */
  defaultDomains: readonly string[];
  /** True when a path (after the domain) is this provider's API: used for allowlist entries without `auth_type`. */
  claimsPath(path: string): boolean;
  /** OpenAI chat completions ↔ this provider; absent for OpenAI-speaking upstreams (passed through). */
  translator?: ChatTranslator;
}

/** The token of `Authorization: Bearer TOKEN`, if that is what the headers hold. */
export function bearerToken(headers: OutgoingHeaders): string | undefined {
  const value = headers['authorization'];
  if (typeof value !== 'string') return undefined;
  const match = /^\s*bearer\s+(.+?)\s*$/i.exec(value);
  return match?.[1];
}
