// A large export through the built CLI, with its peak memory measured and printed (never asserted
// by time). The child runs with a 128 MB V8 heap cap: an export whose memory grew with the number
// of rows would die; a streaming one finishes. 10,000 records always; 100,000 with LARGE_TESTS=1
// (about 45 s on a laptop-class machine: 15 s to insert, 20-30 s to export three formats).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { makeTestRecord } from '../../src/store/test-records.js';
import { buildCli, type BuiltCli } from '../helpers/build-cli.js';

const root = mkdtempSync(join(tmpdir(), 'export-large-'));
let cli: string;
let build: BuiltCli | undefined;

beforeAll(async () => {
  build = await buildCli();
  cli = build.cli;
}, 120_000);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  build?.dispose();
});

/** `count` realistic records (~3 KB of bodies each); every 20th continues the record before it (a thread of two). */
async function createDatabase(count: number): Promise<string> {
  const path = join(root, `records-${count}.db`);
  const store = openSqliteStore(path);
  for (let start = 0; start < count; start += 1_000) {
    const batch = Array.from({ length: Math.min(1_000, count - start) }, (_, index) => {
      const seq = start + index;
      return makeTestRecord({ seq, parentKey: seq % 20 === 1 ? `self-${seq - 1}` : null });
    });
    await store.insertBatch(batch);
  }
  await store.close();
  return path;
}

async function exportAll(count: number): Promise<void> {
  const insertStarted = Date.now();
  const db = await createDatabase(count);
  const insertMs = Date.now() - insertStarted;
  const outDir = join(root, `out-${count}`);
  const started = Date.now();
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--max-old-space-size=128', cli, 'export', '--db', db, '--out', outDir, '--status', 'all', '--format', 'sharegpt,openai-messages,openai-ft'],
    { maxBuffer: 10 * 1024 * 1024 },
  );
  const exportMs = Date.now() - started;
  const report = JSON.parse(readFileSync(join(outDir, 'report.json'), 'utf8')) as {
    records: { read: number; threadsCollapsed: number };
    formats: Record<string, { valid: number; invalid: number }>;
    memory: { peakRssMB: number };
  };
  const collapsed = Math.floor((count + 18) / 20); // one per thread of two: seq 1, 21, 41…
  expect(stdout).toContain(`Exported ${(count - collapsed).toLocaleString('en-US')} record(s)`);
  expect(report.records).toEqual({ read: count - collapsed, threadsCollapsed: collapsed, filteredOutByModel: 0, filteredOutNotFunctionCallOnly: 0, byClient: { unknown: count - collapsed } });
  for (const format of ['sharegpt', 'openai-messages', 'openai-ft']) {
    expect(report.formats[format]).toMatchObject({ valid: count - collapsed, invalid: 0 });
  }
  const megabytes = (file: string): number => Math.round(statSync(join(outDir, file)).size / 1e6);
  console.log(
    `export of ${count.toLocaleString('en-US')} records (3 formats, ${megabytes('sharegpt.jsonl')} MB of sharegpt.jsonl): ` +
      `peak RSS ${report.memory.peakRssMB} MB (128 MB heap cap), export ${(exportMs / 1000).toFixed(1)} s, insert ${(insertMs / 1000).toFixed(1)} s`,
  );
  expect(report.memory.peakRssMB).toBeGreaterThan(0);
}

describe('large export', () => {
  it('exports 10,000 records in bounded memory', async () => {
    await exportAll(10_000);
  }, 180_000);

  it.runIf(process.env['LARGE_TESTS'] === '1')('exports 100,000 records in bounded memory (LARGE_TESTS=1)', async () => {
    await exportAll(100_000);
  }, 600_000);
});
