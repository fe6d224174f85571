// `npm run bench [-- --quick] [-- --workers N] [-- --scale 100k] [-- --only data-growth|postgres] [-- --backend sqlite|postgres|both]`:
// starts everything on loopback, measures every
// target in the same run against the same fake upstream, stops what it started, prints a table
// and writes bench/results/latest.json and latest.md. Reports targets; never fails on them.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { findNginx, startNginx } from './lib/nginx.js';
import { fixedRequests, freePort, holdSlowStreams, sequentialLatency, streams, throughput, type StreamFigures, type Throughput } from './lib/measure.js';
import { killUnderLoad, type KillFigure } from './lib/kill-under-load.js';
import { waitUntilCaughtUp } from './lib/caught-up.js';
import { memoryOf, startProcess, type Started } from './lib/processes.js';
import { countAnswered2xx, PROXY_READY, proxyLauncher } from './lib/proxy-launcher.js';
import { POSTGRES_MISSING, startBenchPostgres } from './lib/bench-postgres.js';
import { postgresSection, renderPostgresFigures, type PostgresFigures } from './postgres-section.js';
import { storagePerExchange, writerThroughput } from './lib/store-benchmarks.js';
import { dataGrowth, parseScale, renderDataGrowth, type DataGrowthResults } from './data-growth.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const workersArg = args.indexOf('--workers');
const workers = workersArg === -1 ? 0 : Number(args[workersArg + 1] ?? 2);
const onlyArg = args.indexOf('--only');
/** `--only data-growth` or `--only postgres`: that section alone. */
const only = onlyArg === -1 ? null : (args[onlyArg + 1] ?? '');
const backendArg = args.indexOf('--backend');
/** Which store the data-growth section fills: `sqlite` (default), `postgres`, or `both`. */
const growthBackend = backendArg === -1 ? 'sqlite' : (args[backendArg + 1] ?? '');
const scaleArg = args.indexOf('--scale');
/** Records the data-growth section fills the database to (`--scale 100k`; default 100k quick, 1m full). */
const scale = parseScale(scaleArg === -1 ? (quick ? '100k' : '1m') : (args[scaleArg + 1] ?? ''));
const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const CLI = join(ROOT, 'dist', 'cli', 'index.js');

const settings = quick
  ? { c1Seconds: 2, c64Seconds: 3, latencySamples: 500, streams: 200, slowStreams: 2_000, leakFirst: 5_000, leakTotal: 20_000, writerRecords: 20_000 }
  : { c1Seconds: 5, c64Seconds: 10, latencySamples: 2_000, streams: 200, slowStreams: 2_000, leakFirst: 5_000, leakTotal: 50_000, writerRecords: 50_000 };

interface TargetFigures {
  c1?: Throughput;
  c64?: Throughput;
  latency?: { p50: number; p99: number };
  stream?: StreamFigures;
  slowStreamsPeakRssMb?: number;
  slowStreamsCompleted?: number;
  rssAfterFirstMb?: number;
  rssAfterTotalMb?: number;
  recordsStored?: number;
  recordsIncomplete?: number;
  answered2xx?: number;
  /** How long recording took to catch up after the load (exchanges that waited in the capture journal). */
  catchUpMs?: number;
}

interface Target {
  name: string;
  baseUrl: string;
  process?: Started;
  dbPath?: string;
  logPath?: string;
  answered2xx: number;
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

async function main(): Promise<void> {
  if (!['sqlite', 'postgres', 'both'].includes(growthBackend)) {
    throw new Error(`--backend: sqlite, postgres or both (the store the data-growth section fills), got "${growthBackend}"`);
  }
  if (only !== null) {
    if (only === 'data-growth') await runDataGrowthAlone();
    else if (only === 'postgres') await runPostgresAlone();
    else throw new Error(`--only: the sections that run alone are data-growth and postgres, got "${only}"`);
    return;
  }
  const started = Date.now();
  const upstream = await startProcess(process.execPath, [join(HERE, 'fake-upstream.js'), '0']);
  const upstreamAuthority = `127.0.0.1:${upstream.port}`;
  const cleanup: Array<() => Promise<void>> = [() => upstream.stop()];
  const targets: Target[] = [{ name: 'direct', baseUrl: `http://${upstreamAuthority}`, answered2xx: 0 }];

  try {
    const nginxBinary = findNginx();
    if (nginxBinary) {
      const nginx = await startNginx(nginxBinary, await freePort(), upstream.port);
      cleanup.push(() => nginx.stop());
      targets.push({ name: 'nginx', baseUrl: `http://127.0.0.1:${nginx.port}`, process: nginx, answered2xx: 0 });
    } else {
      log('nginx not installed: skipped (apt-get install nginx)');
    }

    const bare = await startProcess(process.execPath, [join(HERE, 'bare-passthrough.js'), '0', `http://${upstreamAuthority}`]);
    cleanup.push(() => bare.stop());
    targets.push({ name: 'bare-node', baseUrl: `http://127.0.0.1:${bare.port}`, process: bare, answered2xx: 0 });

    const work = mkdtempSync(join(tmpdir(), 'bench-proxy-'));
    const { proxyArgs, spawnProxy: launch } = proxyLauncher(CLI, work, upstreamAuthority, (stop) => cleanup.push(stop));
    const spawnProxy = async (name: string, extra: string[]): Promise<Target> => ({ ...(await launch(name, extra)), answered2xx: 0 });
    targets.push(await spawnProxy('proxy-no-record', ['--no-record']));
    const dbPath = join(work, 'records.db');
    targets.push({ ...(await spawnProxy('proxy-record', ['--db', dbPath])), dbPath });
    if (workers > 0) {
      const workersDb = join(work, 'records-workers.db');
      targets.push({ ...(await spawnProxy(`proxy-record-${workers}w`, ['--db', workersDb, '--workers', String(workers)])), dbPath: workersDb });
    }

    const figures: Record<string, TargetFigures> = {};
    for (const target of targets) {
      const chat = `${target.baseUrl}/v1/chat/completions`;
      const figure: TargetFigures = {};
      log(`${target.name}: throughput`);
      figure.c1 = await throughput(chat, 1, settings.c1Seconds);
      figure.c64 = await throughput(chat, 64, settings.c64Seconds);
      target.answered2xx += figure.c1.ok + figure.c64.ok;
      log(`${target.name}: latency at concurrency 1`);
      figure.latency = await sequentialLatency(chat, settings.latencySamples);
      target.answered2xx += settings.latencySamples + 50;
      log(`${target.name}: streams`);
      figure.stream = await streams(`${target.baseUrl}/stream/v1/chat/completions`, settings.streams, 10);
      target.answered2xx += figure.stream.completed;
      figures[target.name] = figure;
    }

    // Memory: slow streams and the leak check, on the processes that are ours to measure.
    for (const target of targets) {
      if (!target.process || target.name === 'nginx') continue;
      if (quick && target.name !== 'proxy-record' && target.name !== 'bare-node') continue;
      const pid = target.process.child.pid!;
      log(`${target.name}: ${settings.slowStreams} concurrent slow streams`);
      const held = await holdSlowStreams(`${target.baseUrl}/slow/v1/chat/completions`, settings.slowStreams, () => memoryOf(pid).rssMb);
      figures[target.name]!.slowStreamsPeakRssMb = held.peak;
      figures[target.name]!.slowStreamsCompleted = held.completed;
      target.answered2xx += held.completed;
      if (target.name.startsWith('proxy-record')) {
        log(`${target.name}: RSS after ${settings.leakFirst} and ${settings.leakTotal} requests`);
        target.answered2xx += await fixedRequests(`${target.baseUrl}/v1/chat/completions`, settings.leakFirst, 32);
        figures[target.name]!.rssAfterFirstMb = memoryOf(pid).rssMb;
        target.answered2xx += await fixedRequests(`${target.baseUrl}/v1/chat/completions`, settings.leakTotal - settings.leakFirst, 32);
        figures[target.name]!.rssAfterTotalMb = memoryOf(pid).rssMb;
      }
    }

    // Recording: once each recording proxy caught up (a saturated run leaves exchanges waiting in
    // the capture journal, recorded as the machine has room), stop it (graceful: flushes) and
    // count what it stored.
    for (const target of targets) {
      if (!target.dbPath || !target.process) continue;
      const caughtUpIn = await waitUntilCaughtUp(`http://127.0.0.1:${target.process.port}/health`);
      if (caughtUpIn > 0) log(`${target.name}: recording caught up ${(caughtUpIn / 1000).toFixed(1)} s after the load`);
      figures[target.name]!.catchUpMs = caughtUpIn;
      await target.process.stop();
      const db = new Database(target.dbPath, { readonly: true });
      // Requests the load generator abandoned mid-response (at the end of a timed run) are
      // recorded too, as incomplete; the comparison is with the complete 2xx exchanges.
      figures[target.name]!.recordsStored = (db.prepare('SELECT count(*) AS n FROM exchanges WHERE status BETWEEN 200 AND 299 AND incomplete = 0').get() as { n: number }).n;
      figures[target.name]!.recordsIncomplete = (db.prepare('SELECT count(*) AS n FROM exchanges WHERE incomplete = 1').get() as { n: number }).n;
      // The proxy's access log has one line per answered request: count the 2xx ones.
      figures[target.name]!.answered2xx = target.logPath ? countAnswered2xx(target.logPath) : target.answered2xx;
      db.close();
    }

    log('kill -9 under load, then a restart on the same database');
    const killDb = join(work, 'records-kill.db');
    const killPort = await freePort();
    const kill = await killUnderLoad(
      () => startProcess(process.execPath, proxyArgs(killPort, ['--db', killDb]), { readyPattern: PROXY_READY, env: { LOG_LEVEL: 'info' } }),
      `/${upstreamAuthority}`,
      killDb,
      quick ? 3 : 6,
    );

    log('writer micro-benchmark');
    const writer = await writerThroughput(settings.writerRecords);
    log('storage per exchange');
    const storage = await storagePerExchange(30);
    log('PostgreSQL: writer figure and recording cost at c64');
    const postgres = await postgresSection({ cli: CLI, benchDir: HERE, ...settings, log });
    const growth = await growthSections();

    const results = {
      date: new Date().toISOString(),
      quick,
      machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version },
      settings,
      targets: figures,
      writer,
      storage,
      kill,
      postgres,
      growth,
      durationSeconds: Math.round((Date.now() - started) / 1000),
    };
    writeResults('latest', results, renderMarkdown(results));
  } finally {
    for (const stop of cleanup.reverse()) await stop().catch(() => undefined);
  }
}

/** The data-growth section on the store(s) `--backend` names; PostgreSQL on a throwaway cluster. */
async function growthSections(): Promise<DataGrowthResults[]> {
  const results: DataGrowthResults[] = [];
  if (growthBackend !== 'postgres') {
    log(`data growth to ${scale.toLocaleString('en-US')} records, SQLite`);
    results.push(await dataGrowth({ scale, cli: CLI, log }));
  }
  if (growthBackend !== 'sqlite') {
    const postgres = await startBenchPostgres();
    if (postgres === null) log(POSTGRES_MISSING);
    else {
      try {
        log(`data growth to ${scale.toLocaleString('en-US')} records, PostgreSQL`);
        results.push(await dataGrowth({ scale, cli: CLI, log, postgresUrl: await postgres.createDatabase('bench_growth') }));
      } finally {
        await postgres.destroy();
      }
    }
  }
  return results;
}

function heading(title: string): string {
  return `## ${title} ${new Date().toISOString().slice(0, 10)} — ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}${quick ? ', --quick' : ''}\n`;
}

function writeResults(name: string, json: unknown, markdown: string): void {
  const out = join(ROOT, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, `${name}.json`), JSON.stringify(json, null, 2));
  writeFileSync(join(out, `${name}.md`), markdown);
  process.stdout.write(markdown);
}

async function runDataGrowthAlone(): Promise<void> {
  const started = Date.now();
  const growth = await growthSections();
  const markdown = `${heading('Data-growth bench')}${growth.map(renderDataGrowth).join('')}\nRun took ${Math.round((Date.now() - started) / 1000)} s.\n`;
  writeResults(growthBackend === 'sqlite' ? 'data-growth' : `data-growth-${growthBackend}`, { date: new Date().toISOString(), growth }, markdown);
}

async function runPostgresAlone(): Promise<void> {
  const started = Date.now();
  const postgres = await postgresSection({ cli: CLI, benchDir: HERE, ...settings, log });
  const markdown = `${heading('PostgreSQL bench')}${renderPostgresFigures(postgres)}\nRun took ${Math.round((Date.now() - started) / 1000)} s.\n`;
  writeResults('postgres', { date: new Date().toISOString(), quick, settings, postgres }, markdown);
}

type Results = {
  date: string;
  quick: boolean;
  machine: { cores: number; cpu: string; node: string };
  targets: Record<string, TargetFigures>;
  writer: Awaited<ReturnType<typeof writerThroughput>>;
  storage: Awaited<ReturnType<typeof storagePerExchange>>;
  kill: KillFigure;
  postgres: PostgresFigures | null;
  growth: DataGrowthResults[];
  durationSeconds: number;
};

function renderMarkdown(results: Results): string {
  const names = Object.keys(results.targets);
  const t = results.targets;
  const number = (value: number | undefined, digits = 0) => (value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits));
  const rows: Array<[string, (figure: TargetFigures) => number | undefined, number, boolean]> = [
    // label, getter, digits, higher is better
    ['req/s, concurrency 1', (f) => f.c1?.rps, 0, true],
    ['req/s, concurrency 64', (f) => f.c64?.rps, 0, true],
    ['p50 latency ms, c64', (f) => f.c64?.p50, 2, false],
    ['p99 latency ms, c64', (f) => f.c64?.p99, 2, false],
    ['p50 latency ms, c1 (precise)', (f) => f.latency?.p50, 3, false],
    ['p99 latency ms, c1 (precise)', (f) => f.latency?.p99, 3, false],
    ['stream first byte p50 ms', (f) => f.stream?.ttfbP50, 3, false],
    ['stream last byte p50 ms', (f) => f.stream?.ttlbP50, 3, false],
    ['chunk send→arrival p50 ms', (f) => f.stream?.gapP50, 3, false],
    ['chunk send→arrival p99 ms', (f) => f.stream?.gapP99, 3, false],
    ['reads per 21-chunk stream', (f) => f.stream?.readsPerStream, 1, true],
    ['peak RSS MB, 2,000 slow streams (one origin)', (f) => f.slowStreamsPeakRssMb, 0, false],
  ];
  let out = `## Benchmark ${results.date.slice(0, 10)} — ${results.machine.cores} cores (${results.machine.cpu}), Node ${results.machine.node}${results.quick ? ', --quick' : ''}\n\n`;
  out += `| figure | ${names.join(' | ')} |\n|---|${names.map(() => '---:').join('|')}|\n`;
  for (const [label, get, digits] of rows) {
    out += `| ${label} | ${names.map((name) => number(get(t[name]!), digits)).join(' | ')} |\n`;
  }
  const direct = t['direct'];
  const nginx = t['nginx'];
  const bare = t['bare-node'];
  out += '\nRatios (this proxy ÷ reference; throughput: higher is better, latency: lower is better):\n\n';
  out += '| figure | target | ÷ direct | ÷ nginx | ÷ bare-node |\n|---|---|---:|---:|---:|\n';
  for (const name of names.filter((candidate) => candidate.startsWith('proxy'))) {
    const figure = t[name]!;
    for (const [label, get] of rows.slice(0, 8)) {
      const ratio = (reference: TargetFigures | undefined) => {
        const value = get(figure);
        const base = reference ? get(reference) : undefined;
        return value === undefined || base === undefined || base === 0 ? '–' : (value / base).toFixed(2);
      };
      out += `| ${label} | ${name} | ${ratio(direct)} | ${ratio(nginx)} | ${ratio(bare)} |\n`;
    }
  }
  out += '\nDerived figures:\n\n';
  for (const name of names.filter((candidate) => candidate.startsWith('proxy'))) {
    const figure = t[name]!;
    const added = figure.latency && direct?.latency ? figure.latency.p50 - direct.latency.p50 : NaN;
    const firstByte = figure.stream && direct?.stream ? figure.stream.ttfbP50 - direct.stream.ttfbP50 : NaN;
    out += `- ${name}: added p50 latency at c1 **${number(added, 3)} ms** over direct (target ≤ 0.3); first-byte overhead **${number(firstByte, 3)} ms** (target ≤ 1); c64 throughput **${number(((figure.c64?.rps ?? 0) / (bare?.c64?.rps ?? NaN)) * 100, 0)}%** of bare-node (target ≥ 90%)`;
    if (figure.rssAfterFirstMb !== undefined) out += `; RSS ${number(figure.rssAfterFirstMb)} MB after ${settings.leakFirst} requests, ${number(figure.rssAfterTotalMb)} MB after ${settings.leakTotal}`;
    if (figure.recordsStored !== undefined) out += `; complete 2xx records stored **${figure.recordsStored}** for **${figure.answered2xx}** requests answered 2xx${figure.recordsStored === figure.answered2xx ? ' (equal)' : ' (MISMATCH)'} (plus ${figure.recordsIncomplete} incomplete: requests the load generator abandoned)${figure.catchUpMs ? `; recording caught up ${number(figure.catchUpMs / 1000, 1)} s after the load (exchanges waited in the capture journal)` : ''}`;
    out += '\n';
  }
  const record = t['proxy-record'];
  const noRecord = t['proxy-no-record'];
  if (record?.c64 && noRecord?.c64) out += `- recording cost at c64: **${number((1 - record.c64.rps / noRecord.c64.rps) * 100, 1)}%** of throughput (target ≤ 15%)\n`;
  for (const name of names.filter((candidate) => /-\dw$/.test(candidate))) {
    out += `- ${name}: c64 throughput ×${number((t[name]!.c64?.rps ?? 0) / (record?.c64?.rps ?? NaN), 2)} of the single-process recording proxy\n`;
  }
  out += `- writer: **${number(results.writer.perSecond)} exchanges/s** into SQLite in batches (${results.writer.count} records of ${number(results.writer.avgRecordKb, 1)} KB; target ≥ 20,000)\n`;
  out += `- storage: **${number(results.storage.dbBytesPerExchange)} bytes** per exchange in the database for a 30-call tool-using session, against **${number(results.storage.rawBytesPerExchange)} bytes** of raw request+response per call (×${number(results.storage.ratio, 2)})\n`;
  out += `- kill -9 under load (64 clients): **${results.kill.answered}** exchanges answered 2xx before the kill, **${results.kill.recorded}** recorded after the restart, **${results.kill.lost}** lost (target: at most the last 5 ms group-commit interval of the capture journal)${results.kill.replayMs > 0 ? `; the restart recorded the journal's backlog in ${number(results.kill.replayMs / 1000, 1)} s` : ''}\n`;
  out += renderPostgresFigures(results.postgres);
  out += results.growth.map(renderDataGrowth).join('');
  out += `\nRun took ${results.durationSeconds} s.\n`;
  return out;
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
