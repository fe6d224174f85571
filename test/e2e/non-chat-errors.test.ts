// Errors on endpoints that are not chat (embeddings, rerank) are recorded with their error class,
// as chat errors are: real proxy, real recording into SQLite, loopback upstream answering errors.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRecording } from '../../src/capture/open-recording.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { json, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestProxy, type TestProxy } from '../helpers/start-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

let upstream: FakeUpstream;
let proxy: TestProxy;
let store: Store;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  upstream.on('/v1/embeddings', json(429, { error: { message: 'Rate limit reached for text-embedding-3-small', type: 'requests', code: 'rate_limit_exceeded' } }));
  upstream.on('/v1/rerank', (_request, response) => {
    response.writeHead(500, { 'content-type': 'text/plain' });
    response.end('internal error');
  });
  const dbPath = join(mkdtempSync(join(tmpdir(), 'llmproxy-nonchat-')), 'records.db');
  proxy = await startTestProxy(
    { allowed_domains: { [upstream.authority]: { https: false, auth_type: 'openai' } } },
    { recording: (logger) => openRecording({ dbPath, logger, flushIntervalMs: 10 }) },
  );
  store = openSqliteStore(dbPath);
});

afterAll(async () => {
  await proxy.close();
  await store.close();
  await upstream.close();
});

describe('errors on non-chat endpoints', () => {
  it('records a 429 on /v1/embeddings and a 500 on /v1/rerank with their error class', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${proxy.url}/${upstream.authority}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('/v1/embeddings', { model: 'text-embedding-3-small', input: 'hi' })).status).toBe(429);
    expect((await post('/v1/rerank', { model: 'rerank-v3.5', query: 'q', documents: ['a', 'b'] })).status).toBe(500);

    await waitFor(async () => (await store.count()) >= 2, 10_000, 'two records');
    const records = (await store.list({ hasError: true }, { limit: 10 })).items;
    const byPath = Object.fromEntries(records.map((record) => [record.path, record.error]));
    expect(byPath).toEqual({
      '/v1/embeddings': { class: 'http_429', message: 'Rate limit reached for text-embedding-3-small' },
      '/v1/rerank': { class: 'http_500', message: 'upstream answered 500' },
    });
  });
});
