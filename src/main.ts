// The composition root: the only place that wires modules together.
import type { Logger } from 'pino';
import type { Config } from './config/schema.js';
import { ProxyMetrics } from './proxy/metrics.js';
import type { Recorder } from './proxy/recorder.js';
import { startProxyServer, type ProxyServer } from './proxy/server.js';
import { createUpstreamAgent } from './proxy/upstream/agent.js';
import { VERSION } from './version.js';

export interface AppOptions {
  config: Config;
  logger: Logger;
  port: number;
  host: string;
  /** Recording side (capture + store); null runs a pure proxy (`--no-record`). */
  recording?: RecordingService | null;
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
  /** Graceful stop: stop accepting, finish in-flight requests, flush recordings, close everything. */
  close(graceMs?: number): Promise<void>;
}

export async function startApp(options: AppOptions): Promise<App> {
  const { config, logger } = options;
  const agent = createUpstreamAgent(config);
  const metrics = new ProxyMetrics();
  const recording = options.recording ?? null;
  const proxy = await startProxyServer(
    {
      config,
      agent,
      logger,
      metrics,
      recorder: recording?.recorder ?? null,
      health: async () => ({
        status: 'ok',
        version: VERSION,
        uptime_s: Math.round((Date.now() - metrics.startedAt) / 1000),
        ...metrics.snapshot(),
        store: recording ? await recording.health() : { recording: false },
      }),
    },
    { port: options.port, host: options.host },
  );
  return {
    proxy,
    metrics,
    async close(graceMs = 10_000) {
      await proxy.close(graceMs);
      await agent.close().catch(() => agent.destroy());
      await recording?.close();
    },
  };
}
