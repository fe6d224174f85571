// The background scan against a real SQLite file: it catches up at start (full sweep), then finds
// new records through its sweeps of recent ids alone, and its time prefix sorts as ULIDs do.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../log/create-logger.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { makeTestRecord, testId } from '../store/test-records.js';
import { idTimePrefix, startRecordScanner } from './record-scanner.js';
import { SCANNER_VERSION } from './scan-record.js';

const logger = createLogger({ level: 'error', file: null, console: false });

describe('background record scanner', () => {
  let dir = '';
  let store: Store | null = null;

  afterEach(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the ULID time prefix: ids made at or after a time sort above it, earlier ones below', () => {
    const time = Date.UTC(2026, 0, 2, 3, 4, 5, 6);
    expect(testId(time, 0) > idTimePrefix(time)).toBe(true);
    expect(testId(time - 1, 999) < idTimePrefix(time)).toBe(true);
    expect(idTimePrefix(time)).toHaveLength(10);
  });

  it('catches up with old records at start, then scans new ones from its recent sweeps', async () => {
    dir = mkdtempSync(join(tmpdir(), 'scanner-'));
    store = openSqliteStore(join(dir, 'proxy.db'));
    const now = Date.now();
    const old = makeTestRecord({ seq: 1, startedAt: now - 86_400_000, userText: 'an old question' });
    await store.insertBatch([old]);
    // Full sweeps only at start: everything later is found by the 15-minute recent sweeps.
    const scanner = startRecordScanner({ store, logger, now: Date.now, idleMs: 10, fullSweepMs: 3_600_000 });
    try {
      await scanner.idle();
      expect((await store.scansOf([old.id])).get(old.id)?.scannerVersion).toBe(SCANNER_VERSION);
      const fresh = makeTestRecord({ seq: 2, startedAt: Date.now(), userText: 'write to someone@example.org' });
      await store.insertBatch([fresh]);
      scanner.wake();
      await scanner.idle();
      await scanner.idle();
      expect((await store.scansOf([fresh.id])).get(fresh.id)).toMatchObject({ personal: 1, kinds: { email: 1 } });
      // An old record written late (outside the recent window) waits for the next full sweep.
      const late = makeTestRecord({ seq: 3, startedAt: now - 3_600_000, userText: 'late arrival' });
      await store.insertBatch([late]);
      scanner.wake();
      await scanner.idle();
      expect((await store.scansOf([late.id])).size).toBe(0);
      scanner.rescan([late.id]);
      await scanner.idle();
      expect((await store.scansOf([late.id])).size).toBe(1);
      expect(scanner.scanned).toBe(3);
    } finally {
      await scanner.close();
    }
  });

  it('scans the records of a database written before migration 8 once it is upgraded', async () => {
    dir = mkdtempSync(join(tmpdir(), 'scanner-'));
    const path = join(dir, 'proxy.db');
    const before = openSqliteStore(path);
    const records = [makeTestRecord({ seq: 1, userText: 'call me at +44 20 7946 0958' }), makeTestRecord({ seq: 2, userText: 'a plain question' })];
    await before.insertBatch(records);
    await before.close();
    const db = new Database(path);
    db.exec('DROP TRIGGER exchange_findings_on_delete; DROP TRIGGER exchange_findings_on_row_change');
    db.exec('DROP TABLE exchange_findings; DROP TABLE exchange_near_bands');
    db.prepare('DELETE FROM schema_migrations WHERE version IN (8, 11)').run();
    db.close();
    store = openSqliteStore(path);
    expect(await store.count({ findings: 'unscanned' })).toBe(2);
    const scanner = startRecordScanner({ store, logger, now: Date.now, idleMs: 10 });
    try {
      await scanner.idle();
    } finally {
      await scanner.close();
    }
    expect(await store.count({ findings: 'unscanned' })).toBe(0);
    expect((await store.listSummaries({ findings: 'personal' }, { limit: 10 })).items.map((item) => item.id)).toEqual([records[0]!.id]);
    await store.delete([records[0]!.id]);
    expect(await store.count({ findings: 'personal' })).toBe(0);
  });
});
