// The capture journal: every ended exchange is appended to a durable log on the proxy thread as it
// is handed to the recording side, so a crash (kill -9, OOM kill) loses at most the exchanges of
// the last group-commit interval instead of everything still queued in memory.
//
// Group commit: appends gather in memory and go out as one write + fdatasync every
// `groupCommitMs` (on libuv's thread pool: the event loop never waits for the disk). The log is cut
// into segments (`<dir>/<seq>.log`); once a segment is closed and the recording backend has
// flushed everything accepted before the cut (into the database or its spool), the segment is
// deleted. Each entry carries the record id it will be stored under, and insertBatch is idempotent
// on id, so an entry stored twice (a replay cut short) is stored once.
//
// Behind: when the recording side holds more than the high-water mark of bytes it has not
// processed yet (the machine is saturated and the low-priority recording worker gets little CPU),
// new exchanges are only logged: they wait on disk, in deferred segments, instead of in memory or
// in the spool. A catch-up loop hands the deferred segments to the backend, oldest first and in
// slices, whenever its backlog is below a quarter of the mark, deletes each one once the backend
// flushed it, and then goes back to handing exchanges over directly. What a previous run left is
// replayed the same way, after the proxy is already serving. Closing leaves deferred segments on
// disk for the next start (and says so), so a shutdown with a backlog is bounded by the backend's
// in-memory part only.
//
// Entry: u32 meta length · u32 request length · u32 response length (big-endian) · meta (JSON) ·
// request bytes · response bytes. A last entry cut short by a crash is ignored.
import { close, fdatasync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, write } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { monotonicFactory } from 'ulid';
import type { RawExchange } from './process-exchange.js';

/** What the journal needs of the recording side. */
export interface JournaledBackend {
  accept(raw: RawExchange): void;
  /** Resolves once everything accepted before the call is stored (database or spool). */
  flush(): Promise<void>;
  /** Bytes accepted but not yet processed; absent: the backend keeps up by construction (inline). */
  backlogBytes?(): number;
}

/** Above this many bytes waiting in the recording side, new exchanges wait in the journal instead. */
const DEFAULT_HIGH_WATER_BYTES = 8 * 1024 * 1024;
/** A deferred segment is read back whole, so it is cut at this size. */
const DEFAULT_MAX_SEGMENT_BYTES = 8 * 1024 * 1024;
const CATCH_UP_INTERVAL_MS = 20;

export interface CaptureJournalOptions {
  dir: string;
  /** One write + fdatasync per this many milliseconds (default 5). */
  groupCommitMs?: number;
  /** A new segment this often (default 1 s), so stored exchanges leave the disk soon. */
  segmentMs?: number;
  /** false skips fdatasync: survives a process crash, not a power cut. Default true. */
  fsync?: boolean;
  /** Backlog at which exchanges are deferred to the journal (default 8 MiB); they are handed over again below a quarter of it. */
  backlogHighWaterBytes?: number;
  /** Size at which a deferred segment is cut (default 8 MiB). */
  maxSegmentBytes?: number;
  logger: Logger;
}

export interface CaptureJournal {
  /** Assigns the exchange its record id, logs it, and hands it to the backend. */
  accept(raw: RawExchange): void;
  /**
   * Commits what is pending and stops; once `drained` resolved true (the backend stored everything
   * it was handed), removes every segment but the deferred ones, which the next start records.
   * false (the drain gave up) keeps every segment.
   */
  close(drained: () => Promise<boolean>): Promise<{ leftInJournal: number }>;
  stats(): { committed: number; replayed: number; deferred: number; segments: number; behind: boolean };
  /** Exchanges handed to the backend that it has not yet confirmed stored (a flush after their hand-over). */
  unconfirmed(): number;
}

const HEADER_BYTES = 12;

function encode(raw: RawExchange & { id: string }): Buffer[] {
  const { requestBody, responseChunks, ...meta } = raw;
  let responseLength = 0;
  for (const chunk of responseChunks) responseLength += chunk.length;
  const metaBytes = Buffer.from(JSON.stringify(meta), 'utf8');
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32BE(metaBytes.length, 0);
  header.writeUInt32BE(requestBody.length, 4);
  header.writeUInt32BE(responseLength, 8);
  return [header, metaBytes, requestBody, ...responseChunks];
}

/** Every whole entry of a segment; stops at the first one a crash cut short. */
export function decodeSegment(bytes: Buffer): RawExchange[] {
  const entries: RawExchange[] = [];
  let offset = 0;
  while (offset + HEADER_BYTES <= bytes.length) {
    const metaLength = bytes.readUInt32BE(offset);
    const requestLength = bytes.readUInt32BE(offset + 4);
    const responseLength = bytes.readUInt32BE(offset + 8);
    const end = offset + HEADER_BYTES + metaLength + requestLength + responseLength;
    if (end > bytes.length) break;
    let meta: Omit<RawExchange, 'requestBody' | 'responseChunks'>;
    try {
      meta = JSON.parse(bytes.toString('utf8', offset + HEADER_BYTES, offset + HEADER_BYTES + metaLength)) as typeof meta;
    } catch {
      break;
    }
    const requestStart = offset + HEADER_BYTES + metaLength;
    entries.push({
      ...meta,
      requestBody: Buffer.from(bytes.subarray(requestStart, requestStart + requestLength)),
      responseChunks: [Buffer.from(bytes.subarray(requestStart + requestLength, end))],
    });
    offset = end;
  }
  return entries;
}

const segmentName = (sequence: number) => `${String(sequence).padStart(12, '0')}.log`;
const SEGMENT_FILE = /^\d{12}\.log$/u;

interface Segment {
  sequence: number;
  fd: number;
  /** Settles when every write to this segment so far is on disk. */
  committed: Promise<void>;
  /** Whether anything was written to it (an empty segment is not rotated). */
  used: boolean;
  /** Settles when the fdatasync in flight (if any) is done. */
  synced: Promise<void>;
  syncRequested: boolean;
  /** Logged only, not handed to the backend: replayed by the catch-up loop before it is deleted. */
  deferred: boolean;
  bytes: number;
  entries: number;
  /** Exchanges handed to the backend when this segment was cut: confirmed once it flushed. */
  handedAtCut: number;
}

interface DeferredSegment {
  sequence: number;
  entries: number;
}

export async function openCaptureJournal(backend: JournaledBackend, options: CaptureJournalOptions): Promise<CaptureJournal> {
  const groupCommitMs = options.groupCommitMs ?? 5;
  const segmentMs = options.segmentMs ?? 1_000;
  const fsync = options.fsync ?? true;
  const highWater = options.backlogHighWaterBytes ?? DEFAULT_HIGH_WATER_BYTES;
  const lowWater = Math.floor(highWater / 4);
  const maxSegmentBytes = options.maxSegmentBytes ?? DEFAULT_MAX_SEGMENT_BYTES;
  const backlog = (): number => backend.backlogBytes?.() ?? 0;
  const nextId = monotonicFactory();
  const counters = { committed: 0, replayed: 0, deferred: 0, handed: 0, confirmed: 0 };
  const handOver = (raw: RawExchange): void => {
    counters.handed++;
    backend.accept(raw);
  };
  const confirm = (handedBefore: number): void => {
    counters.confirmed = Math.max(counters.confirmed, handedBefore);
  };
  mkdirSync(options.dir, { recursive: true });

  // ---- what a previous run left: replayed by the catch-up loop, not before serving -----------
  const deferredQueue: DeferredSegment[] = [];
  let sequence = 0;
  for (const name of readdirSync(options.dir).filter((entry) => SEGMENT_FILE.test(entry)).sort()) {
    const number = Number(name.slice(0, 12));
    deferredQueue.push({ sequence: number, entries: -1 });
    sequence = Math.max(sequence, number);
  }
  const leftFromLastRun = deferredQueue.length;

  // ---- appending -----------------------------------------------------------------------------
  const openSegment = (deferred: boolean): Segment => {
    const next = ++sequence;
    return {
      sequence: next,
      fd: openSync(join(options.dir, segmentName(next)), 'a'),
      committed: Promise.resolve(),
      used: false,
      synced: Promise.resolve(),
      syncRequested: false,
      deferred,
      bytes: 0,
      entries: 0,
      handedAtCut: 0,
    };
  };
  let deferring = false;
  let current = openSegment(false);
  let pending: Buffer[] = [];
  let pendingCount = 0;
  let commitTimer: NodeJS.Timeout | null = null;
  let failed = false;
  let closed = false;

  // Writes go out one after the other as soon as they are due (once write() returns the bytes are
  // in the kernel and survive a killed process); fdatasync runs beside them, coalesced: one in
  // flight at a time, covering every write before it, so a slow disk flush never delays a write.
  const writeAll = (fd: number, data: Buffer): Promise<void> =>
    new Promise((resolve, reject) => {
      const step = (offset: number) =>
        write(fd, data, offset, data.length - offset, null, (error, written) => {
          if (error) return reject(error);
          if (offset + written < data.length) return step(offset + written);
          resolve();
        });
      step(0);
    });

  const requestSync = (segment: Segment): void => {
    if (!fsync || segment.syncRequested) return;
    segment.syncRequested = true;
    segment.synced = segment.synced.then(
      () =>
        new Promise<void>((resolve) => {
          segment.syncRequested = false;
          fdatasync(segment.fd, (error) => {
            if (error && !failed) options.logger.warn({ err: error }, 'capture journal: fdatasync failed');
            resolve();
          });
        }),
    );
  };

  const commit = () => {
    if (commitTimer !== null) clearTimeout(commitTimer);
    commitTimer = null;
    if (pending.length === 0) return;
    const data = Buffer.concat(pending);
    const count = pendingCount;
    pending = [];
    pendingCount = 0;
    const segment = current;
    segment.used = true;
    // One commit at a time per segment, in order.
    segment.committed = segment.committed
      .then(() => writeAll(segment.fd, data))
      .then(() => {
        counters.committed += count;
        requestSync(segment);
      })
      .catch((error: unknown) => {
        if (!failed) options.logger.error({ err: error }, 'capture journal: cannot write; exchanges are still recorded, but a crash now loses what is queued');
        failed = true;
        // Exchanges that only this write held go to the backend now rather than nowhere.
        if (segment.deferred) for (const raw of decodeSegment(data)) backend.accept(raw);
      });
  };

  /** Ends the current segment and starts the next (synchronous: between two commits). */
  const cut = (nextDeferred: boolean): Segment => {
    commit();
    const old = current;
    old.handedAtCut = counters.handed;
    current = openSegment(nextDeferred);
    return old;
  };
  /** Once a cut segment is on disk: a deferred one waits for the catch-up loop, any other is deleted once the backend has it all. */
  const finish = async (old: Segment, deleteHanded = true): Promise<void> => {
    await old.committed;
    await old.synced;
    await new Promise<void>((resolve) => close(old.fd, () => resolve()));
    if (!old.used) return removeSegment(old.sequence);
    if (old.deferred) {
      deferredQueue.push({ sequence: old.sequence, entries: old.entries });
      return;
    }
    if (!deleteHanded) return;
    await backend.flush();
    confirm(old.handedAtCut);
    removeSegment(old.sequence);
  };
  const removeSegment = (number: number): void => {
    try {
      unlinkSync(join(options.dir, segmentName(number)));
    } catch {
      // Already gone: nothing to do.
    }
  };

  let rotating: Promise<void> = Promise.resolve();
  const chain = (step: () => Promise<void>): void => {
    rotating = rotating.then(step).catch((error: unknown) => options.logger.error({ err: error }, 'capture journal: segment rotation failed'));
  };
  const rotate = async (): Promise<void> => {
    if (closed || (!current.used && pending.length === 0)) return;
    await finish(cut(deferring));
  };
  const rotateTimer = setInterval(() => chain(rotate), segmentMs);
  rotateTimer.unref();

  // ---- catching up: deferred segments handed to the backend as it has room ------------------
  let behindSince = 0;
  let catchingUp: Promise<void> | null = null;
  const catchUp = async (): Promise<void> => {
    while (!closed) {
      if (backlog() > lowWater) return;
      const next = deferredQueue[0];
      if (next === undefined) {
        if (!deferring) break;
        // Only the live segment is left: from now on exchanges go straight to the backend, and
        // the last deferred segment is replayed like the others.
        deferring = false;
        const old = cut(false);
        chain(() => finish(old));
        await rotating;
        continue;
      }
      const path = join(options.dir, segmentName(next.sequence));
      let entries: RawExchange[];
      try {
        entries = decodeSegment(readFileSync(path));
      } catch {
        entries = []; // gone: nothing to replay
      }
      // In slices, so the backend never holds more than the high-water mark at once.
      for (let index = 0; index < entries.length && !closed; ) {
        while (backlog() > highWater && !closed) await delay(10);
        const end = Math.min(entries.length, index + 64);
        for (; index < end; index++) handOver(entries[index]!);
        await delay(0);
      }
      if (closed) return; // kept: replayed again next time, stored once (ids are fixed)
      const handedBefore = counters.handed;
      await backend.flush();
      confirm(handedBefore);
      removeSegment(next.sequence);
      deferredQueue.shift();
      counters.replayed += entries.length;
    }
    if (behindSince !== 0 && deferredQueue.length === 0 && !deferring) {
      options.logger.info({ seconds: Math.round((Date.now() - behindSince) / 100) / 10, replayed: counters.replayed }, 'recording caught up with the capture journal');
      behindSince = 0;
    }
  };
  const catchUpTimer = setInterval(() => {
    if (catchingUp !== null || (deferredQueue.length === 0 && !deferring)) return;
    catchingUp = catchUp()
      .catch((error: unknown) => options.logger.error({ err: error }, 'capture journal: replay failed; it is tried again'))
      .finally(() => {
        catchingUp = null;
      });
  }, CATCH_UP_INTERVAL_MS);
  catchUpTimer.unref();
  if (leftFromLastRun > 0) {
    behindSince = Date.now();
    options.logger.info({ segments: leftFromLastRun }, 'capture journal: recording what the previous run had not stored');
  }

  return {
    accept(raw) {
      const withId = { ...raw, id: raw.id ?? nextId(raw.startedAt) };
      if (closed || failed) {
        handOver(withId);
        return;
      }
      if (!deferring && backend.backlogBytes !== undefined && backlog() > highWater) {
        // The recording side is behind: rather than queue in memory (or spill everything into
        // the spool), new exchanges wait in the journal, which is on disk already.
        deferring = true;
        if (behindSince === 0) behindSince = Date.now();
        options.logger.warn({ backlog_bytes: backlog() }, 'recording is behind: new exchanges wait in the capture journal and are recorded as it catches up');
        const old = cut(true);
        chain(() => finish(old));
      }
      const parts = encode(withId);
      for (const part of parts) {
        pending.push(part);
        current.bytes += part.length;
      }
      pendingCount++;
      current.entries++;
      if (commitTimer === null) commitTimer = setTimeout(commit, groupCommitMs);
      if (!current.deferred) {
        handOver(withId);
        return;
      }
      counters.deferred++;
      if (current.bytes > maxSegmentBytes) {
        const old = cut(true);
        chain(() => finish(old));
      }
    },
    async close(drained) {
      closed = true;
      clearInterval(rotateTimer);
      clearInterval(catchUpTimer);
      commit();
      await catchingUp;
      await rotating;
      const last = current;
      await finish(last, false);
      // Everything handed over is in the database or the spool once the backend drained; if it
      // gave up, every segment stays for the next start.
      if (await drained()) {
        const kept = new Set(deferredQueue.map((segment) => segment.sequence));
        for (const name of readdirSync(options.dir).filter((entry) => SEGMENT_FILE.test(entry))) {
          if (!kept.has(Number(name.slice(0, 12)))) removeSegment(Number(name.slice(0, 12)));
        }
      }
      // Segments a previous run left and that were not replayed yet count their entries now.
      let left = 0;
      for (const segment of deferredQueue) {
        left += segment.entries >= 0 ? segment.entries : countEntries(join(options.dir, segmentName(segment.sequence)));
      }
      return { leftInJournal: left };
    },
    unconfirmed: () => counters.handed - counters.confirmed,
    stats: () => ({ committed: counters.committed, replayed: counters.replayed, deferred: counters.deferred, segments: sequence, behind: deferring || deferredQueue.length > 0 }),
  };
}

function countEntries(path: string): number {
  try {
    return decodeSegment(readFileSync(path)).length;
  } catch {
    return 0;
  }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
