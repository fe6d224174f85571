// The recording side's worker thread: everything after the bytes went out to the client —
// SSE decoding, stream reassembly, conversation and ShareGPT derivation, compression, SQLite —
// runs here, so none of it takes time from the proxy's event loop.
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { monotonicFactory } from 'ulid';
import { openStore } from '../store/open-store.js';
import { storeOptionsOf } from './store-options.js';
import { createBatchWriter, DEFAULT_BATCH_SIZE } from '../store/writer/batch-writer.js';
import { createExchangeTracer } from '../telemetry/create-exchange-tracer.js';
import { pooledRandom } from './pooled-random.js';
import { processExchange } from './process-exchange.js';
import { processAtStorePace } from './process-at-store-pace.js';
import { fromTransferable, type RecordingWorkerData, type ToWorker, type FromWorker, type TransferableExchange } from './worker-messages.js';

/** The lowest priority: recording uses only the CPU the proxy leaves. */
const RECORDING_NICE = 19;

// Recording gives way to the proxy: on Linux a worker thread has its own nice value, and
// setPriority(0, …) called here sets this thread's only. On a saturated machine the proxy's threads
// get the CPU; recording falls behind, its backlog waits in the capture journal on disk, and it
// catches up when the machine has room (capture-journal.ts, "Behind"). Only with a journal to
// hold the backlog (openRecording says so): without one it would wait in memory.
if ((workerData as RecordingWorkerData).lowPriority === true) {
  try {
    setPriority(0, RECORDING_NICE);
  } catch {
    // Not permitted or not supported here: recording runs at the proxy's priority.
  }
}

const port = parentPort;
if (!port) throw new Error('recording-worker must run in a worker thread');
const options = workerData as RecordingWorkerData;
const nextId = monotonicFactory(pooledRandom());

const store = await openStore(options.dbPath, storeOptionsOf(options));
const tracer = options.telemetry ? await createExchangeTracer(options.telemetry) : null;
/** Records made per turn: the writer's batch (one insert, one transaction). */
const BATCH_SIZE = options.batchSize ?? DEFAULT_BATCH_SIZE;
const writer = createBatchWriter({
  store,
  spoolPath: options.spoolPath,
  ...(options.maxQueue !== undefined ? { maxQueue: options.maxQueue } : {}),
  batchSize: BATCH_SIZE,
  ...(options.flushIntervalMs !== undefined ? { flushIntervalMs: options.flushIntervalMs } : {}),
  ...(options.replayIntervalMs !== undefined ? { replayIntervalMs: options.replayIntervalMs } : {}),
  onError: (error, details) =>
    send(
      details.operation === 'lost'
        ? { type: 'log', level: 'error', message: `recording lost ${details.records} records: database and spool both unwritable`, error: error.message }
        : { type: 'log', level: 'warn', message: `recording write failed (${details.operation}, ${details.records} records); kept in the spool`, error: error.message },
    ),
});

function send(message: FromWorker): void {
  port!.postMessage(message);
}

// With the journal, records are made as fast as the store takes them; what waits stays raw
// (process-at-store-pace.ts).
const intake = processAtStorePace<TransferableExchange>({
  writer,
  batchSize: BATCH_SIZE,
  bytesOf: (item) => item.bytes.byteLength,
  process(item) {
    try {
      const record = processExchange(fromTransferable(item), item.id ?? nextId(item.startedAt));
      writer.enqueue(record);
      tracer?.record(record);
    } catch (error) {
      send({ type: 'log', level: 'error', message: 'recording failed', error: (error as Error).message });
    }
  },
  onProcessed: (bytes) => send({ type: 'processed', bytes }),
  // Without a journal to keep the backlog on disk, nothing is held back (the writer's bounds and
  // spool apply as before): holding raw exchanges in memory would only delay them reaching disk.
  ...(options.journalHoldsBacklog === true ? {} : { maxWaitingBytes: 0 }),
});

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'exchanges': {
      intake.accept(message.items);
      return;
    }
    case 'flush':
      void intake
        .processedSoFar()
        .then(() => writer.flush())
        .then(() => send({ type: 'flushed', requestId: message.requestId }));
      return;
    case 'health':
      void store
        .ping()
        .catch(() => false)
        .then((reachable) => {
          const stats = writer.stats();
          send({ type: 'health', requestId: message.requestId, reachable, stats: { ...stats, queueDepth: stats.queueDepth + intake.waiting() } });
        });
      return;
    case 'close':
      void intake
        .processedSoFar()
        .then(() => writer.close())
        .then(() => store.close())
        .then(() => tracer?.shutdown())
        .catch((error: unknown) => send({ type: 'log', level: 'error', message: 'closing the recording store failed', error: (error as Error).message }))
        .finally(() => send({ type: 'closed' }));
      return;
    case 'abort':
      // Handled between two operations (never inside a SQLite call): the thread ends here, its
      // database connection closes, and whatever was not stored is in the capture journal.
      process.exit(0);
  }
});

send({ type: 'ready' });
