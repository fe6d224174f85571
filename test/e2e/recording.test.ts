// Recording end to end: official SDKs → proxy → fake upstream replaying recorded wire fixtures,
// then the SQLite file is read back. For every format, the streamed and the non-streamed reply
// carrying the same message must give identical records (bodies aside) and identical ShareGPT.
import { derivedShareGptOf } from '../../src/capture/derive-stored.js';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredExchange } from '../../src/capture/exchange.js';
import { openRecording } from '../../src/capture/open-recording.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { framesOf, json, sse, startFakeUpstream, type FakeUpstream, type ReceivedRequest } from '../helpers/fake-upstream.js';
import { fixtureJson, fixtureText } from '../helpers/fixtures.js';
import { startTestProxy, type TestProxy } from '../helpers/start-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

const API_KEY = 'sk-recording-secret-key-424242';
const GOOGLE_KEY = 'AIzaRecordingSecretKey4242';

let upstream: FakeUpstream;
let proxy: TestProxy;
let store: Store;
let dbPath: string;

/** The fixture to replay is named by the client in an `x-fixture` header: `<format>/<name>`. */
function replayFixture(request: ReceivedRequest, response: import('node:http').ServerResponse, streamed: boolean) {
  const [format, name] = String(request.headers['x-fixture']).split('/') as [string, string];
  if (streamed) {
    const text = fixtureText(format, `${name}.chunks.txt`);
    return sse(framesOf(text.replace(/\r\n/g, '\n')))(request, response);
  }
  return json(200, fixtureJson(format, `${name}.json`))(request, response);
}

beforeAll(async () => {
  upstream = await startFakeUpstream();
  const bodyStreams = (request: ReceivedRequest) => (JSON.parse(request.body.toString()) as { stream?: boolean }).stream === true;
  upstream.on('/v1/chat/completions', (request, response) => replayFixture(request, response, bodyStreams(request)));
  upstream.on('/v1/messages', (request, response) => replayFixture(request, response, bodyStreams(request)));
  upstream.on('/v1/responses', (request, response) => replayFixture(request, response, bodyStreams(request)));
  upstream.on('/v1beta/models/gemini-2.5-flash:generateContent', (request, response) => replayFixture(request, response, false));
  upstream.on('/v1beta/models/gemini-2.5-flash:streamGenerateContent', (request, response) => replayFixture(request, response, true));
  upstream.on('/v1/embeddings', json(200, { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.5] }], model: 'text-embedding-3-small', usage: { prompt_tokens: 1, total_tokens: 1 } }));

  dbPath = join(mkdtempSync(join(tmpdir(), 'llmproxy-rec-')), 'records.db');
  proxy = await startTestProxy(
    {
      allowed_domains: {
        [upstream.authority]: { https: false, auth_type: 'openai' },
        [`localhost:${upstream.port}`]: { https: false },
      },
    },
    { logFile: true, recording: (logger) => openRecording({ dbPath, logger, flushIntervalMs: 10 }) },
  );
  store = openSqliteStore(dbPath);
});

afterAll(async () => {
  await proxy.close();
  await store.close();
  await upstream.close();
});

const openai = (fixture: string) =>
  new OpenAI({ apiKey: API_KEY, baseURL: `${proxy.url}/${upstream.authority}/v1`, maxRetries: 0, defaultHeaders: { 'x-fixture': fixture } });

async function latestRecords(count: number): Promise<StoredExchange[]> {
  let items: StoredExchange[] = [];
  await waitFor(async () => {
    items = (await store.list({}, { limit: count })).items;
    return items.length >= count && (await store.count()) >= count;
  }, 10_000, `${count} records`);
  return items;
}

let recorded = 0;
async function nextRecord(): Promise<StoredExchange> {
  recorded++;
  await waitFor(async () => (await store.count()) >= recorded, 10_000, `record ${recorded}`);
  return (await store.list({}, { limit: 1 })).items[0]!;
}

function withoutVolatile(record: StoredExchange) {
  const { id, startedAt, durationMs, ttfbMs, streamed, requestBody, responseBody, threadId, parentId, ...rest } = record;
  void id, startedAt, durationMs, ttfbMs, streamed, requestBody, responseBody, threadId, parentId;
  return rest;
}

describe('OpenAI chat completions', () => {
  const messages = [
    { role: 'system' as const, content: 'You are a weather bot.' },
    { role: 'user' as const, content: 'Weather in Paris?' },
  ];
  const tools = [{ type: 'function' as const, function: { name: 'get_weather', description: 'Weather by city', parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string' } }, required: ['city'] } } }];

  it('records a tool call, streamed and not, identically, and derives the ShareGPT row', async () => {
    const plain = await openai('openai-chat/openai-tool-call').chat.completions.create({ model: 'gpt-4o-mini', messages, tools });
    expect(plain.choices[0]?.message.tool_calls?.[0]).toMatchObject({ function: { name: 'get_weather' } });
    const plainRecord = await nextRecord();

    const stream = await openai('openai-chat/openai-tool-call').chat.completions.create({ model: 'gpt-4o-mini', messages, tools, stream: true, stream_options: { include_usage: true } });
    for await (const chunk of stream) void chunk;
    const streamRecord = await nextRecord();

    expect(plainRecord).toMatchObject({
      domain: upstream.authority,
      method: 'POST',
      path: '/v1/chat/completions',
      apiKind: 'chat',
      wireFormat: 'openai-chat',
      model: 'gpt-4o-mini',
      streamed: false,
      status: 200,
      incomplete: false,
      error: null,
      requestIsJson: true,
      hasTools: true,
      reviewState: 'pending',
      usage: { inputTokens: 81, outputTokens: 18, totalTokens: 99 },
    });
    expect(streamRecord.streamed).toBe(true);
    expect(streamRecord.ttfbMs).toBeGreaterThan(0);
    // The stream is stored reassembled, in the non-streaming shape.
    const assembled = JSON.parse(streamRecord.responseBody);
    expect(assembled.object).toBe('chat.completion');
    expect(assembled.choices[0].message.tool_calls[0].function.arguments).toBe('{"city":"Paris","unit":"celsius"}');
    expect(withoutVolatile(streamRecord)).toEqual(withoutVolatile(plainRecord));

    expect(derivedShareGptOf(plainRecord)).toEqual({
      conversations: [
        { from: 'human', value: 'Weather in Paris?' },
        { from: 'function_call', value: '{"name":"get_weather","arguments":{"city":"Paris","unit":"celsius"}}' },
      ],
      system: 'You are a weather bot.',
      tools: '[{"name":"get_weather","description":"Weather by city","parameters":{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string"}},"required":["city"]}}]',
      images: [],
    });
  });

  it('records DeepSeek reasoning_content as a <think> prefix, streamed and not', async () => {
    const plain = await openai('openai-chat/deepseek-reasoner').chat.completions.create({ model: 'deepseek-reasoner', messages: [{ role: 'user', content: 'Question' }] });
    expect(plain.choices[0]?.message.content).toBeTruthy();
    const plainRecord = await nextRecord();
    const stream = await openai('openai-chat/deepseek-reasoner').chat.completions.create({ model: 'deepseek-reasoner', messages: [{ role: 'user', content: 'Question' }], stream: true });
    for await (const chunk of stream) void chunk;
    const streamRecord = await nextRecord();
    const last = derivedShareGptOf(plainRecord)!.conversations.at(-1)!;
    expect(last.from).toBe('gpt');
    expect(last.value).toMatch(/^<think>\n[\s\S]+\n<\/think>\n\n\S/);
    expect(derivedShareGptOf(streamRecord)).toEqual(derivedShareGptOf(plainRecord));
    expect(streamRecord.usage).toEqual(plainRecord.usage);
  });

  it('records embeddings as a non-chat exchange', async () => {
    await openai('none/none').embeddings.create({ model: 'text-embedding-3-small', input: 'hello', encoding_format: 'float' });
    const record = await nextRecord();
    expect(record).toMatchObject({ apiKind: 'embeddings', wireFormat: 'other', model: 'text-embedding-3-small', sharegpt: null, status: 200 });
  });
});

describe('OpenAI Responses API', () => {
  it('records reasoning and text, streamed and not, identically', async () => {
    const client = openai('openai-responses/openai-responses-reasoning');
    const plain = await client.responses.create({ model: 'o4-mini', input: 'Why is the sky blue?' });
    expect(plain.output_text).toBeTruthy();
    const plainRecord = await nextRecord();
    const stream = await client.responses.create({ model: 'o4-mini', input: 'Why is the sky blue?', stream: true });
    for await (const event of stream) void event;
    const streamRecord = await nextRecord();
    expect(plainRecord.wireFormat).toBe('openai-responses');
    expect(derivedShareGptOf(plainRecord)?.conversations[0]).toEqual({ from: 'human', value: 'Why is the sky blue?' });
    expect(derivedShareGptOf(plainRecord)?.conversations[1]?.value).toMatch(/^<think>\n/);
    expect(withoutVolatile(streamRecord)).toEqual(withoutVolatile(plainRecord));
  });
});

describe('Anthropic messages', () => {
  it('records thinking and text, streamed and not, identically, with the Bearer key converted', async () => {
    const client = new Anthropic({ authToken: API_KEY, apiKey: null, baseURL: `${proxy.url}/localhost:${upstream.port}`, maxRetries: 0, defaultHeaders: { 'x-fixture': 'anthropic-messages/thinking' } });
    const request = { model: 'claude-sonnet-4-5', max_tokens: 2048, system: 'Be exact.', messages: [{ role: 'user' as const, content: 'What is 925 / 5?' }] };
    const plain = await client.messages.create(request);
    expect(plain.content.at(-1)).toMatchObject({ type: 'text' });
    const plainRecord = await nextRecord();
    const stream = client.messages.stream(request);
    await stream.finalMessage();
    const streamRecord = await nextRecord();
    expect(upstream.received.at(-1)!.headers['x-api-key']).toBe(API_KEY);
    expect(plainRecord).toMatchObject({ wireFormat: 'anthropic-messages', model: 'claude-sonnet-4-5', usage: { inputTokens: 69, outputTokens: 53 } });
    expect(derivedShareGptOf(plainRecord)).toEqual({
      conversations: [
        { from: 'human', value: 'What is 925 / 5?' },
        { from: 'gpt', value: '<think>\nThe previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185\n</think>\n\n925 ÷ 5 = 185' },
      ],
      system: 'Be exact.',
      tools: '',
      images: [],
    });
    expect(withoutVolatile(streamRecord)).toEqual(withoutVolatile(plainRecord));
  });
});

describe('Gemini native', () => {
  it('records text plus a function call, generateContent and streamGenerateContent (SSE), identically', async () => {
    const client = new GoogleGenAI({ apiKey: GOOGLE_KEY, httpOptions: { baseUrl: `${proxy.url}/localhost:${upstream.port}`, headers: { 'x-fixture': 'gemini/text-and-tool-call' } } });
    const request = { model: 'gemini-2.5-flash', contents: 'Weather in Paris for 3 days?', config: { tools: [{ functionDeclarations: [{ name: 'get_weather', description: 'Forecast', parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } } } }] }] } };
    const plain = await client.models.generateContent(request);
    expect(plain.functionCalls?.[0]?.name).toBe('get_weather');
    const plainRecord = await nextRecord();
    let streamedText = '';
    for await (const chunk of await client.models.generateContentStream(request)) streamedText += chunk.text ?? '';
    expect(streamedText).toContain('Paris');
    const streamRecord = await nextRecord();
    expect(upstream.received.at(-1)!.url).toContain('alt=sse');
    expect(plainRecord).toMatchObject({ wireFormat: 'gemini', model: 'gemini-2.5-flash', streamed: false });
    expect(streamRecord.streamed).toBe(true);
    expect(derivedShareGptOf(plainRecord)?.conversations).toEqual([
      { from: 'human', value: 'Weather in Paris for 3 days?' },
      { from: 'function_call', value: 'I\'ll check the current weather in Paris for you.\n<tool_call>{"name":"get_weather","arguments":{"city":"Paris","days":3,"include":["wind","humidity"]}}</tool_call>' },
    ]);
    // Gemini streams on another path (:streamGenerateContent?alt=sse); everything else is equal.
    expect({ ...withoutVolatile(streamRecord), path: '' }).toEqual({ ...withoutVolatile(plainRecord), path: '' });
  });
});

describe('threads, cut-off streams and secrets', () => {
  it('links a follow-up request to the record whose conversation it extends', async () => {
    const first = { role: 'user' as const, content: 'Weather in Paris?' };
    await openai('openai-chat/openai-tool-call').chat.completions.create({ model: 'gpt-4o-mini', messages: [first] });
    const parent = await nextRecord();
    await openai('openai-chat/openai-text').chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        first,
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_Wq3bN8xK2mYp5TfR1cLzV0aH', type: 'function', function: { name: 'get_weather', arguments: '{"unit": "celsius", "city": "Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_Wq3bN8xK2mYp5TfR1cLzV0aH', content: '{"temp_c": 18}' },
      ],
    });
    const child = await nextRecord();
    expect(child.parentId).toBe(parent.id);
    expect(child.threadId).toBe(parent.threadId);
  });

  it('records a stream cut off by the upstream as incomplete, with what arrived', async () => {
    upstream.on('/v1/cut/chat/completions', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":"Partial ans"},"finish_reason":null}]}\n\n');
      setTimeout(() => response.socket?.destroy(), 20);
    });
    const client = new OpenAI({ apiKey: API_KEY, baseURL: `${proxy.url}/${upstream.authority}/v1/cut`, maxRetries: 0 });
    await expect(
      (async () => {
        const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
        for await (const chunk of stream) void chunk;
      })(),
    ).rejects.toThrow();
    const record = await nextRecord();
    expect(record.incomplete).toBe(true);
    expect(record.streamed).toBe(true);
    expect(JSON.parse(record.responseBody).choices[0].message.content).toBe('Partial ans');
  });

  it('stores no API key anywhere: database file, spool, log file', async () => {
    await fetch(`${proxy.url}/localhost:${upstream.port}/v1beta/models/gemini-2.5-flash:generateContent?key=${GOOGLE_KEY}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-fixture': 'gemini/text', cookie: `session=${API_KEY}` },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
    });
    const record = await nextRecord();
    expect(record.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent?key=[redacted]');
    await latestRecords(recorded);
    await proxy.close();
    // The log is not empty: the grep below is meaningful.
    expect(readFileSync(proxy.logFile!, 'utf8')).toContain('"msg":"proxied"');
    for (const file of [dbPath, `${dbPath}-wal`, proxy.logFile!]) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch {
        continue;
      }
      expect(bytes.includes(API_KEY), file).toBe(false);
      expect(bytes.includes(GOOGLE_KEY), file).toBe(false);
    }
  });
});
