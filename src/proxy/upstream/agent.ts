// The one pooled keep-alive dispatcher shared by every upstream request (the dynamic proxy and the
// OpenAI-compatible entry alike). Its connector is where the SSRF address check happens: IP
// literals are judged before the socket is opened, names through the guarded DNS lookup.
import { Agent, buildConnector } from 'undici';
import type { Config } from '../../config/schema.js';
import { privateAllowedHosts } from '../target/allowlist.js';
import { createGuardedLookup, guardConnectTarget, type ResolveAll } from './guarded-lookup.js';
import { createPoolAdmission, type AdmissionCounters } from './pool-admission.js';

export interface UpstreamAgentOptions {
  /** Replaces the system resolver (tests serve private, 6to4 or Teredo answers for a name). */
  resolve?: ResolveAll;
  /** Where the pool's queue timeouts are counted (ProxyMetrics). */
  metrics?: AdmissionCounters;
}

export function createUpstreamAgent(config: Config, options: UpstreamAgentOptions = {}): Agent {
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
  // The composed agent is still typed as an Agent: close() and destroy() reach the real one.
  return agent.compose(
    createPoolAdmission({ limit: upstream.connections_per_origin, waitMs: upstream.queue_wait_ms, ...(options.metrics ? { counters: options.metrics } : {}) }),
  ) as unknown as Agent;
}
