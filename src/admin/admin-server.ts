// The admin server: the review UI and its JSON API on one node:http server, bound to loopback
// unless an admin token is set (see guard.ts). It reads and writes the same database the proxy
// records into; several processes may share it (SQLite WAL, or PostgreSQL).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { PrivacyPolicy } from '../privacy/privacy-policy.js';
import { startRecordScanner, type RecordScanner, type RecordScannerOptions } from '../privacy/record-scanner.js';
import type { Store } from '../store/store.js';
import { VERSION } from '../version.js';
import { assertSafeBind, createGuard } from './guard.js';
import { createAdminHandler } from './router.js';
import { createUiFiles, defaultUiDir } from './serve-ui.js';

export interface AdminServerOptions {
  store: Store;
  logger: Logger;
  port: number;
  host: string;
  /** Required for a non-loopback host; when set, every API call must present it. */
  adminToken: string | null;
  /** The built UI (default: dist/ui). */
  uiDir?: string;
  now?: () => number;
  /**
   * The background privacy and near-duplicate scan (privacy/record-scanner.ts) this process runs
   * for the UI, with its timings; false: none (the marks stay "not scanned yet").
   */
  scan?: false | Pick<RecordScannerOptions, 'idleMs' | 'window' | 'recentMs' | 'fullSweepMs'>;
  /** config.json `export.privacy` (export-settings.ts): the UI's export and its privacy marks follow it, as the CLI's export does. */
  privacy?: PrivacyPolicy;
}

export interface AdminServer {
  server: Server;
  url: string;
  port: number;
  /** The background scan, null with `scan: false`. */
  scanner: RecordScanner | null;
  close(): Promise<void>;
}

export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  assertSafeBind(options.host, options.adminToken);
  const now = options.now ?? Date.now;
  const scanner =
    options.scan === false ? null : startRecordScanner({ store: options.store, logger: options.logger, now, ...(options.scan ?? {}), allowlist: options.privacy?.allowlist ?? [] });
  const handle = createAdminHandler(
    {
      store: options.store,
      logger: options.logger,
      guard: createGuard(options.adminToken),
      version: VERSION,
      now,
      scanner,
      ...(options.privacy ? { privacy: options.privacy } : {}),
    },
    createUiFiles(options.uiDir ?? defaultUiDir()),
  );
  const server = createServer({ headersTimeout: 30_000, requestTimeout: 120_000 }, (request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.logger.error({ err: error }, 'unhandled error in admin handler');
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end();
    });
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await scanner?.close();
    throw error;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    port: address.port,
    url: `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`,
    scanner,
    async close() {
      // First: the caller closes the store next.
      await scanner?.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Exports may be streaming: give them a moment, then cut.
      const timer = setTimeout(() => server.closeAllConnections(), 2_000);
      await closed;
      clearTimeout(timer);
    },
  };
}
