// Messages between the proxy thread and the recording worker. A raw exchange crosses as one
// exact-size ArrayBuffer holding the request and response bytes, transferred (not copied) —
// never as views into Node's shared buffer pool, which structured clone would copy whole.
import type { OpenStoreOptions } from '../store/open-store.js';
import type { BatchWriterStats } from '../store/writer/batch-writer.js';
import type { RawExchange } from './process-exchange.js';

import type { TelemetryOptions } from '../telemetry/create-exchange-tracer.js';

export interface RecordingWorkerData {
  /** A store locator (store/open-store.ts): a SQLite path or a postgres:// URL. */
  dbPath: string;
  spoolPath: string;
  /** Pool size, statement timeout, TLS (PostgreSQL). */
  storeOptions?: OpenStoreOptions;
  /** Set when a worker replaces one that died: open the store even if the database is down right now. */
  restarted?: boolean;
  busyTimeoutMs?: number;
  maxQueue?: number;
  batchSize?: number;
  flushIntervalMs?: number;
  replayIntervalMs?: number;
  /** Run the worker thread at the lowest CPU priority (set when the capture journal holds its backlog). */
  lowPriority?: boolean;
  /**
   * The capture journal holds the backlog on disk: the worker then makes records only as fast as
   * the store takes them (process-at-store-pace.ts). Without one (cluster primary, no journal) it
   * processes at once, as the writer's queue and spool bound what waits.
   */
  journalHoldsBacklog?: boolean;
  /** One OpenTelemetry span per record (config `telemetry`); absent: no tracing. */
  telemetry?: TelemetryOptions;
}

export interface TransferableExchange extends Omit<RawExchange, 'requestBody' | 'responseChunks'> {
  /** Request bytes then response bytes. */
  bytes: ArrayBuffer;
  requestLength: number;
}

export type ToWorker =
  | { type: 'exchanges'; items: TransferableExchange[] }
  | { type: 'health'; requestId: number }
  | { type: 'flush'; requestId: number }
  | { type: 'close' }
  /** Stop now, between two operations, leaving the queue and the spool (the capture journal has them). */
  | { type: 'abort' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'health'; requestId: number; reachable: boolean; stats: BatchWriterStats }
  | { type: 'log'; level: 'warn' | 'error'; message: string; error: string }
  | { type: 'flushed'; requestId: number }
  /** After each batch of exchanges: their bytes, so the proxy side knows how far behind the worker is. */
  | { type: 'processed'; bytes: number }
  | { type: 'closed' };

export function toTransferable(raw: RawExchange): TransferableExchange {
  let responseLength = 0;
  for (const chunk of raw.responseChunks) responseLength += chunk.length;
  const bytes = new Uint8Array(raw.requestBody.length + responseLength);
  bytes.set(raw.requestBody, 0);
  let offset = raw.requestBody.length;
  for (const chunk of raw.responseChunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  const { requestBody, responseChunks, ...meta } = raw;
  void responseChunks;
  return { ...meta, bytes: bytes.buffer, requestLength: requestBody.length };
}

export function fromTransferable(item: TransferableExchange): RawExchange {
  const { bytes, requestLength, ...meta } = item;
  const all = Buffer.from(bytes);
  return { ...meta, requestBody: all.subarray(0, requestLength), responseChunks: [all.subarray(requestLength)] };
}
