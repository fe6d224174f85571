// Built-in defaults: what the proxy does with no config.json at all (SPEC.md section 1).

export type AuthType = 'openai' | 'anthropic' | 'google';

export interface DomainEntry {
  auth_type?: AuthType;
  https: boolean;
  /** Lets a resolved private/loopback address through the SSRF guard (local model servers). */
  allow_private?: boolean;
}

export const DEFAULT_ALLOWED_DOMAINS: Readonly<Record<string, DomainEntry>> = {
  'api.openai.com': { auth_type: 'openai', https: true },
  'api.anthropic.com': { auth_type: 'anthropic', https: true },
  // Moonshot serves both an OpenAI-compatible API and an Anthropic one under /anthropic/: the
  // seed lists it as anthropic, but leaving auth_type to path detection serves both correctly.
  'api.moonshot.cn': { https: true },
  'api.deepseek.com': { auth_type: 'openai', https: true },
  'api.siliconflow.cn': { auth_type: 'openai', https: true },
  'dashscope.aliyuncs.com': { auth_type: 'openai', https: true },
  'models.inference.ai.azure.com': { auth_type: 'openai', https: true },
  'generativelanguage.googleapis.com': { auth_type: 'google', https: true },
  'api.jina.ai': { auth_type: 'openai', https: true },
  'deepsearch.jina.ai': { auth_type: 'openai', https: true },
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
