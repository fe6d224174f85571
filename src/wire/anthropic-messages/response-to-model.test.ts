import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { responseToModel } from './response-to-model.js';
import { usageOf } from './convert-usage.js';

const fixtureJson = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'));

describe('anthropic responseToModel', () => {
  it('reads a text reply with stop reason, model and usage', () => {
    expect(responseToModel(fixtureJson('text.json'))).toMatchObject({
      id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
      model: 'claude-sonnet-4-5-20250929',
      message: {
        role: 'assistant',
        parts: [{ type: 'text', text: "Hello! I'm doing well, thank you for asking. How can I help you today?" }],
        toolCalls: [],
      },
      finishReason: { unified: 'stop', raw: 'end_turn' },
      usage: expect.objectContaining({ input: expect.objectContaining({ total: 14, cacheRead: 0 }), output: { total: 21 } }),
      warnings: [],
    });
  });

  it('reads parallel tool_use blocks as tool calls in order, with object arguments and ids', () => {
    const model = responseToModel(fixtureJson('parallel-tool-calls.json'));
    expect(model.finishReason).toMatchObject({ unified: 'tool_calls', raw: 'tool_use' });
    expect(model.message.parts).toMatchObject([]);
    expect(model.message.toolCalls).toMatchObject([
      { id: 'toolu_01GgLz3fVvaHbyBh5N5Nnnx8', name: 'get_weather', arguments: { city: 'Paris' } },
      { id: 'toolu_01R6dWv3a6ZDprQ6jGrm3Yvk', name: 'get_weather', arguments: { city: 'Tokyo' } },
      { id: 'toolu_01JqW8KuWSGFgqQFpVPnVSvC', name: 'get_time', arguments: {} },
    ]);
    expect(model.usage).toEqual(expect.objectContaining({ input: expect.objectContaining({ total: 904, noCache: 520, cacheRead: 384, cacheWrite: 0 }), output: { total: 121 } }));
  });

  it('keeps text next to tool calls', () => {
    const model = responseToModel(fixtureJson('text-and-tool-call.json'));
    expect(model.message.parts).toMatchObject([
      { type: 'text', text: "I'll look up the current weather in Paris for you." },
    ]);
    expect(model.message.toolCalls).toMatchObject([
      {
        id: 'toolu_01QE1WLsSVp5hy5Q3GmGTmjP',
        name: 'get_weather',
        arguments: { city: 'Paris', days: 3, include: ['wind', 'humidity'] },
      },
    ]);
  });

  it('reads thinking blocks as reasoning; the signature stays out of it, kept only on reasoningBlocks', () => {
    const model = responseToModel(fixtureJson('thinking.json'));
    expect(model.message.reasoning).toBe(
      'The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185',
    );
    expect(model.message.parts).toMatchObject([{ type: 'text', text: '925 ÷ 5 = 185' }]);
    const { reasoningBlocks, ...training } = model.message;
    expect(JSON.stringify(training)).not.toContain('EvQBCkYI');
    expect(reasoningBlocks?.[0]).toMatchObject({ type: 'thinking', signature: expect.stringMatching(/^EvQBCkYI/) });
  });

  it('joins several thinking blocks with a blank line and warns about redacted thinking', () => {
    const model = responseToModel({
      content: [
        { type: 'thinking', thinking: 'first', signature: 's1' },
        { type: 'redacted_thinking', data: 'xyz' },
        { type: 'thinking', thinking: 'second', signature: 's2' },
        { type: 'text', text: 'answer' },
      ],
      stop_reason: 'end_turn',
    });
    expect(model.message.reasoning).toBe('first\n\nsecond');
    expect(model.warnings).toMatchObject(['response: redacted_thinking block dropped (its content is encrypted)']);
  });

  it('maps an error body to error with finishReason error', () => {
    expect(responseToModel(fixtureJson('error.json'))).toMatchObject({
      message: { role: 'assistant', parts: [], toolCalls: [] },
      finishReason: expect.objectContaining({ unified: 'error' }),
      error: { type: 'overloaded_error', message: 'Overloaded' },
      warnings: [],
    });
  });

  it('maps max_tokens to length and refusal to content_filter, keeping the raw reason', () => {
    expect(responseToModel({ content: [], stop_reason: 'max_tokens' })).toMatchObject({
      finishReason: { unified: 'length', raw: 'max_tokens' },
    });
    expect(responseToModel({ content: [], stop_reason: 'refusal' })).toMatchObject({
      finishReason: { unified: 'content_filter', raw: 'refusal' },
    });
    expect(responseToModel({ content: [], stop_reason: 'pause_turn' })).toMatchObject({
      finishReason: { unified: 'other', raw: 'pause_turn' },
    });
  });

  it('drops server tool blocks with a warning instead of failing', () => {
    const model = responseToModel({
      content: [
        { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'x' } },
        { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] },
        { type: 'text', text: 'Found it.' },
      ],
      stop_reason: 'end_turn',
    });
    expect(model.message.parts).toMatchObject([{ type: 'text', text: 'Found it.' }]);
    expect(model.message.toolCalls).toMatchObject([]);
    expect(model.warnings).toMatchObject([
      'response: server_tool_use block dropped',
      'response: web_search_tool_result block dropped',
    ]);
  });

  it('never throws on odd shapes', () => {
    expect(responseToModel(null)).toMatchObject({
      message: { role: 'assistant', parts: [], toolCalls: [] },
      finishReason: expect.objectContaining({ unified: 'other' }),
      warnings: ['response body is not a JSON object'],
    });
    expect(responseToModel({ content: 'plain', usage: 'nope' }).message.parts).toMatchObject([
      { type: 'text', text: 'plain' },
    ]);
  });

  it('usageOf reads usage without the rest of the body', () => {
    expect(usageOf({ usage: { input_tokens: 3, output_tokens: 4 } })).toEqual(expect.objectContaining({ input: expect.objectContaining({ total: 3 }), output: { total: 4 } }));
    expect(usageOf({})).toBeUndefined();
  });
});
