// Compressed request bodies (issue 12: Codex signed in with ChatGPT sends `Content-Encoding: zstd`):
// the upstream gets the very bytes and header the client sent, and the record holds the decoded
// request (its model, conversation and ShareGPT row), decoded on the recording side. A body that
// does not decode is still recorded, as received, with the reason.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryRecording, type MemoryRecording } from '../helpers/compat-upstream.js';
import { framesOf, sse, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { fixtureText } from '../helpers/fixtures.js';
import { startTestProxy, type TestProxy } from '../helpers/start-proxy.js';
import { waitFor } from '../helpers/wait-for.js';
import { openRecording } from '../../src/capture/open-recording.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const fixture = (name: string) => readFileSync(new URL(`../../src/capture/__fixtures__/${name}`, import.meta.url));
// Made with the zstd CLI (`zstd -3`); tests read the committed bytes, not the CLI.
const zstdBody = fixture('codex-responses-request.json.zst');
const plainBody = fixture('codex-responses-request.json');

let upstream: FakeUpstream;
let proxy: TestProxy;
let recording: MemoryRecording;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  upstream.on('/backend-api/codex/responses', sse(framesOf(fixtureText('openai-responses', 'openai-responses-text.chunks.txt').replace(/\r\n/g, '\n'))));
  recording = memoryRecording();
  proxy = await startTestProxy({ allowed_domains: { [`localhost:${upstream.port}`]: { https: false } } }, { recording: async () => recording });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const post = (body: Buffer, encoding: string) =>
  fetch(`${proxy.url}/localhost:${upstream.port}/backend-api/codex/responses`, {
    method: 'POST',
    headers: { authorization: 'Bearer chatgpt-access-token', 'content-type': 'application/json', 'content-encoding': encoding, accept: 'text/event-stream' },
    body,
  });

describe('a zstd request body (Codex on ChatGPT)', () => {
  it('is forwarded unchanged and recorded decoded, as Responses', async () => {
    const response = await post(zstdBody, 'zstd');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('response.completed');
    const received = upstream.received.at(-1)!;
    expect(received.headers['content-encoding']).toBe('zstd');
    expect(received.body.equals(zstdBody)).toBe(true);

    const record = await recording.nth(1);
    expect(record).toMatchObject({ wireFormat: 'openai-responses', model: 'gpt-5-codex', requestIsJson: true, streamed: true, incomplete: false, error: null });
    expect(record.requestBody).toBe(plainBody.toString('utf8'));
    expect(record.sharegpt?.conversations.find((turn) => turn.from === 'human')?.value).toContain('Read notes.txt');
    expect(record.sharegpt?.conversations.at(-1)?.from).toBe('gpt');
  });

  it('a gzip body is decoded the same way', async () => {
    const gzipped = gzipSync(plainBody);
    await (await post(gzipped, 'gzip')).text();
    expect(upstream.received.at(-1)!.body.equals(gzipped)).toBe(true);
    const record = await recording.nth(2);
    expect(record).toMatchObject({ model: 'gpt-5-codex', requestIsJson: true, error: null });
  });

  it('a body that is not what its header says is recorded as received, with the reason', async () => {
    const response = await post(plainBody.subarray(0, 300), 'zstd');
    expect(response.status).toBe(200);
    await response.text();
    const record = await recording.nth(3);
    expect(record.error).toMatchObject({ class: 'request_decode_failed', message: expect.stringContaining('zstd') });
    expect(record.requestIsJson).toBe(false);
    expect(Buffer.from(record.requestBody, 'base64').equals(plainBody.subarray(0, 300))).toBe(true);
    // The answer is still read: the exchange is kept, flagged by its error.
    expect(record.responseBody).toContain('resp_');
  });
});

describe('through the durable recording pipeline (capture journal, SQLite store)', () => {
  it('the stored record holds the decoded request', async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'llmproxy-zstd-')), 'records.db');
    const durable = await startTestProxy({ allowed_domains: { [`localhost:${upstream.port}`]: { https: false } } }, { recording: (logger) => openRecording({ dbPath, logger, flushIntervalMs: 10 }) });
    const response = await fetch(`${durable.url}/localhost:${upstream.port}/backend-api/codex/responses`, {
      method: 'POST',
      headers: { authorization: 'Bearer chatgpt-access-token', 'content-type': 'application/json', 'content-encoding': 'zstd' },
      body: zstdBody,
    });
    await response.text();
    await durable.close();
    const store = openSqliteStore(dbPath);
    try {
      await waitFor(async () => (await store.count()) === 1, 10_000, 'the stored record');
      const [item] = (await store.list({}, { limit: 1 })).items;
      const stored = await store.get(item!.id);
      expect(stored).toMatchObject({ model: 'gpt-5-codex', requestIsJson: true, error: null });
      expect(stored!.requestBody).toBe(plainBody.toString('utf8'));
    } finally {
      await store.close();
    }
  });
});
