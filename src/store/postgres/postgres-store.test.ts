// PostgreSQL-only behaviour beyond the Store contract: several instances sharing one database.
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withPostgresClient as withClient } from '../../../test/helpers/postgres-cluster.js';
import { createTestDatabase, postgresAvailable } from '../../../test/helpers/postgres-test-database.js';
import { openStore } from '../open-store.js';
import type { ListFilter, Store } from '../store.js';
import { makeTestRecord, makeTestRecords } from '../test-records.js';
import { postgresMigrations } from './schema.js';

const allVersions = postgresMigrations.map((migration) => migration.version).sort((a, b) => a - b);

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
      expect(rows.map((row) => row.version)).toEqual(allVersions);
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
    // Undo migrations 2 (annotations), 3 (thread-best index), 4 (client marks) and 7 (rollups): a database written by the first release.
    await withClient(url, async (client) => {
      // Migration 6 (privacy findings) re-runs too: its tables and trigger function go first.
      await client.query('DROP TABLE IF EXISTS exchange_minhash_bands, exchange_findings; DROP FUNCTION IF EXISTS exchange_findings_forget CASCADE');
      await client.query(
        'DROP TRIGGER exchanges_rollup_insert ON exchanges; DROP TRIGGER exchanges_rollup_delete ON exchanges; ' +
          'DROP TRIGGER exchanges_rollup_update ON exchanges; DROP TRIGGER exchanges_rollup_truncate ON exchanges; ' +
          'DROP FUNCTION exchanges_rollup_insert_fn, exchanges_rollup_delete_fn, exchanges_rollup_update_fn, exchanges_rollup_truncate_fn; ' +
          'DROP TABLE exchange_rollups, exchange_totals, latency_counts',
      );
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
    expect(versions.map((row) => row.version)).toEqual(allVersions);
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

  it('keeps the rollups equal to a recount while three instances insert, review and delete at once', async () => {
    const stores = await Promise.all([openOne(), openOne(), openOne()]);
    const hour = 3_600_000;
    const base = 1_762_000_000_000 - (1_762_000_000_000 % hour);
    const work = async (store: Store, instance: number): Promise<void> => {
      let state = instance + 1;
      const random = () => ((state = (state * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
      const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
      const mine: string[] = [];
      for (let round = 0; round < 8; round += 1) {
        // Every instance writes into the same few rollup keys (hours x models x domains x clients).
        const batch = Array.from({ length: 60 }, (_, index) =>
          makeTestRecord(
            { seq: instance * 100_000 + round * 1_000 + index, startedAt: base + Math.floor(random() * 4) * hour + instance * 1_000 + index },
            {
              model: pick(['m-a', 'm-b', null]),
              domain: pick(['a.test', 'b.test']),
              client: pick(['claude-code', 'codex', null]),
              durationMs: 10 + Math.floor(random() * 5),
              error: random() < 0.2 ? { class: 'Timeout', message: 'slow' } : null,
            },
          ),
        ).sort((a, b) => (a.id < b.id ? -1 : 1));
        await store.insertBatch(batch);
        mine.push(...batch.map((record) => record.id));
        await Promise.all([
          store.setReviewState(mine.filter(() => random() < 0.2), pick(['confirmed', 'rejected', 'pending'] as const), base),
          store.setReviewStateWhere({ model: pick(['m-a', 'm-b']), client: 'codex' }, 'rejected', base),
          store.delete(mine.filter(() => random() < 0.05)),
        ]);
      }
    };
    await Promise.all(stores.map((store, instance) => work(store, instance)));

    const recount = await withClient(url, async (client) => {
      const rows = async (sql: string) => (await client.query(sql)).rows.map((row) => JSON.stringify(row)).sort();
      const measures =
        'COUNT(*)::bigint AS requests, COUNT(error_class)::bigint AS errors, COALESCE(SUM(input_tokens), 0)::bigint AS input_tokens, ' +
        'COALESCE(SUM(output_tokens), 0)::bigint AS output_tokens, COALESCE(SUM(total_tokens), 0)::bigint AS total_tokens, ' +
        'COALESCE(SUM(reasoning_tokens), 0)::bigint AS reasoning_tokens, COALESCE(SUM(cached_input_tokens), 0)::bigint AS cached_input_tokens';
      const key = "COALESCE(model, '') AS model, domain, api_kind, COALESCE(client, '') AS client, review_state";
      const rollupColumns =
        'model, domain, api_kind, client, review_state, requests, errors, input_tokens, output_tokens, total_tokens, reasoning_tokens, cached_input_tokens';
      return {
        totals: [
          await rows(`SELECT ${rollupColumns} FROM exchange_totals`),
          await rows(`SELECT ${key}, ${measures} FROM exchanges GROUP BY 1, 2, 3, 4, 5`),
        ],
        hourly: [
          await rows(`SELECT bucket_start, ${rollupColumns} FROM exchange_rollups`),
          await rows(`SELECT started_at - started_at % ${hour} AS bucket_start, ${key}, ${measures} FROM exchanges GROUP BY 1, 2, 3, 4, 5, 6`),
        ],
        latencies: [
          await rows("SELECT metric, value, count FROM latency_counts WHERE metric = 'duration_ms'"),
          await rows("SELECT 'duration_ms' AS metric, duration_ms AS value, COUNT(*)::bigint AS count FROM exchanges GROUP BY duration_ms"),
        ],
        records: Number((await client.query<{ n: string }>('SELECT COUNT(*) AS n FROM exchanges')).rows[0]!.n),
      };
    });
    expect(recount.records).toBeGreaterThan(1_000);
    expect(recount.totals[0]).toEqual(recount.totals[1]);
    expect(recount.hourly[0]).toEqual(recount.hourly[1]);
    expect(recount.latencies[0]).toEqual(recount.latencies[1]);
    expect((await stores[0]!.stats()).records).toBe(recount.records);
    const rejectedCodex = await withClient(url, async (client) =>
      Number((await client.query<{ n: string }>("SELECT COUNT(*) AS n FROM exchanges WHERE client = 'codex' AND review_state = 'rejected'")).rows[0]!.n),
    );
    expect(await stores[1]!.count({ client: 'codex', reviewState: 'rejected' })).toBe(rejectedCodex);
  });

  it('pages a search newest first whether its matches are among the newest rows it tests first or only older ones', async () => {
    // Only the 10 newest rows are tested in order before the full-text index is asked (#searchPage).
    const store = await openStore(url, { postgres: { poolSize: 2, searchRecentRows: 10 } });
    open.push(store);
    const records = Array.from({ length: 100 }, (_, index) => {
      const words = ['everywhere'];
      if (index < 30) words.push('oldonly');
      if (index % 25 === 0) words.push('sparse');
      if (index >= 95) words.push('newfew');
      return makeTestRecord({ seq: index }, { searchText: words.join(' '), model: index % 2 === 0 ? 'even' : 'odd' });
    });
    await store.insertBatch(records);
    const newestFirst = [...records].reverse();
    const wanted: Array<[ListFilter, string[]]> = [
      [{ search: 'everywhere' }, newestFirst.map((record) => record.id)],
      [{ search: 'oldonly' }, newestFirst.filter((record) => record.searchText.includes('oldonly')).map((record) => record.id)],
      [{ search: 'sparse' }, newestFirst.filter((record) => record.searchText.includes('sparse')).map((record) => record.id)],
      [{ search: 'newfew' }, newestFirst.slice(0, 5).map((record) => record.id)],
      [{ search: 'every', model: 'odd' }, newestFirst.filter((record) => record.model === 'odd').map((record) => record.id)],
      [{ search: 'oldonly newfew' }, []],
    ];
    for (const [filter, ids] of wanted) {
      const seen: string[] = [];
      let before: string | undefined;
      for (;;) {
        const page = await store.listSummaries(filter, before === undefined ? { limit: 7 } : { limit: 7, before });
        seen.push(...page.items.map((item) => item.id));
        if (page.nextCursor === null) break;
        before = page.nextCursor;
      }
      expect(seen).toEqual(ids);
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
