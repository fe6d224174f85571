// POST /v1/responses at the OpenAI-compatible entry (issue 12 §3), with the official OpenAI SDK
// as the client: translated to Anthropic and Gemini (text, streaming, function calls, signed
// reasoning carried back, errors) and passed through to OpenAI routes; recorded as the client saw
// it (openai-responses). Unserved /v1 paths answer with the list of what is served.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeRecord } from '../../src/capture/exchange.js';
import { memoryRecording, replay, startCompatUpstream, type CompatUpstream, type MemoryRecording } from '../helpers/compat-upstream.js';
import { framesOf, json, sse } from '../helpers/fake-upstream.js';
import { fixtureText } from '../helpers/fixtures.js';
import { startTestProxy, type TestProxy } from '../helpers/start-proxy.js';

const KEY = 'responses-test-key';
const ANTHROPIC_TEXT = "Hello! I'm doing well, thank you for asking. How can I help you today?";
const GEMINI_TEXT = 'Artificial intelligence learns patterns from data to make predictions or decisions, much like a student learning from examples.';

let fake: CompatUpstream;
let proxy: TestProxy;
let recording: MemoryRecording;
let client: OpenAI;
let seen = 0;
const nextRecord = (): Promise<ExchangeRecord> => recording.nth(++seen);
const lastBody = (prefix: string) => fake.last(prefix).json;

beforeAll(async () => {
  fake = await startCompatUpstream();
  recording = memoryRecording();
  proxy = await startTestProxy(
    {
      allowed_domains: { [fake.domain]: { https: false } },
      openai_compat: {
        routes: [
          { match: 'claude-*', provider: 'anthropic', domain: fake.domain },
          { match: 'gemini-*', provider: 'google', domain: fake.domain },
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

describe('Responses translated to Anthropic', () => {
  it('answers a text request as a Response; instructions become the system prompt', async () => {
    fake.answer('claude-sonnet-4-5', replay('anthropic-messages', 'text'));
    const response = await client.responses.create({ model: 'claude-sonnet-4-5', instructions: 'Be brief.', input: 'How are you?', max_output_tokens: 200 });
    expect(response).toMatchObject({ object: 'response', status: 'completed', model: 'claude-sonnet-4-5-20250929' });
    expect(response.output_text).toBe(ANTHROPIC_TEXT);
    expect(response.usage).toMatchObject({ input_tokens: 14 });
    const sent = lastBody('/v1/messages');
    expect(sent).toMatchObject({ model: 'claude-sonnet-4-5', system: [{ type: 'text', text: 'Be brief.' }], max_tokens: 200, messages: [{ role: 'user', content: [{ type: 'text', text: 'How are you?' }] }] });
    expect(fake.last('/v1/messages').headers['x-api-key']).toBe(KEY);
    const record = await nextRecord();
    expect(record).toMatchObject({ path: '/v1/responses', wireFormat: 'openai-responses', upstreamProvider: 'anthropic', streamed: false, incomplete: false, error: null });
    expect(record.sharegpt?.conversations).toEqual([
      { from: 'human', value: 'How are you?' },
      { from: 'gpt', value: ANTHROPIC_TEXT },
    ]);
  });

  it('streams Responses events the SDK accumulates into the final response', async () => {
    fake.answer('claude-sonnet-4-5', replay('anthropic-messages', 'text'));
    const stream = client.responses.stream({ model: 'claude-sonnet-4-5', input: 'How are you?' });
    const types: string[] = [];
    let deltas = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') deltas += event.delta;
    }
    const final = await stream.finalResponse();
    expect(deltas).toBe(ANTHROPIC_TEXT);
    expect(final.output_text).toBe(ANTHROPIC_TEXT);
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    const record = await nextRecord();
    expect(record).toMatchObject({ wireFormat: 'openai-responses', streamed: true, incomplete: false, error: null });
    expect(record.sharegpt?.conversations.at(-1)).toEqual({ from: 'gpt', value: ANTHROPIC_TEXT });
  });

  it('turns a tool_use into a function_call item, and function_call_output into a tool_result', async () => {
    fake.answer('claude-sonnet-4-5', replay('anthropic-messages', 'tool-call'));
    const tools = [{ type: 'function' as const, name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { location: { type: 'string' } } }, strict: false }];
    const first = await client.responses.create({ model: 'claude-sonnet-4-5', input: 'Weather in SF?', tools });
    const call = first.output.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({ type: 'function_call', call_id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather' });
    expect(JSON.parse((call as { arguments: string }).arguments)).toEqual({ location: 'San Francisco, CA', unit: 'fahrenheit' });
    expect(lastBody('/v1/messages').tools).toMatchObject([{ name: 'get_weather', input_schema: { type: 'object' } }]);
    await nextRecord();

    fake.answer('claude-sonnet-4-5', replay('anthropic-messages', 'text'));
    await client.responses.create({
      model: 'claude-sonnet-4-5',
      tools,
      input: [
        { role: 'user', content: 'Weather in SF?' },
        { type: 'function_call', call_id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', arguments: '{"location":"San Francisco, CA"}' },
        { type: 'function_call_output', call_id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', output: '64°F, sunny' },
      ],
    });
    const messages = lastBody('/v1/messages').messages as Array<{ role: string; content: unknown }>;
    expect(messages[1]).toMatchObject({ role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather' }] });
    expect(messages[2]).toMatchObject({ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6' }] });
    await nextRecord();
  });

  it('hands signed thinking out as a reasoning item and restores the signature when it comes back', async () => {
    fake.answer('claude-sonnet-4-5', replay('anthropic-messages', 'thinking'));
    const stream = client.responses.stream({ model: 'claude-sonnet-4-5', input: 'What is 925 / 5?', reasoning: { effort: 'low' } });
    const final = await stream.finalResponse();
    const reasoning = final.output.find((item) => item.type === 'reasoning') as { summary: Array<{ text: string }>; encrypted_content?: string } | undefined;
    expect(reasoning?.summary[0]?.text).toContain('925');
    expect(reasoning?.encrypted_content).toBeTypeOf('string');
    await nextRecord();

    fake.answer('claude-sonnet-4-5', replay('anthropic-messages', 'text'));
    await client.responses.create({
      model: 'claude-sonnet-4-5',
      reasoning: { effort: 'low' },
      input: [{ role: 'user', content: 'What is 925 / 5?' }, ...(final.output as never[]), { role: 'user', content: 'Thanks' }],
    });
    const messages = lastBody('/v1/messages').messages as Array<{ role: string; content: Array<{ type: string; signature?: string }> }>;
    const thinking = messages[1]?.content.find((block) => block.type === 'thinking');
    expect(thinking?.signature).toMatch(/^EvQB/);
    await nextRecord();
  });

  it('passes an upstream error on in OpenAI shape with its status', async () => {
    fake.answer('claude-bad', json(400, { type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: too large' } }));
    const error = await client.responses.create({ model: 'claude-bad', input: 'x' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toContain('max_tokens: too large');
    await nextRecord();
  });

  it('refuses previous_response_id (no conversation state is kept) with 400', async () => {
    const error = await client.responses.create({ model: 'claude-sonnet-4-5', input: 'x', previous_response_id: 'resp_1' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toContain('previous_response_id');
  });
});

describe('Responses translated to Gemini', () => {
  it('streams a Gemini answer as Responses events, usage in response.completed', async () => {
    fake.answer('gemini-2.5-flash', replay('gemini', 'text'));
    const events = await client.responses.create({ model: 'gemini-2.5-flash', input: 'What is AI?', stream: true });
    let completed: OpenAI.Responses.Response | undefined;
    let text = '';
    for await (const event of events) {
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') completed = event.response;
    }
    expect(text).toBe(GEMINI_TEXT);
    expect(completed?.usage).toMatchObject({ input_tokens: 8 });
    expect(fake.last('/v1beta/models/gemini-2.5-flash:streamGenerateContent').json).toMatchObject({ contents: [{ role: 'user', parts: [{ text: 'What is AI?' }] }] });
    const record = await nextRecord();
    expect(record).toMatchObject({ wireFormat: 'openai-responses', upstreamProvider: 'google', streamed: true, incomplete: false });
    expect(record.sharegpt?.conversations.at(-1)).toEqual({ from: 'gpt', value: GEMINI_TEXT });
  });
});

describe('Responses translated to Gemini: thought signatures', () => {
  it('carries a function call\'s thought signature in the reasoning item before it and sends it back to Gemini', async () => {
    fake.answer('gemini-3-pro', replay('gemini', 'tool-call'));
    const stream = client.responses.stream({ model: 'gemini-3-pro', input: 'Weather?', tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: {} }, strict: false }] });
    const final = await stream.finalResponse();
    const call = final.output.find((item) => item.type === 'function_call') as { call_id: string; name: string; arguments: string } | undefined;
    expect(call?.name).toBeDefined();
    const reasoning = final.output.find((item) => item.type === 'reasoning') as { encrypted_content?: string } | undefined;
    expect(reasoning?.encrypted_content).toMatch(/^llm-proxy\.thought-signatures\.v1:/);
    await nextRecord();

    fake.answer('gemini-3-pro', replay('gemini', 'text'));
    await client.responses.create({
      model: 'gemini-3-pro',
      input: [{ role: 'user', content: 'Weather?' }, { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: reasoning!.encrypted_content! }, { type: 'function_call', call_id: call!.call_id, name: call!.name, arguments: call!.arguments }, { type: 'function_call_output', call_id: call!.call_id, output: 'sunny' }],
    });
    const contents = fake.last('/v1beta/models/gemini-3-pro:generateContent').json.contents as Array<{ role: string; parts: Array<Record<string, unknown>> }>;
    const modelTurn = contents.find((content) => content.role === 'model');
    expect(String(modelTurn?.parts.find((part) => part.functionCall !== undefined)?.thoughtSignature)).toMatch(/^EqUCCqICAb4/);
    await nextRecord();
  });
});

describe('Responses passed through to an OpenAI route', () => {
  it('sends the request unchanged and pipes the answer back', async () => {
    fake.answer('gpt-5', sse(framesOf(fixtureText('openai-responses', 'openai-responses-text.chunks.txt').replace(/\r\n/g, '\n'))));
    const stream = client.responses.stream({ model: 'gpt-5', input: 'Hi' });
    const final = await stream.finalResponse();
    expect(final.status).toBe('completed');
    expect(fake.last('/v1/responses').json).toMatchObject({ model: 'gpt-5', input: 'Hi', stream: true });
    expect(fake.last('/v1/responses').headers['authorization']).toBe(`Bearer ${KEY}`);
    const record = await nextRecord();
    expect(record).toMatchObject({ wireFormat: 'openai-responses', upstreamProvider: 'openai', streamed: true, incomplete: false });
  });
});

describe('unserved /v1 paths', () => {
  it('answer 404 naming the routes that exist, not "v1 is not a domain"', async () => {
    const response = await fetch(`${proxy.url}/v1/audio/speech`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('not_found');
    expect(body.error.message).toContain('POST /v1/responses');
    expect(body.error.message).toContain('POST /v1/chat/completions');
    expect(body.error.message).toContain('/api.openai.com/v1/audio/speech');
  });
});
