// The built CLI as a user runs it: options, config errors, and the compiled recording path (the
// recording worker thread, and `--workers 2` with one shared store writer), stopped by SIGTERM.
import Database from 'better-sqlite3';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, type BuiltCli } from '../helpers/build-cli.js';
import { json, sse, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';

const run = promisify(execFile);
let built: BuiltCli;
let CLI: string;
const KEY = 'sk-cli-secret-key-777';

let upstream: FakeUpstream;
let work: string;

beforeAll(async () => {
  // A private build: the compiled code is what runs the recording worker thread.
  built = await buildCli();
  CLI = built.cli;
  upstream = await startFakeUpstream();
  upstream.on('/v1/chat/completions', (request, response) => {
    const body = JSON.parse(request.body.toString()) as { stream?: boolean };
    if (body.stream) {
      return sse([
        'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}\n\n',
        'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n',
        'data: [DONE]\n\n',
      ])(request, response);
    }
    return json(200, { id: 'c', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }] })(request, response);
  });
  work = mkdtempSync(join(tmpdir(), 'llmproxy-cli-'));
  writeFileSync(join(work, 'config.json'), JSON.stringify({ allowed_domains: { [upstream.authority]: { https: false } } }));
}, 120_000);

afterAll(async () => {
  await upstream.close();
  built?.dispose();
});

function startCli(args: string[]): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [CLI, 'start', '--port', '0', '--no-ui', '--config', join(work, 'config.json'), ...args], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr!.on('data', (data: Buffer) => (output += data.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`CLI did not start:\n${output}`)), 15_000);
    const check = () => {
      const match = /proxy listening: (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve({ child, url: match[1]!, output: () => output });
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`CLI exited ${code}:\n${output}`)));
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

async function chat(url: string, stream: boolean): Promise<number> {
  const response = await fetch(`${url}/${upstream.authority}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content: 'hello' }] }),
  });
  await response.text();
  return response.status;
}

describe('llm-proxy-sharegpt CLI', () => {
  it('--help documents every start option', async () => {
    const { stdout } = await run(process.execPath, [CLI, 'start', '--help']);
    for (const option of ['--port', '--host', '--config', '--log-level', '--log-file', '--db', '--no-record', '--workers']) expect(stdout).toContain(option);
  });

  it('refuses a missing explicit config file and a wrong key type with exit code 2', async () => {
    await expect(run(process.execPath, [CLI, 'start', '--config', join(work, 'absent.json')])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('absent.json') });
    writeFileSync(join(work, 'bad.json'), JSON.stringify({ max_body_bytes: 'a lot' }));
    await expect(run(process.execPath, [CLI, 'start', '--config', join(work, 'bad.json')])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('max_body_bytes') });
    await expect(run(process.execPath, [CLI, 'start', '--log-level', 'loud'])).rejects.toMatchObject({ code: 2 });
    // A database path that cannot be created: one clear line, exit 2.
    writeFileSync(join(work, 'a-file'), '');
    await expect(run(process.execPath, [CLI, 'start', '--no-ui', '--port', '0', '--log-file', '-', '--db', join(work, 'a-file', 'x.db')])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('cannot open the recording database'),
    });
  });

  it('records through the recording worker thread and flushes on SIGTERM (exit 0)', async () => {
    const db = join(work, 'single.db');
    const log = join(work, 'single.log');
    const cli = await startCli(['--db', db, '--log-file', log, '--log-level', 'DEBUG']);
    const statuses = await Promise.all(Array.from({ length: 20 }, (_unused, index) => chat(cli.url, index % 2 === 0)));
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(await stop(cli.child)).toBe(0);
    const database = new Database(db, { readonly: true });
    expect(database.prepare('SELECT count(*) AS n FROM exchanges').get()).toEqual({ n: 20 });
    expect(database.prepare('SELECT count(*) AS n FROM exchanges WHERE streamed = 1 AND incomplete = 0').get()).toEqual({ n: 10 });
    database.close();
    expect(readFileSync(db).includes(KEY)).toBe(false);
  });

  it('--workers 2: both processes serve, one writer stores every exchange', async () => {
    const db = join(work, 'cluster.db');
    const cli = await startCli(['--db', db, '--log-file', '-', '--workers', '2']);
    const statuses = await Promise.all(Array.from({ length: 40 }, (_unused, index) => chat(cli.url, index % 2 === 0)));
    expect(statuses.every((status) => status === 200)).toBe(true);
    const health = (await (await fetch(`${cli.url}/health`)).json()) as { store: { recording: boolean } };
    expect(health.store.recording).toBe(true);
    expect(await stop(cli.child)).toBe(0);
    expect(cli.output()).toContain('"workers":2');
    const database = new Database(db, { readonly: true });
    expect(database.prepare('SELECT count(*) AS n FROM exchanges').get()).toEqual({ n: 40 });
    database.close();
  });
});
