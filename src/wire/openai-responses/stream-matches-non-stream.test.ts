// THE invariant of a wire format: a streamed reply and a non-streamed reply carrying the same
// message read to the same canonical ModelResponse. Each fixture pair is `<name>.chunks.txt`
// (raw SSE as the provider sent it) and `<name>.json` (the non-streaming body).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeSseText } from '../../sse/decode-sse.js';
import { openaiResponsesFormat } from './index.js';

/** Stream and body were recorded as two separate calls: their response ids differ. */
function withoutId<T extends { id?: string }>(model: T): Omit<T, 'id'> {
  const { id: _id, ...rest } = model;
  return rest;
}

const read = (name: string): string => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');

function streamedModel(name: string, keep: (event: { event?: string }) => boolean = () => true) {
  const assembler = openaiResponsesFormat.createStreamAssembler();
  for (const event of decodeSseText(read(`${name}.chunks.txt`)).filter(keep)) assembler.push(event);
  const assembled = assembler.finish();
  return { assembled, model: openaiResponsesFormat.responseToModel(assembled.response) };
}

describe('openai-responses: stream and non-stream give the same ModelResponse', () => {
  it.each([
    ['openai-responses-text', 'plain text'],
    ['openai-responses-tool-call', 'a single function call'],
    ['openai-responses-parallel-tool-calls', 'text and parallel function calls'],
    ['openai-responses-reasoning', 'reasoning summary parts then text'],
    ['openai-responses-incomplete', 'max_output_tokens reached'],
    ['openai-responses-failed', 'error event then response.failed'],
  ])('%s: %s', (name) => {
    const { assembled, model } = streamedModel(name);
    const json: unknown = JSON.parse(read(`${name}.json`));
    expect(assembled.complete).toBe(true);
    expect(withoutId(model)).toEqual(withoutId(openaiResponsesFormat.responseToModel(json)));
    expect(openaiResponsesFormat.usageOf(assembled.response)).toEqual(openaiResponsesFormat.usageOf(json));
  });

  it.each([
    'openai-responses-text',
    'openai-responses-tool-call',
    'openai-responses-parallel-tool-calls',
    'openai-responses-reasoning',
  ])('%s without its terminal event: same message, finish reason other, no usage', (name) => {
    const { assembled, model } = streamedModel(name, (event) => event.event !== 'response.completed');
    const fromJson = openaiResponsesFormat.responseToModel(JSON.parse(read(`${name}.json`)));
    expect(assembled.complete).toBe(false);
    expect(model.message).toEqual(fromJson.message);
    expect(model.model).toEqual(fromJson.model);
    expect(model.finishReason).toEqual({ unified: 'other', raw: 'in_progress' });
    expect(model.usage).toBeUndefined();
  });

  it('openai-responses-cut-off: the text that arrived, finish reason other', () => {
    const { model } = streamedModel('openai-responses-cut-off');
    expect(model.message).toEqual({
      role: 'assistant',
      parts: [{ type: 'text', text: 'The quick brown fox' }],
      toolCalls: [],
    });
    expect(model.finishReason.unified).toBe('other');
  });
});
