// The recording side's worker thread: everything after the bytes went out to the client —
// SSE decoding, stream reassembly, conversation and ShareGPT derivation, compression, SQLite —
// runs here, so none of it takes time from the proxy's event loop.
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { monotonicFactory } from 'ulid';
import { openStore } from '../store/open-store.js';
import { storeOptionsOf } from './store-options.js';
import { createBatchWriter } from '../store/writer/batch-writer.js';
import { createExchangeTracer } from '../telemetry/create-exchange-tracer.js';
import { pooledRandom } from './pooled-random.js';
import { processExchange } from './process-exchange.js';
import { fromTransferable, type RecordingWorkerData, type ToWorker, type FromWorker } from './worker-messages.js';

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
const writer = createBatchWriter({
  store,
  spoolPath: options.spoolPath,
  ...(options.maxQueue !== undefined ? { maxQueue: options.maxQueue } : {}),
  ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
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

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'exchanges': {
      let bytes = 0;
      for (const item of message.items) {
        bytes += item.bytes.byteLength;
        try {
          const record = processExchange(fromTransferable(item), item.id ?? nextId(item.startedAt));
          writer.enqueue(record);
          tracer?.record(record);
        } catch (error) {
          send({ type: 'log', level: 'error', message: 'recording failed', error: (error as Error).message });
        }
      }
      send({ type: 'processed', bytes });
      return;
    }
    case 'flush':
      void writer.flush().then(() => send({ type: 'flushed', requestId: message.requestId }));
      return;
    case 'health':
      void store
        .ping()
        .catch(() => false)
        .then((reachable) => send({ type: 'health', requestId: message.requestId, reachable, stats: writer.stats() }));
      return;
    case 'close':
      void writer
        .close()
        .then(() => store.close())
        .then(() => tracer?.shutdown())
        .catch((error: unknown) => send({ type: 'log', level: 'error', message: 'closing the recording store failed', error: (error as Error).message }))
        .finally(() => send({ type: 'closed' }));
      return;
  }
});

send({ type: 'ready' });
