// `--workers N`: N proxy processes (node:cluster) share the port; ONE store writer lives in the
// primary. Workers send each ended exchange's bytes over IPC (structured clone, "advanced"
// serialization) and the primary hands them to its recording backend (the worker thread).
import type { Worker as ClusterWorker } from 'node:cluster';
import type { Logger } from 'pino';
import type { RawExchange } from '../capture/process-exchange.js';
import { recordingServiceOver, type RecordingBackend } from '../capture/open-recording.js';
import { toTransferable, type TransferableExchange } from '../capture/worker-messages.js';
import type { RecordingService } from '../main.js';
import type { BatchWriterStats } from '../store/writer/batch-writer.js';

type ToPrimary = { type: 'exchanges'; items: TransferableExchange[] } | { type: 'health'; requestId: number };
type ToClusterWorker = { type: 'health'; requestId: number; answer: { reachable: boolean; stats: BatchWriterStats } };

/** In the primary: serves one cluster worker's recording traffic. */
export function serveClusterWorker(worker: ClusterWorker, backend: RecordingBackend): void {
  worker.on('message', (message: ToPrimary) => {
    if (message.type === 'exchanges') {
      for (const item of message.items) backend.acceptTransferable(item);
    } else if (message.type === 'health') {
      void backend.health().then((answer) => {
        if (worker.isConnected()) worker.send({ type: 'health', requestId: message.requestId, answer } satisfies ToClusterWorker);
      });
    }
  });
}

/** In a cluster worker: the RecordingService whose backend is the primary, over IPC. */
export function clusterRecordingService(dbPath: string, logger: Logger, maxResponseBytes?: number): RecordingService {
  const send = process.send?.bind(process);
  if (!send) throw new Error('clusterRecordingService needs an IPC channel (run under node:cluster)');
  let pending: TransferableExchange[] = [];
  let scheduled = false;
  let unsent = 0;
  let drained: (() => void) | null = null;
  let nextRequestId = 0;
  const waiters = new Map<number, (answer: ToClusterWorker['answer']) => void>();
  process.on('message', (message: ToClusterWorker) => {
    if (message.type !== 'health') return;
    waiters.get(message.requestId)?.(message.answer);
    waiters.delete(message.requestId);
  });

  const flush = () => {
    scheduled = false;
    const items = pending;
    pending = [];
    unsent++;
    send({ type: 'exchanges', items } satisfies ToPrimary, undefined, undefined, () => {
      unsent--;
      if (unsent === 0) drained?.();
    });
  };

  const backend = {
    accept(raw: RawExchange) {
      pending.push(toTransferable(raw));
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    health() {
      const requestId = nextRequestId++;
      return new Promise<ToClusterWorker['answer']>((resolve) => {
        waiters.set(requestId, resolve);
        send({ type: 'health', requestId } satisfies ToPrimary);
      });
    },
    async close() {
      if (pending.length > 0) flush();
      if (unsent > 0) await new Promise<void>((resolve) => (drained = resolve));
    },
  };
  return recordingServiceOver(backend, dbPath, logger, maxResponseBytes);
}
