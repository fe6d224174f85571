// PostgreSQL-only behaviour beyond the Store contract: several instances sharing one database.
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresAvailable } from '../../../test/helpers/postgres-test-database.js';
import { openStore } from '../open-store.js';
import type { Store } from '../store.js';
import { makeTestRecord, makeTestRecords } from '../test-records.js';
import { postgresMigrations } from './schema.js';

describe.runIf(postgresAvailable())('PostgreSQL store, several instances', () => {
  let url: string;
  const open: Store[] = [];
  const openOne = async (): Promise<Store> => {
    const store = await openStore(url, { postgres: { poolSize: 2 } });
    open.push(store);
    return store;
  };

  beforeEach(async () => {
    url = await createTestDatabase('pgstore');
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((store) => store.close()));
  });

  it('migrates exactly once when several instances start at the same moment', async () => {
    const stores = await Promise.all(Array.from({ length: 6 }, () => openOne()));
    expect(await Promise.all(stores.map((store) => store.ping()))).toEqual(stores.map(() => true));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const rows = (await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows;
      expect(rows.map((row) => row.version)).toEqual(postgresMigrations.map((migration) => migration.version).sort((a, b) => a - b));
    } finally {
      await client.end();
    }
  });

  it('links a child written by one instance before its parent arrives from another (parent adopts it and its descendants)', async () => {
    const [first, second] = [await openOne(), await openOne()];
    const parent = makeTestRecord({ seq: 1, selfKey: 'turn-1' });
    const child = makeTestRecord({ seq: 2, parentKey: 'turn-1', selfKey: 'turn-2' });
    const grandchild = makeTestRecord({ seq: 3, parentKey: 'turn-2', selfKey: 'turn-3' });
    await first.insertBatch([child]);
    await first.insertBatch([grandchild]);
    expect(await first.get(grandchild.id)).toMatchObject({ parentId: child.id, threadId: child.id });
    await second.insertBatch([parent]);
    expect(await first.get(child.id)).toMatchObject({ parentId: parent.id, threadId: parent.id });
    expect(await first.get(grandchild.id)).toMatchObject({ parentId: child.id, threadId: parent.id });
  });

  it('links threads whose turns are written concurrently by different instances', async () => {
    const stores = await Promise.all([openOne(), openOne(), openOne()]);
    const threads = Array.from({ length: 20 }, (_, thread) =>
      Array.from({ length: 4 }, (_, turn) =>
        makeTestRecord({
          seq: thread * 10 + turn,
          startedAt: 1_760_000_000_000 + turn * 1_000 + thread,
          parentKey: turn === 0 ? null : `t${thread}-${turn - 1}`,
          selfKey: `t${thread}-${turn}`,
        }),
      ),
    );
    // Turn n of every thread through instance n % 3, all at once, in random order.
    const writes = threads.flatMap((turns) => turns.map((record, turn) => ({ record, store: stores[turn % 3]! })));
    writes.sort(() => Math.random() - 0.5);
    await Promise.all(writes.map(({ record, store }) => store.insertBatch([record])));
    for (const turns of threads) {
      const stored = await Promise.all(turns.map((record) => stores[0]!.get(record.id)));
      expect(stored.map((record) => record?.threadId)).toEqual(turns.map(() => turns[0]!.id));
      expect(stored.map((record) => record?.parentId)).toEqual([null, ...turns.slice(0, -1).map((record) => record.id)]);
    }
  });

  it('upgrades a database of the first schema version in place: records kept, annotations and best-of-thread work', async () => {
    const records = makeTestRecords(6, 100);
    const before = await openOne();
    await before.insertBatch(records);
    await before.close();
    // Undo migrations 2 (annotations), 3 (thread-best index) and 4 (client marks): a database written by the first release.
    await withClient(url, async (client) => {
      // Migration 6 (privacy findings) re-runs too: its tables and trigger function go first.
      await client.query('DROP TABLE IF EXISTS exchange_minhash_bands, exchange_findings; DROP FUNCTION IF EXISTS exchange_findings_forget CASCADE');
      await client.query('DROP TABLE annotation_tags; DROP TABLE annotations; DROP INDEX exchanges_thread_best');
      await client.query('DROP INDEX exchanges_client; ALTER TABLE exchanges DROP COLUMN client, DROP COLUMN client_version, DROP COLUMN side_call');
      await client.query('DELETE FROM schema_migrations WHERE version >= 2');
    });
    const store = await openOne();
    expect(await store.count()).toBe(6);
    expect(await store.count({ bestOfThread: true })).toBe(6);
    expect(await store.setAnnotation(records[0]!.id, { note: 'kept', tags: ['a'], rating: 3 }, 1)).toBe(true);
    expect(await store.count({ tag: 'a' })).toBe(1);
    const versions = await withClient(url, async (client) => (await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows);
    expect(versions.map((row) => row.version)).toEqual(postgresMigrations.map((migration) => migration.version).sort((a, b) => a - b));
  });

  it('keeps many tags in the order given and text PostgreSQL cannot hold (U+0000) in notes and tags', async () => {
    const store = await openOne();
    const [record] = makeTestRecords(1, 200);
    await store.insertBatch([record!]);
    const tags = Array.from({ length: 25 }, (_, index) => `tag-${String.fromCharCode(122 - index)}`);
    tags.push('nul\u0000tag', '\uE000private');
    await store.setAnnotation(record!.id, { note: 'a\u0000b \uE000 c', tags, rating: 1 }, 42);
    expect((await store.annotationsOf([record!.id])).get(record!.id)).toEqual({ note: 'a\u0000b \uE000 c', tags, rating: 1, updatedAt: 42 });
    expect(await store.count({ tag: 'nul\u0000tag' })).toBe(1);
    expect(await store.count({ tag: 'nul' })).toBe(0);
  });

  it('leaves no annotation behind when records are deleted while they are being annotated, and never fails an annotation for it', async () => {
    const [first, second] = [await openOne(), await openOne()];
    const records = makeTestRecords(40, 300);
    await first.insertBatch(records);
    const annotating = records.map((record, index) => second.setAnnotation(record.id, { note: `n${index}`, tags: ['t', `t${index}`], rating: null }, index));
    const deleting = records.filter((_, index) => index % 2 === 0).map((record) => first.delete([record.id]));
    const results = await Promise.all(annotating);
    await Promise.all(deleting);
    expect(results.every((result) => typeof result === 'boolean')).toBe(true);
    expect(await first.count({ tag: 't' })).toBe(20);
    const orphans = await withClient(url, async (client) =>
      (
        await client.query<{ n: number }>(
          `SELECT (SELECT COUNT(*) FROM annotations WHERE exchange_id NOT IN (SELECT id FROM exchanges))
            + (SELECT COUNT(*) FROM annotation_tags WHERE exchange_id NOT IN (SELECT id FROM exchanges)) AS n`,
        )
      ).rows[0]!.n,
    );
    expect(Number(orphans)).toBe(0);
    await first.deleteWhere({ tag: 't' });
    expect(await withClient(url, async (client) => (await client.query('SELECT 1 FROM annotation_tags')).rows.length)).toBe(0);
  });

  it('refuses a database migrated by a newer build, saying what to do', async () => {
    await (await openOne()).close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)");
    await client.end();
    await expect(openStore(url)).rejects.toThrow(/newer than this build supports.*upgrade/);
  });
});

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
