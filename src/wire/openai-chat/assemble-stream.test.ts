import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeSseText } from '../../sse/decode-sse.js';
import type { AssembledStream, SseEvent } from '../wire-format.js';
import { createChatStreamAssembler } from './assemble-stream.js';

const sseFixture = (name: string): SseEvent[] =>
  decodeSseText(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'));

function assemble(events: SseEvent[]): AssembledStream {
  const assembler = createChatStreamAssembler();
  for (const event of events) assembler.push(event);
  return assembler.finish();
}

const chunk = (choices: unknown[], extra: Record<string, unknown> = {}): SseEvent => ({
  data: JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm', choices, ...extra }),
});

describe('openai-chat stream assembler', () => {
  it('rebuilds the non-streaming chat.completion body from a text stream', () => {
    const assembled = assemble(sseFixture('openai-text.chunks.txt'));
    expect(assembled.complete).toBe(true);
    expect(assembled.error).toBeUndefined();
    expect(assembled.response).toEqual({
      id: 'chatcmpl-C7uRz4YBtJmAqv0pW8dHnE2sLkXfa',
      object: 'chat.completion',
      created: 1756112040,
      model: 'gpt-4o-mini-2024-07-18',
      system_fingerprint: 'fp_560af6e559',
      service_tier: 'default',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Bonjour ! 👋 Voici trois couleurs :\n\n1. Rouge\n2. Vert\n3. Bleu',
            refusal: null,
          },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
    });
  });

  it('merges a tool call whose arguments arrive in pieces; content stays null', () => {
    const assembled = assemble(sseFixture('openai-tool-call.chunks.txt'));
    expect(assembled.complete).toBe(true);
    const response = assembled.response as { choices: unknown[]; usage: unknown };
    expect(response.choices).toEqual([
      {
        index: 0,
        message: {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_Wq3bN8xK2mYp5TfR1cLzV0aH',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
            },
          ],
          refusal: null,
        },
        logprobs: null,
        finish_reason: 'tool_calls',
      },
    ]);
  });

  it('takes usage from the include_usage chunk (choices: [])', () => {
    const response = assemble(sseFixture('openai-tool-call.chunks.txt')).response as { usage: unknown };
    expect(response.usage).toEqual({
      prompt_tokens: 81,
      completion_tokens: 18,
      total_tokens: 99,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    });
  });

  it('merges parallel tool-call argument deltas by index when they interleave', () => {
    const response = assemble(sseFixture('openai-parallel-tool-calls.chunks.txt')).response as {
      choices: Array<{ message: { tool_calls: unknown } }>;
    };
    expect(response.choices[0]?.message.tool_calls).toEqual([
      {
        id: 'call_4NkR8pWz1QmXc7VbT2yHsL0d',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
      },
      {
        id: 'call_9TfJ3xLq6ZcMw1PrV8nBk5Ys',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Lyon"}' },
      },
    ]);
  });

  it('keeps text and tool calls of the same message', () => {
    const response = assemble(sseFixture('openai-text-and-tool-calls.chunks.txt')).response as {
      choices: Array<{ message: Record<string, unknown> }>;
    };
    expect(response.choices[0]?.message.content).toBe('Let me check the weather in Paris first.');
    expect(response.choices[0]?.message.tool_calls).toEqual([
      {
        id: 'call_Zr5Kq1WmX8pNc3TbV7yLs2Hd',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
      },
    ]);
  });

  it('concatenates DeepSeek reasoning_content deltas and takes usage from the finish chunk', () => {
    const assembled = assemble(sseFixture('deepseek-reasoner.chunks.txt'));
    expect(assembled.complete).toBe(true);
    expect(assembled.response).toEqual({
      id: '8f2c1a7e-3b4d-4e9a-9c61-2d5f7b0e4a13',
      object: 'chat.completion',
      created: 1756112450,
      model: 'deepseek-reasoner',
      system_fingerprint: 'fp_7e0991cad4_prod0820_fp8_kvcache',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: '9.8 更大。',
            reasoning_content: '嗯，用户问9.11和9.8哪个大。比较小数部分：0.11 < 0.80。',
            refusal: null,
          },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 17,
        completion_tokens: 64,
        total_tokens: 81,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 52 },
        prompt_cache_hit_tokens: 0,
        prompt_cache_miss_tokens: 17,
      },
    });
  });

  it('accepts `reasoning` deltas and writes them back as reasoning_content', () => {
    const assembled = assemble([
      chunk([{ index: 0, delta: { role: 'assistant', reasoning: 'Hmm' } }]),
      chunk([{ index: 0, delta: { reasoning: ', yes.' } }]),
      chunk([{ index: 0, delta: { content: 'Yes.' }, finish_reason: 'stop' }]),
      { data: '[DONE]' },
    ]);
    const response = assembled.response as { choices: Array<{ message: Record<string, unknown> }> };
    expect(response.choices[0]?.message.reasoning_content).toBe('Hmm, yes.');
    expect(response.choices[0]?.message.content).toBe('Yes.');
  });

  it('keeps the signed reasoning the compat entry handed out: thinking_blocks and a call’s extra_content', () => {
    const blocks = [{ type: 'thinking', thinking: 'Read it.', signature: 'sig' }];
    const assembled = assemble([
      chunk([{ index: 0, delta: { role: 'assistant', reasoning_content: 'Read it.' } }]),
      chunk([{ index: 0, delta: { thinking_blocks: blocks } }]),
      chunk([{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'read', arguments: '' }, extra_content: { google: { thought_signature: 'ts' } } }] } }]),
      chunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{}' } }] }, finish_reason: 'tool_calls' }]),
      { data: '[DONE]' },
    ]);
    expect((assembled.response as { choices: Array<{ message: unknown }> }).choices[0]!.message).toEqual({
      role: 'assistant',
      content: null,
      reasoning_content: 'Read it.',
      thinking_blocks: blocks,
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'read', arguments: '{}' }, extra_content: { google: { thought_signature: 'ts' } } }],
      refusal: null,
    });
  });

  it('assembles n=2 choices separately, ordered by index', () => {
    const response = assemble(sseFixture('openai-n2.chunks.txt')).response as {
      choices: Array<{ index: number; message: { content: unknown }; finish_reason: unknown }>;
    };
    expect(response.choices.map((choice) => [choice.index, choice.message.content, choice.finish_reason])).toEqual([
      [0, 'Blue whale.', 'stop'],
      [1, 'The blue whale.', 'stop'],
    ]);
  });

  it('reports an error chunk mid-stream and keeps what arrived before it', () => {
    const assembled = assemble(sseFixture('openai-error-mid-stream.chunks.txt'));
    expect(assembled.complete).toBe(false);
    expect(assembled.error).toEqual({
      type: 'server_error',
      message: 'The server had an error while processing your request. Sorry about that!',
    });
    const response = assembled.response as Record<string, unknown> & {
      choices: Array<{ message: { content: unknown }; finish_reason: unknown }>;
    };
    expect(response.choices[0]?.message.content).toBe('Once upon a');
    expect(response.choices[0]?.finish_reason).toBeNull();
    expect(response.error).toEqual({
      message: 'The server had an error while processing your request. Sorry about that!',
      type: 'server_error',
      param: null,
      code: null,
    });
  });

  it('gives the plain error body when an error chunk is all that arrived', () => {
    const assembled = assemble(sseFixture('openai-error.chunks.txt'));
    expect(assembled.response).toEqual({
      error: {
        message: 'The server had an error while processing your request. Sorry about that!',
        type: 'server_error',
        param: null,
        code: null,
      },
    });
    expect(assembled.complete).toBe(false);
  });

  it('reads an `event: error` whose data is the error itself', () => {
    const assembled = assemble([{ event: 'error', data: '{"message":"overloaded","type":"overloaded_error"}' }]);
    expect(assembled.error).toEqual({ type: 'overloaded_error', message: 'overloaded' });
  });

  it('marks a stream without [DONE] incomplete and keeps the text that arrived (torn last event ignored)', () => {
    const assembled = assemble(sseFixture('openai-cut-off.chunks.txt'));
    expect(assembled.complete).toBe(false);
    expect(assembled.error).toBeUndefined();
    const response = assembled.response as { choices: Array<{ message: { content: unknown }; finish_reason: unknown }> };
    expect(response.choices).toHaveLength(1);
    expect(response.choices[0]?.message.content).toBe('The quick brown fox');
    expect(response.choices[0]?.finish_reason).toBeNull();
  });

  it('finish() before any event gives an empty incomplete completion', () => {
    expect(createChatStreamAssembler().finish()).toEqual({
      response: { object: 'chat.completion', choices: [] },
      complete: false,
    });
  });

  it('merges tool-call pieces without an index by id, and repeated names are not concatenated', () => {
    const assembled = assemble([
      chunk([{ index: 0, delta: { role: 'assistant', tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'f', arguments: '{"x"' } }] } }]),
      chunk([{ index: 0, delta: { tool_calls: [{ id: 'call_a', function: { name: 'f', arguments: ':1}' } }] } }]),
      chunk([{ index: 0, delta: { tool_calls: [{ id: 'call_b', type: 'function', function: { name: 'g', arguments: { y: 2 } } }] } }]),
      chunk([{ index: 0, delta: {}, finish_reason: 'tool_calls' }]),
      { data: '[DONE]' },
    ]);
    const response = assembled.response as { choices: Array<{ message: { tool_calls: unknown } }> };
    expect(response.choices[0]?.message.tool_calls).toEqual([
      { id: 'call_a', type: 'function', function: { name: 'f', arguments: '{"x":1}' } },
      { id: 'call_b', type: 'function', function: { name: 'g', arguments: '{"y":2}' } },
    ]);
  });

  it('assembles a legacy function_call stream', () => {
    const assembled = assemble([
      chunk([{ index: 0, delta: { role: 'assistant', content: null, function_call: { name: 'convert', arguments: '' } } }]),
      chunk([{ index: 0, delta: { function_call: { arguments: '{"amount"' } } }]),
      chunk([{ index: 0, delta: { function_call: { arguments: ':1}' } } }]),
      chunk([{ index: 0, delta: {}, finish_reason: 'function_call' }]),
      { data: '[DONE]' },
    ]);
    const response = assembled.response as { choices: Array<{ message: Record<string, unknown> }> };
    expect(response.choices[0]?.message).toEqual({
      role: 'assistant',
      content: null,
      function_call: { name: 'convert', arguments: '{"amount":1}' },
      refusal: null,
    });
  });

  it('concatenates refusal deltas and logprobs content', () => {
    const assembled = assemble([
      chunk([{ index: 0, delta: { role: 'assistant', refusal: "I'm sorry" }, logprobs: { content: [{ token: 'a' }] } }]),
      chunk([{ index: 0, delta: { refusal: ', no.' }, logprobs: { content: [{ token: 'b' }] } }]),
      chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]),
    ]);
    const response = assembled.response as { choices: Array<Record<string, unknown> & { message: Record<string, unknown> }> };
    expect(response.choices[0]?.message.refusal).toBe("I'm sorry, no.");
    expect(response.choices[0]?.logprobs).toEqual({ content: [{ token: 'a' }, { token: 'b' }], refusal: null });
  });

  it('lifts a usage object sent inside a choice (Moonshot) to the top', () => {
    const usage = { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 };
    const assembled = assemble([
      chunk([{ index: 0, delta: { role: 'assistant', content: 'Hi' } }]),
      chunk([{ index: 0, delta: {}, finish_reason: 'stop', usage }]),
      { data: '[DONE]' },
    ]);
    expect((assembled.response as { usage: unknown }).usage).toEqual(usage);
  });

  it('ignores data that is not JSON', () => {
    const assembled = assemble([{ data: ': keep-alive' }, chunk([{ index: 0, delta: { content: 'ok' } }])]);
    const response = assembled.response as { choices: Array<{ message: { content: unknown } }> };
    expect(response.choices[0]?.message.content).toBe('ok');
  });
});
