// Starts the admin server (API + UI) on a loopback port over a fresh SQLite file, seeded with the
// given records; `api()` calls it the way the page does (JSON, CSRF header).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAdminServer, type AdminServer, type AdminServerOptions } from '../../src/admin/admin-server.js';
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '../../src/admin/api-types.js';
import type { ExchangeRecord } from '../../src/capture/exchange.js';
import { createLogger } from '../../src/log/create-logger.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';

export interface TestAdmin {
  admin: AdminServer;
  url: string;
  store: Store;
  dbPath: string;
  /** fetch() against the server with the page's headers (JSON + CSRF), plus `headers` given. */
  api(path: string, init?: { method?: string; body?: unknown; headers?: Record<string, string> }): Promise<Response>;
  close(): Promise<void>;
}

export async function startTestAdmin(
  options: {
    records?: readonly ExchangeRecord[];
    adminToken?: string | null;
    uiDir?: string;
    now?: () => number;
    host?: string;
    /**
     * The background privacy scan's timings (AdminServerOptions.scan). Default: off, so tests of
     * other things do not share their process's event loop with a scan; the privacy tests turn it on.
     */
    scan?: AdminServerOptions['scan'];
    /** config.json `export.privacy` as a policy (AdminServerOptions.privacy). */
    privacy?: AdminServerOptions['privacy'];
  } = {},
): Promise<TestAdmin> {
  const dir = mkdtempSync(join(tmpdir(), 'llmproxy-admin-'));
  const dbPath = join(dir, 'proxy.db');
  const store = openSqliteStore(dbPath);
  if (options.records) await store.insertBatch(options.records);
  const admin = await startAdminServer({
    store,
    logger: createLogger({ level: 'error', file: null, console: false }),
    host: options.host ?? '127.0.0.1',
    port: 0,
    adminToken: options.adminToken ?? null,
    ...(options.uiDir === undefined ? {} : { uiDir: options.uiDir }),
    ...(options.now === undefined ? {} : { now: options.now }),
    scan: options.scan ?? false,
    ...(options.privacy === undefined ? {} : { privacy: options.privacy }),
  });
  return {
    admin,
    url: admin.url,
    store,
    dbPath,
    api(path, init = {}) {
      const method = init.method ?? (init.body === undefined ? 'GET' : 'POST');
      const headers: Record<string, string> = { [CSRF_HEADER]: CSRF_HEADER_VALUE, ...init.headers };
      if (init.body !== undefined) headers['content-type'] ??= 'application/json';
      return fetch(`${admin.url}${path}`, {
        method,
        headers,
        ...(init.body === undefined ? {} : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
      });
    },
    async close() {
      await admin.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
