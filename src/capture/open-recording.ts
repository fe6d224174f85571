// Opens the recording side: the recorder the proxy calls, and behind it either the recording
// worker thread (the default when running the built code) or the same pipeline inline (tests,
// which run TypeScript sources a worker cannot load). Closing drains in order: ended exchanges →
// processing → writer queue → database.
//
// Shutdown with a backlog (a slow or blocked store, a long spool): the drain gets `shutdownMs`
// (default 5 s). What is not stored by then is already in the capture journal, whose segments
// are then kept instead of cleared: the worker is stopped (an insert in progress is rolled back
// by SQLite, or committed and then skipped on replay: insertBatch is idempotent on id), and the
// next start replays the journal (in the background, once listening). Exchanges that were waiting
// in the journal because recording was behind stay there in any case. One log line says which way
// it went: how many exchanges were drained, how many were left in the journal, and how long it took.
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { monotonicFactory } from 'ulid';
import type { Logger } from 'pino';
import type { RecordingService } from '../main.js';
import type { Store } from '../store/store.js';
import { defaultSpoolPath, describeLocator, openStore } from '../store/open-store.js';
import { createBatchWriter, type BatchWriterStats } from '../store/writer/batch-writer.js';
import { openCaptureJournal, type CaptureJournal } from './capture-journal.js';
import { createRecorder } from './create-recorder.js';
import { storeOptionsOf } from './store-options.js';
import { pooledRandom } from './pooled-random.js';
import { processExchange, type RawExchange } from './process-exchange.js';
import { createExchangeTracer } from '../telemetry/create-exchange-tracer.js';
import { fromTransferable, toTransferable, type FromWorker, type RecordingWorkerData, type ToWorker, type TransferableExchange } from './worker-messages.js';

export interface RecordingOptions extends Omit<RecordingWorkerData, 'spoolPath'> {
  logger: Logger;
  /** See config `recording.max_response_bytes`. */
  maxResponseBytes?: number;
  /** Defaults to `<dbPath>.spool.jsonl` for SQLite (store/open-store.ts defaultSpoolPath). */
  spoolPath?: string;
  /** Force the inline pipeline (default: a worker thread when running compiled JavaScript). */
  inline?: boolean;
  /** The capture journal (crash durability): its directory, default `<dbPath>.journal`; false turns it off. */
  journal?: { dir?: string; groupCommitMs?: number; fsync?: boolean; backlogHighWaterBytes?: number } | false;
  /** How long a shutdown waits for the backlog to be stored before handing it to the journal (default 5,000 ms). */
  shutdownMs?: number;
  /** Tests: wraps the inline pipeline's store (a slow or blocked store). */
  interceptStore?: (store: Store) => Store;
}

/** Where raw exchanges go to be processed and stored: the worker thread, or inline. */
export interface RecordingBackend {
  accept(raw: RawExchange): void;
  /** The same, for an exchange that already crossed a process boundary (cluster workers). */
  acceptTransferable(item: TransferableExchange): void;
  health(): Promise<{ reachable: boolean; stats: BatchWriterStats }>;
  /** Resolves once everything accepted before the call is in the database or the spool. */
  flush(): Promise<void>;
  /** Bytes handed to the recording worker that it has not processed yet (inline: absent). */
  backlogBytes?(): number;
  close(): Promise<void>;
  /** Stops at once, leaving whatever is not stored yet (the journal has it): after a close that took too long. */
  abort(): Promise<void>;
}

const DEFAULT_SHUTDOWN_MS = 5_000;
/** After the drain timed out: how long the worker gets to finish its statement in progress and stop. */
const ABORT_WAIT_MS = 15_000;

// The worker's heap. V8 grows the young generation to 32 MB under a steady stream of exchanges (as
// it does the proxy thread's), though what the worker keeps between two batches is a few
// megabytes: 8 MB took 30 MB off the proxy's RSS under load (README, Performance). The old
// generation is left at V8's default: a ceiling (RECORDING_WORKER_OLD_MB) makes V8 grow the heap
// less past what it keeps alive (about 1.6x at 1 GB instead of up to 4x), which took the worker's
// heap from 30-50 MB to 15-20 MB under load, but its more frequent full collections ran on V8's
// helper threads at normal priority and cost the proxy 5-25% of its req/s at 64 connections on 2
// cores (README, "Proxy memory, found"). The bench may try other sizes with RECORDING_WORKER_YOUNG_MB /
// RECORDING_WORKER_OLD_MB.
const WORKER_YOUNG_GENERATION_MB = 8;
function workerResourceLimits(): ResourceLimits {
  const old = sizeFromEnv('RECORDING_WORKER_OLD_MB');
  return { maxYoungGenerationSizeMb: sizeFromEnv('RECORDING_WORKER_YOUNG_MB') ?? WORKER_YOUNG_GENERATION_MB, ...(old !== undefined ? { maxOldGenerationSizeMb: old } : {}) };
}
function sizeFromEnv(name: string): number | undefined {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

const WORKER_URL = new URL('./recording-worker.js', import.meta.url);
const RUNNING_COMPILED = import.meta.url.endsWith('.js');

export async function openRecording(options: RecordingOptions): Promise<RecordingService> {
  const journalOptions = options.journal === false || options.dbPath === ':memory:' ? null : (options.journal ?? {});
  const backend = await openRecordingBackend({ ...options, lowPriority: journalOptions !== null, journalHoldsBacklog: journalOptions !== null });
  if (journalOptions === null) return recordingServiceOver(backend, options.dbPath, options.logger, options.maxResponseBytes);
  // Every ended exchange is logged durably before the recording side has it (see capture-journal.ts).
  const dir = journalOptions.dir ?? `${options.dbPath}.journal`;
  const journal = await openCaptureJournal(backend, {
    dir,
    logger: options.logger,
    ...(journalOptions.groupCommitMs !== undefined ? { groupCommitMs: journalOptions.groupCommitMs } : {}),
    ...(journalOptions.fsync !== undefined ? { fsync: journalOptions.fsync } : {}),
    ...(journalOptions.backlogHighWaterBytes !== undefined ? { backlogHighWaterBytes: journalOptions.backlogHighWaterBytes } : {}),
  });
  const shutdownMs = options.shutdownMs ?? DEFAULT_SHUTDOWN_MS;
  return recordingServiceOver(
    {
      accept: (raw) => journal.accept(raw),
      health: () => backend.health(),
      journal: () => journal.stats(),
      async close() {
        const started = performance.now();
        const backlog = journal.unconfirmed();
        const before = await statsWithin(backend, 300);
        let drained = backlog;
        // The backend drains what it was handed, within shutdownMs; what waits in deferred
        // segments stays on disk either way, and on a timeout every segment stays.
        const { leftInJournal } = await journal.close(async () => {
          let timer: NodeJS.Timeout | undefined;
          const inTime = await Promise.race([
            backend.close().then(() => true),
            new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), shutdownMs))),
          ]).finally(() => clearTimeout(timer));
          if (inTime) return true;
          const after = await statsWithin(backend, 300);
          await backend.abort();
          drained = before !== null && after !== null ? Math.min(backlog, Math.max(0, after.written - before.written)) : 0;
          return false;
        });
        const handedToJournal = leftInJournal + (backlog - drained);
        const fields = { drained, handedToJournal, ms: Math.round(performance.now() - started) };
        if (handedToJournal === 0) options.logger.info(fields, 'recording stopped: backlog drained');
        else options.logger.warn({ ...fields, journal: dir }, `recording stopped with a backlog: ${handedToJournal} exchange(s) left in the capture journal are stored at the next start`);
      },
    },
    options.dbPath,
    options.logger,
    options.maxResponseBytes,
  );
}

/** The writer's counters if the backend answers in time (a worker inside a long insert may not). */
async function statsWithin(backend: RecordingBackend, ms: number): Promise<BatchWriterStats | null> {
  let timer: NodeJS.Timeout | undefined;
  const answer = await Promise.race([
    backend.health().then((health) => (health.stats.written < 0 ? null : health.stats)).catch(() => null),
    new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms))),
  ]).finally(() => clearTimeout(timer));
  return answer;
}

export function openRecordingBackend(options: RecordingOptions): Promise<RecordingBackend> {
  const { logger, inline, spoolPath, maxResponseBytes, shutdownMs, interceptStore, journal, ...rest } = options;
  void maxResponseBytes;
  void shutdownMs;
  void journal;
  const data: RecordingWorkerData = { ...rest, spoolPath: spoolPath ?? defaultSpoolPath(options.dbPath) };
  return inline === true || !RUNNING_COMPILED ? openInline(data, logger, interceptStore) : openWorker(data, logger);
}

/** The RecordingService the app uses, over any backend (local, or the cluster primary's). */
export function recordingServiceOver(
  backend: Pick<RecordingBackend, 'accept' | 'health' | 'close'> & { journal?: () => ReturnType<CaptureJournal['stats']> },
  dbPath: string,
  logger: Logger,
  maxResponseBytes?: number,
): RecordingService {
  const recorder = createRecorder({
    ...(maxResponseBytes !== undefined ? { maxResponseBytes } : {}),
    sink: (raw) => backend.accept(raw),
    onError: (error) => logger.error({ err: error }, 'recording failed'),
  });
  return {
    recorder,
    async health() {
      const { reachable, stats } = await backend.health();
      return {
        recording: true,
        database: describeLocator(dbPath),
        reachable,
        queue_depth: stats.queueDepth + recorder.pending(),
        records_written: stats.written,
        spooled: stats.spooled,
        spool_bytes: stats.spoolBytes,
        failed_batches: stats.failedBatches,
        records_lost: stats.lost,
        last_error: stats.lastError,
        write_latency: stats.writeLatency,
        ...(backend.journal === undefined ? {} : journalFields(backend.journal())),
      };
    },
    async close() {
      await recorder.drain();
      await backend.close();
    },
  };
}

async function openInline(data: RecordingWorkerData, logger: Logger, interceptStore?: (store: Store) => Store): Promise<RecordingBackend> {
  const opened = await openStore(data.dbPath, storeOptionsOf(data));
  const store = interceptStore ? interceptStore(opened) : opened;
  const writer = createBatchWriter({
    store,
    spoolPath: data.spoolPath,
    ...(data.maxQueue !== undefined ? { maxQueue: data.maxQueue } : {}),
    ...(data.batchSize !== undefined ? { batchSize: data.batchSize } : {}),
    ...(data.flushIntervalMs !== undefined ? { flushIntervalMs: data.flushIntervalMs } : {}),
    ...(data.replayIntervalMs !== undefined ? { replayIntervalMs: data.replayIntervalMs } : {}),
    onError: (error, details) =>
      details.operation === 'lost'
        ? logger.error({ err: error, ...details }, 'recording lost records: database and spool both unwritable')
        : logger.warn({ err: error, ...details }, 'recording write failed; records kept in the spool file'),
  });
  const nextId = monotonicFactory(pooledRandom());
  const tracer = data.telemetry ? await createExchangeTracer(data.telemetry) : null;
  const accept = (raw: RawExchange) => {
    const record = processExchange(raw, raw.id ?? nextId(raw.startedAt));
    writer.enqueue(record);
    tracer?.record(record);
  };
  return {
    accept,
    acceptTransferable: (item) => accept(fromTransferable(item)),
    health: async () => ({ reachable: await store.ping().catch(() => false), stats: writer.stats() }),
    flush: () => writer.flush(),
    async close() {
      await writer.close();
      await store.close();
      await tracer?.shutdown();
    },
    async abort() {
      // The queue is abandoned (the journal has it); the process is about to exit.
      await tracer?.shutdown();
    },
  };
}

/** A worker that died unexpectedly (a bug: database failures are spooled, not thrown) is replaced. */
async function openWorker(data: RecordingWorkerData, logger: Logger): Promise<RecordingBackend> {
  let pendingItems: TransferableExchange[] = [];
  let scheduled = false;
  let nextRequestId = 0;
  const healthWaiters = new Map<number, (answer: { reachable: boolean; stats: BatchWriterStats }) => void>();
  const flushWaiters = new Map<number, () => void>();
  let closing = false;
  let closed: (() => void) | null = null;

  const spawn = async (restarted = false): Promise<Worker> => {
    const started = new Worker(WORKER_URL, {
      workerData: restarted ? { ...data, restarted } : data,
      name: 'recording',
      resourceLimits: workerResourceLimits(),
    });
    await new Promise<void>((resolve, reject) => {
      started.once('error', reject);
      started.on('message', function onReady(message: FromWorker) {
        if (message.type !== 'ready') return;
        started.off('message', onReady);
        started.off('error', reject);
        resolve();
      });
    });
    started.on('message', (message: FromWorker) => {
      if (message.type === 'health') {
        healthWaiters.get(message.requestId)?.(message);
        healthWaiters.delete(message.requestId);
      } else if (message.type === 'flushed') {
        flushWaiters.get(message.requestId)?.();
        flushWaiters.delete(message.requestId);
      } else if (message.type === 'processed') processedBytes += message.bytes;
      else if (message.type === 'log') logger[message.level]({ error: message.error }, message.message);
      else if (message.type === 'closed') closed?.();
    });
    started.on('error', (error) => logger.error({ err: error }, 'recording worker failed'));
    started.once('exit', (code) => {
      if (closing) {
        closed?.();
        return;
      }
      logger.error({ code }, 'recording worker exited; starting a new one (it replays the spool)');
      current = spawn(true).catch((error: unknown) => {
        logger.error({ err: error }, 'recording worker could not be restarted; recording stopped');
        return null;
      });
    });
    return started;
  };
  let current: Promise<Worker | null> = spawn();
  await current;

  // Bytes posted minus bytes the worker said it processed: the capture journal defers new
  // exchanges to disk when this grows (the worker runs at low priority and may fall behind).
  let postedBytes = 0;
  let processedBytes = 0;
  const post = (message: ToWorker, transfer: ArrayBuffer[] = []) => {
    void current.then((worker) => worker?.postMessage(message, transfer));
  };
  // Exchanges ending in the same turn of the event loop cross in one message.
  const flush = () => {
    scheduled = false;
    const items = pendingItems;
    pendingItems = [];
    post({ type: 'exchanges', items }, items.map((item) => item.bytes));
  };

  const acceptTransferable = (item: TransferableExchange) => {
    postedBytes += item.bytes.byteLength;
    pendingItems.push(item);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  return {
    accept: (raw) => acceptTransferable(toTransferable(raw)),
    acceptTransferable,
    backlogBytes: () => postedBytes - processedBytes,
    health() {
      const requestId = nextRequestId++;
      return new Promise((resolve) => {
        healthWaiters.set(requestId, resolve);
        // A worker too busy (or gone) to answer in time is reported as such, not waited for.
        setTimeout(() => {
          if (healthWaiters.delete(requestId)) resolve({ reachable: false, stats: { queueDepth: -1, written: -1, spooled: -1, spoolBytes: -1, failedBatches: -1, lost: -1, lastError: 'the recording worker did not answer', writeLatency: { buckets: [], sumSeconds: 0, count: 0 } } });
        }, 2_000).unref();
        post({ type: 'health', requestId });
      });
    },
    flush() {
      if (pendingItems.length > 0) flush();
      const requestId = nextRequestId++;
      return new Promise<void>((resolve) => {
        flushWaiters.set(requestId, resolve);
        post({ type: 'flush', requestId });
      });
    },
    async close() {
      if (pendingItems.length > 0) flush();
      closing = true;
      const worker = await current;
      if (!worker) return;
      await new Promise<void>((resolve) => {
        closed = resolve;
        post({ type: 'close' });
      });
      await worker.terminate();
    },
    async abort() {
      closing = true;
      const worker = await current;
      if (!worker) return;
      // Not terminate(): a worker terminated inside a SQLite call that then fails (busy) takes
      // the whole process down (better-sqlite3 cannot throw into a terminating isolate). The
      // worker ends itself at its next turn, after the statement in progress (bounded by the
      // store's busy or statement timeout); terminate() only if it does not within ABORT_WAIT_MS.
      const exited = new Promise<boolean>((resolve) => {
        worker.once('exit', () => resolve(true));
        setTimeout(() => resolve(false), ABORT_WAIT_MS).unref();
      });
      worker.postMessage({ type: 'abort' } satisfies ToWorker);
      if (!(await exited)) await worker.terminate();
    },
  };
}

/** /health's view of the capture journal: whether recording is behind, and how much went through the log. */
function journalFields(stats: ReturnType<CaptureJournal['stats']>) {
  return { recording_behind: stats.behind, journal_deferred: stats.deferred, journal_replayed: stats.replayed };
}
