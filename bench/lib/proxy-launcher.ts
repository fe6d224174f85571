// Starts the proxy under test (the built CLI) against the fake upstream, one process per
// configuration, each with its own access log: the bench's main run and its PostgreSQL section
// start proxies the same way.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './measure.js';
import { startProcess, type Started } from './processes.js';

export interface LaunchedProxy {
  name: string;
  /** The proxy's URL prefix for the fake upstream (`http://127.0.0.1:port/upstream`). */
  baseUrl: string;
  process: Started;
  logPath: string;
}

export interface ProxyLauncher {
  /** `start` arguments for the CLI on a port, plus `extra` (`--db ...`, `--no-record`). */
  proxyArgs(port: number, extra: string[]): string[];
  /** Starts a proxy and waits until it listens. */
  spawnProxy(name: string, extra: string[]): Promise<LaunchedProxy>;
}

export const PROXY_READY = /proxy listening: http:\/\/127\.0\.0\.1:(\d+)/;

/**
 * `work`: a directory for the config and logs; `upstreamAuthority`: host:port of the fake
 * upstream; `onStarted` gets each proxy's stop, for the caller's cleanup.
 */
export function proxyLauncher(cli: string, work: string, upstreamAuthority: string, onStarted: (stop: () => Promise<void>) => void): ProxyLauncher {
  const config = join(work, 'config.json');
  writeFileSync(config, JSON.stringify({ allowed_domains: { [upstreamAuthority]: { https: false } } }));
  const logOf = (port: number) => join(work, `proxy-${port}.log`);
  const proxyArgs = (port: number, extra: string[]) => [cli, 'start', '--port', String(port), '--config', config, '--log-file', logOf(port), '--no-ui', ...extra];
  return {
    proxyArgs,
    async spawnProxy(name, extra) {
      const port = await freePort();
      const proxy = await startProcess(process.execPath, proxyArgs(port, extra), { readyPattern: PROXY_READY, env: { LOG_LEVEL: 'info' } });
      onStarted(() => proxy.stop());
      return { name, baseUrl: `http://127.0.0.1:${proxy.port}/${upstreamAuthority}`, process: proxy, logPath: logOf(port) };
    },
  };
}

/** The proxy's access log has one line per answered request: the 2xx ones. */
export function countAnswered2xx(logPath: string): number {
  let count = 0;
  for (const line of readFileSync(logPath, 'utf8').split('\n')) {
    if (!line.includes('"msg":"proxied"')) continue;
    const status = (JSON.parse(line) as { status?: number }).status ?? 0;
    if (status >= 200 && status < 300) count++;
  }
  return count;
}
