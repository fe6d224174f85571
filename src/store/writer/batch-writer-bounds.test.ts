// Disk full under load, on a real (tiny) tmpfs holding both the database and the spool: the
// writer's memory stays within its bound, what it cannot keep is counted and reported as lost, and
// once space is back everything it kept reaches the store. Needs root to mount a tmpfs; skipped
// with a note otherwise.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../sqlite/sqlite-store.js';
import type { Store } from '../store.js';
import { makeTestRecords } from '../test-records.js';
import { createBatchWriter, type WriterOperation } from './batch-writer.js';

let mountPoint = '';
let mounted = false;

beforeAll(() => {
  mountPoint = mkdtempSync(join(tmpdir(), 'writer-diskfull-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountPoint], { stdio: 'ignore' });
    mounted = true;
  } catch {
    console.warn('batch-writer-bounds: cannot mount a tmpfs here (not root?); the disk-full test is skipped');
  }
});

afterAll(() => {
  if (mounted) execFileSync('umount', ['-l', mountPoint], { stdio: 'ignore' });
  rmSync(mountPoint, { recursive: true, force: true });
});

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('batch writer with the disk full', () => {
  it('keeps a bounded queue, counts and reports what it drops, and stores the rest once space is back', async (context) => {
    if (!mounted) context.skip();
    mkdirSync(join(mountPoint, 'db'));
    const store: Store = openSqliteStore(join(mountPoint, 'db', 'proxy.db'), { busyTimeoutMs: 50 });
    await store.migrate();
    // Fill the disk: the database cannot grow and the spool cannot be appended to.
    const filler = join(mountPoint, 'filler');
    try {
      writeFileSync(filler, Buffer.alloc(8 * 1024 * 1024));
    } catch {
      // ENOSPC: exactly what we want; whatever fitted stays.
    }
    const reports: Array<{ operation: WriterOperation; records: number }> = [];
    const writer = createBatchWriter({
      store,
      spoolPath: join(mountPoint, 'spool.jsonl'),
      maxQueue: 50,
      maxQueueBytes: 256 * 1024,
      batchSize: 10,
      flushIntervalMs: 10,
      replayIntervalMs: 100,
      onError: (_error, details) => reports.push(details),
    });
    const records = makeTestRecords(600, 0, { answerChars: 4_000 });
    let maxDepth = 0;
    for (const [index, record] of records.entries()) {
      writer.enqueue(record);
      maxDepth = Math.max(maxDepth, writer.stats().queueDepth);
      if (index % 20 === 19) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await waitFor(() => writer.stats().lost > 0);
    const during = writer.stats();
    // Bounded: never more than maxQueue records (plus one spool batch coming back) in memory.
    expect(maxDepth).toBeLessThanOrEqual(60);
    expect(during.queueDepth).toBeLessThanOrEqual(60);
    const lostReported = reports.filter((report) => report.operation === 'lost').reduce((sum, report) => sum + report.records, 0);
    expect(lostReported).toBe(during.lost);

    unlinkSync(filler);
    await writer.flush();
    await waitFor(async () => writer.stats().spoolBytes === 0 && writer.stats().queueDepth === 0);
    await writer.close();
    const final = writer.stats();
    expect(final.lost).toBeGreaterThan(0);
    expect(await store.count()).toBe(records.length - final.lost);
    await store.close();
  }, 30_000);
});
