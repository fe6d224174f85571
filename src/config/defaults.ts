// Built-in defaults: what the proxy does with no config.json at all (SPEC.md section 1). The
// allowlist comes from the provider records (src/providers/), so a provider's domains are listed once.

import { PROVIDERS } from '../providers/registry.js';
import type { ProviderId } from '../providers/provider.js';

/** config.json's `auth_type`: a provider id (src/providers/registry.ts). */
export type AuthType = ProviderId;

export interface DomainEntry {
  auth_type?: AuthType;
  https: boolean;
  /** Lets a resolved private/loopback address through the SSRF guard (local model servers). */
  allow_private?: boolean;
}

/** Every provider's default domains, plus hosts that serve more than one provider's API. */
export const DEFAULT_ALLOWED_DOMAINS: Readonly<Record<string, DomainEntry>> = {
  ...Object.fromEntries(PROVIDERS.flatMap((provider) => provider.defaultDomains.map((domain) => [domain, { auth_type: provider.id, https: true }]))),
  // Moonshot serves both an OpenAI-compatible API and an Anthropic one under /anthropic/: the
  // seed lists it as anthropic, but leaving auth_type to path detection serves both correctly.
  'api.moonshot.cn': { https: true },
};

export const DEFAULT_PROBE_REQUEST = {
  path_blocklist: ['/', '/favicon.ico'],
  path_prefix_blocklist: ['/.well-known/', '/locales/'],
  user_agent_substrings: ['CensysInspect', 'Go-http-client'],
  allowed_methods: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
  ip_blocklist: [] as string[],
};

/** Log-noise patterns (regex sources) for the `probe_filter` log filter, applied to request paths. */
export const DEFAULT_PROBE_LOG_PATTERNS = [
  '^/\\.env',
  '^/\\.git',
  '^/wp-',
  '^/wordpress',
  '\\.php$',
  '^/cgi-bin/',
  '^/phpmyadmin',
  '^/admin',
  '^/actuator',
  '^/server-status',
  '^/boaform',
  '^/HNAP1',
  '^/owa/',
  '^/remote/',
  '^/solr/',
  '^/vendor/',
  '^/console',
];

export const DEFAULT_PROBE_LOG_IP_PATTERNS: string[] = [];
