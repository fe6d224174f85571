// Credentials sent as query parameters: the upstream gets them (it needs them), but the database
// file, its WAL, the log file and the admin API only ever hold `name=[redacted]`.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdminServer, type AdminServer } from '../../src/admin/admin-server.js';
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '../../src/admin/api-types.js';
import { openRecording } from '../../src/capture/open-recording.js';
import { createLogger } from '../../src/log/create-logger.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { json, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestProxy, type TestProxy } from '../helpers/start-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

/** One distinct value per parameter, so a leak names the parameter that leaked. */
const PARAMETERS = [
  'subscription-key',
  'api-key',
  'x-api-key',
  'x-goog-api-key',
  'access_token',
  'token',
  'key',
  'apiKey',
  'sas_token',
  'client_secret',
  'X-Amz-Signature',
  'sig',
  'Ocp-Apim-Subscription-Key',
  'api%2Dkey',
];
const valueOf = (name: string) => `qs${PARAMETERS.indexOf(name)}v${'Q'.repeat(12)}${PARAMETERS.indexOf(name)}`;

let upstream: FakeUpstream;
let proxy: TestProxy;
let store: Store;
let admin: AdminServer;
let dbPath: string;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  upstream.fallback(json(200, { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.5] }], model: 'm', usage: { prompt_tokens: 1, total_tokens: 1 } }));
  dbPath = join(mkdtempSync(join(tmpdir(), 'llmproxy-qs-')), 'records.db');
  proxy = await startTestProxy(
    { allowed_domains: { [upstream.authority]: { https: false, auth_type: 'openai' } } },
    { logFile: true, recording: (logger) => openRecording({ dbPath, logger, flushIntervalMs: 10 }) },
  );
  store = openSqliteStore(dbPath);
  admin = await startAdminServer({ store, logger: createLogger({ level: 'error', file: null, console: false }), host: '127.0.0.1', port: 0, adminToken: null });
});

afterAll(async () => {
  await admin.close();
  await store.close();
  await upstream.close();
});

describe('credential-like query parameters', () => {
  it('reach the upstream, but not the database, its WAL, the log or the admin API', async () => {
    for (const name of PARAMETERS) {
      const response = await fetch(`${proxy.url}/${upstream.authority}/v1/embeddings?alt=json&${name}=${valueOf(name)}&max=3`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'm', input: 'hi' }),
      });
      expect(response.status).toBe(200);
      await response.text();
    }
    // A refused request is logged with its URL: that line is redacted too.
    await fetch(`${proxy.url}/not-allowed.example/v1/x?token=${valueOf('token')}`);
    expect(upstream.received.map((request) => request.url)).toEqual(PARAMETERS.map((name) => `/v1/embeddings?alt=json&${name}=${valueOf(name)}&max=3`));

    await waitFor(async () => (await store.count()) >= PARAMETERS.length, 10_000, 'all records');
    const paths = (await store.list({}, { limit: 100 })).items.map((record) => record.path).sort();
    expect(paths).toEqual(PARAMETERS.map((name) => `/v1/embeddings?alt=json&${name}=[redacted]&max=3`).sort());

    const api = (path: string) => fetch(`${admin.url}${path}`, { headers: { [CSRF_HEADER]: CSRF_HEADER_VALUE } }).then((response) => response.text());
    const list = await api('/api/exchanges?limit=100');
    const ids = (JSON.parse(list) as { items: Array<{ id: string }> }).items.map((item) => item.id);
    expect(ids).toHaveLength(PARAMETERS.length);
    const pages = [list, ...(await Promise.all(ids.map((id) => api(`/api/exchanges/${id}`))))];

    // Read while the proxy still runs (the WAL holds the latest pages), then after it closed.
    const files = () => [dbPath, `${dbPath}-wal`].map((file) => { try { return readFileSync(file); } catch { return Buffer.alloc(0); } });
    const whileRunning = files();
    expect(whileRunning.some((bytes) => bytes.includes('[redacted]'))).toBe(true);
    await proxy.close();
    const log = readFileSync(proxy.logFile!);
    expect(log.includes('request refused')).toBe(true);
    for (const name of PARAMETERS) {
      const secret = valueOf(name);
      for (const [index, bytes] of [...whileRunning, ...files()].entries()) expect(bytes.includes(secret), `${name} in file #${index}`).toBe(false);
      expect(log.includes(secret), `${name} in the log`).toBe(false);
      for (const page of pages) expect(page.includes(secret), `${name} in the admin API`).toBe(false);
    }
  });
});
