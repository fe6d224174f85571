// Signed reasoning survives clients that drop it (issue 12 §3): the official OpenAI SDK through
// `/v1/chat/completions` to Claude with extended thinking and to a Gemini 3 model, the client
// stripping `thinking_blocks` / `extra_content` between the calls of a tool loop (as opencode does).
// The loopback fakes refuse, in each provider's error shape, a second call lacking the signed block
// or signature, as the real APIs do; the proxy restores them from its cache, and on a miss (a new
// proxy) sends a request the provider accepts (thinking off / Google's skip signature) and warns.
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCompatUpstream, type CompatUpstream } from '../helpers/compat-upstream.js';
import type { ReceivedRequest, Responder } from '../helpers/fake-upstream.js';
import { json, sse } from '../helpers/fake-upstream.js';
import { startTestProxy, type TestProxy } from '../helpers/start-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

const CLAUDE = 'claude-sonnet-4-5-signed';
const GEMINI = 'gemini-3-pro-preview';
const THINKING_SIGNATURE = 'EqQBCkYIBxgCKkDsignedthinking';
const THOUGHT_SIGNATURE = 'CikBjz1rX3signedthought';

const tools: ChatCompletionTool[] = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
const question: ChatCompletionMessageParam = { role: 'user', content: 'Weather in Paris?' };

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const bodyOf = (request: ReceivedRequest): Json => JSON.parse(request.body.toString('utf8')) as Json;

const event = (type: string, data: Json) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
const ANTHROPIC_FIRST_STREAM = [
  event('message_start', { message: { id: 'msg_01stream', type: 'message', role: 'assistant', model: CLAUDE, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 20, output_tokens: 1 } } }),
  event('content_block_start', { index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } }),
  event('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: 'I should look the weather up.' } }),
  event('content_block_delta', { index: 0, delta: { type: 'signature_delta', signature: THINKING_SIGNATURE } }),
  event('content_block_stop', { index: 0 }),
  event('content_block_start', { index: 1, content_block: { type: 'tool_use', id: 'toolu_01Stream', name: 'get_weather', input: {} } }),
  event('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '{"city": "Paris"}' } }),
  event('content_block_stop', { index: 1 }),
  event('message_delta', { delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 30 } }),
  event('message_stop', {}),
];

/** Anthropic: first call → thinking + tool_use; a follow-up with thinking on must lead its last assistant turn with the signed thinking block. */
const anthropicUpstream: Responder = (request, response) => {
  const body = bodyOf(request);
  const messages = body.messages as Json[];
  const assistant = [...messages].reverse().find((message) => message.role === 'assistant');
  if (assistant === undefined && body.stream === true) return sse(ANTHROPIC_FIRST_STREAM)(request, response);
  if (assistant === undefined) {
    return json(200, {
      id: 'msg_01first',
      type: 'message',
      role: 'assistant',
      model: CLAUDE,
      content: [
        { type: 'thinking', thinking: 'I should look the weather up.', signature: THINKING_SIGNATURE },
        { type: 'tool_use', id: 'toolu_01Paris', name: 'get_weather', input: { city: 'Paris' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 20, output_tokens: 30 },
    })(request, response);
  }
  const first = (assistant.content as Json[])[0];
  if (body.thinking?.type === 'enabled' && !(first?.type === 'thinking' && first.signature === THINKING_SIGNATURE)) {
    return json(400, {
      type: 'error',
      error: { type: 'invalid_request_error', message: 'messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`. When `thinking` is enabled, a final `assistant` message must start with a thinking block.' },
    })(request, response);
  }
  return json(200, {
    id: 'msg_01second',
    type: 'message',
    role: 'assistant',
    model: CLAUDE,
    content: [{ type: 'text', text: 'It is 18°C in Paris.' }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 60, output_tokens: 10 },
  })(request, response);
};

/** Gemini 3: first call → functionCall with thoughtSignature; a follow-up's functionCall must carry it (or Google's skip value). */
const geminiUpstream: Responder = (request, response) => {
  const contents = bodyOf(request).contents as Json[];
  const model = contents.find((content) => content.role === 'model');
  if (model === undefined && request.url.includes(':streamGenerateContent')) {
    return sse([`data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: THOUGHT_SIGNATURE }] }, finishReason: 'STOP', index: 0 }], usageMetadata: { promptTokenCount: 20, candidatesTokenCount: 10, totalTokenCount: 30 }, modelVersion: GEMINI })}\r\n\r\n`])(request, response);
  }
  if (model === undefined) {
    return json(200, {
      candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: THOUGHT_SIGNATURE }] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: 20, candidatesTokenCount: 10, totalTokenCount: 30 },
      modelVersion: GEMINI,
    })(request, response);
  }
  const call = (model.parts as Json[]).find((part) => part.functionCall !== undefined);
  if (call?.thoughtSignature !== THOUGHT_SIGNATURE && call?.thoughtSignature !== 'skip_thought_signature_validator') {
    return json(400, { error: { code: 400, message: 'Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly.', status: 'INVALID_ARGUMENT' } })(request, response);
  }
  return json(200, {
    candidates: [{ content: { role: 'model', parts: [{ text: 'It is 18°C in Paris.' }] }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 40, candidatesTokenCount: 8, totalTokenCount: 48 },
    modelVersion: GEMINI,
  })(request, response);
};

let fake: CompatUpstream;

async function startProxy(): Promise<{ proxy: TestProxy; client: OpenAI }> {
  const proxy = await startTestProxy(
    {
      allowed_domains: { [fake.domain]: { https: false } },
      openai_compat: {
        routes: [
          { match: 'gemini-*', provider: 'google', domain: fake.domain },
          { match: 'claude-*', provider: 'anthropic', domain: fake.domain },
        ],
      },
    },
    { logFile: true },
  );
  return { proxy, client: new OpenAI({ apiKey: 'test-key', baseURL: `${proxy.url}/v1`, maxRetries: 0 }) };
}

/** What opencode / the AI SDK sends back: the assistant message without the signed parts. */
function droppingSignedParts(message: OpenAI.Chat.Completions.ChatCompletionMessage): ChatCompletionMessageParam {
  const { thinking_blocks: _blocks, ...rest } = message as typeof message & { thinking_blocks?: unknown };
  return {
    ...rest,
    content: rest.content ?? '',
    tool_calls: (rest.tool_calls ?? []).map((call) => (call.type === 'function' ? { id: call.id, type: 'function' as const, function: call.function } : call)),
  } as ChatCompletionMessageParam;
}

beforeAll(async () => {
  fake = await startCompatUpstream();
  fake.answer(CLAUDE, anthropicUpstream);
  fake.answer(GEMINI, geminiUpstream);
});

afterAll(async () => {
  await fake.close();
});

describe('signed reasoning the client drops', () => {
  let first: Awaited<ReturnType<typeof startProxy>>;
  beforeAll(async () => {
    first = await startProxy();
  });
  afterAll(async () => {
    await first.proxy.close();
  });

  it('the fake refuses a thinking follow-up without the signed thinking block (the test can fail)', async () => {
    const response = await fetch(`http://${fake.domain}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: CLAUDE, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'get_weather', input: {} }] }] }),
    });
    expect(response.status).toBe(400);
  });

  it('Claude with thinking: the thinking block is restored from the cache and the second call succeeds', async () => {
    const answer = await first.client.chat.completions.create({ model: CLAUDE, messages: [question], tools, reasoning_effort: 'low' });
    const message = answer.choices[0]!.message;
    const call = message.tool_calls![0]!;
    const followUp = await first.client.chat.completions.create({
      model: CLAUDE,
      messages: [question, droppingSignedParts(message), { role: 'tool', tool_call_id: call.id, content: '18°C' }],
      tools,
      reasoning_effort: 'low',
    });
    expect(followUp.choices[0]!.message.content).toBe('It is 18°C in Paris.');
    const sent = fake.last('/v1/messages').json as Json;
    expect(sent.thinking).toMatchObject({ type: 'enabled' });
    expect(sent.messages[1].content[0]).toEqual({ type: 'thinking', thinking: 'I should look the weather up.', signature: THINKING_SIGNATURE });
  });

  it('Gemini 3: the thought signature is restored from the cache and the second call succeeds', async () => {
    const answer = await first.client.chat.completions.create({ model: GEMINI, messages: [question], tools });
    const message = answer.choices[0]!.message;
    const call = message.tool_calls![0]!;
    const followUp = await first.client.chat.completions.create({
      model: GEMINI,
      messages: [question, droppingSignedParts(message), { role: 'tool', tool_call_id: call.id, content: '18°C' }],
      tools,
    });
    expect(followUp.choices[0]!.message.content).toBe('It is 18°C in Paris.');
    const model = (fake.last(`/v1beta/models/${GEMINI}`).json.contents as Json[])[1]!;
    expect(model.parts[0].thoughtSignature).toBe(THOUGHT_SIGNATURE);
  });

  it('streamed answers are remembered too (Claude and Gemini 3)', async () => {
    for (const [model, options] of [[CLAUDE, { reasoning_effort: 'low' as const }], [GEMINI, {}]] as const) {
      const stream = await first.client.chat.completions.create({ model, messages: [question], tools, stream: true, ...options });
      let id = '';
      let name = '';
      let args = '';
      for await (const chunk of stream) {
        for (const call of chunk.choices[0]?.delta.tool_calls ?? []) {
          id ||= call.id ?? '';
          name ||= call.function?.name ?? '';
          args += call.function?.arguments ?? '';
        }
      }
      expect(id).not.toBe('');
      // What the AI SDK rebuilds from the stream: reasoning text maybe, signed parts never.
      const assistant: ChatCompletionMessageParam = { role: 'assistant', content: '', tool_calls: [{ id, type: 'function', function: { name, arguments: args } }] };
      const followUp = await first.client.chat.completions.create({ model, messages: [question, assistant, { role: 'tool', tool_call_id: id, content: '18°C' }], tools, ...options });
      expect(followUp.choices[0]!.message.content).toBe('It is 18°C in Paris.');
    }
    expect((fake.last('/v1/messages').json as Json).messages[1].content[0]).toMatchObject({ type: 'thinking', signature: THINKING_SIGNATURE });
    expect(((fake.last(`/v1beta/models/${GEMINI}`).json.contents as Json[])[1]!).parts[0].thoughtSignature).toBe(THOUGHT_SIGNATURE);
  });

  it('a cache miss (a new proxy): Claude is asked with thinking off, Gemini 3 with the skip signature, and a warning is logged', async () => {
    const claudeAnswer = await first.client.chat.completions.create({ model: CLAUDE, messages: [question], tools, reasoning_effort: 'low' });
    const geminiAnswer = await first.client.chat.completions.create({ model: GEMINI, messages: [question], tools });
    const other = await startProxy();
    try {
      const claudeMessage = claudeAnswer.choices[0]!.message;
      const claudeFollowUp = await other.client.chat.completions.create({
        model: CLAUDE,
        messages: [question, droppingSignedParts(claudeMessage), { role: 'tool', tool_call_id: claudeMessage.tool_calls![0]!.id, content: '18°C' }],
        tools,
        reasoning_effort: 'low',
      });
      expect(claudeFollowUp.choices[0]!.message.content).toBe('It is 18°C in Paris.');
      expect(fake.last('/v1/messages').json.thinking).toBeUndefined();

      const geminiMessage = geminiAnswer.choices[0]!.message;
      const geminiFollowUp = await other.client.chat.completions.create({
        model: GEMINI,
        messages: [question, droppingSignedParts(geminiMessage), { role: 'tool', tool_call_id: geminiMessage.tool_calls![0]!.id, content: '18°C' }],
        tools,
      });
      expect(geminiFollowUp.choices[0]!.message.content).toBe('It is 18°C in Paris.');
      const model = (fake.last(`/v1beta/models/${GEMINI}`).json.contents as Json[])[1]!;
      expect(model.parts[0].thoughtSignature).toBe('skip_thought_signature_validator');
    } finally {
      await other.proxy.close();
    }
    const log = () => readFileSync(other.proxy.logFile!, 'utf8');
    await waitFor(() => log().includes('thinking turned off'));
    const warnings = log().split('\n').filter((line) => line.includes('without their signed reasoning'));
    expect(warnings).toHaveLength(2);
    expect(warnings.join('\n')).not.toContain('test-key');
    expect(warnings.every((line) => JSON.parse(line).level === 40)).toBe(true);
  });
});

// The same through `/v1/responses` (Codex's API): the signed thinking block goes out as the
// reasoning item's `encrypted_content`, and so do Gemini's thought signatures (by call id); a client that sends the output items back as they came gets them restored from there,
// one that drops the reasoning item from the cache (by call_id), and a miss is made acceptable.
describe('signed reasoning at /v1/responses', () => {
  let first: Awaited<ReturnType<typeof startProxy>>;
  beforeAll(async () => {
    first = await startProxy();
  });
  afterAll(async () => {
    await first.proxy.close();
  });

  const responseTools: OpenAI.Responses.FunctionTool[] = [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: false }];
  const ask = (client: OpenAI, model: string, input: OpenAI.Responses.ResponseInput) =>
    client.responses.create({ model, input, tools: responseTools, include: ['reasoning.encrypted_content'], store: false, ...(model === CLAUDE ? { reasoning: { effort: 'low' as const } } : {}) });
  const userTurn: OpenAI.Responses.ResponseInputItem = { role: 'user', content: 'Weather in Paris?' };
  /** What a Responses client sends back: the output items (minus ids the API would not take back), then the call's output. */
  const followUpInput = (output: OpenAI.Responses.ResponseOutputItem[], keep: (item: OpenAI.Responses.ResponseOutputItem) => boolean): OpenAI.Responses.ResponseInput => {
    const call = output.find((item): item is OpenAI.Responses.ResponseFunctionToolCall => item.type === 'function_call')!;
    return [userTurn, ...(output.filter(keep) as OpenAI.Responses.ResponseInputItem[]), { type: 'function_call_output', call_id: call.call_id, output: '18°C' }];
  };

  it('Claude with thinking: the signed block is handed out as encrypted_content and taken back from it', async () => {
    const answer = await ask(first.client, CLAUDE, [userTurn]);
    const reasoning = answer.output.find((item) => item.type === 'reasoning');
    expect(reasoning).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: 'I should look the weather up.' }], encrypted_content: expect.stringMatching(/^llm-proxy\.thinking-blocks\.v1:/) });
    const followUp = await ask(first.client, CLAUDE, followUpInput(answer.output, () => true));
    expect(followUp.output_text).toBe('It is 18°C in Paris.');
    const sent = fake.last('/v1/messages').json as Json;
    expect(sent.thinking).toMatchObject({ type: 'enabled' });
    expect(sent.messages[1].content[0]).toEqual({ type: 'thinking', thinking: 'I should look the weather up.', signature: THINKING_SIGNATURE });
  });

  it('Claude with thinking, the client dropping the reasoning item: restored from the cache by call_id', async () => {
    const answer = await ask(first.client, CLAUDE, [userTurn]);
    const followUp = await ask(first.client, CLAUDE, followUpInput(answer.output, (item) => item.type !== 'reasoning'));
    expect(followUp.output_text).toBe('It is 18°C in Paris.');
    expect((fake.last('/v1/messages').json as Json).messages[1].content[0]).toEqual({ type: 'thinking', thinking: 'I should look the weather up.', signature: THINKING_SIGNATURE });
  });

  it('Gemini 3: the thought signature rides in the reasoning item’s encrypted_content and comes back with it', async () => {
    const answer = await ask(first.client, GEMINI, [userTurn]);
    const call = answer.output.find((item) => item.type === 'function_call')!;
    expect(answer.output[0]).toMatchObject({ type: 'reasoning', encrypted_content: expect.stringMatching(/^llm-proxy\.thought-signatures\.v1:/) });
    expect(call).toMatchObject({ call_id: expect.stringMatching(/^call_[A-Za-z0-9_-]+$/) });
    // A new proxy (nothing cached): the signature can only come from the item sent back.
    const other = await startProxy();
    const followUp = await ask(other.client, GEMINI, followUpInput(answer.output, () => true)).finally(() => other.proxy.close());
    expect(followUp.output_text).toBe('It is 18°C in Paris.');
    const model = (fake.last(`/v1beta/models/${GEMINI}`).json.contents as Json[])[1]!;
    expect(model.parts[0].thoughtSignature).toBe(THOUGHT_SIGNATURE);
  });

  it('streamed: the completed response carries the signed block, and a dropped one comes from the cache', async () => {
    const stream = await first.client.responses.create({ model: CLAUDE, input: [userTurn], tools: responseTools, reasoning: { effort: 'low' }, stream: true, store: false });
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) if (event.type === 'response.completed') completed = event.response;
    expect(completed?.output.find((item) => item.type === 'reasoning')).toMatchObject({ encrypted_content: expect.stringMatching(/^llm-proxy\.thinking-blocks\.v1:/) });
    const followUp = await ask(first.client, CLAUDE, followUpInput(completed!.output, (item) => item.type !== 'reasoning'));
    expect(followUp.output_text).toBe('It is 18°C in Paris.');
    expect((fake.last('/v1/messages').json as Json).messages[1].content[0]).toMatchObject({ type: 'thinking', signature: THINKING_SIGNATURE });
  });

  it('a cache miss (a new proxy, the signed parts dropped): Claude is asked with thinking off, Gemini 3 with the skip signature, and a warning is logged', async () => {
    const answer = await ask(first.client, CLAUDE, [userTurn]);
    const other = await startProxy();
    try {
      const followUp = await ask(other.client, CLAUDE, followUpInput(answer.output, (item) => item.type !== 'reasoning'));
      expect(followUp.output_text).toBe('It is 18°C in Paris.');
      expect(fake.last('/v1/messages').json.thinking).toBeUndefined();
      // A client that rebuilt the call with an id of its own: no carrier, nothing cached.
      const geminiFollowUp = await ask(other.client, GEMINI, [userTurn, { type: 'function_call', call_id: 'call_own', name: 'get_weather', arguments: '{"city":"Paris"}' }, { type: 'function_call_output', call_id: 'call_own', output: '18°C' }]);
      expect(geminiFollowUp.output_text).toBe('It is 18°C in Paris.');
      expect(((fake.last(`/v1beta/models/${GEMINI}`).json.contents as Json[])[1]!).parts[0].thoughtSignature).toBe('skip_thought_signature_validator');
    } finally {
      await other.proxy.close();
    }
    const log = () => readFileSync(other.proxy.logFile!, 'utf8');
    await waitFor(() => log().includes('skip_thought_signature_validator'));
    expect(log().split('\n').filter((line) => line.includes('without their signed reasoning'))).toHaveLength(2);
  });
});
