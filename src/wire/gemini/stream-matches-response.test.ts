// THE invariant: a stream and a non-stream reply carrying the same message read the same.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeSseText } from '../../sse/decode-sse.js';
import type { SseEvent } from '../wire-format.js';
import { geminiFormat } from './index.js';

/** Stream and body were recorded as two separate calls: their response ids differ. */
function withoutId<T extends { id?: string }>(model: T): Omit<T, 'id'> {
  const { id: _id, ...rest } = model;
  return rest;
}

const fixture = (name: string): string =>
  readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');

function assemble(events: SseEvent[]) {
  const assembler = geminiFormat.createStreamAssembler();
  for (const event of events) assembler.push(event);
  return assembler.finish();
}

/** ?alt=sse: each `data:` is one GenerateContentResponse. */
const assembleSse = (name: string) => assemble(decodeSseText(fixture(name)));

/** No alt=sse: one JSON array; the capture pushes each element as an event. */
const assembleArray = (name: string) =>
  assemble((JSON.parse(fixture(name)) as unknown[]).map((element) => ({ data: JSON.stringify(element) })));

describe('gemini stream and non-stream replies read the same', () => {
  const pairs = ['text', 'tool-call', 'parallel-tool-calls', 'text-and-tool-call', 'thinking', 'prompt-blocked'];

  for (const name of pairs) {
    it(`${name}: the assembled SSE stream equals the recorded response and reads identically`, () => {
      const assembled = assembleSse(`${name}.chunks.txt`);
      const body = JSON.parse(fixture(`${name}.json`)) as unknown;
      expect(assembled.complete).toBe(true);
      expect(assembled.error).toBeUndefined();
      expect(assembled.response).toEqual(body);
      expect(withoutId(geminiFormat.responseToModel(assembled.response))).toEqual(withoutId(geminiFormat.responseToModel(body)));
      expect(geminiFormat.usageOf(assembled.response)).toEqual(geminiFormat.usageOf(body));
    });
  }

  it('text: the streamed JSON array (no alt=sse) assembles to the same response', () => {
    const assembled = assembleArray('text.array-stream.json');
    const body = JSON.parse(fixture('text.json')) as unknown;
    expect(assembled.complete).toBe(true);
    expect(assembled.response).toEqual(body);
    expect(withoutId(geminiFormat.responseToModel(assembled.response))).toEqual(withoutId(geminiFormat.responseToModel(body)));
  });

  it('an error body streamed as a JSON array reads exactly like the non-streaming error body', () => {
    const assembled = assembleArray('error.array-stream.json');
    const body = JSON.parse(fixture('error.json')) as unknown;
    expect(assembled.complete).toBe(false);
    expect(assembled.error).toEqual({
      type: 'RESOURCE_EXHAUSTED',
      message: 'Resource has been exhausted (e.g. check quota).',
    });
    expect(assembled.response).toEqual(body);
    expect(withoutId(geminiFormat.responseToModel(assembled.response))).toEqual(withoutId(geminiFormat.responseToModel(body)));
  });

  it('an error mid-stream is reported beside the partial text it followed', () => {
    const assembled = assembleSse('error-mid-stream.chunks.txt');
    expect(assembled.complete).toBe(false);
    expect(assembled.error).toEqual({
      type: 'UNAVAILABLE',
      message: 'The model is overloaded. Please try again later.',
    });
    const partial = geminiFormat.responseToModel(assembled.response);
    expect(partial.message.parts).toEqual([{ type: 'text', text: 'Once upon a time, in a quiet village by the sea,' }]);
    expect(partial.finishReason).toEqual({ unified: 'other', raw: undefined });
  });

  it('a cut-off stream (no finishReason) is incomplete and keeps what arrived', () => {
    const assembled = assembleSse('cut-off.chunks.txt');
    expect(assembled.complete).toBe(false);
    expect(assembled.error).toBeUndefined();
    expect(geminiFormat.responseToModel(assembled.response)).toEqual({
      id: 'M3iLaY-AI7zTxN8P3Piw4Qg',
      model: 'gemini-2.5-flash',
      message: {
        role: 'assistant',
        parts: [
          { type: 'text', text: 'Here is a Tetris game in Python using the `curses` library:\n\n```python\nimport curses\n' },
        ],
        toolCalls: [],
      },
      finishReason: expect.objectContaining({ unified: 'other' }),
      usage: expect.objectContaining({ input: expect.objectContaining({ total: 4 }), output: { total: 2063, reasoning: 2042 } }),
      warnings: [],
    });
  });
});
