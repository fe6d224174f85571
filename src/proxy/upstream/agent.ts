// The one pooled keep-alive dispatcher shared by every upstream request (the dynamic proxy and the
// OpenAI-compatible entry alike). Its connector is where the SSRF address check happens: IP
// literals are judged before the socket is opened, names through the guarded DNS lookup. Composed
// on: the connect-retry policy, and outermost the pool admission (a bounded wait for a slot, then
// 503), so a request keeps its slot across its connect retries.
import { Agent, buildConnector, type Dispatcher } from 'undici';
import type { Config } from '../../config/schema.js';
import { privateAllowedHosts } from '../target/allowlist.js';
import { createGuardedLookup, guardConnectTarget, type ResolveAll } from './guarded-lookup.js';
import { createPoolAdmission, type AdmissionCounters } from './pool-admission.js';
import { retryConnectFailures } from './retry-connect-interceptor.js';

export interface UpstreamAgentOptions {
  /** Replaces the system resolver (tests serve private, 6to4 or Teredo answers for a name). */
  resolve?: ResolveAll;
  /** Where the pool's queue timeouts are counted (ProxyMetrics). */
  metrics?: AdmissionCounters;
}

/** The pooled agent with the policies composed on (close/destroy reach the agent). */
export function createUpstreamAgent(config: Config, options: UpstreamAgentOptions = {}): Dispatcher.ComposedDispatcher {
  const upstream = config.upstream;
  const allowPrivate = privateAllowedHosts(config.allowed_domains);
  const lookup = createGuardedLookup({ allowPrivate, ttlMs: upstream.dns_cache_ttl_ms, ...(options.resolve ? { resolve: options.resolve } : {}) });
  const baseConnect = buildConnector({ timeout: upstream.connect_timeout_ms, lookup } as buildConnector.BuildOptions);
  const connect: buildConnector.connector = (connectOptions, callback) => {
    const refused = guardConnectTarget(connectOptions.hostname, allowPrivate);
    if (refused) {
      queueMicrotask(() => callback(refused, null));
      return;
    }
    baseConnect(connectOptions, callback);
  };
  const agent = new Agent({
    connections: upstream.connections_per_origin,
    keepAliveTimeout: upstream.keep_alive_timeout_ms,
    keepAliveMaxTimeout: Math.max(upstream.keep_alive_timeout_ms, 600_000),
    headersTimeout: upstream.headers_timeout_ms,
    bodyTimeout: upstream.body_timeout_ms,
    connectTimeout: upstream.connect_timeout_ms,
    maxRedirections: 0,
    connect,
  } as Agent.Options);
  return agent.compose(
    retryConnectFailures({ retries: upstream.connect_retries, backoffMs: upstream.retry_backoff_ms }),
    createPoolAdmission({ limit: upstream.connections_per_origin, waitMs: upstream.queue_wait_ms, ...(options.metrics ? { counters: options.metrics } : {}) }),
  );
}
