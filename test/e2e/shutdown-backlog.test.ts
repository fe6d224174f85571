// SIGTERM with a backlog: the built CLI (recording worker thread, capture journal) records while
// another process holds the database's write lock, then gets SIGTERM. It must stop within a
// bounded time, say in one log line how many exchanges it drained and how many it handed to the
// capture journal, and not crash (a worker terminated inside a failing SQLite call would take the
// process down). A restart on the same database then stores every exchange exactly once.
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { buildCli, type BuiltCli } from '../helpers/build-cli.js';
import { json, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';

let built: BuiltCli;
let upstream: FakeUpstream;
let work: string;

beforeAll(async () => {
  built = await buildCli();
  upstream = await startFakeUpstream();
  upstream.fallback(json(200, { id: 'c', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }] }));
  work = mkdtempSync(join(tmpdir(), 'llmproxy-shutdown-'));
  writeFileSync(join(work, 'config.json'), JSON.stringify({ allowed_domains: { [upstream.authority]: { https: false } } }));
}, 120_000);

afterAll(async () => {
  await upstream.close();
  built?.dispose();
});

interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
}

function startCli(db: string): Promise<Running> {
  const child = spawn(process.execPath, [built.cli, 'start', '--port', '0', '--no-ui', '--config', join(work, 'config.json'), '--db', db, '--log-file', '-'], {
    cwd: work,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'info' },
  });
  let output = '';
  child.stdout!.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr!.on('data', (data: Buffer) => (output += data.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`CLI did not start:\n${output}`)), 15_000);
    const onExit = (code: number | null) => reject(new Error(`CLI exited ${code}:\n${output}`));
    child.stdout!.on('data', () => {
      const match = /proxy listening: (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve({ child, url: match[1]!, output: () => output });
      }
    });
    child.once('exit', onExit);
  });
}

function stop(running: Running): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => running.child.once('exit', (code, signal) => resolve({ code, signal })));
  running.child.kill('SIGTERM');
  return exited;
}

const COUNT = 60;

describe('SIGTERM with a backlog', () => {
  it('stops in bounded time, hands the backlog to the capture journal, and the restart stores every exchange once', async () => {
    const db = join(work, 'backlog.db');
    const first = await startCli(db);
    const holder = new Database(db);
    holder.exec('BEGIN IMMEDIATE'); // another process's write lock: every insert waits, then fails
    for (let index = 0; index < COUNT; index += 1) {
      const response = await fetch(`${first.url}/${upstream.authority}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `question ${index}` }] }),
      });
      await response.text();
      expect(response.status).toBe(200);
    }
    const exit = await stop(first);
    expect(exit).toEqual({ code: 0, signal: null });
    const lines = first
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const summary = lines.filter((line) => typeof line['handedToJournal'] === 'number');
    expect(summary).toHaveLength(1);
    expect(summary[0]!['handedToJournal']).toBeGreaterThan(0);
    expect((summary[0]!['drained'] as number) + (summary[0]!['handedToJournal'] as number)).toBe(COUNT);
    expect(typeof summary[0]!['ms']).toBe('number');
    expect(lines.some((line) => line['msg'] === 'stopped')).toBe(true);
    expect(readdirSync(`${db}.journal`).some((name) => name.endsWith('.log'))).toBe(true);
    holder.exec('ROLLBACK');
    holder.close();

    // The restart records the journal's backlog in the background once it listens.
    const second = await startCli(db);
    const until = Date.now() + 60_000;
    while (!/recording caught up with the capture journal/.test(second.output()) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(second.output()).toMatch(/recording caught up with the capture journal/);
    expect(await stop(second)).toEqual({ code: 0, signal: null });
    // Every question once, read back through the store (whatever its layout).
    const store = await openStore(db);
    try {
      const questions: number[] = [];
      for await (const stored of store.iterate({}, 100)) {
        const body = JSON.parse(stored.requestBody.toString()) as { messages: Array<{ content: string }> };
        questions.push(Number(/question (\d+)/.exec(body.messages[0]!.content)![1]));
      }
      expect(questions.sort((a, b) => a - b)).toEqual(Array.from({ length: COUNT }, (_, index) => index));
    } finally {
      await store.close();
    }
    expect(existsSync(`${db}.journal`) ? readdirSync(`${db}.journal`).filter((name) => name.endsWith('.log')) : []).toEqual([]);
  }, 120_000);
});
