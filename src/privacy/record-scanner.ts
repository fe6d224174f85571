// The background scan behind the review UI's privacy marks, findings filter and near-duplicates:
// run by the process that serves the UI (admin-server.ts), never on the proxy's hot path nor in a
// list request. It reads the store's scan queue a window at a time (Store.scanQueue), scans each
// record (scan-record.ts, a few ms), yields to the event loop between records (setImmediate) and
// saves the scans in small batches, so requests are never held up for long.
//   - A full sweep (every record, newest first) at start and every `fullSweepMs`: it catches up
//     with records written while no scanner ran, and scans after a scanner version change.
//   - In between, sweeps of the last `recentMs` of ids (ULIDs start with their time) every
//     `idleMs` while idle: new records, even ones written late (a long stream is stored when it
//     ends, under the id it got when it started).
//   - Low priority: after each batch it rests as long as the batch took (`busyShare`), so a
//     catch-up over many records takes at most half a core from the proxy sharing the process.
//   - rescan(ids) first: an edit made here (the store forgets the scan of an edited row itself,
//     this only makes the new scan come first and after any scan of the old row in flight).
import type { Logger } from 'pino';
import type { RecordScan, Store } from '../store/store.js';
import { scannerVersionFor, scanRecord } from './scan-record.js';

export interface RecordScannerOptions {
  store: Store;
  logger: Logger;
  now: () => number;
  /** Pause after a sweep that found nothing (default 1 s). */
  idleMs?: number;
  /** Records read per scan-queue window (default 200). */
  window?: number;
  /** How far back the frequent sweeps look (default 15 min). */
  recentMs?: number;
  /** How often a full sweep runs (default 10 min). */
  fullSweepMs?: number;
  /**
   * The share of one core the scan may take while catching up (default 0.5): after each batch it
   * rests for as long as the batch took. The proxy shares the process in `start`.
   */
  busyShare?: number;
  /** config.json `export.privacy.allowlist`: values the user declared harmless are not marked. */
  allowlist?: readonly string[];
}

export interface RecordScanner {
  /** Scan these records next (after an edit). */
  rescan(ids: readonly string[]): void;
  /** Look for new records now instead of at the end of the pause. */
  wake(): void;
  /** Resolves the next time a sweep finds nothing left to scan (tests, benchmarks). */
  idle(): Promise<void>;
  /** Records scanned since start. */
  readonly scanned: number;
  /** Stops after the record being scanned; resolves when the loop has ended. */
  close(): Promise<void>;
}

/** Scans saved per store transaction. */
const SAVE_BATCH = 20;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The 10-character time prefix of the ULIDs made at `time` (epoch ms): every id made at or after it sorts above it. */
export function idTimePrefix(time: number): string {
  let rest = Math.max(0, Math.floor(time));
  let prefix = '';
  for (let index = 0; index < 10; index += 1) {
    prefix = CROCKFORD[rest % 32]! + prefix;
    rest = Math.floor(rest / 32);
  }
  return prefix;
}

export function startRecordScanner(options: RecordScannerOptions): RecordScanner {
  const idleMs = options.idleMs ?? 1_000;
  const window = options.window ?? 200;
  const recentMs = options.recentMs ?? 15 * 60_000;
  const fullSweepMs = options.fullSweepMs ?? 10 * 60_000;
  const busyShare = Math.min(1, Math.max(0.05, options.busyShare ?? 0.5));
  const allowlist = options.allowlist ?? [];
  const scannerVersion = scannerVersionFor(allowlist);
  const urgent = new Set<string>();
  let closed = false;
  let scanned = 0;
  let wakeUp: (() => void) | null = null;
  let idleWaiters: Array<() => void> = [];

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        wakeUp = null;
        resolve();
      }
      wakeUp = done;
    });
  const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

  /** Scans and saves the records; returns how many scans were saved. */
  const scanAll = async (ids: readonly string[]): Promise<number> => {
    let saved = 0;
    let batch: RecordScan[] = [];
    let batchStarted = performance.now();
    const flush = async () => {
      if (batch.length === 0) return;
      await options.store.saveScans(batch, options.now());
      saved += batch.length;
      scanned += batch.length;
      batch = [];
      const rest = ((performance.now() - batchStarted) * (1 - busyShare)) / busyShare;
      if (rest >= 1 && !closed) await pause(rest);
      batchStarted = performance.now();
    };
    for (const id of ids) {
      if (closed) break;
      await yieldToRequests();
      const record = await options.store.get(id);
      if (record === null) continue;
      try {
        batch.push(await scanRecord(record, allowlist));
      } catch (error) {
        // Left unscanned (the next sweep tries again); never the record's text in the log.
        options.logger.warn({ err: { message: (error as Error).message }, id }, 'privacy scan of a record failed');
      }
      if (batch.length >= SAVE_BATCH) await flush();
    }
    await flush();
    return saved;
  };

  const loop = async () => {
    let lastFullSweep = -Infinity;
    let sweep: { after?: string; before?: string } | null = null;
    let foundInSweep = 0;
    while (!closed) {
      try {
        if (urgent.size > 0) {
          const ids = [...urgent].slice(0, SAVE_BATCH);
          for (const id of ids) urgent.delete(id);
          await scanAll(ids);
          continue;
        }
        if (sweep === null) {
          const full = options.now() - lastFullSweep >= fullSweepMs;
          if (full) lastFullSweep = options.now();
          sweep = full ? {} : { after: idTimePrefix(options.now() - recentMs) };
          foundInSweep = 0;
        }
        const page = await options.store.scanQueue({ ...sweep, window, scannerVersion });
        foundInSweep += await scanAll(page.ids);
        if (page.next !== null) {
          sweep.before = page.next;
          await yieldToRequests();
          continue;
        }
        sweep = null;
        if (foundInSweep > 0) continue;
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const resolve of waiters) resolve();
        if (!closed && urgent.size === 0) await pause(idleMs);
      } catch (error) {
        if (closed) break;
        options.logger.warn({ err: { message: (error as Error).message } }, 'privacy scan paused: the store did not answer');
        sweep = null;
        await pause(idleMs * 5);
      }
    }
    for (const resolve of idleWaiters) resolve();
    idleWaiters = [];
  };
  const running = loop();

  return {
    rescan(ids) {
      for (const id of ids) urgent.add(id);
      wakeUp?.();
    },
    wake() {
      wakeUp?.();
    },
    idle() {
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    get scanned() {
      return scanned;
    },
    async close() {
      closed = true;
      wakeUp?.();
      await running;
    },
  };
}
