// Issue 12 §1: a finished exchange is complete whoever closes first. The upstream sends a stream up
// to and including its terminal event, then ends its body 50 ms later; the client hangs up the
// moment it has the terminal event (Codex does this with `response.completed`). The record is
// complete, for every wire format and through both entries. A client that leaves before the
// terminal event still leaves an incomplete record.
import { request as httpRequest, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeRecord } from '../../src/capture/exchange.js';
import { memoryRecording, type MemoryRecording } from '../helpers/compat-upstream.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { fixtureText } from '../helpers/fixtures.js';
import { startTestProxy, type TestProxy } from '../helpers/start-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

interface Case {
  name: string;
  path: string;
  body: Record<string, unknown>;
  /** What the upstream sends before its terminal event is complete (inclusive), and after it. */
  head: string;
  tail: string;
  contentType: string;
}

const lf = (text: string) => text.replace(/\r\n/g, '\n');
const chatText = lf(fixtureText('openai-chat', 'openai-text.chunks.txt'));
const geminiArray = fixtureText('gemini', 'text.array-stream.json');

const CASES: Case[] = [
  {
    name: 'openai-chat (finish_reason, no usage asked)',
    path: '/v1/chat/completions',
    body: { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'Hi' }] },
    head: chatText.slice(0, chatText.indexOf('data: [DONE]')),
    tail: 'data: [DONE]\n\n',
    contentType: 'text/event-stream',
  },
  {
    name: 'anthropic-messages (message_stop)',
    path: '/v1/messages',
    body: { model: 'claude-sonnet-4-5', stream: true, max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] },
    head: lf(fixtureText('anthropic-messages', 'text.chunks.txt')),
    tail: '',
    contentType: 'text/event-stream',
  },
  {
    name: 'openai-responses (response.completed)',
    path: '/v1/responses',
    body: { model: 'gpt-5', stream: true, input: 'Hi' },
    head: lf(fixtureText('openai-responses', 'openai-responses-text.chunks.txt')),
    tail: '',
    contentType: 'text/event-stream',
  },
  {
    name: 'gemini SSE (finishReason)',
    path: '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
    body: { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] },
    head: lf(fixtureText('gemini', 'text.chunks.txt')),
    tail: '',
    contentType: 'text/event-stream',
  },
  {
    name: 'gemini JSON array (finishReason)',
    path: '/v1beta/models/gemini-2.5-flash:streamGenerateContent',
    body: { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] },
    head: geminiArray.slice(0, geminiArray.lastIndexOf(']')),
    tail: ']',
    contentType: 'application/json',
  },
];

let upstream: FakeUpstream;
let proxy: TestProxy;
let recording: MemoryRecording;
let seen = 0;
/** Upstream responses that were cut off by the proxy (the client left first) before their end. */
let upstreamCutShort = 0;

/** Sends `head`, then after 50 ms `tail` and the end of the body. */
function lateEnd(head: string, tail: string, contentType: string) {
  return (_request: unknown, response: ServerResponse) => {
    response.writeHead(200, { 'content-type': contentType });
    response.write(head);
    response.on('close', () => {
      if (!response.writableFinished) upstreamCutShort++;
    });
    setTimeout(() => {
      if (!response.destroyed) response.end(tail);
    }, 50);
  };
}

/** POSTs and hangs up as soon as `closeWhen(received)` holds; resolves with what was received. */
function postAndHangUp(path: string, body: unknown, closeWhen: (received: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const request = httpRequest(`${proxy.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer test-key', 'content-length': Buffer.byteLength(payload) } }, (response) => {
      let received = '';
      response.on('data', (chunk: Buffer) => {
        received += chunk.toString('utf8');
        if (closeWhen(received)) {
          request.destroy();
          resolve(received);
        }
      });
      response.on('end', () => resolve(received));
    });
    request.on('error', (error) => (request.destroyed ? undefined : reject(error)));
    request.end(payload);
  });
}

async function nextRecord(): Promise<ExchangeRecord> {
  return recording.nth(++seen);
}

beforeAll(async () => {
  upstream = await startFakeUpstream();
  recording = memoryRecording();
  proxy = await startTestProxy(
    {
      allowed_domains: { [upstream.authority]: { https: false } },
      openai_compat: {
        routes: [
          { match: 'claude-*', provider: 'anthropic', domain: upstream.authority },
          { match: 'gemini-*', provider: 'google', domain: upstream.authority },
          { match: '*', provider: 'openai', domain: upstream.authority },
        ],
      },
    },
    { recording: async () => recording },
  );
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

// On a loaded machine the proxy may take longer than the 50 ms gap to let go of the upstream, and
// the upstream then ends first (the premise fails, not the behaviour): such a run is retried.
describe('a client that hangs up at the terminal event, 50 ms before the upstream ends', { retry: 2 }, () => {
  it.each(CASES)('/{domain}/…: $name is recorded complete', async (testCase) => {
    upstream.on(testCase.path.split('?')[0]!, lateEnd(testCase.head, testCase.tail, testCase.contentType));
    const cutShort = upstreamCutShort;
    const received = await postAndHangUp(`/${upstream.authority}${testCase.path}`, testCase.body, (text) => text.length >= testCase.head.length);
    expect(received.length).toBeLessThan(testCase.head.length + testCase.tail.length + (testCase.tail === '' ? 1 : 0));
    const record = await nextRecord();
    expect(record).toMatchObject({ streamed: true, incomplete: false, error: null, status: 200 });
    expect(record.sharegpt?.conversations.at(-1)?.from).toBe('gpt');
    // The client really left first: the proxy let go of the upstream before it ended.
    await waitFor(() => upstreamCutShort === cutShort + 1, 2_000, 'the upstream response to be cut short');
  });

  it.each(CASES)('/{domain}/…: $name left before the terminal event stays incomplete', async (testCase) => {
    // The upstream sends the first half of the events; the rest, terminal event included, 50 ms later.
    const cut = Math.floor(testCase.head.length / 2);
    upstream.on(testCase.path.split('?')[0]!, lateEnd(testCase.head.slice(0, cut), testCase.head.slice(cut) + testCase.tail, testCase.contentType));
    await postAndHangUp(`/${upstream.authority}${testCase.path}`, testCase.body, (text) => text.length >= cut);
    const record = await nextRecord();
    expect(record.incomplete).toBe(true);
  });

  it('the OpenAI-compatible entry, translated from Anthropic: hanging up at finish_reason is complete', async () => {
    upstream.on('/v1/messages', lateEnd(lf(fixtureText('anthropic-messages', 'text.chunks.txt')), '', 'text/event-stream'));
    const received = await postAndHangUp('/v1/chat/completions', { model: 'claude-sonnet-4-5', stream: true, messages: [{ role: 'user', content: 'Hi' }] }, (text) => text.includes('"finish_reason":"'));
    expect(received).not.toContain('[DONE]');
    const record = await nextRecord();
    expect(record).toMatchObject({ upstreamProvider: 'anthropic', wireFormat: 'openai-chat', streamed: true, incomplete: false, error: null });
  });

  it('the OpenAI-compatible entry, translated from Gemini: with usage asked, finish_reason alone is not the end', async () => {
    upstream.on('/v1beta/models/gemini-2.5-flash:streamGenerateContent', lateEnd(lf(fixtureText('gemini', 'text.chunks.txt')), '', 'text/event-stream'));
    const body = { model: 'gemini-2.5-flash', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Hi' }] };
    await postAndHangUp('/v1/chat/completions', body, (text) => text.includes('"finish_reason":"'));
    const early = await nextRecord();
    expect(early).toMatchObject({ upstreamProvider: 'google', incomplete: true });
  });

  it('the OpenAI-compatible entry, passed through (openai route): hanging up at finish_reason is complete', async () => {
    upstream.on('/v1/chat/completions', lateEnd(CASES[0]!.head, CASES[0]!.tail, 'text/event-stream'));
    await postAndHangUp('/v1/chat/completions', { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'Hi' }] }, (text) => text.length >= CASES[0]!.head.length);
    const record = await nextRecord();
    expect(record).toMatchObject({ upstreamProvider: 'openai', streamed: true, incomplete: false, error: null });
  });
});

describe('reading what a client hung up on', () => {
  it('keeps the whole-stream case unchanged: an upstream that ends first is complete', async () => {
    upstream.on('/v1/responses', lateEnd(CASES[2]!.head, '', 'text/event-stream'));
    await postAndHangUp(`/${upstream.authority}/v1/responses`, CASES[2]!.body, () => false);
    await waitFor(() => recording.records.length > seen, 5_000, 'the record');
    expect(await nextRecord()).toMatchObject({ incomplete: false, error: null });
  });
});
