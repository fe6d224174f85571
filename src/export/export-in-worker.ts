// The CLI's export, run in a worker thread with a small young generation. Why: peak RSS. V8's
// default young generation (16 MB semi-spaces) is sized for throughput; the export's records
// live for one step each, so a small one costs a few more scavenges and took 30-40 MB off the
// export's peak RSS at 100k records (README, "Export memory"). The main thread keeps the signals,
// the progress bar and the summary; the worker sends progress at most every PROGRESS_EVERY_MS.
// From the TypeScript sources (the tests) there is no compiled worker file: the export runs in
// this thread, as runExport.
import { Worker } from 'node:worker_threads';
import type { ProgressState } from './progress.js';
import { ExportInterruptedError, ExportSetupError } from './export-errors.js';
import type { ExportResult, RunExportOptions } from './run-export.js';

/** The worker's young generation, MB (V8 splits it in three: semi-spaces of 2 MB). */
const YOUNG_GENERATION_MB = 6;

export const PROGRESS_EVERY_MS = 50;

/** What the worker (export-worker.ts) posts. */
export type ExportWorkerMessage =
  | { type: 'start'; total: number }
  | { type: 'update'; state: ProgressState }
  | { type: 'done'; result: ExportResult }
  | { type: 'error'; name: string; message: string };

/** The options a worker can be given: everything but the signal, the progress and the clock. */
export type ExportWorkerData = Omit<RunExportOptions, 'signal' | 'progress' | 'now'>;

const WORKER_URL = new URL('./export-worker.js', import.meta.url);
const RUNNING_COMPILED = import.meta.url.endsWith('.js');

export async function runExportInWorker(options: RunExportOptions): Promise<ExportResult> {
  // Loaded here only: the main thread of a compiled run never loads the export itself.
  if (!RUNNING_COMPILED) return (await import('./run-export.js')).runExport(options);
  const { signal, progress, now: _now, ...data } = options;
  const worker = new Worker(WORKER_URL, { workerData: data satisfies ExportWorkerData, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
  const abort = (): void => worker.postMessage('abort');
  signal?.addEventListener('abort', abort, { once: true });
  if (signal?.aborted === true) abort();
  try {
    return await new Promise<ExportResult>((resolve, reject) => {
      worker.on('message', (message: ExportWorkerMessage) => {
        if (message.type === 'start') progress?.start(message.total);
        else if (message.type === 'update') progress?.update(message.state);
        else if (message.type === 'done') resolve(message.result);
        else reject(errorFrom(message));
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the export worker stopped (exit code ${code}) before it finished`)));
    });
  } finally {
    signal?.removeEventListener('abort', abort);
    // It has posted its last message; nothing of the export is left to run.
    await worker.terminate();
  }
}

/** The worker's error as the class the CLI tells apart (exit codes 2 and 130). */
function errorFrom(message: { name: string; message: string }): Error {
  if (message.name === 'ExportSetupError') return new ExportSetupError(message.message);
  if (message.name === 'ExportInterruptedError') return new ExportInterruptedError(message.message);
  const error = new Error(message.message);
  error.name = message.name;
  return error;
}
