import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { migrations } from '../schema/migrations.js';
import { makeTestRecord, makeTestRecords } from '../test-records.js';
import { openSqliteStore } from './sqlite-store.js';

const root = mkdtempSync(join(tmpdir(), 'sqlite-store-'));
let counter = 0;
const nextPath = (): string => join(root, `run-${(counter += 1)}`, 'proxy.db');

afterAll(() => rmSync(root, { recursive: true, force: true }));

// The Store contract runs in store/store.contract.test.ts, once per backend.

describe('openSqliteStore', () => {
  it('creates the parent directory, enables WAL, and records the applied migrations', async () => {
    const path = nextPath();
    const store = openSqliteStore(path);
    await store.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all()).toEqual(
      migrations.map(({ version, name }) => ({ version, name })),
    );
    db.close();
  });

  it('reopens an existing database without migrating it again and keeps its rows', async () => {
    const path = nextPath();
    const first = openSqliteStore(path);
    await first.insertBatch(makeTestRecords(3));
    await first.close();
    const second = openSqliteStore(path);
    expect(await second.count()).toBe(3);
    await second.close();
  });

  it('refuses a database written by a newer schema version, saying what to do', async () => {
    const path = nextPath();
    await openSqliteStore(path).close();
    const db = new Database(path);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, ?, 0)').run('future');
    db.close();
    expect(() => openSqliteStore(path)).toThrow(/newer than this build supports.*upgrade/);
  });

  it('fails an insert with SQLITE_BUSY after busy_timeout while another connection holds the write lock', async () => {
    const path = nextPath();
    const store = openSqliteStore(path, { busyTimeoutMs: 50 });
    const locker = new Database(path);
    locker.exec('BEGIN EXCLUSIVE');
    await expect(store.insertBatch(makeTestRecords(2))).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    expect(await store.count()).toBe(0);
    locker.exec('ROLLBACK');
    locker.close();
    await store.insertBatch(makeTestRecords(2));
    expect(await store.count()).toBe(2);
    await store.close();
  });

  it('keeps search working after VACUUM (search entries are not tied to the implicit rowid)', async () => {
    const path = nextPath();
    const store = openSqliteStore(path);
    const records = makeTestRecords(20);
    await store.insertBatch(records);
    await store.delete(records.slice(0, 10).map((record) => record.id));
    const db = new Database(path);
    db.exec('VACUUM');
    db.close();
    const found = await store.list({ search: records[15]!.sharegpt!.conversations[0]!.value }, { limit: 50 });
    expect(found.items.map((item) => item.id)).toContain(records[15]!.id);
    expect(found.items.every((item) => records.slice(10).some((record) => record.id === item.id))).toBe(true);
    await store.close();
  });

  it('finds words another connection indexed after the same prefix was searched here', async () => {
    // A review UI reads the file a recording proxy writes: the remembered expansion of a search
    // prefix must not outlive the other connection's commit.
    const path = nextPath();
    const reader = openSqliteStore(path);
    const writer = openSqliteStore(path);
    const first = makeTestRecord({ seq: 1, userText: 'a zxotheralpha here' });
    await writer.insertBatch([first]);
    const search = async (): Promise<string[]> => (await reader.list({ search: 'zxother' }, { limit: 10 })).items.map((item) => item.id).sort();
    expect(await search()).toEqual([first.id]);
    const second = makeTestRecord({ seq: 2, userText: 'a zxotherbeta here' });
    await writer.insertBatch([second]);
    expect(await search()).toEqual([first.id, second.id].sort());
    await writer.close();
    await reader.close();
  });
});

describe('migration 2 (function-call-only flag)', () => {
  it('flags the records stored before it when it is applied to an existing database', async () => {
    const path = nextPath();
    const store = openSqliteStore(path);
    const [plain, calls] = makeTestRecords(2);
    const callOnly = {
      ...calls!,
      sharegpt: {
        ...calls!.sharegpt!,
        conversations: [
          { from: 'human' as const, value: 'Weather?' },
          { from: 'function_call' as const, value: '{"name":"get_weather","arguments":{"city":"Oslo"}}' },
        ],
      },
    };
    await store.insertBatch([plain!, callOnly]);
    await store.close();
    // Roll the file back to schema version 1, as a database written before this migration would be.
    const db = new Database(path);
    dropRollups(db);
    db.exec('DROP TABLE function_call_only_exchanges');
    db.prepare('DELETE FROM schema_migrations WHERE version >= 2').run();
    db.close();
    const reopened = openSqliteStore(path);
    expect((await reopened.list({ functionCallOnly: true }, { limit: 10 })).items.map((item) => item.id)).toEqual([callOnly.id]);
    await reopened.close();
  });
});

/** Undoes migrations 3 (rollups), 4 (thread index), 5 (annotations) and 6 (client marks), as in a database written before them. */
function dropRollups(db: Database.Database): void {
  // Migration 8 (privacy findings) re-runs too: its tables and triggers go first.
  db.exec('DROP TRIGGER IF EXISTS exchange_findings_on_delete; DROP TRIGGER IF EXISTS exchange_findings_on_row_change');
  db.exec('DROP TABLE IF EXISTS exchange_findings; DROP TABLE IF EXISTS exchange_minhash_bands');
  db.exec('DROP TABLE IF EXISTS exchange_clients; DROP TABLE IF EXISTS annotations; DROP TABLE IF EXISTS annotation_tags');
  db.exec('DROP INDEX exchanges_thread_best');
  for (const trigger of ['exchanges_rollup_delete', 'exchanges_rollup_review']) db.exec(`DROP TRIGGER ${trigger}`);
  db.exec('DROP TABLE exchange_rollups');
  db.exec('DROP TABLE exchange_totals');
  db.exec('DROP TABLE latency_counts');
  db.prepare('DELETE FROM schema_migrations WHERE version >= 3').run();
}

describe('migration 3 (rollups)', () => {
  it('fills the rollups from the records stored before it, and keeps them from then on', async () => {
    const path = nextPath();
    const store = openSqliteStore(path);
    const records = makeTestRecords(30);
    await store.insertBatch(records.slice(0, 20));
    await store.setReviewState([records[0]!.id, records[1]!.id], 'confirmed', 1);
    await store.close();
    const db = new Database(path);
    dropRollups(db);
    db.close();
    const reopened = openSqliteStore(path);
    await reopened.insertBatch(records.slice(20));
    await reopened.delete([records[2]!.id]);
    expect(await reopened.stats()).toEqual({ records: 29, byReviewState: { pending: 27, confirmed: 2, rejected: 0 } });
    const models = new Map<string, number>();
    for (const record of records.filter((_, index) => index !== 2)) models.set(record.model!, (models.get(record.model!) ?? 0) + 1);
    expect(Object.fromEntries((await reopened.facets()).models.map(({ value, count }) => [value, count]))).toEqual(Object.fromEntries(models));
    expect((await reopened.aggregate({}, { bucketMs: 86_400_000 })).durationMs.max).toBe(Math.max(...records.map((record) => record.durationMs)));
    await reopened.close();
  });
});

describe('migration 6 (client and side-call marks)', () => {
  it('adds the side table to a version-5 database; its records have no client', async () => {
    const path = nextPath();
    const store = openSqliteStore(path);
    const [old] = makeTestRecords(1);
    await store.insertBatch([old!]);
    await store.close();
    const db = new Database(path);
    db.exec('DROP TABLE exchange_clients');
    db.prepare('DELETE FROM schema_migrations WHERE version = 6').run();
    db.close();
    const reopened = openSqliteStore(path);
    const [, fresh] = makeTestRecords(2);
    await reopened.insertBatch([{ ...fresh!, client: 'gemini-cli', clientVersion: '0.61.0' }]);
    expect((await reopened.list({ client: 'gemini-cli' }, { limit: 10 })).items.map((item) => item.id)).toEqual([fresh!.id]);
    expect((await reopened.get(old!.id))?.client).toBeUndefined();
    await reopened.close();
  });
});

describe('migration 10 (response reasoning flag)', () => {
  it('adds the column to a version-9 database: its records read as unknown, new ones keep their flag', async () => {
    const path = nextPath();
    const store = openSqliteStore(path);
    const [old, fresh] = makeTestRecords(2);
    await store.insertBatch([{ ...old!, responseReasoning: true }]);
    await store.close();
    // Roll the file back to version 9, as a database written before this migration would be.
    const db = new Database(path);
    db.exec('ALTER TABLE exchanges DROP COLUMN response_reasoning');
    db.prepare('DELETE FROM schema_migrations WHERE version = 10').run();
    db.close();
    const reopened = openSqliteStore(path);
    await reopened.insertBatch([{ ...fresh!, responseReasoning: false }]);
    expect((await reopened.get(old!.id))?.responseReasoning).toBeUndefined();
    expect((await reopened.get(fresh!.id))?.responseReasoning).toBe(false);
    await reopened.close();
    // Applied again over a database that has the column (a test rolling back further): no error.
    const again = new Database(path);
    again.prepare('DELETE FROM schema_migrations WHERE version = 10').run();
    again.close();
    const migratedTwice = openSqliteStore(path);
    expect((await migratedTwice.get(fresh!.id))?.responseReasoning).toBe(false);
    await migratedTwice.close();
  });
});

describe('migration 13 (thread keys as bytes)', () => {
  const hexKey = (seed: number): string => createHash('sha256').update(`thread ${seed}`).digest('hex').slice(0, 32);

  it('stores new hex keys as 16-byte blobs, half the bytes of the text', async () => {
    const path = nextPath();
    const store = openSqliteStore(path);
    const root = makeTestRecord({ seq: 1, selfKey: hexKey(1) });
    const child = makeTestRecord({ seq: 2, parentKey: hexKey(1), selfKey: hexKey(2) });
    await store.insertBatch([root, child]);
    await store.close();
    const db = new Database(path, { readonly: true });
    const rows = db.prepare('SELECT typeof(self_key) AS kind, length(self_key) AS bytes, typeof(parent_key) AS parent_kind FROM exchanges ORDER BY id').all();
    expect(rows).toEqual([
      { kind: 'blob', bytes: 16, parent_kind: 'null' },
      { kind: 'blob', bytes: 16, parent_kind: 'blob' },
    ]);
    db.close();
  });

  it('finds parents stored with text keys by an older version, and reads their keys back unchanged', async () => {
    const path = nextPath();
    const store = openSqliteStore(path);
    const root = makeTestRecord({ seq: 10, selfKey: hexKey(10) });
    const step = makeTestRecord({ seq: 11, parentKey: hexKey(10), selfKey: hexKey(11) });
    await store.insertBatch([root, step]);
    await store.close();
    // Roll the file back to version 12: keys as the 32-character text it wrote.
    const db = new Database(path);
    db.exec('UPDATE exchanges SET self_key = lower(hex(self_key)), parent_key = lower(hex(parent_key)) WHERE self_key IS NOT NULL');
    db.prepare('DELETE FROM schema_migrations WHERE version = 13').run();
    expect(db.prepare("SELECT COUNT(*) FROM exchanges WHERE typeof(self_key) = 'text'").pluck().get()).toBe(2);
    db.close();
    // A new instance (no cached bases): the parent is found in the database, in its text form.
    const reopened = openSqliteStore(path);
    const next = makeTestRecord({ seq: 12, parentKey: hexKey(11), selfKey: hexKey(12) });
    // A regenerated step, stored after the migration: the latest of both forms is the parent.
    const regenerated = makeTestRecord({ seq: 13, parentKey: hexKey(10), selfKey: hexKey(11) });
    const afterBoth = makeTestRecord({ seq: 14, parentKey: hexKey(11), selfKey: hexKey(14) });
    await reopened.insertBatch([next]);
    await reopened.insertBatch([regenerated]);
    await reopened.insertBatch([afterBoth]);
    expect(await reopened.get(step.id)).toMatchObject({ parentKey: hexKey(10), selfKey: hexKey(11), parentId: root.id });
    expect(await reopened.get(next.id)).toMatchObject({ parentKey: hexKey(11), parentId: step.id, threadId: root.id });
    expect(await reopened.get(regenerated.id)).toMatchObject({ parentId: root.id, threadId: root.id });
    expect(await reopened.get(afterBoth.id)).toMatchObject({ parentId: regenerated.id, threadId: root.id });
    expect((await reopened.get(afterBoth.id))?.requestBody).toBe(afterBoth.requestBody);
    await reopened.close();
  });
});

describe('migration 14 (function-call-only flags in one tree)', () => {
  it('keeps the flags of a version-13 database, in a table without rowid', async () => {
    const path = nextPath();
    const store = openSqliteStore(path);
    const [plain, flagged] = makeTestRecords(2);
    await store.insertBatch([plain!, { ...flagged!, functionCallOnly: true }]);
    await store.close();
    // Roll the file back to version 13: the rowid table of migration 2, holding the same flags.
    const db = new Database(path);
    db.exec('CREATE TABLE old_flags (id TEXT PRIMARY KEY); INSERT INTO old_flags SELECT id FROM function_call_only_exchanges');
    db.exec('DROP TABLE function_call_only_exchanges; ALTER TABLE old_flags RENAME TO function_call_only_exchanges');
    db.prepare('DELETE FROM schema_migrations WHERE version = 14').run();
    db.close();
    const reopened = openSqliteStore(path);
    expect((await reopened.list({ functionCallOnly: true }, { limit: 10 })).items.map((item) => item.id)).toEqual([flagged!.id]);
    expect((await reopened.list({ functionCallOnly: false }, { limit: 10 })).items.map((item) => item.id)).toEqual([plain!.id]);
    await reopened.close();
    const check = new Database(path, { readonly: true });
    const sql = check.prepare("SELECT sql FROM sqlite_schema WHERE name = 'function_call_only_exchanges'").pluck().get() as string;
    expect(sql).toMatch(/WITHOUT ROWID/);
    expect(check.prepare("SELECT COUNT(*) FROM sqlite_schema WHERE name LIKE 'sqlite_autoindex_function_call_only%'").pluck().get()).toBe(0);
    check.close();
  });
});

describe('migration 15 (children index without the records that have no parent)', () => {
  it('keeps only records with a parent in exchanges_parent_id, and the leaves probe still reads it', async () => {
    const path = nextPath();
    const store = openSqliteStore(path);
    const root = makeTestRecord({ seq: 1, selfKey: 'leaf-root' });
    const child = makeTestRecord({ seq: 2, parentKey: 'leaf-root', selfKey: 'leaf-child' });
    const chat = makeTestRecord({ seq: 3, selfKey: 'a-chat' });
    await store.insertBatch([root, child, chat]);
    expect((await store.list({ threadLeaves: true }, { limit: 10, order: 'asc' })).items.map((item) => item.id)).toEqual([child.id, chat.id]);
    await store.close();
    const db = new Database(path, { readonly: true });
    // One entry: the child's (the two records without a parent have none).
    const cells = db.prepare("SELECT SUM(ncell) FROM dbstat WHERE name = 'exchanges_parent_id'").pluck().get();
    expect(cells).toBe(1);
    const plan = db
      .prepare('EXPLAIN QUERY PLAN SELECT id FROM exchanges AS self WHERE NOT EXISTS (SELECT 1 FROM exchanges AS child WHERE child.parent_id = self.id)')
      .all() as Array<{ detail: string }>;
    expect(plan.map((row) => row.detail).join('\n')).toMatch(/child USING (COVERING )?INDEX exchanges_parent_id/);
    db.close();
  });
});
