// EXPLAIN ANALYZE of the PostgreSQL search queries on a table of >= 100k rows (README, "PostgreSQL
// search"): `node dist-bench/bench/postgres-search-plans.js [records] [copies]` fills a throwaway
// cluster with `records` of the bench's record mix through the store, copies them `copies` times
// under new ids (SQL, fast), then prints the plans of the search page and capped count as the
// planner chooses them alone, the store's own timings, and the plans of its two-phase page.
// KEEP=1 leaves the cluster running and prints its URL.
import { openStore } from '../src/store/open-store.js';
import { toTsQuery } from '../src/store/postgres/search-terms.js';
import { startPostgresCluster } from '../test/helpers/postgres-cluster.js';
import { recordMix, COMMON_WORD, SECOND_COMMON_WORD, RARE_WORD } from './lib/record-mix.js';
import { withPostgres } from './lib/bench-postgres.js';
import type { ExchangeRecord } from '../src/capture/exchange.js';

const cluster = await startPostgresCluster();
try {
  const url = await cluster.createDatabase('explain');
  const store = await openStore(url);
  const mix = recordMix({ start: Date.UTC(2026, 0, 1), stepMs: 60_000 });
  const base = Number(process.argv[2] ?? '20000');
  for (let done = 0; done < base; done += 1000) {
    const chunk: ExchangeRecord[] = [];
    for (let i = 0; i < 1000; i++) chunk.push(mix.next().value as ExchangeRecord);
    await store.insertBatch(chunk);
  }
  await store.close();
  console.log('inserted', base);
  await withPostgres(url, async (client) => {
    const copies = Number(process.argv[3] ?? '5');
    const columns = (await client.query<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_name = 'exchanges' AND table_schema = 'public' ORDER BY ordinal_position")).rows.map((r) => r.column_name);
    for (let k = 1; k <= copies; k++) {
      const list = columns.map((c) => (c === 'id' || c === 'thread_id' ? `overlay(${c} placing '${k}' from 1 for 1)` : c === 'parent_id' ? `CASE WHEN parent_id IS NULL THEN NULL ELSE overlay(parent_id placing '${k}' from 1 for 1) END` : c));
      await client.query(`INSERT INTO exchanges (${columns.join(', ')}) SELECT ${list.join(', ')} FROM exchanges WHERE id < '1'`);
    }
    await client.query('VACUUM ANALYZE');
    const n = (await client.query('SELECT count(*) AS n FROM exchanges')).rows[0].n;
    console.log('rows', n);
    const newest = (await client.query('SELECT max(id) AS id FROM exchanges')).rows[0].id;
    for (const words of [RARE_WORD, COMMON_WORD, `${COMMON_WORD} ${SECOND_COMMON_WORD}`]) {
      const q = toTsQuery(words)!;
      for (const [label, sql, params] of [
        ['page', 'SELECT id, preview FROM exchanges WHERE search_vector @@ $1::tsquery ORDER BY id DESC LIMIT 51', [q]],
        ['count', 'SELECT count(*) FROM (SELECT 1 FROM exchanges WHERE search_vector @@ $1::tsquery AND id <= $2 LIMIT 10001) AS m', [q, newest]],
      ] as Array<[string, string, unknown[]]>) {
        const plan = (await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params)).rows.map((r) => r['QUERY PLAN']).join('\n');
        console.log(`\n=== ${words} / ${label}\n${plan}`);
      }
    }
    const timed = await openStore(url);
    for (const words of [RARE_WORD, COMMON_WORD, `${COMMON_WORD} ${SECOND_COMMON_WORD}`]) {
      for (let run = 0; run < 3; run++) {
        const t0 = performance.now();
        const page = await timed.listSummaries({ search: words }, { limit: 50 });
        const t1 = performance.now();
        const counted = await timed.countUpTo({ search: words, throughId: newest }, 10_000);
        const t2 = performance.now();
        console.log(`store ${words}: page ${page.items.length} in ${(t1 - t0).toFixed(1)} ms, count ${counted.count}${counted.capped ? '+' : ''} in ${(t2 - t1).toFixed(1)} ms`);
      }
    }
    const q = toTsQuery(RARE_WORD)!;
    for (const sql of [
      'SELECT id, preview FROM (SELECT * FROM exchanges WHERE TRUE ORDER BY id DESC LIMIT 5000) AS exchanges WHERE search_vector @@ $1::tsquery ORDER BY id DESC LIMIT 51',
      'WITH matches AS MATERIALIZED (SELECT id FROM exchanges WHERE search_vector @@ $1::tsquery) SELECT id, preview FROM exchanges WHERE id IN (SELECT id FROM matches ORDER BY id DESC LIMIT 51) ORDER BY id DESC',
    ]) {
      const plan = (await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, [q])).rows.map((r) => r['QUERY PLAN']).join('\n');
      console.log(`\n=== rare, two phases\n${plan}`);
    }
    await timed.close();
    if (process.env['KEEP']) { console.log(url); await new Promise((r) => setTimeout(r, 1e9)); }
  });
} finally {
  await cluster.destroy();
}
