import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExchangeRecord } from '../exchange-record.js';
import { openSqliteStore } from '../sqlite/sqlite-store.js';
import type { Store } from '../store.js';
import { makeTestRecords } from '../test-records.js';
import { type BatchWriter, type BatchWriterOptions, createBatchWriter } from './batch-writer.js';

let dir: string;
let dbPath: string;
let spoolPath: string;
let store: Store;
let writer: BatchWriter | undefined;
let insertCalls: number[];

/** The store, with every insertBatch call's size recorded. */
function countingStore(): Pick<Store, 'insertBatch'> {
  return {
    insertBatch: async (records) => {
      insertCalls.push(records.length);
      await store.insertBatch(records);
    },
  };
}

function startWriter(options: Partial<BatchWriterOptions> = {}): BatchWriter {
  writer = createBatchWriter({ store: countingStore(), spoolPath, ...options });
  return writer;
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function spoolLines(records: readonly ExchangeRecord[]): string {
  return records.map((record) => `${JSON.stringify(record)}\n`).join('');
}

async function storedIds(): Promise<string[]> {
  const ids: string[] = [];
  for await (const item of store.iterate({}, 1_000)) ids.push(item.id);
  return ids;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'batch-writer-'));
  dbPath = join(dir, 'db', 'proxy.db');
  spoolPath = join(dir, 'spool', 'exchanges.spool.jsonl');
  store = openSqliteStore(dbPath, { busyTimeoutMs: 50 });
  insertCalls = [];
  writer = undefined;
});

afterEach(async () => {
  await writer?.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('createBatchWriter', () => {
  it('writes N records in ceil(N / batchSize) transactions', async () => {
    const batchWriter = startWriter({ batchSize: 500, flushIntervalMs: 20 });
    const records = makeTestRecords(1_234);
    for (const record of records) batchWriter.enqueue(record);
    await waitFor(async () => (await store.count()) === 1_234);
    expect(insertCalls).toEqual([500, 500, 234]);
    expect(batchWriter.stats()).toMatchObject({ queueDepth: 0, written: 1_234, spooled: 0, failedBatches: 0 });
  });

  it('flushes a partial batch after flushIntervalMs, not before', async () => {
    const batchWriter = startWriter({ batchSize: 500, flushIntervalMs: 150 });
    for (const record of makeTestRecords(3)) batchWriter.enqueue(record);
    await sleep(40);
    expect(await store.count()).toBe(0);
    expect(batchWriter.stats().queueDepth).toBe(3);
    await waitFor(async () => (await store.count()) === 3);
    expect(insertCalls).toEqual([3]);
  });

  it('flush() writes what is queued without waiting for the interval', async () => {
    const batchWriter = startWriter({ flushIntervalMs: 60_000 });
    for (const record of makeTestRecords(7)) batchWriter.enqueue(record);
    await batchWriter.flush();
    expect(await store.count()).toBe(7);
  });

  it('roomForBatch waits while a whole batch is queued behind the one being written, and not otherwise', async () => {
    let openGate = () => {};
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    writer = createBatchWriter({
      store: {
        insertBatch: async (records) => {
          await gate;
          await store.insertBatch(records);
        },
      },
      spoolPath,
      batchSize: 10,
      flushIntervalMs: 60_000,
    });
    const records = makeTestRecords(25);
    for (const record of records.slice(0, 5)) writer.enqueue(record);
    let roomAt: number | null = null;
    await writer.roomForBatch(); // less than a batch queued: at once
    for (const record of records.slice(5)) writer.enqueue(record);
    void writer.roomForBatch().then(() => (roomAt = writer!.stats().queueDepth));
    // The first batch is at the gate; 10 records wait behind it: no room.
    await sleep(100);
    expect(roomAt).toBeNull();
    openGate();
    await waitFor(() => roomAt !== null);
    expect(roomAt).toBeLessThan(10);
    await writer.flush();
    expect(await store.count()).toBe(25);
    await writer.close();
    await writer.roomForBatch(); // closed: never waits
  });

  it('sends records beyond maxQueue to the spool, and loses none of them', async () => {
    const batchWriter = startWriter({ maxQueue: 10, batchSize: 500, flushIntervalMs: 20 });
    const records = makeTestRecords(25);
    for (const record of records) batchWriter.enqueue(record);
    expect(batchWriter.stats()).toMatchObject({ queueDepth: 10, spooled: 15 });
    await batchWriter.close();
    expect((await storedIds()).sort()).toEqual(records.map((record) => record.id).sort());
    expect(existsSync(spoolPath)).toBe(false);
    expect(existsSync(`${spoolPath}.replaying`)).toBe(false);
    expect(batchWriter.stats().spoolBytes).toBe(0);
  });

  it('spools while the database is locked by another connection, then replays every record exactly once', async () => {
    const errors: string[] = [];
    const batchWriter = startWriter({
      batchSize: 100,
      flushIntervalMs: 10,
      replayIntervalMs: 100,
      onError: (error, details) => errors.push(`${details.operation}: ${error.message}`),
    });
    const records = makeTestRecords(1_000);
    for (const record of records.slice(0, 300)) batchWriter.enqueue(record);
    await batchWriter.flush();
    expect(await store.count()).toBe(300);

    // A second connection takes the write lock: the store's inserts now fail with SQLITE_BUSY.
    const locker = new Database(dbPath);
    locker.exec('BEGIN EXCLUSIVE');
    try {
      for (let start = 300; start < 1_000; start += 50) {
        for (const record of records.slice(start, start + 50)) batchWriter.enqueue(record);
        await sleep(5);
      }
      await batchWriter.flush();
      await sleep(250); // let a replay or two fail against the lock
      expect(batchWriter.stats().spooled).toBe(700);
      expect(batchWriter.stats().failedBatches).toBeGreaterThanOrEqual(1);
      expect(batchWriter.stats().lastError).toMatch(/locked|busy/i);
      expect(errors.some((error) => error.startsWith('insert:'))).toBe(true);
      expect(await store.count()).toBe(300);
    } finally {
      locker.exec('ROLLBACK');
      locker.close();
    }

    await waitFor(async () => (await store.count()) === 1_000 && batchWriter.stats().spoolBytes === 0);
    expect((await storedIds()).sort()).toEqual(records.map((record) => record.id).sort());
    expect(existsSync(spoolPath)).toBe(false);
    expect(existsSync(`${spoolPath}.replaying`)).toBe(false);

    // Back to direct writes once the spool is empty.
    const later = makeTestRecords(5, 5_000);
    for (const record of later) batchWriter.enqueue(record);
    await batchWriter.flush();
    expect(await store.count()).toBe(1_005);
    expect(batchWriter.stats().spooled).toBe(700);
  });

  it('keeps enqueue order across an outage, so a child spooled after its parent still links to it', async () => {
    const batchWriter = startWriter({ batchSize: 10, flushIntervalMs: 5, replayIntervalMs: 100 });
    const [parent, child] = makeTestRecords(2, 0);
    const linkedChild = { ...child!, parentKey: parent!.selfKey };
    const locker = new Database(dbPath);
    locker.exec('BEGIN EXCLUSIVE');
    batchWriter.enqueue(parent!);
    await batchWriter.flush();
    locker.exec('ROLLBACK');
    locker.close();
    // The database is writable again, but the parent is still in the spool: the child must wait its turn.
    batchWriter.enqueue(linkedChild);
    await waitFor(async () => (await store.count()) === 2);
    expect(await store.get(linkedChild.id)).toMatchObject({ parentId: parent!.id, threadId: parent!.id });
  });

  it('replays what a crashed run left (a half-replayed file, a half-written line) exactly once', async () => {
    const records = makeTestRecords(120);
    // The crash happened mid-replay: 40 of the 100 records in `.replaying` were already stored.
    await store.insertBatch(records.slice(0, 40));
    mkdirSync(join(dir, 'spool'), { recursive: true });
    writeFileSync(`${spoolPath}.replaying`, spoolLines(records.slice(0, 100)));
    writeFileSync(spoolPath, `${spoolLines(records.slice(100, 120))}{"id":"01HALFWRITTEN","startedAt":17`);

    const batchWriter = startWriter({ batchSize: 32 });
    await waitFor(async () => (await store.count()) === 120 && batchWriter.stats().spoolBytes === 0);
    expect((await storedIds()).sort()).toEqual(records.map((record) => record.id).sort());
    expect(readFileSync(`${spoolPath}.rejected`, 'utf8')).toBe('{"id":"01HALFWRITTEN","startedAt":17\n');
    expect(existsSync(spoolPath)).toBe(false);
    expect(existsSync(`${spoolPath}.replaying`)).toBe(false);
  });

  it('appends to the spool after close, and the next writer replays it', async () => {
    const first = startWriter();
    await first.close();
    const late = makeTestRecords(3);
    for (const record of late) first.enqueue(record);
    await first.flush();
    expect(await store.count()).toBe(0);
    expect(readFileSync(spoolPath, 'utf8').trim().split('\n')).toHaveLength(3);

    const second = startWriter();
    await waitFor(async () => (await store.count()) === 3);
    await second.close();
    expect(existsSync(spoolPath)).toBe(false);
  });

  it('writes to the store when the spool cannot be written, dropping nothing', async () => {
    const blocker = join(dir, 'not-a-directory');
    writeFileSync(blocker, 'x');
    const errors: string[] = [];
    writer = createBatchWriter({
      store,
      spoolPath: join(blocker, 'spool.jsonl'),
      maxQueue: 5,
      flushIntervalMs: 5,
      onError: (error, details) => errors.push(`${details.operation}: ${error.message}`),
    });
    const records = makeTestRecords(20);
    for (const record of records) writer.enqueue(record);
    await waitFor(async () => (await store.count()) === 20);
    expect(errors.some((error) => error.startsWith('spool-write:'))).toBe(true);
  });

  it('stores exactly 10,000 records enqueued as fast as possible', async () => {
    const records = makeTestRecords(10_000);
    const batchWriter = startWriter();
    const started = performance.now();
    for (const record of records) batchWriter.enqueue(record);
    await batchWriter.close();
    const seconds = (performance.now() - started) / 1_000;
    expect(await store.count()).toBe(10_000);
    expect(new Set(await storedIds()).size).toBe(10_000);
    expect(batchWriter.stats()).toMatchObject({ written: 10_000, spooled: 0, failedBatches: 0 });
    console.log(`batch writer: 10,000 records in ${seconds.toFixed(2)} s = ${Math.round(10_000 / seconds)} records/s`);
  });
});
