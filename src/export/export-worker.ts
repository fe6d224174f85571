// The worker thread of export-in-worker.ts: runs the export it is given, posts progress (at most
// every PROGRESS_EVERY_MS, and the last state), then the result or the error.
import { parentPort, workerData } from 'node:worker_threads';
import { PROGRESS_EVERY_MS, type ExportWorkerData, type ExportWorkerMessage } from './export-in-worker.js';
import type { ProgressState } from './progress.js';
import { runExport } from './run-export.js';

const port = parentPort!;
const post = (message: ExportWorkerMessage): void => port.postMessage(message);
const controller = new AbortController();
port.on('message', (message: unknown) => {
  if (message === 'abort') controller.abort();
});

let lastPosted = Number.NEGATIVE_INFINITY;
let pending: ProgressState | null = null;
const flush = (): void => {
  if (pending !== null) post({ type: 'update', state: pending });
  pending = null;
};
try {
  const result = await runExport({
    ...(workerData as ExportWorkerData),
    signal: controller.signal,
    progress: {
      start: (total) => post({ type: 'start', total }),
      update(state) {
        pending = state;
        const now = Date.now();
        if (now - lastPosted < PROGRESS_EVERY_MS) return;
        lastPosted = now;
        flush();
      },
      finish: flush,
    },
  });
  flush();
  post({ type: 'done', result });
} catch (error) {
  flush();
  post({ type: 'error', name: (error as Error).name ?? 'Error', message: (error as Error).message ?? String(error) });
}
