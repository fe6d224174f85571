// The bench's PostgreSQL figures (issue 14), alone: `npm run bench -- --only postgres [--quick]`.
// The writer figure (exchanges/s through the batch writer, the same records into SQLite and into
// PostgreSQL), and recording cost at concurrency 64 measured as the main run measures it for
// SQLite: c64 throughput of a recording proxy against the same proxy with --no-record, here with
// --db postgres://... to a throwaway cluster (lib/bench-postgres.ts), the best of two alternating
// rounds each. Skipped, with one line, when PostgreSQL is not installed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countPostgresRecords, POSTGRES_MISSING, startBenchPostgres } from './lib/bench-postgres.js';
import { throughput, type Throughput } from './lib/measure.js';
import { postgresWriterThroughput } from './lib/postgres-writer.js';
import { startProcess } from './lib/processes.js';
import { countAnswered2xx, proxyLauncher } from './lib/proxy-launcher.js';
import { writerThroughput } from './lib/store-benchmarks.js';

/** Throughput rounds per proxy configuration. */
const ROUNDS = 2;

export interface WriterFigure {
  perSecond: number;
  count: number;
  avgRecordKb: number;
}

export interface PostgresFigures {
  writer: { sqlite: WriterFigure; postgres: WriterFigure };
  /** Throughput at concurrency 1 and 64 per proxy configuration (the best of ROUNDS). */
  proxies: Record<'proxy-no-record' | 'proxy-record' | 'proxy-record-pg', { c1: Throughput; c64: Throughput }>;
  /** Complete 2xx records in PostgreSQL after the recording proxy stopped, and the 2xx answers it logged. */
  recordsStored: number;
  answered2xx: number;
}

export interface PostgresSectionOptions {
  /** dist/cli/index.js. */
  cli: string;
  /** Directory of the built bench (for fake-upstream.js). */
  benchDir: string;
  c1Seconds: number;
  c64Seconds: number;
  writerRecords: number;
  log: (message: string) => void;
}

export async function postgresSection(options: PostgresSectionOptions): Promise<PostgresFigures | null> {
  const postgres = await startBenchPostgres();
  if (postgres === null) {
    options.log(POSTGRES_MISSING);
    return null;
  }
  const cleanup: Array<() => Promise<void>> = [() => postgres.destroy()];
  const work = mkdtempSync(join(tmpdir(), 'bench-pg-'));
  cleanup.push(async () => rmSync(work, { recursive: true, force: true }));
  try {
    options.log(`writer: ${options.writerRecords} records into SQLite, then into PostgreSQL`);
    const writer = {
      sqlite: await writerThroughput(options.writerRecords),
      postgres: await postgresWriterThroughput(await postgres.createDatabase('bench_writer'), options.writerRecords),
    };

    const upstream = await startProcess(process.execPath, [join(options.benchDir, 'fake-upstream.js'), '0']);
    cleanup.push(() => upstream.stop());
    const upstreamAuthority = `127.0.0.1:${upstream.port}`;
    const launcher = proxyLauncher(options.cli, work, upstreamAuthority, (stop) => cleanup.push(stop));
    const recordUrl = await postgres.createDatabase('bench_record');
    const proxies = [
      await launcher.spawnProxy('proxy-no-record', ['--no-record']),
      await launcher.spawnProxy('proxy-record', ['--db', join(work, 'records.db')]),
      await launcher.spawnProxy('proxy-record-pg', ['--db', recordUrl]),
    ];
    // Alternating rounds, the best of each kept: on a shared machine the load drifts during a run,
    // and a ratio of two figures taken a minute apart would measure the drift.
    const figures = {} as PostgresFigures['proxies'];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const proxy of proxies) {
        options.log(`${proxy.name}: throughput (round ${round} of ${ROUNDS})`);
        const chat = `${proxy.baseUrl}/v1/chat/completions`;
        const c1 = await throughput(chat, 1, options.c1Seconds);
        const c64 = await throughput(chat, 64, options.c64Seconds);
        const name = proxy.name as keyof PostgresFigures['proxies'];
        const best = figures[name];
        figures[name] = {
          c1: best === undefined || c1.rps > best.c1.rps ? c1 : best.c1,
          c64: best === undefined || c64.rps > best.c64.rps ? c64 : best.c64,
        };
      }
    }
    const recording = proxies[2]!;
    // Graceful stop: the writer flushes what it holds before the process exits.
    await recording.process.stop();
    return {
      writer,
      proxies: figures,
      recordsStored: await countPostgresRecords(recordUrl, 'status BETWEEN 200 AND 299 AND NOT incomplete'),
      answered2xx: countAnswered2xx(recording.logPath),
    };
  } finally {
    for (const stop of cleanup.reverse()) await stop().catch(() => undefined);
  }
}

export function renderPostgresFigures(figures: PostgresFigures | null): string {
  if (figures === null) return `\n${POSTGRES_MISSING}\n`;
  const n = (value: number, digits = 0) => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const { proxies, writer } = figures;
  const cost = (name: 'proxy-record' | 'proxy-record-pg') => (1 - proxies[name].c64.rps / proxies['proxy-no-record'].c64.rps) * 100;
  let out = '\n### PostgreSQL (throwaway local cluster, fsync off)\n\n';
  out += '| figure | SQLite | PostgreSQL | target |\n|---|---:|---:|---:|\n';
  out += `| writer, exchanges/s (${writer.postgres.count} records of ${n(writer.postgres.avgRecordKb, 1)} KB) | ${n(writer.sqlite.perSecond)} | ${n(writer.postgres.perSecond)} | ≥ 20,000 |\n`;
  out += `| recording cost at c64 (throughput vs --no-record ${n(proxies['proxy-no-record'].c64.rps)} req/s) | −${n(cost('proxy-record'), 1)}% | −${n(cost('proxy-record-pg'), 1)}% | ≤ 20% |\n`;
  out += `| req/s at c64, recording | ${n(proxies['proxy-record'].c64.rps)} | ${n(proxies['proxy-record-pg'].c64.rps)} | |\n`;
  out += `| req/s at c1, recording (no-record: ${n(proxies['proxy-no-record'].c1.rps)}) | ${n(proxies['proxy-record'].c1.rps)} | ${n(proxies['proxy-record-pg'].c1.rps)} | |\n`;
  out += `\nComplete 2xx records in PostgreSQL: **${figures.recordsStored}** for **${figures.answered2xx}** requests answered 2xx${figures.recordsStored === figures.answered2xx ? ' (equal)' : ' (MISMATCH)'}.\n`;
  return out;
}
