// The OpenAI-compatible entry against Anthropic: the official OpenAI SDK pointed at `${proxy}/v1`,
// a loopback fake speaking Anthropic's exact Messages wire format (recorded fixtures). Asserts what
// the fake received (translated body, x-api-key + anthropic-version), what the SDK got, and the
// recorded record + ShareGPT.
import OpenAI, { APIError } from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeRecord } from '../../src/capture/exchange.js';
import { memoryRecording, replay, startCompatUpstream, type CompatUpstream, type MemoryRecording } from '../helpers/compat-upstream.js';
import { json, sse, type ReceivedRequest } from '../helpers/fake-upstream.js';
import { fixtureText } from '../helpers/fixtures.js';
import { startTestProxy, type TestProxy } from '../helpers/start-proxy.js';

const KEY = 'test-anthropic-key-not-real-0123';

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
      openai_compat: { routes: [{ match: 'claude-*', provider: 'anthropic', domain: fake.domain }, { match: '*', provider: 'openai', domain: fake.domain }] },
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
async function nextRecord(): Promise<ExchangeRecord> {
  return recording.nth(++seen);
}

type AnthropicBody = { messages: Array<{ role: string; content: Array<Record<string, unknown>> }> } & Record<string, unknown>;
const bodyOf = (request: ReceivedRequest) => JSON.parse(request.body.toString('utf8')) as AnthropicBody;
type WithReasoning = OpenAI.Chat.Completions.ChatCompletionMessage & { reasoning_content?: string; thinking_blocks?: unknown[] };

const HELLO = "Hello! I'm doing well, thank you for asking. How can I help you today?";

describe('chat completions through Anthropic', () => {
  it('answers a plain chat in OpenAI shape; Anthropic gets x-api-key, anthropic-version and a translated body', async () => {
    fake.answer('claude-sonnet-4-5', replay('anthropic-messages', 'text'));
    const completion = await client.chat.completions.create({
      model: 'claude-sonnet-4-5',
      messages: [
        { role: 'system', content: 'Be friendly.' },
        { role: 'user', content: 'Hello, how are you?' },
      ],
      temperature: 0.5,
      stop: ['END'],
      user: 'user-7',
    });
    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: 'claude-sonnet-4-5-20250929',
      choices: [{ index: 0, message: { role: 'assistant', content: HELLO }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 14, completion_tokens: 21, total_tokens: 35 },
    });
    const received = fake.last('/v1/messages');
    expect(received.headers['x-api-key']).toBe(KEY);
    expect(received.headers['anthropic-version']).toBe('2023-06-01');
    expect(received.headers.authorization).toBeUndefined();
    expect(received.json).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      system: [{ type: 'text', text: 'Be friendly.' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello, how are you?' }] }],
      temperature: 0.5,
      stop_sequences: ['END'],
      metadata: { user_id: 'user-7' },
    });
    const record = await nextRecord();
    expect(record).toMatchObject({
      domain: fake.domain,
      path: '/v1/chat/completions',
      wireFormat: 'openai-chat',
      model: 'claude-sonnet-4-5',
      upstreamProvider: 'anthropic',
      status: 200,
      streamed: false,
      usage: { inputTokens: 14, outputTokens: 21, totalTokens: 35 },
    });
    expect(record.sharegpt).toEqual({ conversations: [{ from: 'human', value: 'Hello, how are you?' }, { from: 'gpt', value: HELLO }], system: 'Be friendly.', tools: '', images: [] });
  });

  it('streams Anthropic events as OpenAI chunks, with the usage chunk and [DONE]', async () => {
    const stream = await client.chat.completions.create({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hello, how are you?' }], stream: true, stream_options: { include_usage: true } });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(fake.last('/v1/messages').json).toMatchObject({ stream: true });
    expect(chunks[0]!.choices[0]!.delta).toMatchObject({ role: 'assistant' });
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(HELLO);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 14, completion_tokens: 21, total_tokens: 35 } });
    const record = await nextRecord();
    expect(record).toMatchObject({ streamed: true, incomplete: false, upstreamProvider: 'anthropic' });
    expect(record.sharegpt?.conversations.at(-1)).toEqual({ from: 'gpt', value: HELLO });
  });

  it('turns reasoning_effort into extended thinking, and thinking into reasoning_content with signed thinking_blocks', async () => {
    fake.answer('claude-sonnet-4-5-thinking', replay('anthropic-messages', 'thinking'));
    const completion = await client.chat.completions.create({ model: 'claude-sonnet-4-5-thinking', messages: [{ role: 'user', content: 'What is 925 / 5?' }], reasoning_effort: 'medium' });
    expect(fake.last('/v1/messages').json).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 8192 }, max_tokens: 8192 + 4096 });
    const message = completion.choices[0]!.message as WithReasoning;
    expect(message.content).toBe('925 ÷ 5 = 185');
    expect(message.reasoning_content).toBe('The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185');
    expect(message.thinking_blocks).toEqual([{ type: 'thinking', thinking: message.reasoning_content, signature: expect.stringMatching(/^EvQB/) }]);
    const plainRecord = await nextRecord();

    const stream = await client.chat.completions.create({ model: 'claude-sonnet-4-5-thinking', messages: [{ role: 'user', content: 'What is 925 / 5?' }], reasoning_effort: 'medium', stream: true });
    let reasoning = '';
    for await (const chunk of stream) reasoning += (chunk.choices[0]?.delta as { reasoning_content?: string } | undefined)?.reasoning_content ?? '';
    expect(reasoning).toBe(message.reasoning_content);
    const streamRecord = await nextRecord();
    expect(plainRecord.sharegpt?.conversations.at(-1)?.value).toBe('<think>\nThe previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185\n</think>\n\n925 ÷ 5 = 185');
    expect(streamRecord.sharegpt).toEqual(plainRecord.sharegpt);
  });
});

describe('tools through Anthropic', () => {
  const tools: ChatCompletionTool[] = [
    { type: 'function', function: { name: 'get_weather', description: 'Weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } },
    { type: 'function', function: { name: 'get_time', description: 'Local time' } },
  ];
  const question: ChatCompletionMessageParam = { role: 'user', content: 'Weather in Paris and Tokyo, and the time?' };

  beforeAll(() => {
    fake.answer('claude-sonnet-4-5-tools', (request, response) => {
      const answered = bodyOf(request).messages.some((message) => message.content.some((block) => block.type === 'tool_result'));
      return replay('anthropic-messages', answered ? 'text' : 'parallel-tool-calls')(request, response);
    });
  });

  it('answers parallel tool_use blocks as tool_calls, then sends the results back as tool_result blocks', async () => {
    const first = await client.chat.completions.create({ model: 'claude-sonnet-4-5-tools', messages: [question], tools, tool_choice: 'required', parallel_tool_calls: true });
    const choice = first.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const calls = choice.message.tool_calls!.filter((call) => call.type === 'function');
    expect(calls.map((call) => [call.id, call.function.name, JSON.parse(call.function.arguments)])).toEqual([
      ['toolu_01GgLz3fVvaHbyBh5N5Nnnx8', 'get_weather', { city: 'Paris' }],
      ['toolu_01R6dWv3a6ZDprQ6jGrm3Yvk', 'get_weather', { city: 'Tokyo' }],
      ['toolu_01JqW8KuWSGFgqQFpVPnVSvC', 'get_time', {}],
    ]);
    expect(fake.last('/v1/messages').json).toMatchObject({
      tools: [
        { name: 'get_weather', description: 'Weather by city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
        { name: 'get_time', description: 'Local time', input_schema: { type: 'object', properties: {} } },
      ],
      tool_choice: { type: 'any' },
    });
    const firstRecord = await nextRecord();
    expect(firstRecord.sharegpt?.conversations.at(-1)?.from).toBe('function_call');

    const followUp = await client.chat.completions.create({
      model: 'claude-sonnet-4-5-tools',
      messages: [question, choice.message, ...calls.map((call, index) => ({ role: 'tool' as const, tool_call_id: call.id, content: ['18°C', '24°C', '14:05'][index]! }))],
      tools,
    });
    expect(followUp.choices[0]!.message.content).toBe(HELLO);
    expect(bodyOf(fake.last('/v1/messages')).messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Tokyo, and the time?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_01GgLz3fVvaHbyBh5N5Nnnx8', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_01R6dWv3a6ZDprQ6jGrm3Yvk', name: 'get_weather', input: { city: 'Tokyo' } },
          { type: 'tool_use', id: 'toolu_01JqW8KuWSGFgqQFpVPnVSvC', name: 'get_time', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_01GgLz3fVvaHbyBh5N5Nnnx8', content: '18°C' },
          { type: 'tool_result', tool_use_id: 'toolu_01R6dWv3a6ZDprQ6jGrm3Yvk', content: '24°C' },
          { type: 'tool_result', tool_use_id: 'toolu_01JqW8KuWSGFgqQFpVPnVSvC', content: '14:05' },
        ],
      },
    ]);
    const followRecord = await nextRecord();
    expect(followRecord.sharegpt?.conversations.map((turn) => turn.from)).toEqual(['human', 'function_call', 'observation', 'gpt']);
  });

  it('streams parallel tool calls that the SDK stream helper assembles', async () => {
    const final = await client.chat.completions.stream({ model: 'claude-sonnet-4-5-tools', messages: [question], tools, parallel_tool_calls: false }).finalChatCompletion();
    expect(fake.last('/v1/messages').json).toMatchObject({ tool_choice: { type: 'auto', disable_parallel_tool_use: true } });
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    expect(final.choices[0]!.message.tool_calls!.map((call) => (call.type === 'function' ? [call.function.name, JSON.parse(call.function.arguments)] : []))).toEqual([
      ['get_weather', { city: 'Paris' }],
      ['get_weather', { city: 'Tokyo' }],
      ['get_time', {}],
    ]);
    await nextRecord();
  });
});

describe('images and JSON mode through Anthropic', () => {
  const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

  it('sends a data URL image as a base64 source and an https one as a url source', async () => {
    await client.chat.completions.create({
      model: 'claude-sonnet-4-5',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
            { type: 'text', text: 'Same animal?' },
          ],
        },
      ],
    });
    expect(bodyOf(fake.last('/v1/messages')).messages[0]!.content).toEqual([
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
      { type: 'text', text: 'Same animal?' },
    ]);
    const record = await nextRecord();
    expect(record.sharegpt?.images).toHaveLength(2);
  });

  const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
  const toolUseAnswer = {
    id: 'msg_json',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5-20250929',
    content: [{ type: 'tool_use', id: 'toolu_json', name: 'json_response', input: { city: 'Paris' } }],
    stop_reason: 'tool_use',
    stop_sequence: null,
    usage: { input_tokens: 30, output_tokens: 12 },
  };

  it('answers json_schema through a forced tool, the tool input being the content', async () => {
    fake.answer('claude-sonnet-4-5-json', json(200, toolUseAnswer));
    const completion = await client.chat.completions.create({
      model: 'claude-sonnet-4-5-json',
      messages: [{ role: 'user', content: 'Capital of France?' }],
      response_format: { type: 'json_schema', json_schema: { name: 'city', schema, strict: true } },
    });
    expect(completion.choices[0]).toMatchObject({ message: { content: '{"city":"Paris"}' }, finish_reason: 'stop' });
    expect(completion.choices[0]!.message.tool_calls).toBeUndefined();
    expect(fake.last('/v1/messages').json).toMatchObject({ tools: [{ name: 'json_response', input_schema: schema }], tool_choice: { type: 'tool', name: 'json_response' } });
    const record = await nextRecord();
    expect(record.sharegpt?.conversations.at(-1)).toEqual({ from: 'gpt', value: '{"city":"Paris"}' });
  });

  it('streams the JSON answer as content deltas', async () => {
    fake.answer('claude-sonnet-4-5-json-stream', sse([
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_js","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"usage":{"input_tokens":30,"output_tokens":1}}}\n\n',
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_js","name":"json_response","input":{}}}\n\n',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\\"city\\": "}}\n\n',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"\\"Paris\\"}"}}\n\n',
      'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n',
      'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":12}}\n\n',
      'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    ]));
    const stream = await client.chat.completions.create({ model: 'claude-sonnet-4-5-json-stream', messages: [{ role: 'user', content: 'Capital of France?' }], response_format: { type: 'json_object' }, stream: true });
    let content = '';
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      content += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(JSON.parse(content)).toEqual({ city: 'Paris' });
    expect(finish).toBe('stop');
    await nextRecord();
  });
});

describe('errors through Anthropic', () => {
  it.each<[number, string, abstract new (...args: never[]) => APIError, Record<string, unknown>]>([
    [529, fixtureText('anthropic-messages', 'error.json'), OpenAI.InternalServerError, { status: 529, code: 'overloaded_error', type: 'server_error' }],
    [401, '{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}', OpenAI.AuthenticationError, { status: 401, code: 'authentication_error', type: 'authentication_error' }],
    [400, '{"type":"error","error":{"type":"invalid_request_error","message":"messages: roles must alternate"}}', OpenAI.BadRequestError, { status: 400, code: 'invalid_request_error' }],
  ])('answers Anthropic %i in OpenAI shape with the same status', async (status, body, errorClass, expected) => {
    fake.answer(`claude-error-${status}`, json(status, body));
    const error = await client.chat.completions.create({ model: `claude-error-${status}`, messages: [{ role: 'user', content: 'Hi' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(errorClass);
    expect(error).toMatchObject(expected);
    const record = await nextRecord();
    expect(record).toMatchObject({ status, upstreamProvider: 'anthropic', sharegpt: null });
    expect(record.error).not.toBeNull();
  });

  it('ends the stream with an OpenAI error event when Anthropic fails mid-stream', async () => {
    fake.answer('claude-overloaded', replay('anthropic-messages', 'error-mid-stream'));
    const stream = await client.chat.completions.create({ model: 'claude-overloaded', messages: [{ role: 'user', content: 'Story?' }], stream: true });
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((caught: unknown) => caught);
    expect(text).toBe('Once upon a time, in a quiet village by the sea,');
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toContain('Overloaded');
    const record = await nextRecord();
    expect(record).toMatchObject({ streamed: true, incomplete: true, error: { message: 'Overloaded' } });
  });
});

describe('recording equivalence', () => {
  it('derives the same ShareGPT row as a direct OpenAI exchange with the same content (reasoning and tool call)', async () => {
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: 'You are a weather bot.' },
      { role: 'user', content: 'Weather in Paris for 3 days?' },
    ];
    const tools: ChatCompletionTool[] = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
    fake.answer('claude-equal', replay('anthropic-messages', 'text-and-tool-call'));
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
            content: "I'll look up the current weather in Paris for you.",
            refusal: null,
            tool_calls: [{ id: 'call_direct', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Paris", "days": 3, "include": ["wind", "humidity"]}' } }],
          },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
    }));
    await client.chat.completions.create({ model: 'claude-equal', messages, tools });
    const translated = await nextRecord();
    const stream = await client.chat.completions.create({ model: 'claude-equal', messages, tools, stream: true });
    for await (const chunk of stream) void chunk;
    const translatedStream = await nextRecord();
    await new OpenAI({ apiKey: KEY, baseURL: `${proxy.url}/${fake.domain}/v1`, maxRetries: 0 }).chat.completions.create({ model: 'gpt-direct', messages, tools });
    const direct = await nextRecord();
    expect(direct.upstreamProvider).toBeNull();
    expect(translated.sharegpt).not.toBeNull();
    expect(translated.sharegpt).toEqual(direct.sharegpt);
    expect(translatedStream.sharegpt).toEqual(direct.sharegpt);
  });
});
