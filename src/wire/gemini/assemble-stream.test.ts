import { describe, expect, it } from 'vitest';
import type { SseEvent } from '../wire-format.js';
import { createStreamAssembler } from './assemble-stream.js';

const chunk = (value: unknown): SseEvent => ({ data: JSON.stringify(value) });

function run(events: SseEvent[]) {
  const assembler = createStreamAssembler();
  for (const event of events) assembler.push(event);
  return assembler.finish();
}

const candidateChunk = (parts: unknown[], extra: Record<string, unknown> = {}) =>
  chunk({ candidates: [{ content: { parts, role: 'model' }, index: 0, ...extra }] });

describe('gemini stream assembler', () => {
  it('concatenates text of the same kind only, and appends function calls in order', () => {
    const result = run([
      candidateChunk([{ text: 'a', thought: true }]),
      candidateChunk([{ text: 'b', thought: true }, { text: 'c' }]),
      candidateChunk([{ text: 'd' }, { functionCall: { name: 'f', args: {} } }]),
      candidateChunk([{ functionCall: { name: 'g', args: { x: 1 } } }, { text: 'e' }], { finishReason: 'STOP' }),
    ]);
    expect(result.complete).toBe(true);
    expect(result.response).toEqual({
      candidates: [
        {
          content: {
            parts: [
              { text: 'ab', thought: true },
              { text: 'cd' },
              { functionCall: { name: 'f', args: {} } },
              { functionCall: { name: 'g', args: { x: 1 } } },
              { text: 'e' },
            ],
            role: 'model',
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
    });
  });

  it('moves the signature of a closing empty text part onto the part before it', () => {
    const result = run([
      candidateChunk([{ text: 'Hello' }]),
      candidateChunk([{ text: '', thoughtSignature: 'SIG' }], { finishReason: 'STOP' }),
    ]);
    expect(result.response).toEqual({
      candidates: [{ content: { parts: [{ text: 'Hello', thoughtSignature: 'SIG' }], role: 'model' }, finishReason: 'STOP', index: 0 }],
    });
  });

  it('takes candidate and top-level fields from the last chunk carrying them', () => {
    const result = run([
      chunk({
        candidates: [{ content: { parts: [{ text: 'x' }], role: 'model' }, index: 0, safetyRatings: [{ category: 'A', probability: 'LOW' }] }],
        usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 1, totalTokenCount: 2 },
        modelVersion: 'gemini-2.5-flash',
        responseId: 'r1',
      }),
      chunk({
        candidates: [{ content: { parts: [{ text: 'y' }], role: 'model' }, finishReason: 'MAX_TOKENS', index: 0, safetyRatings: [{ category: 'A', probability: 'NEGLIGIBLE' }] }],
        usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 2, totalTokenCount: 3 },
        modelVersion: 'gemini-2.5-flash',
        responseId: 'r1',
      }),
    ]);
    expect(result.response).toEqual({
      candidates: [
        {
          content: { parts: [{ text: 'xy' }], role: 'model' },
          finishReason: 'MAX_TOKENS',
          index: 0,
          safetyRatings: [{ category: 'A', probability: 'NEGLIGIBLE' }],
        },
      ],
      usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 2, totalTokenCount: 3 },
      modelVersion: 'gemini-2.5-flash',
      responseId: 'r1',
    });
  });

  it('merges several candidates by index', () => {
    const result = run([
      chunk({ candidates: [{ content: { parts: [{ text: 'A1' }] }, index: 0 }, { content: { parts: [{ text: 'B1' }] }, index: 1 }] }),
      chunk({ candidates: [{ content: { parts: [{ text: 'B2' }] }, index: 1, finishReason: 'STOP' }] }),
    ]);
    expect(result.response).toEqual({
      candidates: [
        { content: { parts: [{ text: 'A1' }], role: 'model' }, index: 0 },
        { content: { parts: [{ text: 'B1B2' }], role: 'model' }, finishReason: 'STOP', index: 1 },
      ],
    });
  });

  it('leaves out content for a candidate that never carried any', () => {
    const result = run([chunk({ candidates: [{ finishReason: 'SAFETY', index: 0 }] })]);
    expect(result.complete).toBe(true);
    expect(result.response).toEqual({ candidates: [{ finishReason: 'SAFETY', index: 0 }] });
  });

  it('accepts a whole array pushed as one event and skips data that is not JSON', () => {
    const result = run([
      { data: 'garbage' },
      { data: JSON.stringify([{ candidates: [{ content: { parts: [{ text: 'a' }] } }] }, { candidates: [{ content: { parts: [{ text: 'b' }] }, finishReason: 'STOP' }] }]) },
    ]);
    expect(result.response).toEqual({
      candidates: [{ content: { parts: [{ text: 'ab' }], role: 'model' }, finishReason: 'STOP', index: 0 }],
    });
  });

  it('finish() before anything arrived gives an empty incomplete response', () => {
    expect(createStreamAssembler().finish()).toEqual({ response: {}, complete: false });
  });

  it('finish() can be called twice with the same result', () => {
    const assembler = createStreamAssembler();
    assembler.push(candidateChunk([{ text: 'a' }]));
    const first = assembler.finish();
    expect(assembler.finish()).toEqual(first);
  });
});
