// `llm-proxy-sharegpt export` as a user runs it: the built CLI in a child process. Exit codes (0
// when it ran, 2 for what the user must fix, 130 after Ctrl-C), the files, and no temporary or
// half-written file left after SIGINT. Option parsing is also checked directly.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/cli-error.js';
import { parseExportArgs } from '../../src/cli/export.js';
import { goldenRecords } from '../../src/export/__fixtures__/golden-exchanges.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { makeTestRecord } from '../../src/store/test-records.js';
import { buildCli, type BuiltCli } from '../helpers/build-cli.js';

const root = mkdtempSync(join(tmpdir(), 'export-cli-'));
const smallDb = join(root, 'small.db');
const bigDb = join(root, 'big.db');
let cli: string;
let build: BuiltCli | undefined;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], options: { onStderr?: (text: string, child: ReturnType<typeof spawn>) => void; cwd?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'export', ...args], { cwd: options.cwd ?? root, env: { ...process.env, DB: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      options.onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

beforeAll(async () => {
  build = await buildCli();
  cli = build.cli;
  const small = openSqliteStore(smallDb);
  const records = goldenRecords().map(({ record }) => record);
  await small.insertBatch(records);
  await small.setReviewState(records.map((record) => record.id), 'confirmed', 1);
  await small.close();
  const big = openSqliteStore(bigDb);
  for (let batch = 0; batch < 20; batch += 1) {
    await big.insertBatch(Array.from({ length: 1_000 }, (_, index) => makeTestRecord({ seq: batch * 1_000 + index })));
  }
  await big.close();
}, 180_000);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  build?.dispose();
});

describe('export command line', () => {
  it('exports the confirmed conversations with the defaults and exits 0', async () => {
    const result = await run(['--db', smallDb]);
    expect(result.code).toBe(0);
    const [outDir] = readdirSync(join(root, 'export'));
    expect(outDir).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z$/);
    const dir = join(root, 'export', outDir!);
    expect(readdirSync(dir).sort()).toEqual(['dataset_info.json', 'invalid.jsonl', 'media', 'report.json', 'sharegpt.jsonl']);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { records: { read: number; threadsCollapsed: number }; formats: { sharegpt: { valid: number } } };
    expect(result.stdout).toContain(`Exported ${report.records.read} record(s) (status confirmed)`);
    expect(result.stdout).toMatch(/sharegpt\s+\d+ valid\s+\d+ invalid/);
    expect(result.stdout).toContain('invalid by reason:');
    expect(report.records.threadsCollapsed).toBe(1); // the parallel-calls request is the start of the tool loop
    expect(readFileSync(join(dir, 'sharegpt.jsonl'), 'utf8').trim().split('\n')).toHaveLength(report.formats.sharegpt.valid);
  });

  it('takes several formats, repeated or comma-separated, and every filter option', async () => {
    const outDir = join(root, 'formats');
    const result = await run([
      '--db', smallDb, '--out', outDir, '--format', 'sharegpt,openai-ft', '--format', 'openai-messages', '--status', 'all', '--model', 'gpt-*',
      '--domain', 'api.openai.com', '--since', '2025-08-01', '--until', '2030-01-01T00:00:00Z', '--limit', '5', '--truncate-observation', '100',
      '--tools-schema', 'derive', '--reasoning', 'drop', '--threads', 'all', '--images', 'skip', '--only-function-call-only',
    ]);
    expect(result.stderr).toBe('export: 21 record(s) to read\n'); // progress (plain lines when stderr is not a terminal)
    expect(result.code).toBe(0);
    expect(readdirSync(outDir).sort()).toEqual(['dataset_info.json', 'invalid.jsonl', 'openai-ft.jsonl', 'openai-messages.jsonl', 'report.json', 'sharegpt.jsonl']);
    const report = JSON.parse(readFileSync(join(outDir, 'report.json'), 'utf8')) as { options: Record<string, unknown>; records: { read: number } };
    expect(report.options).toMatchObject({ formats: ['sharegpt', 'openai-ft', 'openai-messages'], status: 'all', model: 'gpt-*', limit: 5, toolsSchema: 'derive', reasoning: 'drop', threads: 'all', images: 'skip', onlyFunctionCallOnly: true, truncateObservation: 100 });
    expect(report.options['filter']).toEqual({ domain: 'api.openai.com', sideCall: false, since: Date.parse('2025-08-01'), until: Date.parse('2030-01-01T00:00:00Z') });
    // api.openai.com, gpt-*, ending with a call: three chat completions and two Responses exchanges.
    expect(report.records.read).toBe(5);
  });

  it.each([
    [['--format', 'csv'], /--format must be one of sharegpt, openai-messages, openai-ft, hf \(got "csv"\)/],
    [['--status', 'done'], /--status must be one of confirmed, rejected, pending, all/],
    [['--limit', '0'], /--limit must be a positive whole number/],
    [['--since', 'yesterday'], /--since must be an ISO 8601 date/],
    [['--since', '2025-09-01', '--until', '2025-08-01'], /--since \(2025-09-01\) must be before --until/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['stray'], /Unexpected argument 'stray'/],
    [['--secrets', 'hide'], /--secrets must be one of redact, drop, keep, off \(got "hide"\)/],
    [['--pii', 'address=redact'], /--pii: unknown kind "address"/],
    [['--dedup', 'fuzzy'], /--dedup must be one of off, exact, near/],
    [['--dedup-threshold', '2'], /--dedup-threshold must be a number above 0 and at most 1/],
    [['--config', 'missing.json'], /config file missing.json does not exist/],
  ])('exits 2 with a clear message on bad options: %j', async (args, message) => {
    const result = await run(['--db', smallDb, ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('reads the export section of config.json, takes the cleaning flags on top, and writes the hf folder', async () => {
    const cwd = mkdtempSync(join(root, 'config-'));
    writeFileSync(join(cwd, 'config.json'), JSON.stringify({ export: { privacy: { secrets: 'drop', phone: 'off' }, dedup: { mode: 'off' }, hf: { seed: 3 } } }));
    const outDir = join(cwd, 'out');
    const result = await run(['--db', smallDb, '--out', outDir, '--format', 'hf,sharegpt', '--pii', 'email=redact', '--validation-ratio', '0.5', '--license', 'mit'], { cwd });
    expect(result.code).toBe(0);
    expect(readdirSync(outDir).sort()).toEqual(['dataset_info.json', 'hf', 'invalid.jsonl', 'media', 'report.json', 'sharegpt.jsonl']);
    const report = JSON.parse(readFileSync(join(outDir, 'report.json'), 'utf8')) as {
      privacy: { policy: { secrets: string; personal: Record<string, string> } };
      dedup: { mode: string };
      options: { hf: unknown };
    };
    expect(report.privacy.policy).toMatchObject({ secrets: 'drop', personal: { email: 'redact', phone: 'off', ip: 'keep' } });
    expect(report.dedup.mode).toBe('off');
    expect(report.options.hf).toEqual({ validationRatio: 0.5, seed: 3, license: 'mit' });
    expect(readFileSync(join(outDir, 'hf', 'README.md'), 'utf8')).toMatch(/^---\nlicense: mit\n/);
    expect(result.stdout).toMatch(/privacy: /);
  });

  it('exits 2 on a missing database and does not create one', async () => {
    const missing = join(root, 'no-such-dir', 'proxy.db');
    const result = await run(['--db', missing, '--out', join(root, 'unused')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`no database at ${missing}`);
    expect(existsSync(join(root, 'no-such-dir'))).toBe(false);
  });

  it('exits 2 on an output directory it cannot create', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    const result = await run(['--db', smallDb, '--out', join(file, 'out')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot create the output directory/);
  });

  it('on SIGINT, exits 130 and leaves neither a final nor a temporary file', async () => {
    const outDir = join(root, 'interrupted');
    let sent = false;
    const result = await run(['--db', bigDb, '--out', outDir, '--status', 'all', '--format', 'sharegpt,openai-ft'], {
      onStderr: (text, child) => {
        // The first progress line: the export has started, its temporary files are open.
        if (!sent && text.includes('export:')) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(sent).toBe(true);
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('export interrupted; temporary files removed');
    expect(readdirSync(outDir)).toEqual([]);
  });
});

describe('parseExportArgs', () => {
  it('applies the documented defaults', () => {
    // No --db: the database is chosen when the export runs (--db, DB, config.json, the default: src/cli/database-option.ts).
    expect(parseExportArgs([], Date.parse('2025-08-25T10:11:12.345Z'))).toEqual({
      outDir: './export/2025-08-25T10-11-12Z/',
      images: 'copy',
      rows: { formats: ['sharegpt'], filter: { sideCall: false }, status: 'confirmed', toolsSchema: 'auto', reasoning: 'keep', threads: 'longest' },
      judgements: [],
      hf: false,
      cleaning: {},
    });
    expect(parseExportArgs(['--preference', '--kto'], 0)).toMatchObject({ judgements: ['preference', 'kto'] });
    expect(parseExportArgs(['--db', '/var/proxy.db'], 0)).toMatchObject({ db: '/var/proxy.db' });
  });

  it('reads epoch milliseconds for --since/--until and dedupes formats', () => {
    expect(parseExportArgs(['--since', '1756000000000', '--format', 'sharegpt,sharegpt'], 0)).toMatchObject({
      rows: { formats: ['sharegpt'], filter: { since: 1_756_000_000_000 } },
    });
  });

  it('takes hf as a format beside the row formats, and the cleaning flags as given', () => {
    expect(parseExportArgs(['--format', 'hf'], 0)).toMatchObject({ hf: true, rows: { formats: ['sharegpt'] } });
    expect(parseExportArgs(['--format', 'openai-ft,hf', '--secrets', 'drop', '--allow', 'a@b.example', '--allow', '/^test_/', '--dedup', 'exact'], 0)).toMatchObject({
      hf: true,
      rows: { formats: ['openai-ft'] },
      cleaning: { secrets: 'drop', allow: ['a@b.example', '/^test_/'], dedup: 'exact' },
    });
  });

  it('throws CliError (exit 2) for a bad value', () => {
    expect(() => parseExportArgs(['--images', 'download'], 0)).toThrow(CliError);
    expect(() => parseExportArgs(['--truncate-observation', '1e3'], 0)).toThrow(/--truncate-observation must be a positive whole number/);
  });
});
