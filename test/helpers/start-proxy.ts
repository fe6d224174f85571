// Starts the real app on a loopback port with a config built for the test (fake upstreams
// allowlisted with "https": false) and a silent or file-only logger.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/schema.js';
import { createLogger, flushLogs } from '../../src/log/create-logger.js';
import { startApp, type App, type RecordingService } from '../../src/main.js';

export interface TestProxy {
  app: App;
  url: string;
  config: Config;
  logFile: string | null;
  close(): Promise<void>;
}

export async function startTestProxy(
  rawConfig: Record<string, unknown>,
  options: { logFile?: boolean; recording?: (logger: ReturnType<typeof createLogger>) => Promise<RecordingService> } = {},
): Promise<TestProxy> {
  const { config } = parseConfig(rawConfig);
  const logFile = options.logFile ? join(mkdtempSync(join(tmpdir(), 'llmproxy-log-')), 'proxy.log') : null;
  const logger = createLogger({ level: 'debug', file: logFile, console: false });
  const recording = options.recording ? await options.recording(logger) : null;
  const app = await startApp({ config, logger, port: 0, host: '127.0.0.1', recording });
  return {
    app,
    url: app.proxy.url,
    config,
    logFile,
    async close() {
      await app.close(2_000);
      await flushLogs(logger);
      await new Promise((resolve) => setTimeout(resolve, 50));
    },
  };
}

/** allowed_domains entries for fake upstreams on loopback. */
export function allowLoopback(...authorities: Array<{ authority: string; auth_type?: string }>): Record<string, unknown> {
  const domains: Record<string, unknown> = {};
  for (const entry of authorities) {
    domains[entry.authority] = { https: false, ...(entry.auth_type ? { auth_type: entry.auth_type } : {}) };
  }
  return domains;
}
