// The composition root: the only place that wires modules together.
import type { Logger } from 'pino';
import { startAdminServer, type AdminServer, type AdminServerOptions } from './admin/admin-server.js';
import type { Config } from './config/schema.js';
import { ProxyMetrics } from './proxy/metrics.js';
import { createOpenAiCompatRoutes } from './proxy/openai-compat/create-openai-compat-routes.js';
import type { Recorder } from './proxy/recorder.js';
import { startProxyServer, type ProxyServer } from './proxy/server.js';
import { createUpstreamAgent } from './proxy/upstream/agent.js';
import { VERSION } from './version.js';
import { Registry } from 'prom-client';
import type { GroupView } from './cluster/cluster-view.js';
import { createOwnerRegistry } from './metrics/owner-metrics.js';

export interface AppOptions {
  config: Config;
  logger: Logger;
  port: number;
  host: string;
  /** Recording side (capture + store); null runs a pure proxy (`--no-record`). */
  recording?: RecordingService | null;
  /** The review UI and admin API (`--no-ui`: null). The app closes its store on close. */
  admin?: Omit<AdminServerOptions, 'logger'> | null;
  /**
   * A cluster worker's /health and /metrics: the process group's view, from the primary
   * (cluster/cluster-view.ts). Absent: this process is the whole proxy and answers for itself.
   */
  groupView?: (metrics: ProxyMetrics) => GroupView;
}

/** The recording side as the app sees it: a Recorder for the proxy, health for /health, and close. */
export interface RecordingService {
  recorder: Recorder;
  health(): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export interface App {
  proxy: ProxyServer;
  metrics: ProxyMetrics;
  admin: AdminServer | null;
  /** Graceful stop: stop accepting, finish in-flight requests, flush recordings, close everything. */
  close(graceMs?: number): Promise<void>;
}

export async function startApp(options: AppOptions): Promise<App> {
  const { config, logger } = options;
  const metrics = new ProxyMetrics({ domains: Object.keys(config.allowed_domains) });
  const agent = createUpstreamAgent(config, { metrics });
  const recording = options.recording ?? null;
  let admin: AdminServer | null = null;
  const view: GroupView = options.groupView?.(metrics) ?? localView(metrics, recording);
  const proxy = await startProxyServer(
    {
      config,
      agent,
      logger,
      metrics,
      recorder: recording?.recorder ?? null,
      uiUrl: () => admin?.url ?? null,
      localRoutes: createOpenAiCompatRoutes({ config, agent, logger, metrics, recorder: recording?.recorder ?? null }),
      health: () => view.health(),
      metricsText: () => view.metricsText(),
    },
    { port: options.port, host: options.host },
  );
  if (options.admin) {
    try {
      admin = await startAdminServer({ ...options.admin, logger });
    } catch (error) {
      await proxy.close(0);
      await agent.close().catch(() => agent.destroy());
      throw error;
    }
  }
  return {
    proxy,
    metrics,
    admin,
    async close(graceMs = 10_000) {
      await admin?.close();
      await options.admin?.store.close();
      await proxy.close(graceMs);
      await agent.close().catch(() => agent.destroy());
      await recording?.close();
    },
  };
}

/** /health and /metrics of a process that is the whole proxy (no --workers). */
function localView(metrics: ProxyMetrics, recording: RecordingService | null): GroupView {
  const owner = createOwnerRegistry(recording ? () => recording.health() : null);
  return {
    health: async () => ({
      status: 'ok',
      version: VERSION,
      uptime_s: Math.round((Date.now() - metrics.startedAt) / 1000),
      ...metrics.snapshot(),
      store: recording ? await recording.health() : { recording: false },
    }),
    metricsText: () => Registry.merge([metrics.registry, owner]).metrics(),
  };
}
