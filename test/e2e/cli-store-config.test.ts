// The built CLI as a user runs it, with the database named only in config.json
// (`recording.database.url`): start records into it, rebuild, export and ui read it, for a SQLite
// path and a PostgreSQL URL alike; no --db, no DB. A bad value there is one line naming the key.
// (The file name holds "store" so a run of this file alone starts the PostgreSQL cluster.)
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { buildCli, type BuiltCli } from '../helpers/build-cli.js';
import { json, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { createTestDatabase, postgresAvailable } from '../helpers/postgres-test-database.js';
import { threadRecords } from '../helpers/thread-records.js';

const run = promisify(execFile);
let built: BuiltCli;
let upstream: FakeUpstream;
let work: string;
/** The environment without DB, so only config.json names the database. */
const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'DB'));

beforeAll(async () => {
  built = await buildCli();
  upstream = await startFakeUpstream();
  upstream.on('/v1/chat/completions', json(200, {
    id: 'c',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }],
  }));
  work = mkdtempSync(join(tmpdir(), 'llmproxy-cli-db-'));
}, 120_000);

afterAll(async () => {
  await upstream?.close();
  built?.dispose();
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

function writeConfig(name: string, url: string): string {
  const path = join(work, name);
  writeFileSync(path, JSON.stringify({ allowed_domains: { [upstream.authority]: { https: false } }, recording: { database: { url } } }));
  return path;
}

/** Spawns a long-running subcommand and resolves once `pattern` appears in its output. */
function serve(args: string[], pattern: RegExp): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [built.cli, ...args], { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args[0]} did not start:\n${output}`)), 20_000);
    const check = (data: Buffer) => {
      output += data.toString();
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]! });
      }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', (code) => reject(new Error(`${args[0]} exited ${code}:\n${output}`)));
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

/** `opened`: the same database as the test process opens it (a relative path is the CLI's working directory's). */
async function everyCommand(locator: string, name: string, opened = locator): Promise<void> {
  const config = writeConfig(`${name}.json`, locator);
  // start: records one exchange into the configured database.
  const proxy = await serve(['start', '--port', '0', '--no-ui', '--config', config], /proxy listening: (http:\/\/127\.0\.0\.1:\d+)/u);
  try {
    const response = await fetch(`${proxy.url}/${upstream.authority}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] }),
    });
    expect(response.status).toBe(200);
    await response.text();
  } finally {
    expect(await stop(proxy.child)).toBe(0);
  }
  const store = await openStore(opened);
  try {
    expect(await store.count()).toBe(1);
    await store.insertBatch(threadRecords());
  } finally {
    await store.close();
  }

  // rebuild reads the same database.
  const rebuilt = await run(process.execPath, [built.cli, 'rebuild', '--all', '--config', config], { cwd: work, env });
  expect(rebuilt.stdout).toContain('rebuild: 8 records read');

  // export reads it too, and says which one (password masked).
  const out = join(work, `${name}-export`);
  await run(process.execPath, [built.cli, 'export', '--config', config, '--status', 'all', '--threads', 'all', '--out', out], { cwd: work, env });
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { database: string; records: { read: number } };
  expect(report.records.read).toBe(8);
  expect(report.database).not.toContain('secret');

  // ui serves it.
  const ui = await serve(['ui', '--port', '0', '--config', config], /review UI: (http:\/\/127\.0\.0\.1:\d+)/u);
  try {
    const list = (await (await fetch(`${ui.url}/api/exchanges?limit=50`)).json()) as { items: unknown[] };
    expect(list.items).toHaveLength(8);
  } finally {
    expect(await stop(ui.child)).toBe(0);
  }
}

describe('config.json recording.database.url for every command', () => {
  it('start, rebuild, export and ui use the SQLite file it names (relative to the working directory)', async () => {
    await everyCommand('./data/from-config.db', 'sqlite', join(work, 'data', 'from-config.db'));
  }, 120_000);

  it.runIf(postgresAvailable())('start, rebuild, export and ui use the PostgreSQL URL it names', async () => {
    await everyCommand(await createTestDatabase('cliconfig'), 'postgres');
  }, 120_000);

  it('refuses a bad value there in one line naming the key, for each command', async () => {
    const config = writeConfig('bad.json', 'mysql://root:hunter2@db/records');
    for (const args of [['rebuild'], ['export'], ['ui', '--port', '0'], ['start', '--port', '0', '--no-ui']]) {
      const failed = await run(process.execPath, [built.cli, ...args, '--config', config], { cwd: work, env }).then(
        () => null,
        (error: { code: number; stderr: string }) => error,
      );
      expect(failed?.code, args[0]).toBe(2);
      const lines = failed!.stderr.trim().split('\n');
      expect(lines, args[0]).toHaveLength(1);
      expect(lines[0]).toContain(`recording.database.url in ${config}`);
      expect(lines[0]).not.toContain('hunter2');
    }
  }, 120_000);
});
