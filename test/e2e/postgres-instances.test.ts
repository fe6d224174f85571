// Several proxies, one PostgreSQL: three instances of the built CLI (three processes on loopback,
// each with its own working directory and spool) record into one database. Multi-turn threads are
// spread so that every turn of a thread lands on a different instance; the records, their thread
// links and one export over all of them are checked. Then PostgreSQL is stopped for ~10 s under
// load and started again: every request is answered meanwhile and no record is lost.
//
// Sizes are kept modest for a shared 2-core machine: 300 requests (100 threads x 3 turns) for the
// first test, about 10 s x 8 concurrent clients for the second.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { StoredExchange } from '../../src/store/exchange-record.js';
import { buildCli, type BuiltCli } from '../helpers/build-cli.js';
import type { FakeUpstream } from '../helpers/fake-upstream.js';
import { startPostgresCluster, type PostgresCluster } from '../helpers/postgres-cluster.js';
import { chatTurn, holdConversations, startProxyProcess, startThreadUpstream, type ProxyProcess } from '../helpers/postgres-proxies.js';
import { createTestDatabase, postgresAvailable } from '../helpers/postgres-test-database.js';

const run = promisify(execFile);
// Trust authentication ignores the password, so the URL can carry one the test then looks for.
const PASSWORD = `pw-${'q'.repeat(10)}`;
const withPassword = (url: string): string => url.replace('postgres://postgres@', `postgres://postgres:${PASSWORD}@`);

describe.runIf(postgresAvailable())('PostgreSQL shared by several proxy instances', () => {
  let built: BuiltCli;
  let upstream: FakeUpstream;
  let work: string;
  const proxies: ProxyProcess[] = [];

  beforeAll(async () => {
    built = await buildCli();
    upstream = await startThreadUpstream();
    work = mkdtempSync(join(tmpdir(), 'llmproxy-pg-instances-'));
  }, 180_000);

  afterAll(async () => {
    await Promise.all(proxies.map((proxy) => proxy.stop()));
    await upstream?.close();
    built?.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  it('3 instances record 300 requests exactly once, link threads across instances, and export them together', async () => {
    const url = withPassword(await createTestDatabase('instances'));
    // All three start at once: the schema is migrated once, under the advisory lock.
    const started = await Promise.all(['a', 'b', 'c'].map((name) => startProxyProcess(built.cli, work, `three-${name}`, upstream, url)));
    proxies.push(...started);
    const statuses = await holdConversations(
      started.map((proxy) => proxy.url),
      upstream,
      100,
      3,
      12,
    );
    expect(statuses).toHaveLength(300);
    expect(statuses.every((status) => status === 200)).toBe(true);
    const health = await (await fetch(`${started[0]!.url}/health`)).text();
    expect(health).toContain('postgres://postgres:***@127.0.0.1');
    expect(await Promise.all(started.map((proxy) => proxy.stop()))).toEqual([0, 0, 0]);

    const store = await openStore(url);
    try {
      expect(await store.count()).toBe(300);
      const byThread = new Map<string, StoredExchange[]>();
      for await (const record of store.iterate({}, 100)) {
        const list = byThread.get(record.threadId) ?? [];
        list.push(record);
        byThread.set(record.threadId, list);
      }
      expect(byThread.size).toBe(100);
      for (const [threadId, records] of byThread) {
        expect(records.map((record) => record.turnCount)).toEqual([2, 4, 6]);
        expect(records[0]!.id).toBe(threadId);
        expect(records.map((record) => record.parentId)).toEqual([null, records[0]!.id, records[1]!.id]);
        // One question, and its answers, per thread.
        const question = /thread (\d+) question 0/u.exec(records[0]!.requestBody)?.[1];
        expect(records.every((record) => record.requestBody.includes(`thread ${question} question 0`))).toBe(true);
      }
      expect(await store.count({ search: 'thread question' })).toBe(300);
      await store.setReviewStateWhere({}, 'confirmed', Date.now());
    } finally {
      await store.close();
    }

    // One review UI over everything: `ui --db URL` serves the admin API from the shared database.
    const ui = spawn(process.execPath, [built.cli, 'ui', '--db', url, '--port', '0'], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let uiOutput = '';
      const uiUrl = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`ui did not start:\n${uiOutput}`)), 30_000);
        const onData = (data: Buffer) => {
          uiOutput += data.toString();
          const match = /review UI: (http:\/\/127\.0\.0\.1:\d+)/u.exec(uiOutput);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        };
        ui.stdout!.on('data', onData);
        ui.stderr!.on('data', onData);
      });
      const list = (await (await fetch(`${uiUrl}/api/exchanges?limit=5`)).json()) as { total: number; items: Array<{ reviewState: string }> };
      expect(list.total).toBe(300);
      expect(list.items.every((item) => item.reviewState === 'confirmed')).toBe(true);
      const stats = (await (await fetch(`${uiUrl}/api/stats?bucket=3600000`)).json()) as { requests: number };
      expect(stats.requests).toBe(300);
      expect(uiOutput).not.toContain(PASSWORD);
    } finally {
      ui.kill('SIGTERM');
    }

    // One export over everything: the longest record of each thread.
    const out = join(work, 'export');
    const { stdout, stderr } = await run(process.execPath, [built.cli, 'export', '--db', url, '--out', out, '--format', 'sharegpt'], { cwd: work });
    const rows = readFileSync(join(out, 'sharegpt.jsonl'), 'utf8').trim().split('\n');
    expect(rows).toHaveLength(100);
    expect(rows.every((row) => (JSON.parse(row) as { conversations: unknown[] }).conversations.length === 6)).toBe(true);
    const report = readFileSync(join(out, 'report.json'), 'utf8');
    expect(report).toContain('postgres://postgres:***@');
    // The password appears nowhere: output, report, logs, spools.
    for (const text of [stdout, stderr, report, ...started.map((proxy) => proxy.output())]) expect(text).not.toContain(PASSWORD);
    for (const name of ['three-a', 'three-b', 'three-c']) {
      expect(readFileSync(join(work, name, 'proxy.log'), 'utf8')).not.toContain(PASSWORD);
      expect(readdirSync(join(work, name)).some((file) => file.includes(PASSWORD))).toBe(false);
    }
  }, 180_000);

  it('--db with a URL never creates a folder: another scheme and an unreachable server are one-line errors without the password', async () => {
    const cwd = mkdtempSync(join(work, 'bad-db-'));
    const attempt = (locator: string) =>
      run(process.execPath, [built.cli, 'start', '--no-ui', '--port', '0', '--log-file', '-', '--db', locator], { cwd }).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => error,
      );
    const mysql = await attempt(`mysql://root:${PASSWORD}@127.0.0.1/llm`);
    expect(mysql.code).toBe(2);
    expect(mysql.stderr).toMatch(/unsupported database URL scheme "mysql:"/u);
    const down = await attempt(`postgres://app:${PASSWORD}@127.0.0.1:1/llm`);
    expect(down.code).toBe(2);
    expect(down.stderr).toContain('cannot open the recording database postgres://app:***@127.0.0.1:1/llm');
    for (const result of [mysql, down]) {
      expect(result.stderr).not.toContain(PASSWORD);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(readdirSync(cwd)).toEqual([]);
  }, 60_000);

  describe('PostgreSQL stopped under load', () => {
    let cluster: PostgresCluster;

    beforeAll(async () => {
      // A cluster of its own: stopping the run's shared one would disturb other test files.
      cluster = await startPostgresCluster();
    }, 60_000);

    afterAll(async () => {
      await cluster?.destroy();
    });

    it('answers every request while the database is down ~10 s, and loses no record', async () => {
      const url = await cluster.createDatabase('outage');
      const started = await Promise.all(['a', 'b'].map((name) => startProxyProcess(built.cli, work, `outage-${name}`, upstream, url)));
      proxies.push(...started);
      let sent = 0;
      const statuses: number[] = [];
      let running = true;
      const client = async (index: number) => {
        for (let turn = 0; running; turn++) {
          sent++;
          const { status } = await chatTurn(started[turn % 2]!.url, upstream, [{ role: 'user', content: `outage client ${index} request ${turn}` }], turn % 2 === 0);
          statuses.push(status);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      const clients = Array.from({ length: 8 }, (_, index) => client(index));
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await cluster.stop();
      const down = sent;
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      const whileDown = sent - down;
      await cluster.start();
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      running = false;
      await Promise.all(clients);
      expect(whileDown).toBeGreaterThan(20);
      expect(statuses).toHaveLength(sent);
      expect(statuses.every((status) => status === 200)).toBe(true);
      const spooled = await Promise.all(started.map(async (proxy) => (await (await fetch(`${proxy.url}/health`)).json()) as { store: { spooled: number } }));
      expect(spooled.reduce((sum, health) => sum + health.store.spooled, 0)).toBeGreaterThan(0);
      // The worker survived the outage (a dead one would have been restarted and said so).
      for (const name of ['outage-a', 'outage-b']) expect(readFileSync(join(work, name, 'proxy.log'), 'utf8')).not.toContain('recording worker exited');
      // Stopping flushes the queue and replays the spools into the database that is back.
      expect(await Promise.all(started.map((proxy) => proxy.stop()))).toEqual([0, 0]);
      const store = await openStore(url);
      try {
        expect(await store.count()).toBe(sent);
      } finally {
        await store.close();
      }
    }, 120_000);
  });
});
