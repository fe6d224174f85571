// The one pooled keep-alive dispatcher shared by every upstream request.
import { Agent, type Dispatcher } from 'undici';
import type { Config } from '../../config/schema.js';
import { privateAllowedHosts } from '../target/allowlist.js';
import { createGuardedLookup } from './guarded-lookup.js';
import { retryConnectFailures } from './retry-connect-interceptor.js';

/** The pooled agent with the connect-retry policy composed on (close/destroy reach the agent). */
export function createUpstreamAgent(config: Config): Dispatcher.ComposedDispatcher {
  const upstream = config.upstream;
  const agent = new Agent({
    connections: upstream.connections_per_origin,
    keepAliveTimeout: upstream.keep_alive_timeout_ms,
    keepAliveMaxTimeout: Math.max(upstream.keep_alive_timeout_ms, 600_000),
    headersTimeout: upstream.headers_timeout_ms,
    bodyTimeout: upstream.body_timeout_ms,
    connectTimeout: upstream.connect_timeout_ms,
    maxRedirections: 0,
    connect: {
      timeout: upstream.connect_timeout_ms,
      lookup: createGuardedLookup({ allowPrivate: privateAllowedHosts(config.allowed_domains), ttlMs: upstream.dns_cache_ttl_ms }),
    },
  } as Agent.Options);
  return agent.compose(retryConnectFailures({ retries: upstream.connect_retries, backoffMs: upstream.retry_backoff_ms }));
}
