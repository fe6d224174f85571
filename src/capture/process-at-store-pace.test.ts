// The worker's intake against the real batch writer and a real SQLite store whose inserts are held
// at a gate (a slow disk, a long transaction elsewhere): records are made a batch ahead of the
// store at most, only processed bytes are reported, and everything is stored once the gate opens.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExchangeRecord } from '../store/exchange-record.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { makeTestRecords } from '../store/test-records.js';
import { createBatchWriter, type BatchWriter } from '../store/writer/batch-writer.js';
import { processAtStorePace } from './process-at-store-pace.js';

let dir: string;
let store: Store;
let writer: BatchWriter;
let gate: { open: () => void; opened: Promise<void> };

function closedGate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const BATCH = 20;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'store-pace-'));
  store = openSqliteStore(join(dir, 'proxy.db'), { busyTimeoutMs: 50 });
  await store.migrate();
  gate = closedGate();
  writer = createBatchWriter({
    store: {
      insertBatch: async (records) => {
        await gate.opened;
        await store.insertBatch(records);
      },
    },
    spoolPath: join(dir, 'spool.jsonl'),
    batchSize: BATCH,
    flushIntervalMs: 5,
  });
});

afterEach(async () => {
  gate.open();
  await writer.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('processAtStorePace', () => {
  it('makes records only a batch ahead of a store that does not take them, and reports only what it processed', async () => {
    const records = makeTestRecords(10 * BATCH);
    let made = 0;
    let reportedBytes = 0;
    const intake = processAtStorePace<ExchangeRecord>({
      writer,
      batchSize: BATCH,
      bytesOf: () => 100,
      process(record) {
        made++;
        writer.enqueue(record);
      },
      onProcessed: (bytes) => (reportedBytes += bytes),
    });
    intake.accept(records);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // One batch at the gate (taken off the queue), one batch queued behind it: no more.
    expect(made).toBe(2 * BATCH);
    expect(reportedBytes).toBe(2 * BATCH * 100);
    expect(intake.waiting()).toBe(8 * BATCH);
    expect(writer.stats().spooled).toBe(0);

    const everything = intake.processedSoFar();
    gate.open();
    await everything;
    await writer.flush();
    expect(await store.count()).toBe(10 * BATCH);
    expect(reportedBytes).toBe(10 * BATCH * 100);
    expect(writer.stats().spooled).toBe(0);
  });

  it('processes regardless past maxWaitingBytes (nothing on disk holds the backlog then)', async () => {
    const records = makeTestRecords(6 * BATCH);
    let made = 0;
    const intake = processAtStorePace<ExchangeRecord>({
      writer,
      batchSize: BATCH,
      bytesOf: () => 100,
      maxWaitingBytes: 2 * BATCH * 100,
      process(record) {
        made++;
        writer.enqueue(record);
      },
      onProcessed: () => {},
    });
    intake.accept(records);
    // Above the bound the intake does not wait for room: it works down to the bound, then waits.
    await waitFor(() => made >= 4 * BATCH);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(intake.waiting()).toBeLessThanOrEqual(2 * BATCH);
    gate.open();
    await intake.processedSoFar();
    await writer.flush();
    expect(await store.count()).toBe(6 * BATCH);
  });

  it('holds nothing back with maxWaitingBytes 0 (no journal): every item is processed at once', async () => {
    const records = makeTestRecords(5 * BATCH);
    let made = 0;
    const intake = processAtStorePace<ExchangeRecord>({
      writer,
      batchSize: BATCH,
      bytesOf: () => 100,
      maxWaitingBytes: 0,
      process(record) {
        made++;
        writer.enqueue(record);
      },
      onProcessed: () => {},
    });
    intake.accept(records);
    await intake.processedSoFar();
    expect(made).toBe(5 * BATCH);
    expect(await store.count()).toBe(0); // the store is still at the gate
    gate.open();
    await writer.flush();
    expect(await store.count()).toBe(5 * BATCH);
  });

  it('processedSoFar waits for what was accepted before it, not for what comes after', async () => {
    const records = makeTestRecords(3 * BATCH);
    const intake = processAtStorePace<ExchangeRecord>({
      writer,
      batchSize: BATCH,
      bytesOf: () => 1,
      process: (record) => writer.enqueue(record),
      onProcessed: () => {},
    });
    expect(intake.waiting()).toBe(0);
    await intake.processedSoFar(); // nothing accepted: at once
    intake.accept(records.slice(0, BATCH));
    const first = intake.processedSoFar();
    intake.accept(records.slice(BATCH));
    await first; // the first batch goes through at once (the writer has room)
    expect(intake.waiting()).toBeGreaterThan(0);
    gate.open();
    await intake.processedSoFar();
    expect(intake.waiting()).toBe(0);
  });
});
