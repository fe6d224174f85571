// config.json, validated once at start-up. Keys follow the original tool's names (seed-compatible);
// everything is optional and defaults to a safe working setup.
import { z } from 'zod';
import { DEFAULT_ALLOWED_DOMAINS, DEFAULT_PROBE_REQUEST } from './defaults.js';

const domainEntrySchema = z.object({
  auth_type: z.enum(['openai', 'anthropic', 'google']).optional(),
  https: z.boolean().default(true),
  allow_private: z.boolean().optional(),
});

const probeRequestSchema = z.object({
  path_blocklist: z.array(z.string()).default(DEFAULT_PROBE_REQUEST.path_blocklist),
  path_prefix_blocklist: z.array(z.string()).default(DEFAULT_PROBE_REQUEST.path_prefix_blocklist),
  user_agent_substrings: z.array(z.string()).default(DEFAULT_PROBE_REQUEST.user_agent_substrings),
  allowed_methods: z
    .array(z.string().transform((method) => method.toUpperCase()))
    .default(DEFAULT_PROBE_REQUEST.allowed_methods),
  ip_blocklist: z.array(z.string()).default([]),
});

const regexSource = z.string().refine(
  (source) => {
    try {
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'is not a valid regular expression' },
);

const probeFilterSchema = z.object({
  patterns: z.array(regexSource).optional(),
  ip_patterns: z.array(regexSource).optional(),
  custom_patterns: z.array(regexSource).default([]),
  custom_ip_patterns: z.array(regexSource).default([]),
  disable_default_patterns: z.boolean().default(false),
  disable_default_ip_patterns: z.boolean().default(false),
});

const upstreamSchema = z.object({
  connect_timeout_ms: z.number().int().positive().default(10_000),
  /** Time to the response headers: a slow model may think for minutes before the first byte. */
  headers_timeout_ms: z.number().int().positive().default(300_000),
  /** Longest silence between two body chunks. */
  body_timeout_ms: z.number().int().positive().default(300_000),
  // Each in-flight request holds its own HTTP/1.1 connection and LLM streams last minutes: a low
  // cap would queue streams behind each other. 4096 serves the goal of 2,000+ concurrent streams
  // per origin (1,024 left 976 of 2,000 waiting for headers).
  connections_per_origin: z.number().int().positive().default(4096),
  /** Longest a request waits for a free connection when its origin's pool is full; then 503 with Retry-After. */
  queue_wait_ms: z.number().int().min(0).default(10_000),
  keep_alive_timeout_ms: z.number().int().positive().default(60_000),
  connect_retries: z.number().int().min(0).max(10).default(3),
  retry_backoff_ms: z.number().int().min(0).default(200),
  dns_cache_ttl_ms: z.number().int().min(0).default(60_000),
});

/** The proxy's own listening side: limits that cut slow or stalled clients loose (README, "Security"). */
const serverSchema = z.object({
  /** Time for a client to send the request line and headers. */
  headers_timeout_ms: z.number().int().positive().default(30_000),
  /** Time for a client to send its whole request, body included (not the response: streams may last much longer). */
  request_timeout_ms: z.number().int().positive().default(120_000),
  /** A request body arriving slower than this (measured after its first 5 s) is cut with 408. 0 disables. */
  min_body_bytes_per_second: z.number().int().min(0).default(1024),
  /** A connection with no bytes in either direction for this long is closed; above the upstream timeouts so a thinking model is not cut. */
  idle_timeout_ms: z.number().int().positive().default(330_000),
  /** Idle time between two requests on a keep-alive connection. */
  keep_alive_timeout_ms: z.number().int().positive().default(65_000),
  /** A client that stops reading its response (the socket stays full) for this long is disconnected. */
  write_timeout_ms: z.number().int().positive().default(30_000),
});

const securitySchema = z.object({
  rate_limit: z
    .object({
      rate: z.number().positive(),
      burst: z.number().int().positive(),
    })
    .nullable()
    .default(null),
});

/** The OpenAI-compatible entry's routing table (README, "OpenAI-compatible entry"): first match wins. */
export const DEFAULT_OPENAI_COMPAT_ROUTES = [
  { match: 'gemini-*', provider: 'google', domain: 'generativelanguage.googleapis.com' },
  { match: 'claude-*', provider: 'anthropic', domain: 'api.anthropic.com' },
  { match: '*', provider: 'openai', domain: 'api.openai.com' },
] as const;

const openaiCompatRouteSchema = z.object({
  /** A glob over the model name (picomatch; `*` also matches `/`, case-insensitive). */
  match: z.string().min(1),
  /** The wire format spoken upstream. */
  provider: z.enum(['google', 'anthropic', 'openai']),
  /** `host[:port]`; must be in allowed_domains, whose `https` flag applies. */
  domain: z
    .string()
    .min(1)
    .refine((domain) => !/[/\\\s@?#]/.test(domain), { message: 'must be a host or host:port, without scheme or path' })
    .transform((domain) => domain.toLowerCase()),
});

const openaiCompatSchema = z.object({
  routes: z.array(openaiCompatRouteSchema).default(() => DEFAULT_OPENAI_COMPAT_ROUTES.map((route) => ({ ...route }))),
});

const privacyActionSchema = z.enum(['redact', 'drop', 'keep', 'off']);

/** What `llm-proxy-sharegpt export` does about secrets, personal data and duplicates (README, "Clean, shareable datasets"). */
const exportSchema = z.object({
  privacy: z
    .object({
      secrets: privacyActionSchema.default('redact'),
      email: privacyActionSchema.default('keep'),
      phone: privacyActionSchema.default('keep'),
      ip: privacyActionSchema.default('keep'),
      credit_card: privacyActionSchema.default('keep'),
      iban: privacyActionSchema.default('keep'),
      /** Harmless values: a literal, or a regular expression written "/source/flags". */
      allowlist: z
        .array(
          z.string().refine(
            (entry) => {
              const regex = /^\/(.+)\/([a-z]*)$/s.exec(entry);
              if (regex === null) return entry !== '';
              try {
                new RegExp(regex[1]!, regex[2]!);
                return true;
              } catch {
                return false;
              }
            },
            { message: 'is empty or a /regular expression/ that does not compile' },
          ),
        )
        .default([]),
    })
    .prefault({}),
  dedup: z
    .object({
      mode: z.enum(['off', 'exact', 'near']).default('near'),
      threshold: z.number().gt(0).max(1).default(0.8),
    })
    .prefault({}),
  hf: z
    .object({
      validation_ratio: z.number().min(0).lt(1).default(0.1),
      seed: z.number().int().default(0),
      license: z.string().default(''),
    })
    .prefault({}),
});

export const configSchema = z.object({
  /** The whole allowlist: when given, it REPLACES the built-in list (seed-compatible). */
  allowed_domains: z.record(z.string(), domainEntrySchema).default(() => ({ ...DEFAULT_ALLOWED_DOMAINS })),
  /** Added on top of allowed_domains (built-in or configured); an entry here wins over one there. */
  extra_allowed_domains: z.record(z.string(), domainEntrySchema).default(() => ({})),
  max_body_bytes: z.number().int().positive().default(8 * 1024 * 1024),
  trust_proxy: z.boolean().default(false),
  probe_request: probeRequestSchema.prefault({}),
  probe_filter: probeFilterSchema.prefault({}),
  upstream: upstreamSchema.prefault({}),
  server: serverSchema.prefault({}),
  security: securitySchema.prefault({}),
  recording: z
    .object({
      /** Responses larger than this are recorded truncated (and flagged incomplete); the client still gets all of it. */
      max_response_bytes: z.number().int().positive().default(32 * 1024 * 1024),
      /**
       * Bytes of ended exchanges the recording worker may hold unprocessed; past them new exchanges
       * wait in the capture journal on disk until it catches up (single-process mode).
       */
      backlog_memory_bytes: z.number().int().positive().default(8 * 1024 * 1024),
      /** Where recordings go (store/open-store.ts); `--db` and `DB` override `url`. */
      database: z
        .object({
          /** A SQLite file path (default ./data/llm-proxy.db) or postgres://user:password@host:port/database. */
          url: z.string().min(1).optional(),
          /** PostgreSQL: connections per process. */
          pool_size: z.number().int().min(1).max(1_000).default(10),
          /** PostgreSQL: longest any one statement may run, in ms (0 = no limit). */
          statement_timeout_ms: z.number().int().min(0).default(30_000),
          /** PostgreSQL TLS; overrides an sslmode in the URL. */
          sslmode: z.enum(['disable', 'no-verify', 'prefer', 'require', 'verify-ca', 'verify-full']).optional(),
          /** Where records wait while the database is unreachable (default: beside a SQLite file; ./data/postgres-<host>-<port>-<db>.spool.jsonl). */
          spool_path: z.string().min(1).optional(),
        })
        .strict()
        .prefault({}),
    })
    .prefault({}),
  openai_compat: openaiCompatSchema.prefault({}),
  export: exportSchema.prefault({}),
  /** OpenTelemetry: one span per recorded exchange, exported over OTLP/HTTP. Off unless set. */
  telemetry: z
    .object({
      /** The collector's OTLP/HTTP traces URL, e.g. http://127.0.0.1:4318/v1/traces. */
      otlp_endpoint: z.url({ protocol: /^https?$/ }),
      service_name: z.string().min(1).default('llm-proxy-sharegpt'),
      /** Sent with every export (a collector's auth header); never logged. */
      headers: z.record(z.string(), z.string()).default(() => ({})),
      export_delay_ms: z.number().int().positive().default(5_000),
    })
    .nullable()
    .default(null),
});

export type Config = z.infer<typeof configSchema>;
export type DomainConfig = z.infer<typeof domainEntrySchema>;
export type OpenAiCompatRoute = z.infer<typeof openaiCompatRouteSchema>;
export type ExportConfig = z.infer<typeof exportSchema>;
