import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { usageOf } from './convert-usage.js';
import { responseToModel } from './response-to-model.js';

const fixtureJson = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'));

describe('gemini responseToModel', () => {
  it('reads a text reply with finish reason, model version and usage', () => {
    expect(responseToModel(fixtureJson('text.json'))).toMatchObject({
      id: '65E2aavdMaiU1e8P246LmAc',
      model: 'gemini-2.5-flash',
      message: {
        role: 'assistant',
        parts: [
          {
            type: 'text',
            text: 'Artificial intelligence learns patterns from data to make predictions or decisions, much like a student learning from examples.',
          },
        ],
        toolCalls: [],
      },
      finishReason: { unified: 'stop', raw: 'STOP' },
      usage: expect.objectContaining({ input: expect.objectContaining({ total: 8 }), output: { total: 333, reasoning: 312 } }),
      warnings: [],
    });
  });

  it('reads STOP with function calls as tool_calls, without ids when Gemini sent none', () => {
    const model = responseToModel(fixtureJson('parallel-tool-calls.json'));
    expect(model.finishReason).toMatchObject({ unified: 'tool_calls', raw: 'STOP' });
    expect(model.message.parts).toMatchObject([]);
    expect(model.message.toolCalls).toMatchObject([
      { name: 'get_weather', arguments: { city: 'Paris' } },
      { name: 'get_weather', arguments: { city: 'Tokyo' } },
      { name: 'get_time', arguments: {} },
    ]);
  });

  it('keeps a functionCall id when given, and its thoughtSignature only as the call signature', () => {
    const model = responseToModel({
      candidates: [
        {
          content: {
            role: 'model',
            parts: [{ functionCall: { id: 'fc_1', name: 'lookup', args: { q: 'x' } }, thoughtSignature: 'SIG' }],
          },
          finishReason: 'STOP',
        },
      ],
    });
    expect(model.message.toolCalls).toEqual([{ id: 'fc_1', name: 'lookup', arguments: { q: 'x' }, argumentsText: '{"q":"x"}', signature: 'SIG' }]);
  });

  it('keeps text next to a function call', () => {
    const model = responseToModel(fixtureJson('text-and-tool-call.json'));
    expect(model.message.parts).toMatchObject([{ type: 'text', text: "I'll check the current weather in Paris for you.\n" }]);
    expect(model.message.toolCalls).toMatchObject([
      { name: 'get_weather', arguments: { city: 'Paris', days: 3, include: ['wind', 'humidity'] } },
    ]);
  });

  it('reads thought parts as reasoning, apart from the visible text', () => {
    const model = responseToModel(fixtureJson('thinking.json'));
    expect(model.message.reasoning).toBe(
      '**Calculating the product**\n\nThe user asks for 17 × 23. 17 × 20 = 340 and 17 × 3 = 51, so the answer is 391.\n',
    );
    expect(model.message.parts).toMatchObject([{ type: 'text', text: '17 × 23 = 391.' }]);
    expect(model.usage).toEqual(expect.objectContaining({ input: expect.objectContaining({ total: 12 }), output: { total: 210, reasoning: 201 } }));
  });

  it('concatenates adjacent text parts of one kind and joins separate thought runs with a blank line', () => {
    const model = responseToModel({
      candidates: [
        {
          content: {
            parts: [
              { text: 'think ', thought: true },
              { text: 'more', thought: true },
              { text: 'Hello, ' },
              { text: 'world' },
              { text: '', thoughtSignature: 'S' },
              { functionCall: { name: 'f' } },
              { text: 'again', thought: true },
              { text: 'after' },
            ],
          },
          finishReason: 'STOP',
        },
      ],
    });
    expect(model.message.reasoning).toBe('think more\n\nagain');
    expect(model.message.parts).toMatchObject([
      { type: 'text', text: 'Hello, world' },
      { type: 'text', text: 'after' },
    ]);
  });

  it.each([
    ['MAX_TOKENS', 'length'],
    ['SAFETY', 'content_filter'],
    ['RECITATION', 'content_filter'],
    ['MALFORMED_FUNCTION_CALL', 'other'],
  ] as const)('maps finishReason %s to %s and keeps the raw value', (raw, expected) => {
    const model = responseToModel({ candidates: [{ finishReason: raw, index: 0 }] });
    expect(model.finishReason.unified).toBe(expected);
    expect(model.finishReason.raw).toBe(raw);
    expect(model.message).toMatchObject({ role: 'assistant', parts: [], toolCalls: [] });
  });

  it('reads a prompt blocked before generation as content_filter', () => {
    expect(responseToModel(fixtureJson('prompt-blocked.json'))).toMatchObject({
      id: 'EXCPatOAKMrQjMcPteHVmQo',
      model: 'gemini-2.5-flash',
      message: { role: 'assistant', parts: [], toolCalls: [] },
      finishReason: { unified: 'content_filter', raw: 'PROHIBITED_CONTENT' },
      usage: expect.objectContaining({ input: expect.objectContaining({ total: 9 }), output: {  } }),
      warnings: [],
    });
  });

  it('maps an error body to error with finishReason error', () => {
    expect(responseToModel(fixtureJson('error.json'))).toMatchObject({
      message: { role: 'assistant', parts: [], toolCalls: [] },
      finishReason: expect.objectContaining({ unified: 'error' }),
      error: { type: 'RESOURCE_EXHAUSTED', message: 'Resource has been exhausted (e.g. check quota).' },
      warnings: [],
    });
    expect(responseToModel({ error: { code: 500, message: 'boom' } }).error).toMatchObject({ type: '500', message: 'boom' });
  });

  it('assembles a whole streamed JSON array handed over as the body', () => {
    const chunks = JSON.parse(
      readFileSync(new URL('./__fixtures__/text.array-stream.json', import.meta.url), 'utf8'),
    ) as unknown;
    expect(responseToModel(chunks)).toEqual(responseToModel(fixtureJson('text.json')));
    expect(usageOf(chunks)).toEqual(expect.objectContaining({ input: expect.objectContaining({ total: 8 }), output: { total: 333, reasoning: 312 } }));
  });

  it('reads cachedContentTokenCount as cachedInputTokens', () => {
    expect(
      usageOf({ usageMetadata: { promptTokenCount: 100, candidatesTokenCount: 5, totalTokenCount: 105, cachedContentTokenCount: 64 } }),
    ).toEqual(expect.objectContaining({ input: expect.objectContaining({ total: 100, cacheRead: 64 }), output: { total: 5 } }));
  });

  it('warns about parts it cannot represent and never throws on odd shapes', () => {
    const model = responseToModel({
      candidates: [
        {
          content: {
            parts: [
              { executableCode: { language: 'PYTHON', code: 'print(1)' } },
              { codeExecutionResult: { outcome: 'OUTCOME_OK', output: '1' } },
              { inlineData: { mimeType: 'image/png', data: 'AAAA' } },
              42,
            ],
          },
          finishReason: 'STOP',
        },
        { content: { parts: [{ text: 'second candidate' }] } },
      ],
    });
    expect(model.message.parts).toMatchObject([{ type: 'image', url: 'data:image/png;base64,AAAA', mimeType: 'image/png' }]);
    expect(model.warnings).toMatchObject([
      'response has 2 candidates; only the first is read',
      'response: executableCode part dropped',
      'response: codeExecutionResult part dropped',
      'response: empty part dropped',
    ]);
    expect(responseToModel('nope')).toMatchObject({
      message: { role: 'assistant', parts: [], toolCalls: [] },
      finishReason: expect.objectContaining({ unified: 'other' }),
      warnings: ['response body is not a JSON object'],
    });
  });
});
