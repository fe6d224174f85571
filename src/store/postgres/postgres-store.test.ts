// PostgreSQL-only behaviour beyond the Store contract: several instances sharing one database.
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresAvailable } from '../../../test/helpers/postgres-test-database.js';
import { openStore } from '../open-store.js';
import type { Store } from '../store.js';
import { makeTestRecord } from '../test-records.js';
import { latestPostgresSchemaVersion } from './schema.js';

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
      expect(rows.map((row) => row.version)).toEqual(Array.from({ length: latestPostgresSchemaVersion }, (_, index) => index + 1));
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

  it('refuses a database migrated by a newer build, saying what to do', async () => {
    await (await openOne()).close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)");
    await client.end();
    await expect(openStore(url)).rejects.toThrow(/newer than this build supports.*upgrade/);
  });
});
