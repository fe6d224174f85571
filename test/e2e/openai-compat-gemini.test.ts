// The OpenAI-compatible entry against Gemini: the official OpenAI SDK pointed at `${proxy}/v1`, a
// loopback fake speaking Gemini's exact wire format (recorded fixtures). Asserts what the fake
// received (translated body, converted auth), what the SDK got, and the recorded record + ShareGPT.
import OpenAI, { APIError } from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeRecord } from '../../src/capture/exchange.js';
import { memoryRecording, replay, startCompatUpstream, type CompatUpstream, type MemoryRecording } from '../helpers/compat-upstream.js';
import { framesOf, json, type ReceivedRequest } from '../helpers/fake-upstream.js';
import { fixtureText } from '../helpers/fixtures.js';
import { parseConfig } from '../../src/config/load-config.js';
import { startTestProxy, type TestProxy } from '../helpers/start-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

const KEY = 'AIzaCompatTestKey0123456789';

let fake: CompatUpstream;
let proxy: TestProxy;
let recording: MemoryRecording;
let client: OpenAI;

beforeAll(async () => {
  fake = await startCompatUpstream();
  recording = memoryRecording();
  proxy = await startTestProxy(
    {
      allowed_domains: { [fake.domain]: { https: false } },
      openai_compat: {
        routes: [
          { match: 'gemini-*', provider: 'google', domain: fake.domain },
          { match: 'claude-*', provider: 'anthropic', domain: fake.domain },
          { match: '*', provider: 'openai', domain: fake.domain },
        ],
      },
    },
    { recording: async () => recording },
  );
  client = new OpenAI({ apiKey: KEY, baseURL: `${proxy.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await fake.close();
});

let seen = 0;
/** The next record: exchanges are recorded in the order they end. */
async function nextRecord(): Promise<ExchangeRecord> {
  return recording.nth(++seen);
}

function contentsOf(request: ReceivedRequest): Array<{ role: string; parts: Array<Record<string, unknown>> }> {
  return (JSON.parse(request.body.toString('utf8')) as { contents: Array<{ role: string; parts: Array<Record<string, unknown>> }> }).contents;
}

const TEXT = 'Artificial intelligence learns patterns from data to make predictions or decisions, much like a student learning from examples.';

describe('chat completions through Gemini', () => {
  const messages: ChatCompletionMessageParam[] = [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'What is AI?' },
  ];

  it('answers a plain chat in OpenAI shape, sending Gemini a translated body with the key as x-goog-api-key', async () => {
    fake.answer('gemini-2.5-flash', replay('gemini', 'text'));
    const completion = await client.chat.completions.create({ model: 'gemini-2.5-flash', messages, temperature: 0.3, max_tokens: 200, seed: 7 });

    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: 'gemini-2.5-flash',
      choices: [{ index: 0, message: { role: 'assistant', content: TEXT }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 8, completion_tokens: 333, total_tokens: 341, completion_tokens_details: { reasoning_tokens: 312 } },
    });
    const received = fake.last('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(received.method).toBe('POST');
    expect(received.headers['x-goog-api-key']).toBe(KEY);
    expect(received.headers.authorization).toBeUndefined();
    expect(received.json).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'What is AI?' }] }],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      generationConfig: { temperature: 0.3, maxOutputTokens: 200, seed: 7 },
    });

    const record = await nextRecord();
    expect(record).toMatchObject({
      domain: fake.domain,
      method: 'POST',
      path: '/v1/chat/completions',
      apiKind: 'chat',
      wireFormat: 'openai-chat',
      model: 'gemini-2.5-flash',
      upstreamProvider: 'google',
      streamed: false,
      status: 200,
      incomplete: false,
      error: null,
      usage: { inputTokens: 8, outputTokens: 333, totalTokens: 341, reasoningTokens: 312 },
    });
    // Recorded as the client saw it: its own request, and the OpenAI answer it got.
    expect(JSON.parse(record.requestBody)).toMatchObject({ model: 'gemini-2.5-flash', messages });
    expect(JSON.parse(record.responseBody)).toEqual(JSON.parse(JSON.stringify(completion)));
    expect(record.sharegpt).toEqual({
      conversations: [
        { from: 'human', value: 'What is AI?' },
        { from: 'gpt', value: TEXT },
      ],
      system: 'Be brief.',
      tools: '',
      images: [],
    });
  });

  it('streams: each Gemini chunk is written to the client as it arrives, then the usage chunk and [DONE]', async () => {
    let released: 'client' | 'timeout' | undefined;
    let release!: (by: 'client' | 'timeout') => void;
    const gate = new Promise<void>((resolve) => {
      release = (by) => {
        released ??= by;
        resolve();
      };
    });
    fake.answer('gemini-2.5-flash-live', async (_request, response) => {
      const frames = framesOf(fixtureText('gemini', 'text.chunks.txt'));
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(frames[0]);
      // The rest waits until the client has seen the first delta: only true streaming gets past this.
      const timer = setTimeout(() => release('timeout'), 5_000);
      await gate;
      clearTimeout(timer);
      for (const frame of frames.slice(1)) response.write(frame);
      response.end();
    });

    const stream = await client.chat.completions.create({ model: 'gemini-2.5-flash-live', messages, stream: true, stream_options: { include_usage: true } });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      if (chunk.choices[0]?.delta.content) release('client');
    }
    expect(released).toBe('client');
    expect(fake.last('/v1beta/models/gemini-2.5-flash-live:').url).toBe('/v1beta/models/gemini-2.5-flash-live:streamGenerateContent?alt=sse');

    expect(chunks[0]!.choices[0]!.delta).toMatchObject({ role: 'assistant' });
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(TEXT);
    expect(chunks.at(-2)!.choices[0]).toMatchObject({ finish_reason: 'stop' });
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 8, completion_tokens: 333, total_tokens: 341 } });
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);

    const record = await nextRecord();
    expect(record).toMatchObject({ streamed: true, incomplete: false, status: 200, upstreamProvider: 'google', usage: { inputTokens: 8, outputTokens: 333 } });
    expect(JSON.parse(record.responseBody)).toMatchObject({ object: 'chat.completion', choices: [{ message: { content: TEXT }, finish_reason: 'stop' }] });
    expect(record.sharegpt?.conversations.at(-1)).toEqual({ from: 'gpt', value: TEXT });
  });

  it('sends thoughts back as reasoning_content when reasoning_effort asks for them', async () => {
    fake.answer('gemini-2.5-pro', replay('gemini', 'thinking'));
    const completion = await client.chat.completions.create({ model: 'gemini-2.5-pro', messages: [{ role: 'user', content: '17 × 23?' }], reasoning_effort: 'low' });
    expect(fake.last('/v1beta/models/gemini-2.5-pro').json.generationConfig).toEqual({ thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } });
    const message = completion.choices[0]!.message as OpenAI.Chat.Completions.ChatCompletionMessage & { reasoning_content?: string };
    expect(message.content).toBe('17 × 23 = 391.');
    expect(message.reasoning_content).toMatch(/^\*\*Calculating the product\*\*/);
    const record = await nextRecord();
    expect(record.sharegpt?.conversations.at(-1)?.value).toMatch(/^<think>\n\*\*Calculating the product\*\*[\s\S]*<\/think>\n\n17 × 23 = 391\.$/);
  });
});

describe('tools through Gemini', () => {
  const tools: ChatCompletionTool[] = [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'Weather by city',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
        strict: true,
      },
    },
    { type: 'function', function: { name: 'get_time', description: 'Local time', parameters: { type: 'object', properties: {} } } },
  ];
  const question: ChatCompletionMessageParam = { role: 'user', content: 'Weather in Paris and Tokyo, and the time?' };

  beforeAll(() => {
    // The first turn calls three functions in parallel; the turn with their results gets the text.
    fake.answer('gemini-2.5-flash-tools', (request, response) => {
      const answered = contentsOf(request).some((content) => content.parts.some((part) => 'functionResponse' in part));
      return replay('gemini', answered ? 'text' : 'parallel-tool-calls')(request, response);
    });
  });

  it('answers parallel function calls as tool_calls, then sends the results back as functionResponse parts', async () => {
    const first = await client.chat.completions.create({ model: 'gemini-2.5-flash-tools', messages: [question], tools, tool_choice: 'auto' });
    const choice = first.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const calls = choice.message.tool_calls!.filter((call) => call.type === 'function');
    expect(calls.map((call) => [call.function.name, JSON.parse(call.function.arguments)])).toEqual([
      ['get_weather', { city: 'Paris' }],
      ['get_weather', { city: 'Tokyo' }],
      ['get_time', {}],
    ]);
    expect(new Set(calls.map((call) => call.id)).size).toBe(3);
    expect(calls.every((call) => /^call_[\w-]{20,}$/.test(call.id))).toBe(true);

    const firstBody = fake.last('/v1beta/models/gemini-2.5-flash-tools').json;
    expect(firstBody.tools).toEqual([
      {
        functionDeclarations: [
          { name: 'get_weather', description: 'Weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
          { name: 'get_time', description: 'Local time' },
        ],
      },
    ]);
    expect(firstBody.toolConfig).toEqual({ functionCallingConfig: { mode: 'AUTO' } });
    const firstRecord = await nextRecord();
    expect(firstRecord.hasTools).toBe(true);
    expect(firstRecord.sharegpt?.conversations.at(-1)).toEqual({
      from: 'function_call',
      value: '[{"name":"get_weather","arguments":{"city":"Paris"}},{"name":"get_weather","arguments":{"city":"Tokyo"}},{"name":"get_time","arguments":{}}]',
    });

    // The follow-up turn, as an OpenAI application writes it: the assistant message as received,
    // then one tool message per call id.
    const results = ['18°C, cloudy', '{"temp_c": 24, "sky": "clear"}', '14:05'];
    const followUp = await client.chat.completions.create({
      model: 'gemini-2.5-flash-tools',
      messages: [question, choice.message, ...calls.map((call, index) => ({ role: 'tool' as const, tool_call_id: call.id, content: results[index]! }))],
      tools,
    });
    expect(followUp.choices[0]!.message.content).toBe(TEXT);
    const contents = contentsOf(fake.last('/v1beta/models/gemini-2.5-flash-tools'));
    expect(contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Paris and Tokyo, and the time?' }] },
      {
        role: 'model',
        parts: [
          // Gemini's thought signature made the round trip through the client (extra_content).
          { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: expect.stringMatching(/^CikB/) },
          { functionCall: { name: 'get_weather', args: { city: 'Tokyo' } } },
          { functionCall: { name: 'get_time', args: {} } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_weather', response: { output: '18°C, cloudy' } } },
          { functionResponse: { name: 'get_weather', response: { temp_c: 24, sky: 'clear' } } },
          { functionResponse: { name: 'get_time', response: { output: '14:05' } } },
        ],
      },
    ]);
    const followRecord = await nextRecord();
    expect(followRecord.sharegpt?.conversations.map((turn) => turn.from)).toEqual(['human', 'function_call', 'observation', 'gpt']);
  });

  it('streams parallel tool calls that the SDK stream helper assembles', async () => {
    const stream = client.chat.completions.stream({ model: 'gemini-2.5-flash-tools', messages: [question], tools, stream_options: { include_usage: true } });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    expect(final.choices[0]!.message.tool_calls!.map((call) => (call.type === 'function' ? [call.function.name, call.function.arguments] : []))).toEqual([
      ['get_weather', '{"city":"Paris"}'],
      ['get_weather', '{"city":"Tokyo"}'],
      ['get_time', '{}'],
    ]);
    expect(final.usage).toMatchObject({ prompt_tokens: 83, completion_tokens: 125, total_tokens: 208 });
    const record = await nextRecord();
    expect(record.streamed).toBe(true);
    expect(record.sharegpt?.conversations.at(-1)?.from).toBe('function_call');
  });
});

describe('images and JSON mode through Gemini', () => {
  const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

  it('sends a data URL image as inlineData and an https one as fileData', async () => {
    fake.answer('gemini-2.5-flash-vision', replay('gemini', 'text'));
    await client.chat.completions.create({
      model: 'gemini-2.5-flash-vision',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare these.' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
    });
    expect(contentsOf(fake.last('/v1beta/models/gemini-2.5-flash-vision'))).toEqual([
      {
        role: 'user',
        parts: [
          { text: 'Compare these.' },
          { inlineData: { mimeType: 'image/png', data: PNG } },
          { fileData: { mimeType: 'image/jpeg', fileUri: 'https://example.com/cat.jpg' } },
        ],
      },
    ]);
    const record = await nextRecord();
    expect(record.sharegpt?.conversations[0]).toEqual({ from: 'human', value: 'Compare these.<image><image>' });
    expect(record.sharegpt?.images).toEqual([`data:image/png;base64,${PNG}`, 'https://example.com/cat.jpg']);
  });

  it('asks Gemini for JSON with the schema (json_schema) and answers the JSON as content', async () => {
    fake.answer('gemini-2.5-flash-json', json(200, {
      candidates: [{ content: { role: 'model', parts: [{ text: '{"city":"Paris","population":2102650}' }] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: 20, candidatesTokenCount: 12, totalTokenCount: 32 },
      modelVersion: 'gemini-2.5-flash',
    }));
    const completion = await client.chat.completions.create({
      model: 'gemini-2.5-flash-json',
      messages: [{ role: 'user', content: 'Largest city of France?' }],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'city', strict: true, schema: { type: 'object', properties: { city: { type: 'string' }, population: { type: 'integer' } }, required: ['city', 'population'], additionalProperties: false } },
      },
    });
    expect(JSON.parse(completion.choices[0]!.message.content!)).toEqual({ city: 'Paris', population: 2102650 });
    expect(fake.last('/v1beta/models/gemini-2.5-flash-json').json.generationConfig).toEqual({
      responseMimeType: 'application/json',
      responseSchema: { type: 'object', properties: { city: { type: 'string' }, population: { type: 'integer' } }, required: ['city', 'population'] },
    });
    await nextRecord();

    await client.chat.completions.create({ model: 'gemini-2.5-flash-json', messages: [{ role: 'user', content: 'As JSON.' }], response_format: { type: 'json_object' } });
    expect(fake.last('/v1beta/models/gemini-2.5-flash-json').json.generationConfig).toEqual({ responseMimeType: 'application/json' });
    await nextRecord();
  });
});

describe('errors through Gemini', () => {
  it('answers a Gemini error in OpenAI shape with the same status, and records it', async () => {
    fake.answer('gemini-2.5-flash-quota', (request, response) => {
      response.setHeader('retry-after', '7');
      return replayError(429)(request, response);
    });
    const error = await client.chat.completions.create({ model: 'gemini-2.5-flash-quota', messages: [{ role: 'user', content: 'Hi' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error).toMatchObject({ status: 429, code: 'RESOURCE_EXHAUSTED', type: 'rate_limit_error' });
    expect((error as APIError).message).toContain('Resource has been exhausted');
    expect((error as APIError).headers?.get('retry-after')).toBe('7');
    const record = await nextRecord();
    expect(record).toMatchObject({ status: 429, upstreamProvider: 'google', sharegpt: null, error: { class: 'http_429', message: 'Resource has been exhausted (e.g. check quota).' } });
  });

  it('ends the stream with an OpenAI error event when Gemini fails mid-stream', async () => {
    fake.answer('gemini-2.5-flash-overloaded', replay('gemini', 'error-mid-stream'));
    const stream = await client.chat.completions.create({ model: 'gemini-2.5-flash-overloaded', messages: [{ role: 'user', content: 'Story?' }], stream: true });
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((caught: unknown) => caught);
    expect(text).toBe('Once upon a time, in a quiet village by the sea,');
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as APIError).message).toContain('The model is overloaded');
    const record = await nextRecord();
    expect(record).toMatchObject({ streamed: true, incomplete: true, error: { message: 'The model is overloaded. Please try again later.' } });
  });

  it('breaks the client stream when Gemini stops before its final chunk', async () => {
    fake.answer('gemini-2.5-flash-cut', replay('gemini', 'cut-off'));
    const stream = await client.chat.completions.create({ model: 'gemini-2.5-flash-cut', messages: [{ role: 'user', content: 'Tetris?' }], stream: true });
    await expect((async () => {
      for await (const chunk of stream) void chunk;
    })()).rejects.toThrow();
    const record = await nextRecord();
    expect(record).toMatchObject({ streamed: true, incomplete: true, error: { class: 'upstream_failed' } });
  });

  it('aborts the upstream request when the client goes away mid-stream', async () => {
    let upstreamClosed = false;
    fake.answer('gemini-2.5-flash-slow', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      // Only the first event (the fixture's events are CRLF-separated): the answer is not finished.
      response.write(`${fixtureText('gemini', 'text.chunks.txt').split('\r\n\r\n')[0]}\r\n\r\n`);
      response.on('close', () => {
        upstreamClosed = true;
      });
      // Never finishes on its own.
    });
    const controller = new AbortController();
    const stream = await client.chat.completions.create({ model: 'gemini-2.5-flash-slow', messages: [{ role: 'user', content: 'Hi' }], stream: true }, { signal: controller.signal });
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) controller.abort();
    }
    await waitFor(() => upstreamClosed, 5_000, 'the upstream request to be aborted');
    const record = await nextRecord();
    expect(record).toMatchObject({ streamed: true, incomplete: true });
  });

  it('refuses, at start, a route whose domain is not on the allowlist', () => {
    // allowed_domains replaces the built-in list: the route's domain is not on it (issue 16: a
    // config error at start, not a 403 at the first request).
    expect(() =>
      parseConfig({
        allowed_domains: { [fake.domain]: { https: false } },
        openai_compat: { routes: [{ match: 'blocked-*', provider: 'google', domain: 'generativelanguage.googleapis.com' }] },
      }),
    ).toThrow(/openai_compat\.routes\.0 \("blocked-\*"\) sends to "generativelanguage\.googleapis\.com", which is not allowlisted/);
  });

  it('refuses an invalid request with 400 before calling the upstream', async () => {
    const before = fake.upstream.received.length;
    const error = await client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toContain('messages');
    expect(fake.upstream.received.length).toBe(before);
  });

  it('refuses a body over max_body_bytes with 413', async () => {
    const response = await fetch(`${proxy.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x'.repeat(9 * 1024 * 1024) }] }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'body_too_large' } });
  });
});

describe('embeddings through Gemini', () => {
  it('sends batchEmbedContents and answers in OpenAI shape (base64, which the SDK decodes by default)', async () => {
    fake.answer('gemini-embedding-001', json(200, { embeddings: [{ values: [0.5, -0.25, 1] }, { values: [0, 0.125, -1] }] }));
    const answer = await client.embeddings.create({ model: 'gemini-embedding-001', input: ['hello', 'world'], dimensions: 3 });
    expect(answer.data.map((entry) => [entry.index, entry.embedding])).toEqual([
      [0, [0.5, -0.25, 1]],
      [1, [0, 0.125, -1]],
    ]);
    expect(answer).toMatchObject({ object: 'list', model: 'gemini-embedding-001' });
    const received = fake.last('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(received.headers['x-goog-api-key']).toBe(KEY);
    expect(received.json).toEqual({
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'hello' }] }, outputDimensionality: 3 },
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'world' }] }, outputDimensionality: 3 },
      ],
    });
    const float = await client.embeddings.create({ model: 'gemini-embedding-001', input: 'hello', encoding_format: 'float' });
    expect(float.data[0]!.embedding).toEqual([0.5, -0.25, 1]);

    const record = await nextRecord();
    expect(record).toMatchObject({ apiKind: 'embeddings', path: '/v1/embeddings', model: 'gemini-embedding-001', upstreamProvider: 'google', status: 200, sharegpt: null });
    await nextRecord();
  });

  it('refuses embeddings for a provider without an embeddings API', async () => {
    const error = await client.embeddings.create({ model: 'claude-sonnet-4-5', input: 'hello' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toContain('no embeddings API');
  });
});

describe('GET /v1/models', () => {
  it("lists each route's upstream models the key may see, only those the route would serve, and the routes of upstreams it cannot ask", async () => {
    fake.upstream.on('/v1beta/models', json(200, {
      models: [
        { name: 'models/gemini-2.5-flash', supportedGenerationMethods: ['generateContent'] },
        { name: 'models/gemini-2.5-pro', supportedGenerationMethods: ['generateContent'] },
        // Routed by "*" to the openai route, so not Gemini's to list.
        { name: 'models/embedding-001', supportedGenerationMethods: ['embedContent'] },
      ],
    }));
    fake.upstream.on('/v1/models', (request, response) => {
      // One fake plays both: Anthropic's list (x-api-key) and OpenAI's (Bearer).
      if (request.headers['x-api-key'] === KEY && request.headers['anthropic-version'] !== undefined) {
        return json(200, { data: [{ type: 'model', id: 'claude-sonnet-4-5-20250929', display_name: 'Claude Sonnet 4.5', created_at: '2025-09-29T00:00:00Z' }], has_more: false })(request, response);
      }
      if (request.headers.authorization === `Bearer ${KEY}`) {
        return json(200, { object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', created: 1721172741, owned_by: 'system' }, { id: 'claude-on-openai', object: 'model', created: 1, owned_by: 'x' }] })(request, response);
      }
      return json(401, { error: { message: 'no key' } })(request, response);
    });

    const models: OpenAI.Models.Model[] = [];
    for await (const model of client.models.list()) models.push(model);
    expect(models.map((model) => [model.id, model.owned_by])).toEqual([
      ['gemini-2.5-flash', 'google'],
      ['gemini-2.5-pro', 'google'],
      ['claude-sonnet-4-5-20250929', 'anthropic'],
      ['gpt-4o-mini', 'system'],
    ]);
    expect(fake.last('/v1beta/models').headers['x-goog-api-key']).toBe(KEY);

    expect(await client.models.retrieve('gemini-2.5-flash')).toEqual({ id: 'gemini-2.5-flash', object: 'model', created: 0, owned_by: 'google' });
  });

  it('lists the configured routes when no upstream answers', async () => {
    const keyless = await fetch(`${proxy.url}/v1/models`);
    expect(await keyless.json()).toEqual({
      object: 'list',
      data: [
        { id: 'gemini-*', object: 'model', created: 0, owned_by: 'google' },
        { id: 'claude-*', object: 'model', created: 0, owned_by: 'anthropic' },
        { id: '*', object: 'model', created: 0, owned_by: 'openai' },
      ],
    });
  });
});

describe('openai routes and recording equivalence', () => {
  it('passes an openai route through unchanged, Bearer key and body bytes included', async () => {
    fake.answer('gpt-4o-mini', replay('openai-chat', 'openai-text'));
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], logit_bias: { '50256': -100 } });
    expect(completion.object).toBe('chat.completion');
    const received = fake.last('/v1/chat/completions');
    expect(received.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(received.json).toEqual({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], logit_bias: { '50256': -100 } });
    const record = await nextRecord();
    expect(record).toMatchObject({ domain: fake.domain, path: '/v1/chat/completions', wireFormat: 'openai-chat', upstreamProvider: 'openai', status: 200 });
  });

  it('derives the same ShareGPT row as a direct OpenAI exchange with the same content, streamed or not', async () => {
    const tools: ChatCompletionTool[] = [{ type: 'function', function: { name: 'get_weather', description: 'Forecast', parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } } } } }];
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: 'You are a weather bot.' },
      { role: 'user', content: 'Weather in Paris for 3 days?' },
    ];
    fake.answer('gemini-2.5-flash-equal', replay('gemini', 'text-and-tool-call'));
    // What OpenAI itself would answer with the same content.
    fake.answer('gpt-direct', json(200, {
      id: 'chatcmpl-direct',
      object: 'chat.completion',
      created: 1_767_225_600,
      model: 'gpt-direct',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: "I'll check the current weather in Paris for you.\n",
            refusal: null,
            tool_calls: [{ id: 'call_direct', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","days":3,"include":["wind","humidity"]}' } }],
          },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 61, completion_tokens: 118, total_tokens: 179 },
    }));

    await client.chat.completions.create({ model: 'gemini-2.5-flash-equal', messages, tools });
    const translated = await nextRecord();
    const streamed = await client.chat.completions.create({ model: 'gemini-2.5-flash-equal', messages, tools, stream: true });
    for await (const chunk of streamed) void chunk;
    const translatedStream = await nextRecord();
    const direct = new OpenAI({ apiKey: KEY, baseURL: `${proxy.url}/${fake.domain}/v1`, maxRetries: 0 });
    await direct.chat.completions.create({ model: 'gpt-direct', messages, tools });
    const directRecord = await nextRecord();

    expect(directRecord.upstreamProvider).toBeNull();
    expect(translated.sharegpt).not.toBeNull();
    expect(translated.sharegpt).toEqual(directRecord.sharegpt);
    expect(translatedStream.sharegpt).toEqual(directRecord.sharegpt);
    expect(translated.hasTools).toBe(directRecord.hasTools);
    expect(translated.turnCount).toBe(directRecord.turnCount);
  });
});

function replayError(status: number) {
  return json(status, fixtureText('gemini', 'error.json'));
}
