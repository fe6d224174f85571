import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mapFinishReason } from './map-finish-reason.js';
import { responseToModel } from './response-to-model.js';
import { usageOf } from './usage-of.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'));

describe('openai-chat responseToModel', () => {
  it('reads a text reply with its model, finish reason and usage', () => {
    expect(responseToModel(fixture('openai-text.json'))).toMatchObject({
      id: 'chatcmpl-C7uRyLq2v6ZbN0cT5hJwG1mDsPeXo',
      model: 'gpt-4o-mini-2024-07-18',
      message: {
        role: 'assistant',
        parts: [{ type: 'text', text: 'Bonjour ! 👋 Voici trois couleurs :\n\n1. Rouge\n2. Vert\n3. Bleu' }],
        toolCalls: [],
      },
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: expect.objectContaining({ input: expect.objectContaining({ total: 24, cacheRead: 0 }), output: { total: 19, reasoning: 0 } }),
      warnings: [],
    });
  });

  it('reads parallel tool calls with parsed arguments and no text part for null content', () => {
    const model = responseToModel(fixture('openai-parallel-tool-calls.json'));
    expect(model.message).toMatchObject({
      role: 'assistant',
      parts: [],
      toolCalls: [
        { id: 'call_4NkR8pWz1QmXc7VbT2yHsL0d', name: 'get_weather', arguments: { city: 'Paris' } },
        { id: 'call_9TfJ3xLq6ZcMw1PrV8nBk5Ys', name: 'get_weather', arguments: { city: 'Lyon' } },
      ],
    });
    expect(model.finishReason).toMatchObject({ unified: 'tool_calls', raw: 'tool_calls' });
  });

  it('reads text next to a tool call, and cached prompt tokens', () => {
    const model = responseToModel(fixture('openai-text-and-tool-calls.json'));
    expect(model.message.parts).toMatchObject([{ type: 'text', text: 'Let me check the weather in Paris first.' }]);
    expect(model.message.toolCalls).toMatchObject([
      { id: 'call_Zr5Kq1WmX8pNc3TbV7yLs2Hd', name: 'get_weather', arguments: { city: 'Paris' } },
    ]);
    expect(model.usage).toEqual(expect.objectContaining({ input: expect.objectContaining({ total: 88, cacheRead: 64 }), output: { total: 27, reasoning: 0 } }));
  });

  it('reads DeepSeek reasoning_content and reasoning tokens', () => {
    const model = responseToModel(fixture('deepseek-reasoner.json'));
    expect(model.message).toMatchObject({
      role: 'assistant',
      parts: [{ type: 'text', text: '9.8 更大。' }],
      reasoning: '嗯，用户问9.11和9.8哪个大。比较小数部分：0.11 < 0.80。',
      toolCalls: [],
    });
    expect(model.usage).toEqual(expect.objectContaining({ input: expect.objectContaining({ total: 17, cacheRead: 0 }), output: { total: 64, reasoning: 52 } }));
  });

  it('accepts `reasoning` as the reasoning field some gateways use', () => {
    const model = responseToModel({
      choices: [{ index: 0, message: { role: 'assistant', content: 'Yes.', reasoning: 'Think.' }, finish_reason: 'stop' }],
    });
    expect(model.message.reasoning).toBe('Think.');
  });

  it('reads choices[0] only and warns when n>1', () => {
    const model = responseToModel(fixture('openai-n2.json'));
    expect(model.message.parts).toMatchObject([{ type: 'text', text: 'Blue whale.' }]);
    expect(model.warnings).toMatchObject(['2 choices returned; only choices[0] is read']);
  });

  it('turns an error body into finishReason error with an empty message', () => {
    expect(responseToModel(fixture('openai-error.json'))).toMatchObject({
      message: { role: 'assistant', parts: [], toolCalls: [] },
      finishReason: expect.objectContaining({ unified: 'error' }),
      error: {
        type: 'server_error',
        message: 'The server had an error while processing your request. Sorry about that!',
      },
      warnings: [],
    });
  });

  it('uses the error code when an error has no type', () => {
    const model = responseToModel({ error: { message: 'Rate limit reached', code: 429 } });
    expect(model.error).toMatchObject({ type: '429', message: 'Rate limit reached' });
  });

  it('keeps a refusal as the reply text, with a warning', () => {
    const model = responseToModel({
      model: 'gpt-4o-2024-08-06',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: null, refusal: "I'm sorry, I can't help with that." },
          finish_reason: 'stop',
        },
      ],
    });
    expect(model.message.parts).toMatchObject([{ type: 'text', text: "I'm sorry, I can't help with that." }]);
    expect(model.finishReason.unified).toBe('stop');
    expect(model.warnings).toMatchObject(['the model refused; the refusal is kept as the reply text']);
  });

  it('reads a legacy function_call', () => {
    const model = responseToModel({
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: null, function_call: { name: 'convert', arguments: '{"amount":1}' } },
          finish_reason: 'function_call',
        },
      ],
    });
    expect(model.message.toolCalls).toMatchObject([{ name: 'convert', arguments: { amount: 1 } }]);
    expect(model.finishReason).toMatchObject({ unified: 'tool_calls', raw: 'function_call' });
  });

  it('never throws on odd bodies', () => {
    for (const body of [undefined, null, 'oops', [], { choices: 'x' }, { choices: [null] }]) {
      const model = responseToModel(body);
      expect(model.message).toMatchObject({ role: 'assistant', parts: [], toolCalls: [] });
      expect(model.finishReason.unified).toBe('other');
    }
    expect(responseToModel({}).warnings).toMatchObject(['response has no choices']);
  });
});

describe('openai-chat mapFinishReason', () => {
  it.each([
    ['stop', 'stop'],
    ['length', 'length'],
    ['tool_calls', 'tool_calls'],
    ['function_call', 'tool_calls'],
    ['content_filter', 'content_filter'],
    ['insufficient_system_resource', 'other'],
    [null, 'other'],
    [undefined, 'other'],
  ])('maps %s to %s', (raw, expected) => {
    expect(mapFinishReason(raw ?? undefined)).toMatchObject({ unified: expected, raw: raw ?? undefined });
  });
});

describe('openai-chat usageOf', () => {
  it('returns undefined without a usage object', () => {
    expect(usageOf({})).toBeUndefined();
    expect(usageOf({ usage: null })).toBeUndefined();
    expect(usageOf('nope')).toBeUndefined();
  });

  it('falls back to DeepSeek and Moonshot cache counters', () => {
    expect(usageOf({ usage: { prompt_tokens: 10, prompt_cache_hit_tokens: 6 } })).toEqual(expect.objectContaining({ input: expect.objectContaining({ total: 10, cacheRead: 6 }), output: {  } }));
    expect(usageOf({ usage: { prompt_tokens: 10, cached_tokens: 4 } })).toEqual(expect.objectContaining({ input: expect.objectContaining({ total: 10, cacheRead: 4 }), output: {  } }));
  });
});
