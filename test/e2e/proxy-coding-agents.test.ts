// Coding agents on subscriptions (issue 12 §2), with the requests their clients send: Claude Code's
// OAuth Bearer passes through to Anthropic, Codex's ChatGPT-login Responses calls
// (/backend-api/codex/responses) are recorded as Responses, and Gemini CLI's Code Assist calls
// (/v1internal:…, Gemini wrapped in {model, project, request} / {response}) are recorded as Gemini,
// unwrapped. The built-in allowlist carries both subscription hosts.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeRecord } from '../../src/capture/exchange.js';
import { parseConfig } from '../../src/config/load-config.js';
import { memoryRecording, type MemoryRecording } from '../helpers/compat-upstream.js';
import { framesOf, json, sse, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { fixtureJson, fixtureText } from '../helpers/fixtures.js';
import { startTestProxy, type TestProxy } from '../helpers/start-proxy.js';

let upstream: FakeUpstream;
let proxy: TestProxy;
let recording: MemoryRecording;
let seen = 0;

const GEMINI_TEXT = 'Artificial intelligence learns patterns from data to make predictions or decisions, much like a student learning from examples.';

const nextRecord = (): Promise<ExchangeRecord> => recording.nth(++seen);
const lf = (text: string) => text.replace(/\r\n/g, '\n');

beforeAll(async () => {
  upstream = await startFakeUpstream();
  upstream.on('/v1/messages', json(200, fixtureJson('anthropic-messages', 'text.json')));
  upstream.on('/backend-api/codex/responses', sse(framesOf(lf(fixtureText('openai-responses', 'openai-responses-text.chunks.txt')))));
  // Code Assist wraps each Gemini chunk in {response: …} (gemini-cli code_assist/converter.ts).
  const wrappedChunks = framesOf(lf(fixtureText('gemini', 'text.chunks.txt'))).map((frame) => `data: {"response": ${frame.trim().slice('data: '.length)}, "traceId": "t1"}\n\n`);
  upstream.on('/v1internal:streamGenerateContent', sse(wrappedChunks));
  upstream.on('/v1internal:generateContent', json(200, { response: fixtureJson('gemini', 'text.json'), traceId: 't2' }));
  recording = memoryRecording();
  proxy = await startTestProxy(
    {
      allowed_domains: {
        [upstream.authority]: { https: false, auth_type: 'anthropic' },
        // No auth_type: the provider is read from the path (/backend-api/… is OpenAI's, /v1internal: Google's).
        [`localhost:${upstream.port}`]: { https: false },
      },
    },
    { recording: async () => recording },
  );
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

describe('Claude Code signed in with a Claude subscription', () => {
  it('sends its OAuth Bearer token to Anthropic unchanged (not as x-api-key)', async () => {
    const token = 'sk-ant-oat01-' + 'o'.repeat(12);
    const client = new Anthropic({ authToken: token, apiKey: null, baseURL: `${proxy.url}/${upstream.authority}`, maxRetries: 0, defaultHeaders: { 'anthropic-beta': 'oauth-2025-04-20' } });
    const message = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] });
    expect(message.type).toBe('message');
    const received = upstream.received.at(-1)!;
    expect(received.headers['authorization']).toBe(`Bearer ${token}`);
    expect(received.headers['x-api-key']).toBeUndefined();
    expect(received.headers['anthropic-beta']).toBe('oauth-2025-04-20');
    expect((await nextRecord()).wireFormat).toBe('anthropic-messages');
  });

  it('still turns an API key sent as Bearer into x-api-key', async () => {
    const client = new Anthropic({ authToken: 'plain-api-key', apiKey: null, baseURL: `${proxy.url}/${upstream.authority}`, maxRetries: 0 });
    await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] });
    const received = upstream.received.at(-1)!;
    expect(received.headers['x-api-key']).toBe('plain-api-key');
    expect(received.headers['authorization']).toBeUndefined();
    await nextRecord();
  });
});

describe('Codex signed in with ChatGPT', () => {
  it('its /backend-api/codex/responses stream is recorded as Responses, the Bearer passed through', async () => {
    const client = new OpenAI({ apiKey: 'chatgpt-access-token', baseURL: `${proxy.url}/localhost:${upstream.port}/backend-api/codex`, maxRetries: 0, defaultHeaders: { 'chatgpt-account-id': 'acct-1' } });
    const stream = await client.responses.create({ model: 'gpt-5-codex', input: 'Hi', stream: true, store: false });
    let completed = false;
    for await (const event of stream) if (event.type === 'response.completed') completed = true;
    expect(completed).toBe(true);
    const received = upstream.received.at(-1)!;
    expect(received.url).toBe('/backend-api/codex/responses');
    expect(received.headers['authorization']).toBe('Bearer chatgpt-access-token');
    expect(received.headers['chatgpt-account-id']).toBe('acct-1');
    const record = await nextRecord();
    expect(record).toMatchObject({ wireFormat: 'openai-responses', path: '/backend-api/codex/responses', streamed: true, incomplete: false, error: null });
    expect(record.sharegpt?.conversations.at(-1)?.from).toBe('gpt');
  });
});

describe('Gemini CLI signed in with Google (Code Assist)', () => {
  const wrapped = { model: 'gemini-2.5-flash', project: 'p-123', user_prompt_id: 'u-1', request: { contents: [{ role: 'user', parts: [{ text: 'What is AI?' }] }], session_id: 's-1' } };
  const post = (path: string) =>
    fetch(`${proxy.url}/localhost:${upstream.port}${path}`, { method: 'POST', headers: { authorization: 'Bearer ya29.oauth-token', 'content-type': 'application/json' }, body: JSON.stringify(wrapped) });

  it('streamGenerateContent is recorded as Gemini, unwrapped, the OAuth token passed through', async () => {
    const response = await post('/v1internal:streamGenerateContent?alt=sse');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('"response"');
    expect(upstream.received.at(-1)!.headers['authorization']).toBe('Bearer ya29.oauth-token');
    const record = await nextRecord();
    expect(record).toMatchObject({ wireFormat: 'gemini', model: 'gemini-2.5-flash', streamed: true, incomplete: false, error: null, path: '/v1internal:streamGenerateContent?alt=sse' });
    expect(JSON.parse(record.requestBody)).toEqual({ model: 'gemini-2.5-flash', ...wrapped.request });
    expect(JSON.parse(record.responseBody)).not.toHaveProperty('response');
    expect(record.sharegpt?.conversations).toEqual([
      { from: 'human', value: 'What is AI?' },
      { from: 'gpt', value: GEMINI_TEXT },
    ]);
    expect(record.usage).not.toBeNull();
  });

  it('generateContent is recorded as Gemini, unwrapped', async () => {
    const response = await post('/v1internal:generateContent');
    expect(((await response.json()) as { traceId: string }).traceId).toBe('t2');
    const record = await nextRecord();
    expect(record).toMatchObject({ wireFormat: 'gemini', model: 'gemini-2.5-flash', streamed: false, incomplete: false });
    expect(JSON.parse(record.responseBody)).toHaveProperty('candidates');
    expect(record.sharegpt?.conversations.at(-1)?.from).toBe('gpt');
  });

  it('the proxy answers its own errors there in Google shape', async () => {
    const response = await fetch(`${proxy.url}/cloudcode-pa.example/v1internal:generateContent`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { status: string } }).error.status).toBe('PERMISSION_DENIED');
  });
});

describe('the built-in allowlist', () => {
  it('carries the subscription hosts with their provider', () => {
    const { config } = parseConfig({});
    expect(config.allowed_domains['chatgpt.com']).toEqual({ auth_type: 'openai', https: true });
    expect(config.allowed_domains['cloudcode-pa.googleapis.com']).toEqual({ auth_type: 'google', https: true });
  });
});
