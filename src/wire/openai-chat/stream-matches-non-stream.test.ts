// THE invariant of a wire format: a streamed reply and a non-streamed reply carrying the same
// message read to the same canonical ModelResponse. Each fixture pair is `<name>.chunks.txt`
// (raw SSE as the provider sent it) and `<name>.json` (the non-streaming body).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeSseText } from '../../sse/decode-sse.js';
import { openaiChatFormat } from './index.js';

/** Stream and body were recorded as two separate calls: their response ids differ. */
function withoutId<T extends { id?: string }>(model: T): Omit<T, 'id'> {
  const { id: _id, ...rest } = model;
  return rest;
}

const read = (name: string): string => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');

function streamedModel(name: string) {
  const assembler = openaiChatFormat.createStreamAssembler();
  for (const event of decodeSseText(read(`${name}.chunks.txt`))) assembler.push(event);
  const assembled = assembler.finish();
  return { assembled, model: openaiChatFormat.responseToModel(assembled.response) };
}

describe('openai-chat: stream and non-stream give the same ModelResponse', () => {
  it.each([
    ['openai-tool-call', 'a single tool call (with a usage chunk)'],
    ['openai-parallel-tool-calls', 'parallel tool calls with interleaved argument deltas'],
    ['openai-text-and-tool-calls', 'text next to tool calls'],
    ['deepseek-reasoner', 'DeepSeek reasoning_content'],
    ['openai-n2', 'n=2 choices'],
  ])('%s: %s', (name) => {
    const { assembled, model } = streamedModel(name);
    const json: unknown = JSON.parse(read(`${name}.json`));
    expect(assembled.complete).toBe(true);
    expect(withoutId(model)).toEqual(withoutId(openaiChatFormat.responseToModel(json)));
    expect(openaiChatFormat.usageOf(assembled.response)).toEqual(openaiChatFormat.usageOf(json));
    expect(model.usage).toBeDefined();
  });

  it('openai-text: plain text (stream without include_usage has no usage; all else equal)', () => {
    const { assembled, model } = streamedModel('openai-text');
    const fromJson = openaiChatFormat.responseToModel(JSON.parse(read('openai-text.json')));
    expect(assembled.complete).toBe(true);
    expect(model.usage).toBeUndefined();
    const { usage: _usage, ...withoutUsage } = fromJson;
    expect(withoutId(model)).toEqual(withoutId(withoutUsage));
  });

  it('openai-error: an error chunk reads like the error body', () => {
    const { assembled, model } = streamedModel('openai-error');
    expect(withoutId(model)).toEqual(withoutId(openaiChatFormat.responseToModel(JSON.parse(read('openai-error.json')))));
    expect(model.finishReason.unified).toBe('error');
    expect(assembled.error).toEqual(model.error);
  });

  it('openai-error-mid-stream: partial text is kept, the reply is an error', () => {
    const { model } = streamedModel('openai-error-mid-stream');
    expect(model.finishReason.unified).toBe('error');
    expect(model.message.parts).toEqual([{ type: 'text', text: 'Once upon a' }]);
    expect(model.error?.type).toBe('server_error');
  });

  it('openai-cut-off: what arrived is read, finish reason other, no raw reason', () => {
    const { assembled, model } = streamedModel('openai-cut-off');
    expect(assembled.complete).toBe(false);
    expect(model.message.parts).toEqual([{ type: 'text', text: 'The quick brown fox' }]);
    expect(model.finishReason).toEqual({ unified: 'other', raw: undefined });
    expect(model.model).toBe('gpt-4o-mini-2024-07-18');
  });
});
