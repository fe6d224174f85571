// The writer figure for PostgreSQL: exchanges/s through the batch writer into a PostgreSQL store,
// with the same records as the SQLite figure (store-benchmarks.ts writerThroughput). Part of the
// bench's PostgreSQL section (postgres-section.ts: `npm run bench -- --only postgres`); also runs
// alone after `npm run bench`'s build step:
//   node dist-bench/bench/lib/postgres-writer.js [records]
// It uses BENCH_POSTGRES_URL when set (an empty database), else starts a throwaway local cluster
// (Debian's postgresql package; test/helpers/postgres-cluster.ts) with fsync off: a figure for the
// proxy's own cost, not for a durable server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openStore } from '../../src/store/open-store.js';
import { makeTestRecords } from '../../src/store/test-records.js';
import { createBatchWriter } from '../../src/store/writer/batch-writer.js';

export async function postgresWriterThroughput(
  url: string,
  count: number,
): Promise<{ perSecond: number; count: number; avgRecordKb: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-pg-writer-'));
  const store = await openStore(url);
  try {
    const records = makeTestRecords(count);
    const bytes = records.reduce((sum, record) => sum + record.requestBody.length + record.responseBody.length, 0);
    const writer = createBatchWriter({ store, spoolPath: join(dir, 'spool.jsonl') });
    const started = performance.now();
    for (const record of records) {
      writer.enqueue(record);
      if (writer.stats().queueDepth >= 5_000) await writer.flush();
    }
    await writer.flush();
    const seconds = (performance.now() - started) / 1000;
    await writer.close();
    const stored = await store.count();
    if (stored !== count) throw new Error(`postgres writer benchmark stored ${stored} of ${count} (is the database empty?)`);
    return { perSecond: count / seconds, count, avgRecordKb: bytes / count / 1024 };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? '20000');
  const given = process.env['BENCH_POSTGRES_URL'];
  if (given) {
    const result = await postgresWriterThroughput(given, count);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const { startPostgresCluster } = await import('../../test/helpers/postgres-cluster.js');
  const cluster = await startPostgresCluster();
  try {
    const result = await postgresWriterThroughput(await cluster.createDatabase('bench'), count);
    process.stdout.write(
      `writer: ${Math.round(result.perSecond)} exchanges/s into PostgreSQL in batches (${result.count} records of ${result.avgRecordKb.toFixed(1)} KB)\n`,
    );
  } finally {
    await cluster.destroy();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
