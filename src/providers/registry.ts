// The only list of providers. Adding a provider that speaks an existing wire format is one record
// here (a file beside openai.ts); the proxy, the allowlist defaults, log redaction and the
// OpenAI-compatible entry all read it from this list.
import { anthropicProvider } from './anthropic.js';
import { googleProvider } from './google.js';
import { openaiProvider } from './openai.js';
import type { Provider, ProviderId } from './provider.js';

/** Checked in order for allowlist entries without `auth_type`: the first that claims the path wins (openai last). */
export const PROVIDERS: readonly Provider[] = [anthropicProvider, googleProvider, openaiProvider];

const BY_ID = new Map<ProviderId, Provider>(PROVIDERS.map((provider) => [provider.id, provider]));

export function providerById(id: ProviderId): Provider {
  const provider = BY_ID.get(id);
  if (!provider) throw new Error(`unknown provider ${id}`);
  return provider;
}

/** The allowlist entry's `auth_type` when set, else the provider whose API the path is. */
export function providerFor(configured: ProviderId | undefined, path: string): Provider {
  if (configured) return providerById(configured);
  return PROVIDERS.find((provider) => provider.claimsPath(path)) ?? openaiProvider;
}

/** Every request header that carries a provider credential: redacted from logs, never recorded. */
export const CREDENTIAL_HEADERS: readonly string[] = [...new Set(PROVIDERS.flatMap((provider) => provider.credentialHeaders))];

/** Credentials plus the other headers that must never reach a log line. */
export const SECRET_HEADERS: readonly string[] = [...CREDENTIAL_HEADERS, 'cookie', 'proxy-authorization'];
