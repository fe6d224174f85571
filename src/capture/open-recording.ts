// Opens the recording side: store (SQLite file), batch writer with its spool, and the recorder
// the proxy calls. Closing drains in order: ended exchanges → writer queue → database.
import type { Logger } from 'pino';
import type { RecordingService } from '../main.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import { createBatchWriter } from '../store/writer/batch-writer.js';
import { createRecorder } from './create-recorder.js';

export interface RecordingOptions {
  dbPath: string;
  logger: Logger;
  /** Defaults to `<dbPath>.spool.jsonl`. */
  spoolPath?: string;
  maxQueue?: number;
  batchSize?: number;
  flushIntervalMs?: number;
  replayIntervalMs?: number;
  busyTimeoutMs?: number;
}

export async function openRecording(options: RecordingOptions): Promise<RecordingService & { writer: ReturnType<typeof createBatchWriter> }> {
  const { logger } = options;
  const store = openSqliteStore(options.dbPath, options.busyTimeoutMs !== undefined ? { busyTimeoutMs: options.busyTimeoutMs } : {});
  await store.migrate();
  const writer = createBatchWriter({
    store,
    spoolPath: options.spoolPath ?? `${options.dbPath}.spool.jsonl`,
    ...(options.maxQueue !== undefined ? { maxQueue: options.maxQueue } : {}),
    ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    ...(options.flushIntervalMs !== undefined ? { flushIntervalMs: options.flushIntervalMs } : {}),
    ...(options.replayIntervalMs !== undefined ? { replayIntervalMs: options.replayIntervalMs } : {}),
    onError: (error: unknown) => logger.warn({ err: error }, 'recording write failed; records kept in the spool file'),
  });
  const recorder = createRecorder({
    sink: (record) => writer.enqueue(record),
    onError: (error) => logger.error({ err: error }, 'recording failed'),
  });
  return {
    recorder,
    writer,
    async health() {
      const stats = writer.stats();
      return {
        recording: true,
        database: options.dbPath,
        reachable: await store.ping().catch(() => false),
        queue_depth: stats.queueDepth + recorder.pending(),
        records_written: stats.written,
        spooled: stats.spooled,
        spool_bytes: stats.spoolBytes,
        failed_batches: stats.failedBatches,
      };
    },
    async close() {
      await recorder.drain();
      await writer.close();
      await store.close();
    },
  };
}
