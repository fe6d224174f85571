// The data-growth section of the bench (issue 13): fills one database (SQLite, or PostgreSQL with
// `--backend postgres`: a throwaway cluster, lib/bench-postgres.ts) with the record mix
// (lib/record-mix.ts) through the real batch writer, and at each checkpoint N measures what grows
// with the data: database bytes per record, every admin endpoint's latency through the real admin
// API over loopback, the export of every record (the CLI, in its own process: its rate and peak
// RSS), and the writer's rate over the last segment. Reports the issue's targets beside the
// figures; never fails on them.
//
// Alone: `npm run bench -- --only data-growth --scale 100k [--backend postgres]` (also 20k, 1m, or a plain number).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { request } from 'undici';
import type { ExchangeRecord } from '../src/capture/exchange.js';
import { openStore } from '../src/store/open-store.js';
import { createBatchWriter } from '../src/store/writer/batch-writer.js';
import { freePort } from './lib/measure.js';
import { startProcess } from './lib/processes.js';
import { postgresScanStorage, postgresStoreBytes } from './lib/bench-postgres.js';
import { COMMON_WORD, FILTER_MODEL, RARE_WORD, SECOND_COMMON_WORD, recordMix } from './lib/record-mix.js';

export interface DataGrowthOptions {
  scale: number;
  /** dist/cli/index.js, for the export. */
  cli: string;
  log: (message: string) => void;
  /** An empty PostgreSQL database to fill instead of a SQLite file. */
  postgresUrl?: string;
}

export interface Checkpoint {
  records: number;
  dbBytesPerRecord: number;
  /** Median of the timed runs, ms, per endpoint name (see ENDPOINTS). */
  latencyMs: Record<string, number>;
  /** What the list answered as its total for the common-word search (shows capping). */
  commonWordTotal: string;
  exportRecordsPerSecond: number;
  exportPeakRssMb: number;
  /** Records per second through the batch writer over the segment that ended here. */
  writerRecordsPerSecond: number;
  /** Records the UI's background privacy scan had scanned when the size was read, and its tables' bytes. */
  scan: { scanned: number; bytes: number };
}

export interface DataGrowthResults {
  backend: 'sqlite' | 'postgres';
  scale: number;
  checkpoints: Checkpoint[];
  avgRawBytesPerRecord: number;
}

const CHUNK = 2_000;
const TIMED_RUNS = 3;
const START = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;

/** "100k", "1m", "20000" -> a record count. */
export function parseScale(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(text.trim());
  if (!match) throw new Error(`--scale: expected a count such as 20k, 100k or 1m, got "${text}"`);
  const unit = match[2]!.toLowerCase() === 'm' ? 1_000_000 : match[2]!.toLowerCase() === 'k' ? 1_000 : 1;
  return Math.round(Number(match[1]) * unit);
}

/** Checkpoints: a tenth, a third and all of the scale (rounded to whole chunks). */
function checkpointsOf(scale: number): number[] {
  const round = (value: number) => Math.max(CHUNK, Math.round(value / CHUNK) * CHUNK);
  return [...new Set([round(scale / 10), round(scale / 3), round(scale)])].sort((a, b) => a - b);
}

export async function dataGrowth(options: DataGrowthOptions): Promise<DataGrowthResults> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-growth-'));
  const dbPath = options.postgresUrl ?? join(dir, 'growth.db');
  const backend = options.postgresUrl === undefined ? 'sqlite' : 'postgres';
  const store = await openStore(dbPath);
  const writer = createBatchWriter({ store, spoolPath: join(dir, 'spool.jsonl') });
  // The admin API as deployed: `llm-proxy-sharegpt ui` in its own process, reading the file the
  // writer here writes (SQLite WAL, or the shared PostgreSQL database), as a review UI beside a
  // recording proxy does.
  const admin = await startProcess(process.execPath, [options.cli, 'ui', '--db', dbPath, '--port', String(await freePort())], {
    readyPattern: /review UI: http:\/\/127\.0\.0\.1:(\d+)/,
    env: { LOG_LEVEL: 'info' },
  });
  const adminUrl = `http://127.0.0.1:${admin.port}`;
  // The whole set spans 90 days, whatever the scale: stats buckets and time filters see the same shape.
  const mix = recordMix({ start: START, stepMs: Math.max(1, Math.floor((90 * DAY) / options.scale)) });
  const checkpoints: Checkpoint[] = [];
  let written = 0;
  let rawBytes = 0;
  const chunkFirstIds: string[] = [];
  try {
    for (const target of checkpointsOf(options.scale)) {
      let writerSeconds = 0;
      const segmentStart = written;
      while (written < target) {
        const chunk: ExchangeRecord[] = [];
        for (let index = 0; index < CHUNK; index++) chunk.push(mix.next().value as ExchangeRecord);
        for (const record of chunk) rawBytes += record.requestBody.length + record.responseBody.length;
        const started = performance.now();
        for (const record of chunk) writer.enqueue(record);
        await writer.flush();
        writerSeconds += (performance.now() - started) / 1000;
        // Reviews as a reviewer makes them: a fifth confirmed, one in twenty rejected.
        const confirmed = chunk.filter((_, index) => index % 5 === 0).map((record) => record.id);
        const rejected = chunk.filter((_, index) => index % 20 === 3).map((record) => record.id);
        await store.setReviewState(confirmed, 'confirmed', Date.now());
        await store.setReviewState(rejected, 'rejected', Date.now());
        written += chunk.length;
        chunkFirstIds.push(chunk[0]!.id);
        if (written % 20_000 === 0) options.log(`data-growth: ${written.toLocaleString('en-US')} records`);
      }
      options.log(`data-growth: measuring at ${written.toLocaleString('en-US')} records`);
      const latencyMs: Record<string, number> = {};
      let commonWordTotal = '';
      // The deep page starts at the middle of the data (a cursor half-way down the list).
      for (const [name, path] of endpoints(chunkFirstIds[Math.floor(chunkFirstIds.length / 2)]!)) {
        const { medianMs, body } = await timeGet(`${adminUrl}${path}`);
        latencyMs[name] = medianMs;
        if (name === 'q= common word, first page') {
          const list = body as { total: number | null; totalIsLowerBound?: boolean };
          commonWordTotal = `${list.total ?? '–'}${list.totalIsLowerBound === true ? '+' : ''}`;
        }
      }
      const exported = await runExport(options.cli, dbPath, join(dir, `export-${written}`));
      checkpoints.push({
        records: written,
        dbBytesPerRecord: (backend === 'postgres' ? await postgresStoreBytes(dbPath) : databaseBytes(dbPath)) / written,
        latencyMs,
        commonWordTotal,
        exportRecordsPerSecond: exported.recordsPerSecond,
        exportPeakRssMb: exported.peakRssMb,
        writerRecordsPerSecond: (written - segmentStart) / writerSeconds,
        scan: backend === 'postgres' ? await postgresScanStorage(dbPath) : sqliteScanStorage(dbPath),
      });
    }
  } finally {
    await admin.stop();
    await writer.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return { backend, scale: options.scale, checkpoints, avgRawBytesPerRecord: rawBytes / Math.max(1, written) };
}

/** name -> admin API path. The names are the table's rows. */
function endpoints(midId: string): Array<[string, string]> {
  return [
    ['list first page with total', '/api/exchanges?limit=50'],
    ['list deep page by cursor', `/api/exchanges?limit=50&cursor=${midId}`],
    ['q= rare word, first page', `/api/exchanges?limit=50&q=${RARE_WORD}`],
    ['q= common word, first page', `/api/exchanges?limit=50&q=${COMMON_WORD}`],
    ['q= two common words, first page', `/api/exchanges?limit=50&q=${COMMON_WORD}+${SECOND_COMMON_WORD}`],
    ['filter (model + state), first page', `/api/exchanges?limit=50&model=${FILTER_MODEL}&state=confirmed`],
    ['GET /api/stats', '/api/stats'],
    ['GET /api/facets', '/api/facets'],
  ];
}

/** One warm-up, then the median of TIMED_RUNS. */
async function timeGet(url: string): Promise<{ medianMs: number; body: unknown }> {
  const get = async () => {
    // A fresh connection each time: the server closes idle keep-alive sockets between checkpoints.
    const response = await request(url, { reset: true });
    const text = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`GET ${url}: ${response.statusCode} ${text}`);
    return JSON.parse(text) as unknown;
  };
  let body = await get();
  const samples: number[] = [];
  for (let run = 0; run < TIMED_RUNS; run++) {
    const started = performance.now();
    body = await get();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { medianMs: samples[Math.floor(samples.length / 2)]!, body };
}

/** The file's bytes once the WAL is folded in (pages in use; free pages would be reused). */
function databaseBytes(path: string): number {
  const db = new Database(path);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
    const pages = db.pragma('page_count', { simple: true }) as number;
    const free = db.pragma('freelist_count', { simple: true }) as number;
    const size = db.pragma('page_size', { simple: true }) as number;
    return (pages - free) * size;
  } finally {
    db.close();
  }
}

/**
 * The background scan's tables (findings, near-duplicate bands): the UI process scans at low
 * priority while the bench writes, so how much of the data they cover at a checkpoint varies;
 * their bytes per scanned record say what a fully scanned database adds.
 */
function sqliteScanStorage(path: string): { scanned: number; bytes: number } {
  const db = new Database(path, { readonly: true });
  try {
    const scanned = db.prepare('SELECT COUNT(*) FROM exchange_findings').pluck().get() as number;
    const bytes = db.prepare(`SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name LIKE 'exchange_findings%' OR name LIKE 'sqlite_autoindex_exchange_findings%' OR name LIKE 'exchange_near_bands%'`).pluck().get() as number;
    return { scanned, bytes };
  } finally {
    db.close();
  }
}

/** Every record, every state, ShareGPT, threads collapsed (the default): the CLI's own figures. */
async function runExport(cli: string, dbPath: string, outDir: string): Promise<{ recordsPerSecond: number; peakRssMb: number }> {
  const child = spawn(process.execPath, [cli, 'export', '--db', dbPath, '--out', outDir, '--status', 'all', '--format', 'sharegpt'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`export exited with ${code}: ${stderr}`);
  const report = JSON.parse(readFileSync(join(outDir, 'report.json'), 'utf8')) as {
    durationMs: number;
    memory: { peakRssMB: number };
    records: { read: number; threadsCollapsed: number };
  };
  rmSync(outDir, { recursive: true, force: true });
  const scanned = report.records.read + report.records.threadsCollapsed;
  return { recordsPerSecond: scanned / Math.max(0.001, report.durationMs / 1000), peakRssMb: report.memory.peakRssMB };
}

const TARGETS: Record<string, string> = {
  'database bytes per record': '≤ 2,048',
  'list first page with total': '≤ 50 ms',
  'list deep page by cursor': '≤ 100 ms',
  'q= rare word, first page': '≤ 100 ms',
  'q= common word, first page': '≤ 100 ms',
  'q= two common words, first page': '≤ 100 ms',
  'filter (model + state), first page': '≤ 100 ms',
  'GET /api/stats': '≤ 100 ms',
  'GET /api/facets': '≤ 50 ms',
  'export, records/s': '≥ 10,000',
  'export peak RSS, MB': '≤ 150',
  'writer, records/s (this segment)': '≥ 5,000',
};

export function renderDataGrowth(results: DataGrowthResults): string {
  const points = results.checkpoints;
  const n = (value: number, digits = 0) => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  let out = `\n### Data growth${results.backend === 'postgres' ? ', PostgreSQL' : ''} (record mix: short chats and 20-call agent sessions; ${n(results.avgRawBytesPerRecord)} raw request+response bytes per record on average)\n\n`;
  out += `| figure | ${points.map((point) => `N = ${n(point.records)}`).join(' | ')} | target |\n|---|${points.map(() => '---:').join('|')}|---:|\n`;
  const row = (label: string, values: string[]) => (out += `| ${label} | ${values.join(' | ')} | ${TARGETS[label] ?? ''} |\n`);
  row('database bytes per record', points.map((point) => n(point.dbBytesPerRecord)));
  row('records scanned by the background privacy scan', points.map((point) => `${n(point.scan.scanned)} (${n((100 * point.scan.scanned) / point.records)}%)`));
  row('scan tables, bytes per scanned record', points.map((point) => (point.scan.scanned === 0 ? '–' : n(point.scan.bytes / point.scan.scanned))));
  for (const name of Object.keys(points[0]?.latencyMs ?? {})) {
    row(name, points.map((point) => `${n(point.latencyMs[name]!, 1)} ms`));
  }
  row('common-word total shown', points.map((point) => point.commonWordTotal));
  row('export, records/s', points.map((point) => n(point.exportRecordsPerSecond)));
  row('export peak RSS, MB', points.map((point) => n(point.exportPeakRssMb)));
  row('writer, records/s (this segment)', points.map((point) => n(point.writerRecordsPerSecond)));
  return out;
}
