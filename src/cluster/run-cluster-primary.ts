// The primary of `--workers N`: forks N proxy processes that share the listening port (the
// kernel/cluster spreads connections), owns the one recording backend and the review UI, and
// stops everything in order on SIGINT/SIGTERM: workers first (they finish in-flight requests and
// hand their last exchanges over), then the recording backend (flush, close).
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { flushLogs } from '../log/create-logger.js';
import { startAdminServer, type AdminServer, type AdminServerOptions } from '../admin/admin-server.js';
import type { RecordingBackend } from '../capture/open-recording.js';
import { serveClusterWorker } from './cluster-recording.js';
import { servePrimaryView } from './cluster-view.js';
import { createOwnerRegistry } from '../metrics/owner-metrics.js';

export interface ClusterPrimaryOptions {
  workers: number;
  logger: Logger;
  /** null: `--no-record`. */
  openBackend: (() => Promise<RecordingBackend>) | null;
  admin: Omit<AdminServerOptions, 'logger'> | null;
  /** Named in /health's store section. */
  dbPath?: string;
}

export async function runClusterPrimary(options: ClusterPrimaryOptions): Promise<void> {
  const { logger } = options;
  const backend: RecordingBackend | null = options.openBackend ? await options.openBackend() : null;
  const admin: AdminServer | null = options.admin ? await startAdminServer({ ...options.admin, logger }) : null;
  if (admin) logger.info({ url: admin.url }, `review UI: ${admin.url}`);

  cluster.setupPrimary({ serialization: 'advanced' });
  const storeHealth = async (): Promise<Record<string, unknown>> => {
    if (!backend) return { recording: false };
    const { reachable, stats } = await backend.health();
    return {
      recording: true,
      database: options.dbPath,
      reachable,
      queue_depth: stats.queueDepth,
      records_written: stats.written,
      spooled: stats.spooled,
      spool_bytes: stats.spoolBytes,
      failed_batches: stats.failedBatches,
      last_error: stats.lastError,
      write_latency: stats.writeLatency,
    };
  };
  servePrimaryView({ storeHealth, ownerRegistry: createOwnerRegistry(backend ? storeHealth : null) });
  let stopping = false;
  let exitCode = 0;
  const fork = (): Worker => {
    const worker = cluster.fork();
    if (backend) serveClusterWorker(worker, backend);
    return worker;
  };
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    // Exit code 2 is a mistake of the operator's (the port is taken...): the worker printed the
    // line that says what to fix, and a replacement would only fail the same way, forever.
    if (code === 2) {
      exitCode = 2;
      stop('worker refused to start');
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'proxy worker died; starting another');
    fork();
  });
  for (let index = 0; index < options.workers; index++) fork();
  logger.info({ workers: options.workers }, 'cluster started');

  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'shutting down the cluster');
    const workers = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);
    Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve();
            worker.once('exit', () => resolve());
            worker.process.kill('SIGTERM');
          }),
      ),
    )
      .then(async () => {
        await admin?.close();
        await options.admin?.store.close();
        await backend?.close();
        logger.info('stopped');
        await flushLogs(logger);
        process.exit(exitCode);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
