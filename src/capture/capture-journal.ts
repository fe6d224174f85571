// The capture journal: every ended exchange is appended to a durable log on the proxy thread as it
// is handed to the recording side, so a crash (kill -9, OOM kill) loses at most the exchanges of
// the last group-commit interval instead of everything still queued in memory.
//
// Group commit: appends gather in memory and go out as one write + fdatasync every
// `groupCommitMs` (on libuv's thread pool: the event loop never waits for the disk). The log is cut
// into segments (`<dir>/<seq>.log`); once a segment is closed and the recording backend has
// flushed everything accepted before the cut (into the database or its spool), the segment is
// deleted. At start, segments a previous run left are replayed into the backend first. Each entry
// carries the record id it will be stored under, and insertBatch is idempotent on id, so an entry
// that was already stored before the crash is not stored twice. close() waits for the bytes to be
// on disk, never for the backend: a shutdown with a blocked store leaves the segments in place
// (open-recording.ts), and the next start replays them.
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
}

export interface CaptureJournalOptions {
  dir: string;
  /** One write + fdatasync per this many milliseconds (default 5). */
  groupCommitMs?: number;
  /** A new segment this often (default 1 s), so stored exchanges leave the disk soon. */
  segmentMs?: number;
  /** false skips fdatasync: survives a process crash, not a power cut. Default true. */
  fsync?: boolean;
  logger: Logger;
}

export interface CaptureJournal {
  /** Assigns the exchange its record id, logs it, and hands it to the backend. */
  accept(raw: RawExchange): void;
  /** Commits what is pending, stops, and removes the segments (call after the backend flushed). */
  close(): Promise<void>;
  stats(): { committed: number; replayed: number; segments: number };
  /** Exchanges accepted that the backend has not yet confirmed stored (a flush after their segment closed). */
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
}

export async function openCaptureJournal(backend: JournaledBackend, options: CaptureJournalOptions): Promise<CaptureJournal> {
  const groupCommitMs = options.groupCommitMs ?? 5;
  const segmentMs = options.segmentMs ?? 1_000;
  const fsync = options.fsync ?? true;
  const nextId = monotonicFactory();
  const counters = { committed: 0, replayed: 0, accepted: 0, confirmed: 0 };
  mkdirSync(options.dir, { recursive: true });

  // ---- replay what a previous run left -------------------------------------------------------
  const leftovers = readdirSync(options.dir)
    .filter((name) => /^\d{12}\.log$/u.test(name))
    .sort();
  let sequence = 0;
  for (const name of leftovers) {
    const path = join(options.dir, name);
    for (const raw of decodeSegment(readFileSync(path))) {
      backend.accept(raw);
      counters.replayed++;
    }
    sequence = Math.max(sequence, Number(name.slice(0, 12)));
  }
  if (leftovers.length > 0) {
    await backend.flush();
    for (const name of leftovers) unlinkSync(join(options.dir, name));
    options.logger.info({ exchanges: counters.replayed, segments: leftovers.length }, 'capture journal: replayed what the previous run had not stored');
  }

  // ---- appending -----------------------------------------------------------------------------
  // Synchronous (once a second): the switch to the new segment happens between two commits.
  const openSegment = (): Segment => {
    const next = ++sequence;
    return { sequence: next, fd: openSync(join(options.dir, segmentName(next)), 'a'), committed: Promise.resolve(), used: false, synced: Promise.resolve(), syncRequested: false };
  };
  let current = openSegment();
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
      });
  };

  /** Closes the current segment, starts the next, and deletes the old one once the backend has it all. */
  // The segment being rotated out: close() waits for its bytes to be on disk, never for the
  // backend's flush (a blocked store would hold the shutdown).
  let rotatingOut: Segment | null = null;
  const rotate = async () => {
    if (closed || (!current.used && pending.length === 0)) return;
    const old = current;
    rotatingOut = old;
    commit();
    const acceptedAtCut = counters.accepted;
    current = openSegment();
    await old.committed;
    await old.synced;
    await backend.flush();
    counters.confirmed = Math.max(counters.confirmed, acceptedAtCut);
    if (rotatingOut === old) rotatingOut = null;
    await new Promise<void>((resolve) => close(old.fd, () => resolve()));
    try {
      unlinkSync(join(options.dir, segmentName(old.sequence)));
    } catch {
      // Already gone: nothing to do.
    }
  };
  let rotating: Promise<void> = Promise.resolve();
  const rotateTimer = setInterval(() => {
    rotating = rotating.then(rotate).catch((error: unknown) => options.logger.error({ err: error }, 'capture journal: segment rotation failed'));
  }, segmentMs);
  rotateTimer.unref();

  return {
    accept(raw) {
      const withId = { ...raw, id: raw.id ?? nextId(raw.startedAt) };
      counters.accepted++;
      if (!closed && !failed) {
        for (const part of encode(withId)) pending.push(part);
        pendingCount++;
        if (commitTimer === null) commitTimer = setTimeout(commit, groupCommitMs);
      }
      backend.accept(withId);
    },
    async close() {
      closed = true;
      clearInterval(rotateTimer);
      if (commitTimer !== null) clearTimeout(commitTimer);
      commit();
      const outgoing = rotatingOut as Segment | null;
      if (outgoing !== null) {
        await outgoing.committed;
        await outgoing.synced;
      }
      await current.committed;
      await current.synced;
      await new Promise<void>((resolve) => close(current.fd, () => resolve()));
    },
    stats: () => ({ committed: counters.committed, replayed: counters.replayed, segments: sequence }),
    unconfirmed: () => counters.accepted - counters.confirmed,
  };
}

/** Removes every segment: called once the backend closed, i.e. everything reached the store or the spool. */
export function clearCaptureJournal(dir: string): void {
  for (const name of readdirSync(dir)) if (/^\d{12}\.log$/u.test(name)) unlinkSync(join(dir, name));
}
