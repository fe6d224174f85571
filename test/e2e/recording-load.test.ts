// Nothing lost: under load, during a graceful shutdown with streams in flight, and while the
// database is locked by another process (records spill to the spool and are replayed).
import { derivedShareGptOf } from '../../src/capture/derive-stored.js';
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRecording } from '../../src/capture/open-recording.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { json, sse, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestProxy } from '../helpers/start-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

let upstream: FakeUpstream;
const client = new Agent({ connections: 200 });

const completion = {
  id: 'chatcmpl-load',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
};
const chunk = (content: string) => `data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"${content}"},"finish_reason":null}]}\n\n`;
const finish = 'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n';

beforeAll(async () => {
  upstream = await startFakeUpstream();
  upstream.on('/v1/chat/completions', (incoming, response) => {
    const body = JSON.parse(incoming.body.toString()) as { stream?: boolean; slow?: boolean };
    if (body.slow) return sse([chunk('a'), chunk('b'), chunk('c'), chunk('d'), finish], 60)(incoming, response);
    if (body.stream) return sse([chunk('o'), chunk('k'), finish])(incoming, response);
    return json(200, completion)(incoming, response);
  });
});

afterAll(async () => {
  await client.close();
  await upstream.close();
});

function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), 'llmproxy-load-')), 'records.db');
}

async function chat(proxyUrl: string, index: number, extra: Record<string, unknown> = {}): Promise<number> {
  const response = await request(`${proxyUrl}/${upstream.authority}/v1/chat/completions`, {
    method: 'POST',
    dispatcher: client,
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-load' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `request ${index}` }], ...extra }),
  });
  await response.body.text();
  return response.statusCode;
}

async function runConcurrently(total: number, concurrency: number, task: (index: number) => Promise<number>): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const index = next++;
        statuses.push(await task(index));
      }
    }),
  );
  return statuses;
}

describe('recording without loss', () => {
  it('2,000 requests at concurrency 100, half streamed → exactly 2,000 records', async () => {
    const dbPath = tempDb();
    const proxy = await startTestProxy({ allowed_domains: { [upstream.authority]: { https: false } } }, { recording: (logger) => openRecording({ dbPath, logger }) });
    const statuses = await runConcurrently(2_000, 100, (index) => chat(proxy.url, index, { stream: index % 2 === 0 }));
    expect(statuses.filter((status) => status === 200).length).toBe(2_000);
    await proxy.close();
    const store = openSqliteStore(dbPath);
    expect(await store.count()).toBe(2_000);
    const streamed = (await store.list({}, { limit: 2_000 })).items.filter((record) => record.streamed);
    expect(streamed.length).toBe(1_000);
    expect(streamed.every((record) => !record.incomplete && derivedShareGptOf(record)?.conversations[1]?.value === 'ok')).toBe(true);
    await store.close();
  }, 60_000);

  it('graceful shutdown with 50 streams in flight: every completed exchange is in the database', async () => {
    const dbPath = tempDb();
    const proxy = await startTestProxy({ allowed_domains: { [upstream.authority]: { https: false } } }, { recording: (logger) => openRecording({ dbPath, logger }) });
    const inFlight = Array.from({ length: 50 }, (_unused, index) => chat(proxy.url, index, { stream: true, slow: true }));
    await waitFor(() => proxy.app.metrics.inFlight === 50, 5_000, '50 streams in flight');
    const closing = proxy.app.close(10_000);
    const statuses = await Promise.all(inFlight);
    await closing;
    expect(statuses.every((status) => status === 200)).toBe(true);
    // The proxy stopped accepting new connections.
    await expect(chat(proxy.url, 99)).rejects.toThrow();
    const store = openSqliteStore(dbPath);
    const records = (await store.list({}, { limit: 100 })).items;
    expect(records.length).toBe(50);
    expect(records.every((record) => !record.incomplete && derivedShareGptOf(record)?.conversations[1]?.value === 'abcd')).toBe(true);
    await store.close();
  }, 30_000);

  it('database locked by another process: the proxy keeps serving, records spool, then all reach the database', async () => {
    const dbPath = tempDb();
    const proxy = await startTestProxy(
      { allowed_domains: { [upstream.authority]: { https: false } } },
      { recording: (logger) => openRecording({ dbPath, logger, busyTimeoutMs: 20, flushIntervalMs: 10, replayIntervalMs: 100 }) },
    );
    await chat(proxy.url, 0);
    await waitFor(async () => {
      const health = (await (await fetch(`${proxy.url}/health`)).json()) as { store: { records_written: number } };
      return health.store.records_written === 1;
    });

    const locker = new Database(dbPath);
    locker.exec('BEGIN EXCLUSIVE');
    const statuses = await runConcurrently(200, 20, (index) => chat(proxy.url, index + 1, { stream: index % 2 === 0 }));
    expect(statuses.every((status) => status === 200)).toBe(true);
    await waitFor(async () => {
      const health = (await (await fetch(`${proxy.url}/health`)).json()) as { store: { spooled: number } };
      return health.store.spooled === 200;
    }, 10_000, 'records spooled');
    const locked = (await (await fetch(`${proxy.url}/health`)).json()) as { store: { spool_bytes: number; records_written: number } };
    expect(locked.store.spool_bytes).toBeGreaterThan(0);
    expect(locked.store.records_written).toBe(1);

    locker.exec('COMMIT');
    locker.close();
    await waitFor(async () => {
      const health = (await (await fetch(`${proxy.url}/health`)).json()) as { store: { records_written: number; spool_bytes: number } };
      return health.store.records_written === 201 && health.store.spool_bytes === 0;
    }, 10_000, 'spool replayed');
    await proxy.close();
    const store = openSqliteStore(dbPath);
    expect(await store.count()).toBe(201);
    await store.close();
  }, 30_000);
});
