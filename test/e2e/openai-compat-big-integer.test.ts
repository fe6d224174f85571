// A non-streamed answer through the OpenAI-compatible entry keeps a tool argument's long integer
// digit for digit: the upstream body is parsed losslessly before translation (JSON.parse would
// turn 1234567890123456789 into 1234567890123456800). Real OpenAI SDK, loopback Anthropic fake
// answering the recorded fixture's exact bytes.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryRecording, startCompatUpstream, type CompatUpstream, type MemoryRecording } from '../helpers/compat-upstream.js';
import { fixtureText } from '../helpers/fixtures.js';
import { startTestProxy, type TestProxy } from '../helpers/start-proxy.js';

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
      openai_compat: { routes: [{ match: 'claude-*', provider: 'anthropic', domain: fake.domain }] },
    },
    { recording: async () => recording },
  );
  client = new OpenAI({ apiKey: 'test-anthropic-key-not-real', baseURL: `${proxy.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await fake.close();
});

describe('non-streamed answers through the entry', () => {
  it('keeps a big-integer tool argument exact', async () => {
    const exactBody = fixtureText('anthropic-messages', 'tool-call-big-integer.json');
    expect(exactBody).toContain('1234567890123456789');
    fake.answer('claude-sonnet-4-5', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(exactBody);
    });
    const completion = await client.chat.completions.create({
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'Tell channel 1234567890123456789 the deploy finished.' }],
      tools: [{ type: 'function', function: { name: 'post_message', parameters: { type: 'object', properties: { channel_id: { type: 'integer' }, text: { type: 'string' } } } } }],
    });
    const call = completion.choices[0]!.message.tool_calls![0]!;
    expect(call.type === 'function' && call.function.arguments).toBe('{"channel_id":1234567890123456789,"text":"Deploy finished"}');
    const record = await recording.nth(1);
    expect(record.responseBody).toContain('1234567890123456789');
  });
});
