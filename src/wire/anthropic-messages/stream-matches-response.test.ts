// THE invariant: a stream and a non-stream reply carrying the same message read the same.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeSseText } from '../../sse/decode-sse.js';
import { anthropicMessagesFormat } from './index.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');

function assemble(name: string) {
  const assembler = anthropicMessagesFormat.createStreamAssembler();
  for (const event of decodeSseText(fixture(name))) assembler.push(event);
  return assembler.finish();
}

describe('anthropic stream and non-stream replies read the same', () => {
  const pairs = ['text', 'tool-call', 'parallel-tool-calls', 'text-and-tool-call', 'thinking'];

  for (const name of pairs) {
    it(`${name}: the assembled stream equals the recorded Message and reads identically`, () => {
      const assembled = assemble(`${name}.chunks.txt`);
      const body = JSON.parse(fixture(`${name}.json`)) as unknown;
      expect(assembled.complete).toBe(true);
      expect(assembled.error).toBeUndefined();
      expect(assembled.response).toEqual(body);
      expect(anthropicMessagesFormat.responseToModel(assembled.response)).toEqual(
        anthropicMessagesFormat.responseToModel(body),
      );
      expect(anthropicMessagesFormat.usageOf(assembled.response)).toEqual(
        anthropicMessagesFormat.usageOf(body),
      );
    });
  }

  it('an error event before any content reads exactly like the non-streaming error body', () => {
    const assembled = assemble('error-before-content.chunks.txt');
    const body = JSON.parse(fixture('error.json')) as unknown;
    expect(assembled.complete).toBe(false);
    expect(assembled.response).toEqual(body);
    expect(assembled.error).toEqual({ type: 'overloaded_error', message: 'Overloaded' });
    expect(anthropicMessagesFormat.responseToModel(assembled.response)).toEqual(
      anthropicMessagesFormat.responseToModel(body),
    );
  });

  it('an error event mid-stream reports the same error as the error body and keeps the partial text', () => {
    const assembled = assemble('error-mid-stream.chunks.txt');
    const errorModel = anthropicMessagesFormat.responseToModel(JSON.parse(fixture('error.json')));
    expect(assembled.complete).toBe(false);
    expect(assembled.error).toEqual(errorModel.error);
    const partial = anthropicMessagesFormat.responseToModel(assembled.response);
    expect(partial.message.parts).toEqual([
      { type: 'text', text: 'Once upon a time, in a quiet village by the sea,' },
    ]);
    expect(partial.finishReason).toEqual({ unified: 'other', raw: undefined });
  });

  it('a cut-off stream (no message_stop) is incomplete and keeps what arrived', () => {
    const assembled = assemble('cut-off.chunks.txt');
    expect(assembled.complete).toBe(false);
    expect(assembled.error).toBeUndefined();
    const model = anthropicMessagesFormat.responseToModel(assembled.response);
    expect(model.model).toBe('claude-sonnet-4-5-20250929');
    expect(model.message.parts).toEqual([
      { type: 'text', text: 'Let me search the codebase for that function.' },
    ]);
    expect(model.message.toolCalls).toEqual([
      {
        id: 'toolu_01A09q90qw90lq917835lq9',
        name: 'grep',
        arguments: '{"pattern": "parseTool',
        argumentsInvalid: true,
      },
    ]);
    expect(model.finishReason).toEqual({ unified: 'other', raw: undefined });
    expect(model.usage).toEqual(expect.objectContaining({ input: expect.objectContaining({ total: 612, cacheRead: 0 }), output: { total: 3 } }));
    expect(model.warnings).toEqual([
      'response: tool_use toolu_01A09q90qw90lq917835lq9 input is not valid JSON; kept raw',
    ]);
  });
});
