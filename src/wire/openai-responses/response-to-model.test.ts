import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mapFinishReason } from './map-finish-reason.js';
import { responseToModel } from './response-to-model.js';
import { usageOf } from './usage-of.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'));

describe('openai-responses responseToModel', () => {
  it('reads a text response with model, status and usage', () => {
    expect(responseToModel(fixture('openai-responses-text.json'))).toMatchObject({
      id: 'resp_68ac1f09e1a48190a7b6c5d4e3f2a1b00f1e2d3c4b5a6978',
      model: 'gpt-4.1-mini-2025-04-14',
      message: { role: 'assistant', parts: [{ type: 'text', text: 'Paris is the capital of France. 🇫🇷' }], toolCalls: [] },
      finishReason: { unified: 'stop', raw: 'completed' },
      usage: expect.objectContaining({ input: expect.objectContaining({ total: 27, cacheRead: 0 }), output: { total: 10, reasoning: 0 } }),
      warnings: [],
    });
  });

  it('reads a function call: call_id is the id, arguments parsed, finish reason tool_calls', () => {
    const model = responseToModel(fixture('openai-responses-tool-call.json'));
    expect(model.message).toMatchObject({
      role: 'assistant',
      parts: [],
      toolCalls: [{ id: 'call_kP4xZ9qW2mN7vB1cR8tY5sLd', name: 'get_weather', arguments: { city: 'Paris' } }],
    });
    expect(model.finishReason).toMatchObject({ unified: 'tool_calls', raw: 'completed' });
  });

  it('reads text and parallel calls into one message', () => {
    const model = responseToModel(fixture('openai-responses-parallel-tool-calls.json'));
    expect(model.message).toMatchObject({
      role: 'assistant',
      parts: [{ type: 'text', text: 'Checking both cities.' }],
      toolCalls: [
        { id: 'call_Vn3cX8mQ1wZ6pL4tR9bK2yHs', name: 'get_weather', arguments: { city: 'Paris' } },
        { id: 'call_Jd7sT2kW9qM4xN1vB6cP8rLz', name: 'get_weather', arguments: { city: 'Lyon' } },
      ],
    });
  });

  it('joins reasoning summary texts with a blank line and reads reasoning tokens', () => {
    const model = responseToModel(fixture('openai-responses-reasoning.json'));
    expect(model.message).toMatchObject({
      role: 'assistant',
      parts: [{ type: 'text', text: '9.8 is larger.' }],
      reasoning:
        '**Comparing decimals**\n\nI compare 9.11 and 9.8 by their tenths digit.\n\n**Answer**\n\n9.8 has 8 tenths, 9.11 has 1.',
      toolCalls: [],
    });
    expect(model.usage).toEqual(expect.objectContaining({ input: expect.objectContaining({ total: 21, cacheRead: 0 }), output: { total: 212, reasoning: 192 } }));
  });

  it('maps incomplete max_output_tokens to length and keeps the reason raw', () => {
    const model = responseToModel(fixture('openai-responses-incomplete.json'));
    expect(model.finishReason).toMatchObject({ unified: 'length', raw: 'max_output_tokens' });
    expect(model.message.parts).toMatchObject([
      { type: 'text', text: 'Once upon a time, in a land far, far away, there lived a' },
    ]);
  });

  it('reads a failed response as an error', () => {
    const model = responseToModel(fixture('openai-responses-failed.json'));
    expect(model.finishReason).toMatchObject({ unified: 'error', raw: 'failed' });
    expect(model.error).toMatchObject({
      type: 'insufficient_quota',
      message:
        'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
    });
    expect(model.message).toMatchObject({ role: 'assistant', parts: [], toolCalls: [] });
  });

  it('reads an error body', () => {
    expect(responseToModel(fixture('openai-responses-error.json'))).toMatchObject({
      message: { role: 'assistant', parts: [], toolCalls: [] },
      finishReason: expect.objectContaining({ unified: 'error' }),
      error: {
        type: 'invalid_request_error',
        message:
          "Invalid type for 'input[2].content': expected one of an array of objects or string, but got an object instead.",
      },
      warnings: [],
    });
  });

  it('keeps a refusal as text and notes built-in tool items', () => {
    const model = responseToModel({
      status: 'completed',
      output: [
        { type: 'web_search_call', id: 'ws_1', status: 'completed' },
        { type: 'message', role: 'assistant', content: [{ type: 'refusal', refusal: "I can't help with that." }] },
      ],
    });
    expect(model.message.parts).toMatchObject([{ type: 'text', text: "I can't help with that." }]);
    expect(model.finishReason.unified).toBe('stop');
    expect(model.warnings).toMatchObject([
      'output[0]: output item of type "web_search_call" not represented',
      'output[1]: the model refused; the refusal is kept as the reply text',
    ]);
  });

  it('never throws on odd bodies', () => {
    for (const body of [undefined, null, 'x', [], { output: 'nope' }, { output: [null] }]) {
      const model = responseToModel(body);
      expect(model.message).toMatchObject({ role: 'assistant', parts: [], toolCalls: [] });
      expect(model.finishReason.unified).toBe('other');
    }
  });
});

describe('openai-responses mapFinishReason', () => {
  it.each([
    ['completed', undefined, false, 'stop'],
    ['completed', undefined, true, 'tool_calls'],
    ['incomplete', 'max_output_tokens', false, 'length'],
    ['incomplete', 'content_filter', false, 'content_filter'],
    ['incomplete', undefined, false, 'other'],
    ['failed', undefined, false, 'error'],
    ['in_progress', undefined, false, 'other'],
    ['cancelled', undefined, false, 'other'],
    [undefined, undefined, false, 'other'],
  ])('status %s (%s, calls: %s) → %s', (status, reason, calls, expected) => {
    expect(mapFinishReason(status, reason, calls).unified).toBe(expected);
  });
});

describe('openai-responses usageOf', () => {
  it('maps input, output, total, reasoning and cached tokens', () => {
    expect(
      usageOf({
        usage: {
          input_tokens: 100,
          input_tokens_details: { cached_tokens: 80 },
          output_tokens: 30,
          output_tokens_details: { reasoning_tokens: 12 },
          total_tokens: 130,
        },
      }),
    ).toEqual(expect.objectContaining({ input: expect.objectContaining({ total: 100, cacheRead: 80 }), output: { total: 30, reasoning: 12 } }));
  });

  it('returns undefined without usage', () => {
    expect(usageOf({ usage: null })).toBeUndefined();
    expect(usageOf(undefined)).toBeUndefined();
  });
});
