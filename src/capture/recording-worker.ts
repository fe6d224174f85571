// The recording side's worker thread: everything after the bytes went out to the client —
// SSE decoding, stream reassembly, conversation and ShareGPT derivation, compression, SQLite —
// runs here, so none of it takes time from the proxy's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { monotonicFactory } from 'ulid';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import { createBatchWriter } from '../store/writer/batch-writer.js';
import { pooledRandom } from './pooled-random.js';
import { processExchange } from './process-exchange.js';
import { fromTransferable, type RecordingWorkerData, type ToWorker, type FromWorker } from './worker-messages.js';

const port = parentPort;
if (!port) throw new Error('recording-worker must run in a worker thread');
const options = workerData as RecordingWorkerData;
const nextId = monotonicFactory(pooledRandom());

const store = openSqliteStore(options.dbPath, options.busyTimeoutMs !== undefined ? { busyTimeoutMs: options.busyTimeoutMs } : {});
await store.migrate();
const writer = createBatchWriter({
  store,
  spoolPath: options.spoolPath,
  ...(options.maxQueue !== undefined ? { maxQueue: options.maxQueue } : {}),
  ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
  ...(options.flushIntervalMs !== undefined ? { flushIntervalMs: options.flushIntervalMs } : {}),
  ...(options.replayIntervalMs !== undefined ? { replayIntervalMs: options.replayIntervalMs } : {}),
  onError: (error, details) => send({ type: 'log', level: 'warn', message: `recording write failed (${details.operation}, ${details.records} records); kept in the spool`, error: error.message }),
});

function send(message: FromWorker): void {
  port!.postMessage(message);
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'exchanges':
      for (const item of message.items) {
        try {
          writer.enqueue(processExchange(fromTransferable(item), nextId(item.startedAt)));
        } catch (error) {
          send({ type: 'log', level: 'error', message: 'recording failed', error: (error as Error).message });
        }
      }
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
        .catch((error: unknown) => send({ type: 'log', level: 'error', message: 'closing the recording store failed', error: (error as Error).message }))
        .finally(() => send({ type: 'closed' }));
      return;
  }
});

send({ type: 'ready' });
