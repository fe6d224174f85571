// kill -9 under load: the built CLI (recording worker thread, capture journal) is killed while
// clients are being answered and its database writes are held up by another process's lock (so
// exchanges pile up in memory); a restart on the same database replays the journal. Every exchange
// a client got a full answer for must be recorded, but for those of the last group-commit
// interval (a few milliseconds of traffic).
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, type BuiltCli } from '../helpers/build-cli.js';
import { json, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';

let built: BuiltCli;
let upstream: FakeUpstream;
let work: string;

beforeAll(async () => {
  built = await buildCli();
  upstream = await startFakeUpstream();
  upstream.fallback(json(200, { id: 'c', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }] }));
  work = mkdtempSync(join(tmpdir(), 'llmproxy-crash-'));
  writeFileSync(join(work, 'config.json'), JSON.stringify({ allowed_domains: { [upstream.authority]: { https: false } } }));
}, 120_000);

afterAll(async () => {
  await upstream.close();
  built?.dispose();
});

function startCli(db: string, config = join(work, 'config.json')): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [built.cli, 'start', '--port', '0', '--no-ui', '--config', config, '--db', db, '--log-file', '-'], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr!.on('data', (data: Buffer) => (output += data.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`CLI did not start:\n${output}`)), 15_000);
    child.stdout!.on('data', () => {
      const match = /proxy listening: (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, output: () => output });
      }
    });
    child.once('exit', (code) => reject(new Error(`CLI exited ${code}:\n${output}`)));
  });
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => child.once('exit', () => resolve()));

describe('kill -9 under load', () => {
  it('loses at most the last group-commit interval of answered exchanges', async () => {
    const db = join(work, 'crash.db');
    const first = await startCli(db);
    first.child.removeAllListeners('exit');
    let answered = 0;
    let killed = false;
    const client = async () => {
      while (!killed) {
        try {
          const response = await fetch(`${first.url}/${upstream.authority}/v1/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `hello ${answered}` }] }),
          });
          await response.text();
          if (response.status === 200 && !killed) answered++;
        } catch {
          return; // the proxy is gone
        }
      }
    };
    const clients = Array.from({ length: 32 }, client);
    // Then hold the database's write lock, as another process would: the recording side's writes
    // wait (in memory) for the busy timeout, so without the journal a kill loses all of them.
    while (answered < 50) await new Promise((resolve) => setTimeout(resolve, 20));
    const holder = new Database(db);
    holder.exec('BEGIN EXCLUSIVE');
    // Under load for a while (the machine may be slow: by count, with a time cap).
    const loadUntil = Date.now() + 20_000;
    while (answered < 400 && Date.now() < loadUntil) await new Promise((resolve) => setTimeout(resolve, 50));
    const gone = exited(first.child);
    first.child.kill('SIGKILL');
    killed = true;
    const answeredBeforeKill = answered;
    await gone;
    await Promise.all(clients);
    holder.exec('ROLLBACK');
    holder.close();

    // The restart replays the journal once it serves (a deferred replay, not before listening);
    // then a graceful stop.
    const second = await startCli(db);
    second.child.removeAllListeners('exit');
    const replayUntil = Date.now() + 30_000;
    while (!/recording caught up with the capture journal/.test(second.output()) && Date.now() < replayUntil) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(second.output()).toMatch(/recording caught up with the capture journal/);
    const stopped = exited(second.child);
    second.child.kill('SIGTERM');
    await stopped;
    const database = new Database(db, { readonly: true });
    const recorded = (database.prepare('SELECT count(*) AS n FROM exchanges').get() as { n: number }).n;
    database.close();
    const lost = Math.max(0, answeredBeforeKill - recorded);
    console.log(`kill -9 under load: ${answeredBeforeKill} answered, ${recorded} recorded, ${lost} lost`);
    expect(answeredBeforeKill).toBeGreaterThan(100);
    expect(lost).toBeLessThanOrEqual(Math.max(10, Math.ceil(answeredBeforeKill * 0.005)));
  }, 90_000);
});

describe('recording behind: the backlog waits in the capture journal', () => {
  it('with the worker held up, exchanges go to the journal, /health says so, and each is recorded once it catches up', async () => {
    const config = join(work, 'small-backlog.json');
    writeFileSync(config, JSON.stringify({ allowed_domains: { [upstream.authority]: { https: false } }, recording: { backlog_memory_bytes: 20_000 } }));
    const db = join(work, 'behind.db');
    const proxy = await startCli(db, config);
    proxy.child.removeAllListeners('exit');
    const send = async (index: number) => {
      const response = await fetch(`${proxy.url}/${upstream.authority}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `behind ${index} ${'x'.repeat(2_000)}` }] }),
      });
      await response.text();
      return response.status;
    };
    expect(await send(0)).toBe(200);
    // Another process holds the write lock: the worker's insert waits in SQLite's busy handler and
    // processes nothing meanwhile, so its backlog grows past the 20 kB mark.
    const holder = new Database(db);
    holder.exec('BEGIN EXCLUSIVE');
    const statuses: number[] = [];
    for (let round = 0; round < 10; round++) statuses.push(...(await Promise.all(Array.from({ length: 20 }, (_, index) => send(1 + round * 20 + index)))));
    expect(statuses.every((status) => status === 200)).toBe(true);
    const behind = (await (await fetch(`${proxy.url}/health`)).json()) as { store: { recording_behind: boolean; journal_deferred: number; spool_bytes: number; queue_depth: number } };
    expect(behind.store.recording_behind).toBe(true);
    expect(behind.store.journal_deferred).toBeGreaterThan(0);
    expect(proxy.output()).toMatch(/recording is behind/);
    holder.exec('ROLLBACK');
    holder.close();

    const until = Date.now() + 60_000;
    let health = behind;
    while (Date.now() < until) {
      health = (await (await fetch(`${proxy.url}/health`)).json()) as typeof behind;
      // Caught up, and what the writer spooled while the database was locked is replayed too.
      if (!health.store.recording_behind && health.store.spool_bytes === 0 && health.store.queue_depth === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(health.store.recording_behind).toBe(false);
    const stopped = exited(proxy.child);
    proxy.child.kill('SIGTERM');
    await stopped;
    const database = new Database(db, { readonly: true });
    const rows = database.prepare('SELECT count(*) AS n, count(DISTINCT id) AS ids FROM exchanges').get() as { n: number; ids: number };
    database.close();
    expect(rows).toEqual({ n: 201, ids: 201 });
  }, 120_000);
});
