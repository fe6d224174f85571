// The bounded queue between capture and the store. `enqueue` never blocks or throws: records wait
// in memory and are written one batch (one insertBatch, one transaction) per flush. Nothing is
// dropped: a batch the store refuses, or a record that finds the queue full, is appended to a spool
// file (JSON lines), which is replayed into the store at start and every replayIntervalMs.
//
// Ordering: while the spool holds records, new batches are appended to it rather than written
// directly, so records reach the store in the order they were enqueued (a child finds its parent
// already stored; see Store.insertBatch). Only the queue overflow can overtake queued records.
//
// Crash safety of the spool: replay first renames the spool to `<spool>.replaying` (new spills go
// to a fresh spool), inserts it batch by batch, and deletes it only once every batch is stored. A
// crash or a failed insert leaves the file to be replayed again; insertBatch is idempotent on id,
// so nothing is duplicated. A line left half-written by a crash is moved to `<spool>.rejected`.
//
// Memory is bounded (maxQueue records, maxQueueBytes of bodies): past the bound records go to the
// spool; when the spool cannot be written either (disk full) and the bound is reached, what does
// not fit is dropped, counted in `lost` and reported (operation 'lost'): the proxy keeps serving
// on a bounded heap rather than growing until it is killed.
import { type FileHandle, appendFile, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { ExchangeRecord } from '../exchange-record.js';
import type { Store } from '../store.js';

export type WriterOperation = 'insert' | 'spool-write' | 'replay' | 'spool-line' | 'lost';

/** Records per insertBatch unless told otherwise. */
export const DEFAULT_BATCH_SIZE = 500;

export interface BatchWriterOptions {
  store: Pick<Store, 'insertBatch'>;
  spoolPath: string;
  /** Records held in memory before further ones go straight to the spool. */
  maxQueue?: number;
  /** Body bytes (request + response) held in memory before further records go straight to the spool. */
  maxQueueBytes?: number;
  /** Records per insertBatch (and per transaction). */
  batchSize?: number;
  /** Longest a record waits in the queue when fewer than batchSize are waiting. */
  flushIntervalMs?: number;
  replayIntervalMs?: number;
  /** Called for every failure the writer absorbed (the records involved went to the spool or stay there). */
  onError?: (error: Error, details: { operation: WriterOperation; records: number }) => void;
}

export interface BatchWriterStats {
  queueDepth: number;
  /** Records the store accepted (direct writes and replays). */
  written: number;
  /** Records appended to the spool since start. */
  spooled: number;
  /** Bytes in spool files not yet replayed. */
  spoolBytes: number;
  failedBatches: number;
  /** Records dropped because neither the store, the spool nor the memory bound could take them. */
  lost: number;
  lastError: string | null;
  /** Store write latency (direct batch inserts), for /metrics: per-bucket counts over WRITE_LATENCY_BUCKETS_S. */
  writeLatency: { buckets: number[]; sumSeconds: number; count: number };
}

/** Upper bounds (seconds) of the writeLatency buckets; the last count is everything above. */
export const WRITE_LATENCY_BUCKETS_S = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export interface BatchWriter {
  enqueue(record: ExchangeRecord): void;
  /** Resolves once every record enqueued before the call is in the store or on disk in the spool. */
  flush(): Promise<void>;
  /**
   * Resolves once less than one batch waits in the memory queue (at once when that is so already,
   * or once the writer is closed): a producer that can hold its input in a smaller form (the
   * recording worker: raw bytes, a few times smaller than a record) asks before making more
   * records than the store takes, instead of filling the queue and spilling into the spool.
   */
  roomForBatch(): Promise<void>;
  /** Stops the timers, flushes, tries a last replay and waits for spool writes. Later enqueues go to the spool. */
  close(): Promise<void>;
  stats(): BatchWriterStats;
}

export function createBatchWriter(options: BatchWriterOptions): BatchWriter {
  const { store, spoolPath } = options;
  const maxQueue = options.maxQueue ?? 10_000;
  const maxQueueBytes = options.maxQueueBytes ?? 64 * 1024 * 1024;
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
  const flushIntervalMs = options.flushIntervalMs ?? 50;
  const replayIntervalMs = options.replayIntervalMs ?? 5_000;
  const replayingPath = `${spoolPath}.replaying`;
  const rejectedPath = `${spoolPath}.rejected`;

  let queue: ExchangeRecord[] = [];
  let queueBytes = 0;
  let closed = false;
  const counters = { written: 0, spooled: 0, failedBatches: 0, lost: 0, lastError: null as string | null };
  const queueFull = (): boolean => queue.length >= maxQueue || queueBytes >= maxQueueBytes;
  const hasRoom = (): boolean => closed || queue.length < batchSize;
  let roomWaiters: Array<() => void> = [];
  const notifyRoom = (): void => {
    if (roomWaiters.length === 0 || !hasRoom()) return;
    const waiting = roomWaiters;
    roomWaiters = [];
    for (const resolve of waiting) resolve();
  };
  const writeLatency = { buckets: new Array<number>(WRITE_LATENCY_BUCKETS_S.length + 1).fill(0), sumSeconds: 0, count: 0 };
  const observeWrite = (seconds: number): void => {
    let index = WRITE_LATENCY_BUCKETS_S.findIndex((bound) => seconds <= bound);
    if (index === -1) index = WRITE_LATENCY_BUCKETS_S.length;
    writeLatency.buckets[index]! += 1;
    writeLatency.sumSeconds += seconds;
    writeLatency.count += 1;
  };

  const report = (error: unknown, operation: WriterOperation, records: number): void => {
    const asError = error instanceof Error ? error : new Error(String(error));
    counters.lastError = asError.message;
    try {
      options.onError?.(asError, { operation, records });
    } catch {
      // A throwing error callback must not take the writer down with it.
    }
  };

  // ---- the spool: every file operation runs on one chain, in order -------------------------------
  let spoolChain: Promise<void> = Promise.resolve();
  let pendingSpill: ExchangeRecord[] = [];
  let writeScheduled = false;
  let writeInFlight = false;
  /** Set while appends fail (disk full, no permission): batches then go to the store regardless of order. */
  let spoolWriteFailing = false;
  /** Set while the store refuses batches; with spoolWriteFailing, nothing can take a record but memory. */
  let storeFailing = false;
  let spoolFileBytes = 0;
  let replayingBytes = 0;
  let replayingExists = false;

  const onSpoolChain = <T>(operation: () => Promise<T>): Promise<T> => {
    const result = spoolChain.then(operation);
    spoolChain = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  };

  const spill = (records: readonly ExchangeRecord[]): void => {
    for (const record of records) pendingSpill.push(record);
    counters.spooled += records.length;
    scheduleSpoolWrite();
  };

  function scheduleSpoolWrite(): void {
    if (writeScheduled || pendingSpill.length === 0) return;
    writeScheduled = true;
    void onSpoolChain(async () => {
      writeScheduled = false;
      const records = pendingSpill;
      pendingSpill = [];
      if (records.length === 0) return;
      writeInFlight = true;
      try {
        const data = records.map((record) => `${JSON.stringify(record)}\n`).join('');
        await appendFile(spoolPath, data);
        spoolFileBytes += Buffer.byteLength(data);
        spoolWriteFailing = false;
      } catch (error) {
        // Nowhere on disk to put them: back to the head of the queue, for the store to take.
        counters.spooled -= records.length;
        spoolWriteFailing = true;
        queue = records.concat(queue);
        queueBytes += bytesOfAll(records);
        report(error, 'spool-write', records.length);
        dropPastBound();
        armFlushTimer();
      } finally {
        writeInFlight = false;
      }
    });
  }

  /** With the store and the spool both failing: keeps the oldest records within the memory bound, counts the rest as lost. */
  function dropPastBound(): void {
    if (!storeFailing) return; // the store drains the queue: no need to drop
    let keep = queue.length;
    let bytes = queueBytes;
    while (keep > 0 && (keep > maxQueue || bytes > maxQueueBytes)) bytes -= bytesOf(queue[--keep]!);
    if (keep === queue.length) return;
    const lost = queue.length - keep;
    queue = queue.slice(0, keep);
    queueBytes = bytes;
    notifyRoom();
    counters.lost += lost;
    report(new Error(`${lost} records lost: the store and the spool both refuse writes (disk full?) and the in-memory queue is at its bound`), 'lost', lost);
  }

  const spoolHasData = (): boolean =>
    pendingSpill.length > 0 || writeScheduled || writeInFlight || spoolFileBytes > 0 || replayingExists;

  // Before anything else: learn what a previous run left, and end a line a crash cut short so the
  // next append starts on a line of its own.
  const spoolChecked = onSpoolChain(async () => {
    try {
      await mkdir(dirname(spoolPath), { recursive: true });
      spoolFileBytes = await sizeOf(spoolPath);
      if (spoolFileBytes > 0 && !(await endsWithNewline(spoolPath, spoolFileBytes))) {
        await appendFile(spoolPath, '\n');
        spoolFileBytes += 1;
      }
      replayingExists = await exists(replayingPath);
      replayingBytes = await sizeOf(replayingPath);
    } catch (error) {
      report(error, 'spool-write', 0);
    }
  });

  // ---- store operations: one at a time ----------------------------------------------------------
  let storeChain: Promise<void> = Promise.resolve();
  const exclusive = (operation: () => Promise<void>): Promise<void> => {
    const result = storeChain.then(operation).catch((error: unknown) => report(error, 'insert', 0));
    storeChain = result;
    return result;
  };

  /** Writes one batch from the head of the queue: to the store, or to the spool to keep order. */
  const flushOne = async (): Promise<void> => {
    await spoolChecked; // whether a previous run left records that must go first
    const batch = queue.slice(0, batchSize);
    queue = queue.slice(batch.length);
    queueBytes = Math.max(0, queueBytes - bytesOfAll(batch));
    notifyRoom();
    if (batch.length > 0) {
      if (spoolHasData() && !spoolWriteFailing) {
        spill(batch);
      } else {
        try {
          const began = performance.now();
          await store.insertBatch(batch);
          observeWrite((performance.now() - began) / 1000);
          counters.written += batch.length;
          storeFailing = false;
        } catch (error) {
          storeFailing = true;
          counters.failedBatches += 1;
          report(error, 'insert', batch.length);
          spill(batch);
        }
      }
    }
    if (queue.length >= batchSize) triggerFlush();
    else if (queue.length > 0) armFlushTimer();
  };

  /** Moves the spool aside and stores it batch by batch; on failure leaves it for the next try. */
  const replay = async (): Promise<void> => {
    await onSpoolChain(async () => {
      if (replayingExists) return;
      spoolFileBytes = await sizeOf(spoolPath);
      if (spoolFileBytes === 0) return;
      await rename(spoolPath, replayingPath);
      replayingExists = true;
      replayingBytes = spoolFileBytes;
      spoolFileBytes = 0;
    }).catch((error: unknown) => report(error, 'replay', 0));
    if (!replayingExists) return;

    let handle: FileHandle;
    try {
      handle = await open(replayingPath, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        replayingExists = false; // removed by hand: nothing to replay
        replayingBytes = 0;
      } else {
        report(error, 'replay', 0);
      }
      return;
    }
    const lines = createInterface({ input: handle.createReadStream({ encoding: 'utf8' }), crlfDelay: Infinity });
    let batch: ExchangeRecord[] = [];
    let lineNumber = 0;
    try {
      for await (const line of lines) {
        lineNumber += 1;
        if (line.trim() === '') continue;
        const record = parseSpoolLine(line);
        if (record === null) {
          await appendFile(rejectedPath, `${line}\n`);
          report(new Error(`spool line ${lineNumber} is not a record; moved to ${rejectedPath}`), 'spool-line', 1);
          continue;
        }
        batch.push(record);
        if (batch.length >= batchSize) {
          await store.insertBatch(batch);
          counters.written += batch.length;
          batch = [];
        }
      }
      if (batch.length > 0) {
        await store.insertBatch(batch);
        counters.written += batch.length;
      }
      await unlink(replayingPath);
      replayingExists = false;
      replayingBytes = 0;
    } catch (error) {
      counters.failedBatches += 1;
      report(error, 'replay', batch.length);
      return;
    } finally {
      lines.close();
      await handle.close().catch(() => undefined); // already closed when the stream ended
    }
    // What was spilled while we replayed: drain it now rather than a tick later.
    if (spoolHasData() && !closed) requestReplay();
  };

  // ---- triggers ------------------------------------------------------------------------------------
  let flushTimer: NodeJS.Timeout | null = null;
  let flushScheduled = false;
  let replayScheduled = false;

  function triggerFlush(): void {
    if (closed) return; // close() drains the queue itself
    if (flushTimer !== null) {
      clearTimeout(flushTimer);
      flushTimer = null;
    }
    if (flushScheduled) return;
    flushScheduled = true;
    // setImmediate: the insert (synchronous work for SQLite) never runs inside enqueue's caller.
    setImmediate(() => {
      void exclusive(async () => {
        flushScheduled = false;
        await flushOne();
      });
    });
  }

  function armFlushTimer(): void {
    if (flushTimer !== null || flushScheduled || closed) return;
    flushTimer = setTimeout(() => {
      flushTimer = null;
      triggerFlush();
    }, flushIntervalMs);
  }

  function requestReplay(): void {
    if (replayScheduled) return;
    replayScheduled = true;
    void exclusive(async () => {
      replayScheduled = false;
      await replay();
    });
  }

  const replayTimer = setInterval(() => {
    if (spoolHasData()) requestReplay();
  }, replayIntervalMs);
  replayTimer.unref();
  // Replay at start: waits for the spool check above, then drains whatever a previous run left.
  void onSpoolChain(async () => {
    if (spoolHasData()) requestReplay();
  });

  const settle = async (): Promise<void> => {
    while (queue.length > 0) await exclusive(flushOne);
    await exclusive(async () => undefined);
    await onSpoolChain(async () => undefined);
  };

  return {
    enqueue(record) {
      try {
        if (closed || queueFull()) {
          if (spoolWriteFailing && storeFailing && queueFull()) {
            counters.lost += 1;
            report(new Error('1 record lost: the store and the spool both refuse writes (disk full?) and the in-memory queue is at its bound'), 'lost', 1);
            return;
          }
          spill([record]);
          return;
        }
        queue.push(record);
        queueBytes += bytesOf(record);
        if (queue.length >= batchSize) triggerFlush();
        else armFlushTimer();
      } catch (error) {
        // JSON.stringify of a record cannot normally fail; if it does, say so rather than throw.
        report(error, 'spool-write', 1);
      }
    },

    flush: settle,

    roomForBatch() {
      if (hasRoom()) return Promise.resolve();
      return new Promise<void>((resolve) => roomWaiters.push(resolve));
    },

    async close() {
      closed = true;
      notifyRoom();
      clearInterval(replayTimer);
      if (flushTimer !== null) clearTimeout(flushTimer);
      flushTimer = null;
      await settle();
      if (spoolHasData()) await exclusive(replay);
      await onSpoolChain(async () => undefined);
    },

    stats() {
      return {
        queueDepth: queue.length,
        written: counters.written,
        spooled: counters.spooled,
        spoolBytes: spoolFileBytes + replayingBytes,
        failedBatches: counters.failedBatches,
        lost: counters.lost,
        lastError: counters.lastError,
        writeLatency: { ...writeLatency, buckets: [...writeLatency.buckets] },
      };
    },
  };
}

/** What a record holds in memory, roughly: its bodies (the rest is small and bounded). */
function bytesOf(record: ExchangeRecord): number {
  return record.requestBody.length + record.responseBody.length + 1_024;
}

function bytesOfAll(records: readonly ExchangeRecord[]): number {
  let total = 0;
  for (const record of records) total += bytesOf(record);
  return total;
}

function parseSpoolLine(line: string): ExchangeRecord | null {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string') {
      return value as ExchangeRecord;
    }
    return null;
  } catch {
    return null;
  }
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function endsWithNewline(path: string, size: number): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    await handle.close();
  }
}
