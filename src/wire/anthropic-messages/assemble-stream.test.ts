import { describe, expect, it } from 'vitest';
import type { SseEvent } from '../wire-format.js';
import { createStreamAssembler } from './assemble-stream.js';

const event = (data: Record<string, unknown>): SseEvent => ({
  event: String(data.type),
  data: JSON.stringify(data),
});

function run(events: SseEvent[]) {
  const assembler = createStreamAssembler();
  for (const item of events) assembler.push(item);
  return assembler.finish();
}

const start = event({
  type: 'message_start',
  message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'm', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 5, output_tokens: 1 } },
});

describe('anthropic stream assembler', () => {
  it('gives a tool_use block whose partial JSON is empty the input {}', () => {
    const result = run([
      start,
      event({ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_1', name: 'now', input: {} } }),
      event({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '' } }),
      event({ type: 'content_block_stop', index: 0 }),
      event({ type: 'message_stop' }),
    ]);
    expect(result.response).toMatchObject({ content: [{ type: 'tool_use', id: 'toolu_1', name: 'now', input: {} }] });
  });

  it('keeps invalid tool JSON raw instead of guessing', () => {
    const result = run([
      start,
      event({ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_1', name: 'f', input: {} } }),
      event({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"a": 1,,}' } }),
      event({ type: 'content_block_stop', index: 0 }),
      event({ type: 'message_stop' }),
    ]);
    expect(result.complete).toBe(true);
    expect(result.response).toMatchObject({ content: [{ type: 'tool_use', input: '{"a": 1,,}' }] });
  });

  it('merges message_delta usage over message_start usage and applies the stop reason', () => {
    const result = run([
      start,
      event({ type: 'message_delta', delta: { stop_reason: 'max_tokens', stop_sequence: null }, usage: { output_tokens: 99, cache_read_input_tokens: null } }),
      event({ type: 'message_stop' }),
    ]);
    expect(result.response).toEqual({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'm',
      content: [],
      stop_reason: 'max_tokens',
      stop_sequence: null,
      usage: { input_tokens: 5, output_tokens: 99 },
    });
  });

  it('orders blocks by index even when events interleave, and ignores ping and unknown events', () => {
    const result = run([
      start,
      event({ type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } }),
      event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
      event({ type: 'ping' }),
      event({ type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'second' } }),
      event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'first' } }),
      event({ type: 'some_future_event', index: 0 }),
      { data: 'not json' },
      event({ type: 'message_stop' }),
    ]);
    expect(result.response).toMatchObject({
      content: [
        { type: 'text', text: 'first' },
        { type: 'text', text: 'second' },
      ],
    });
  });

  it('infers a block from its delta when content_block_start was lost', () => {
    const result = run([
      start,
      event({ type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } }),
      event({ type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig' } }),
    ]);
    expect(result.complete).toBe(false);
    expect(result.response).toMatchObject({ content: [{ type: 'thinking', thinking: 'hmm', signature: 'sig' }] });
  });

  it('finish() before anything arrived gives an empty incomplete message', () => {
    expect(createStreamAssembler().finish()).toEqual({
      response: { type: 'message', role: 'assistant', content: [], stop_reason: null, stop_sequence: null, usage: {} },
      complete: false,
    });
  });

  it('finish() can be called twice with the same result', () => {
    const assembler = createStreamAssembler();
    assembler.push(start);
    assembler.push(event({ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 't', name: 'f', input: {} } }));
    assembler.push(event({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"x":1}' } }));
    const first = assembler.finish();
    expect(assembler.finish()).toEqual(first);
    expect(first.response).toMatchObject({ content: [{ input: { x: 1 } }] });
  });
});
