import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeSseText } from '../../sse/decode-sse.js';
import type { AssembledStream, SseEvent } from '../wire-format.js';
import { createResponsesStreamAssembler } from './assemble-stream.js';

const read = (name: string): string => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');

function assemble(events: SseEvent[]): AssembledStream {
  const assembler = createResponsesStreamAssembler();
  for (const event of events) assembler.push(event);
  return assembler.finish();
}

const event = (type: string, body: Record<string, unknown>): SseEvent => ({
  event: type,
  data: JSON.stringify({ type, ...body }),
});

/** The fixture's events without its terminal event: what an aborted stream leaves. */
function withoutTerminal(name: string): SseEvent[] {
  return decodeSseText(read(name)).filter((sse) => !/^response\.(completed|incomplete|failed)$/.test(sse.event ?? ''));
}

describe('openai-responses stream assembler', () => {
  it('takes the response.completed response as the body', () => {
    const assembled = assemble(decodeSseText(read('openai-responses-text.chunks.txt')));
    expect(assembled.complete).toBe(true);
    expect(assembled.error).toBeUndefined();
    const response = assembled.response as Record<string, unknown>;
    expect(response.id).toBe('resp_68ac1f0a6c7c8190b1d2e3f4a5b6c7d80a1b2c3d4e5f6a7b');
    expect(response.status).toBe('completed');
    expect(response.output).toEqual([
      {
        id: 'msg_68ac1f0b2d4c81909f8e7d6c5b4a39280a1b2c3d4e5f6a7b',
        type: 'message',
        status: 'completed',
        content: [{ type: 'output_text', annotations: [], logprobs: [], text: 'Paris is the capital of France. 🇫🇷' }],
        role: 'assistant',
      },
    ]);
  });

  it('rebuilds the same output from the item events when the terminal event is missing', () => {
    for (const name of [
      'openai-responses-text.chunks.txt',
      'openai-responses-tool-call.chunks.txt',
      'openai-responses-parallel-tool-calls.chunks.txt',
      'openai-responses-reasoning.chunks.txt',
    ]) {
      const full = assemble(decodeSseText(read(name))).response as { output: unknown };
      const partial = assemble(withoutTerminal(name));
      expect(partial.complete).toBe(false);
      expect((partial.response as { output: unknown }).output).toEqual(full.output);
      expect((partial.response as { status: unknown }).status).toBe('in_progress');
    }
  });

  it('builds items from deltas alone when .done events never came', () => {
    const assembled = assemble([
      event('response.created', { response: { id: 'resp_1', object: 'response', status: 'in_progress', model: 'm', output: [] } }),
      event('response.output_item.added', { output_index: 0, item: { id: 'rs_1', type: 'reasoning', summary: [] } }),
      event('response.reasoning_summary_part.added', { item_id: 'rs_1', output_index: 0, summary_index: 0, part: { type: 'summary_text', text: '' } }),
      event('response.reasoning_summary_text.delta', { item_id: 'rs_1', output_index: 0, summary_index: 0, delta: 'Think' }),
      event('response.reasoning_summary_text.delta', { item_id: 'rs_1', output_index: 0, summary_index: 0, delta: 'ing.' }),
      event('response.output_item.added', { output_index: 1, item: { id: 'fc_1', type: 'function_call', status: 'in_progress', arguments: '', call_id: 'call_1', name: 'f' } }),
      event('response.function_call_arguments.delta', { item_id: 'fc_1', output_index: 1, delta: '{"a"' }),
      event('response.function_call_arguments.delta', { item_id: 'fc_1', output_index: 1, delta: ':1}' }),
    ]);
    expect(assembled.complete).toBe(false);
    expect(assembled.response).toEqual({
      id: 'resp_1',
      object: 'response',
      status: 'in_progress',
      model: 'm',
      output: [
        { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'Thinking.' }] },
        { id: 'fc_1', type: 'function_call', status: 'in_progress', arguments: '{"a":1}', call_id: 'call_1', name: 'f' },
      ],
    });
  });

  it('keeps the text of a cut-off stream (torn last event ignored)', () => {
    const assembled = assemble(decodeSseText(read('openai-responses-cut-off.chunks.txt')));
    expect(assembled.complete).toBe(false);
    expect(assembled.error).toBeUndefined();
    const response = assembled.response as Record<string, unknown>;
    expect(response.status).toBe('in_progress');
    expect(response.model).toBe('gpt-4.1-mini-2025-04-14');
    expect(response.output).toEqual([
      {
        id: 'msg_68ac2679b8c98190d0e1f2a3b4c5d6e70a7b8c9d0e1f2a3b',
        type: 'message',
        status: 'in_progress',
        content: [{ type: 'output_text', annotations: [], logprobs: [], text: 'The quick brown fox' }],
        role: 'assistant',
      },
    ]);
  });

  it('reports the error event, and the failed response is the body', () => {
    const assembled = assemble(decodeSseText(read('openai-responses-failed.chunks.txt')));
    expect(assembled.complete).toBe(true);
    expect(assembled.error).toEqual({
      type: 'insufficient_quota',
      message:
        'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
    });
    expect((assembled.response as { status: unknown }).status).toBe('failed');
  });

  it('reports a failed response without an error event from its own error', () => {
    const assembled = assemble([
      event('response.failed', {
        response: { id: 'r', status: 'failed', error: { code: 'rate_limit_exceeded', message: 'Too many tokens' }, output: [] },
      }),
    ]);
    expect(assembled.error).toEqual({ type: 'rate_limit_exceeded', message: 'Too many tokens' });
    expect(assembled.complete).toBe(true);
  });

  it('keeps an error event without a terminal event on the built response', () => {
    const assembled = assemble([
      event('response.created', { response: { id: 'r', object: 'response', status: 'in_progress', error: null, output: [] } }),
      event('error', { code: 'server_error', message: 'The server had an error', param: null }),
    ]);
    expect(assembled.complete).toBe(false);
    expect(assembled.error).toEqual({ type: 'server_error', message: 'The server had an error' });
    expect(assembled.response).toEqual({
      id: 'r',
      object: 'response',
      status: 'in_progress',
      error: { code: 'server_error', message: 'The server had an error', param: null },
      output: [],
    });
  });

  it('gives a plain error body when only an error arrived', () => {
    const assembled = assemble([{ data: '{"error":{"message":"Bad gateway","type":"upstream_error"}}' }]);
    expect(assembled).toEqual({
      response: { error: { message: 'Bad gateway', type: 'upstream_error' } },
      complete: false,
      error: { type: 'upstream_error', message: 'Bad gateway' },
    });
  });

  it('fills the output of a terminal response that came without it', () => {
    const assembled = assemble([
      event('response.output_item.added', { output_index: 0, item: { id: 'msg_1', type: 'message', role: 'assistant', content: [] } }),
      event('response.content_part.added', { item_id: 'msg_1', output_index: 0, content_index: 0, part: { type: 'output_text', text: '' } }),
      event('response.output_text.delta', { item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'Hi' }),
      event('response.completed', { response: { id: 'r', status: 'completed', usage: { input_tokens: 1, output_tokens: 1 } } }),
    ]);
    expect(assembled.complete).toBe(true);
    expect(assembled.response).toEqual({
      id: 'r',
      status: 'completed',
      usage: { input_tokens: 1, output_tokens: 1 },
      output: [{ id: 'msg_1', type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Hi' }] }],
    });
  });

  it('reads the type from the SSE event field when the data has none, and refusal deltas', () => {
    const assembled = assemble([
      { event: 'response.output_item.added', data: '{"output_index":0,"item":{"id":"msg_1","type":"message","role":"assistant","content":[]}}' },
      { event: 'response.refusal.delta', data: '{"output_index":0,"content_index":0,"delta":"No"}' },
      { event: 'response.refusal.delta', data: '{"output_index":0,"content_index":0,"delta":", sorry."}' },
    ]);
    expect((assembled.response as { output: unknown }).output).toEqual([
      { id: 'msg_1', type: 'message', role: 'assistant', content: [{ type: 'refusal', refusal: 'No, sorry.' }] },
    ]);
  });

  it('assembles reasoning_text deltas (open-weight servers) into the reasoning item content', () => {
    const assembled = assemble([
      event('response.output_item.added', { output_index: 0, item: { id: 'rs_1', type: 'reasoning', summary: [] } }),
      event('response.reasoning_text.delta', { item_id: 'rs_1', output_index: 0, content_index: 0, delta: 'Let me ' }),
      event('response.reasoning_text.delta', { item_id: 'rs_1', output_index: 0, content_index: 0, delta: 'think.' }),
    ]);
    expect((assembled.response as { output: unknown }).output).toEqual([
      { id: 'rs_1', type: 'reasoning', summary: [], content: [{ type: 'reasoning_text', text: 'Let me think.' }] },
    ]);
  });

  it('ignores [DONE] and non-JSON data; finish() before any event is empty and incomplete', () => {
    expect(assemble([{ data: '[DONE]' }, { data: 'not json' }])).toEqual({
      response: { object: 'response', output: [] },
      complete: false,
    });
  });
});
