// The official SDKs as clients, pointed at the proxy, against a loopback fake upstream: what the
// upstream received (converted auth, identical body bytes) and what the SDK got back.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { framesOf, json, sse, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestProxy, type TestProxy } from '../helpers/start-proxy.js';

const KEY = 'sk-test-proxy-key-0123456789';

const chatCompletion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there!', refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
};

const chatChunks = [
  'data: {"id":"chatcmpl-2","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n',
  'data: {"id":"chatcmpl-2","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}\n\n',
  'data: {"id":"chatcmpl-2","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"lo!"},"finish_reason":null}]}\n\n',
  'data: {"id":"chatcmpl-2","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n',
  'data: [DONE]\n\n',
];

const anthropicMessage = {
  id: 'msg_01',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5',
  content: [{ type: 'text', text: 'Bonjour!' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 10, output_tokens: 4 },
};

const anthropicStream = `event: message_start
data: {"type":"message_start","message":{"id":"msg_02","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":1}}}

event: content_block_start
data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

event: ping
data: {"type": "ping"}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Bon"}}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"jour!"}}

event: content_block_stop
data: {"type":"content_block_stop","index":0}

event: message_delta
data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":4}}

event: message_stop
data: {"type":"message_stop"}

`;

let upstream: FakeUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  upstream.on('/v1/chat/completions', (request, response) => {
    const body = JSON.parse(request.body.toString()) as { stream?: boolean };
    return body.stream ? sse(chatChunks)(request, response) : json(200, chatCompletion)(request, response);
  });
  upstream.on('/v1/embeddings', json(200, { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2, 0.3] }], model: 'text-embedding-3-small', usage: { prompt_tokens: 2, total_tokens: 2 } }));
  upstream.on('/v1/messages', (request, response) => {
    const body = JSON.parse(request.body.toString()) as { stream?: boolean };
    return body.stream ? sse(framesOf(anthropicStream))(request, response) : json(200, anthropicMessage)(request, response);
  });
  // The same fake stands in for an Anthropic-typed domain: "localhost:PORT" resolves to the same server.
  proxy = await startTestProxy({
    allowed_domains: {
      [upstream.authority]: { https: false, auth_type: 'openai' },
      [`localhost:${upstream.port}`]: { https: false, auth_type: 'anthropic' },
    },
  });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

describe('openai SDK through the proxy', () => {
  const client = () => new OpenAI({ apiKey: KEY, baseURL: `${proxy.url}/${upstream.authority}/v1`, maxRetries: 0 });

  it('forwards a chat completion with the same body bytes and the Bearer key', async () => {
    const before = upstream.received.length;
    const completion = await client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hello, ünïcode ✓' }],
    });
    expect(completion.choices[0]?.message.content).toBe('Hello there!');
    expect(completion.usage?.total_tokens).toBe(8);
    const received = upstream.received[before]!;
    expect(received.method).toBe('POST');
    expect(received.url).toBe('/v1/chat/completions');
    expect(received.headers['authorization']).toBe(`Bearer ${KEY}`);
    expect(received.headers['host']).toBe(upstream.authority);
    expect(received.headers['accept-encoding']).toBe('identity');
    expect(received.headers['user-agent']).toMatch(/OpenAI\/JS/);
    expect(JSON.parse(received.body.toString())).toEqual({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello, ünïcode ✓' }] });
  });

  it('streams a chat completion chunk by chunk', async () => {
    const stream = await client().chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const deltas: string[] = [];
    for await (const chunk of stream) deltas.push(chunk.choices[0]?.delta.content ?? '');
    expect(deltas.join('')).toBe('Hello!');
    expect(deltas.length).toBe(4);
  });

  it('forwards embeddings', async () => {
    const result = await client().embeddings.create({ model: 'text-embedding-3-small', input: 'hello', encoding_format: 'float' });
    expect(result.data[0]?.embedding).toEqual([0.1, 0.2, 0.3]);
  });

  it('keeps the body bytes identical, whitespace and key order included', async () => {
    const before = upstream.received.length;
    const raw = '{ "messages":[{"content":"x","role":"user"}],\n  "model" : "gpt-4o-mini" }';
    const response = await fetch(`${proxy.url}/${upstream.authority}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: raw,
    });
    expect(response.status).toBe(200);
    expect(upstream.received[before]!.body.toString()).toBe(raw);
  });
});

describe('anthropic SDK through the proxy', () => {
  it('converts Authorization: Bearer into x-api-key and adds anthropic-version', async () => {
    const client = new Anthropic({ authToken: KEY, apiKey: null, baseURL: `${proxy.url}/localhost:${upstream.port}`, maxRetries: 0 });
    const before = upstream.received.length;
    const message = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'Salut' }] });
    expect(message.content[0]).toEqual({ type: 'text', text: 'Bonjour!' });
    const received = upstream.received[before]!;
    expect(received.headers['x-api-key']).toBe(KEY);
    expect(received.headers['authorization']).toBeUndefined();
    // The SDK sends its own anthropic-version: the proxy keeps the client's choice.
    expect(received.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('adds anthropic-version when the client sent none', async () => {
    const before = upstream.received.length;
    const response = await fetch(`${proxy.url}/localhost:${upstream.port}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(200);
    const received = upstream.received[before]!;
    expect(received.headers['anthropic-version']).toBe('2023-06-01');
    expect(received.headers['x-api-key']).toBe(KEY);
    expect(received.headers['authorization']).toBeUndefined();
  });

  it('passes x-api-key and anthropic-beta through untouched', async () => {
    const client = new Anthropic({ apiKey: KEY, baseURL: `${proxy.url}/localhost:${upstream.port}`, maxRetries: 0, defaultHeaders: { 'anthropic-beta': 'tools-2024-05-16' } });
    const before = upstream.received.length;
    const stream = client.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'Salut' }] });
    const texts: string[] = [];
    stream.on('text', (text) => texts.push(text));
    const final = await stream.finalMessage();
    expect(texts).toEqual(['Bon', 'jour!']);
    expect(final.stop_reason).toBe('end_turn');
    const received = upstream.received[before]!;
    expect(received.headers['x-api-key']).toBe(KEY);
    expect(received.headers['anthropic-beta']).toBe('tools-2024-05-16');
  });
});
