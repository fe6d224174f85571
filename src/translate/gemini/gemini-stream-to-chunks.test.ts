import { describe, expect, it } from 'vitest';
import { createChatStreamAssembler } from '../../wire/openai-chat/assemble-stream.js';
import type { ChatCompletionChunk, OpenAiStreamEvent } from '../openai-chat-response.js';
import { encodeStreamEvents } from '../openai-chat-response.js';
import type { TranslationContext } from '../provider-translator.js';
import { wireFixtureEvents, wireFixtureJson } from '../__fixtures__/read-wire-fixture.js';
import { testContext } from '../__fixtures__/test-context.js';
import { decodeSseText } from '../../sse/decode-sse.js';
import { geminiResponseToChat } from './gemini-response-to-chat.js';
import { createGeminiStreamTranslator } from './gemini-stream-to-chunks.js';

function translate(fixture: string, context: TranslationContext) {
  const translator = createGeminiStreamTranslator(context);
  const events: OpenAiStreamEvent[] = [];
  for (const event of wireFixtureEvents('gemini', fixture)) events.push(...translator.push(event));
  const end = translator.finish();
  return { events: [...events, ...end.events], complete: end.complete };
}

const deltas = (events: OpenAiStreamEvent[]) =>
  events.map((event) => (event === '[DONE]' ? event : 'error' in event ? { error: event.error.code } : { ...event.choices[0], usage: event.usage }));

describe('createGeminiStreamTranslator', () => {
  it('sends the role first, then content deltas, the finish chunk, the usage chunk and [DONE]', () => {
    const { events, complete } = translate('text.chunks.txt', testContext({ includeUsage: true }));
    expect(complete).toBe(true);
    expect(deltas(events)).toEqual([
      { index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null, usage: null },
      { index: 0, delta: { content: 'Artificial intelligence learns patterns from' }, logprobs: null, finish_reason: null, usage: null },
      { index: 0, delta: { content: ' data to make predictions or decisions, much like' }, logprobs: null, finish_reason: null, usage: null },
      { index: 0, delta: { content: ' a student learning from examples.' }, logprobs: null, finish_reason: null, usage: null },
      { index: 0, delta: {}, logprobs: null, finish_reason: 'stop', usage: null },
      { usage: { prompt_tokens: 8, completion_tokens: 333, total_tokens: 341, completion_tokens_details: { reasoning_tokens: 312 } } },
      '[DONE]',
    ]);
    const first = events[0] as ChatCompletionChunk;
    expect(first).toMatchObject({ id: 'chatcmpl-65E2aavdMaiU1e8P246LmAc', object: 'chat.completion.chunk', model: 'gemini-2.5-flash' });
  });

  it('sends no usage field at all without include_usage', () => {
    const { events } = translate('text.chunks.txt', testContext());
    expect(events.filter((event) => event !== '[DONE]' && 'usage' in event)).toEqual([]);
    expect(events.at(-1)).toBe('[DONE]');
  });

  it('sends each function call as an indexed tool_call delta (id, name, then arguments), and finish_reason tool_calls', () => {
    const { events } = translate('parallel-tool-calls.chunks.txt', testContext());
    expect(deltas(events).slice(1)).toEqual([
      { index: 0, delta: { tool_calls: [{ index: 0, id: 'call_id1', type: 'function', function: { name: 'get_weather', arguments: '' }, extra_content: { google: { thought_signature: expect.any(String) } } }] }, logprobs: null, finish_reason: null, usage: undefined },
      { index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"city":"Paris"}' } }] }, logprobs: null, finish_reason: null, usage: undefined },
      { index: 0, delta: { tool_calls: [{ index: 1, id: 'call_id2', type: 'function', function: { name: 'get_weather', arguments: '' } }] }, logprobs: null, finish_reason: null, usage: undefined },
      { index: 0, delta: { tool_calls: [{ index: 1, function: { arguments: '{"city":"Tokyo"}' } }] }, logprobs: null, finish_reason: null, usage: undefined },
      { index: 0, delta: { tool_calls: [{ index: 2, id: 'call_id3', type: 'function', function: { name: 'get_time', arguments: '' } }] }, logprobs: null, finish_reason: null, usage: undefined },
      { index: 0, delta: { tool_calls: [{ index: 2, function: { arguments: '{}' } }] }, logprobs: null, finish_reason: null, usage: undefined },
      { index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls', usage: undefined },
      '[DONE]',
    ]);
  });

  it('sends thought parts as reasoning_content deltas', () => {
    const { events } = translate('thinking.chunks.txt', testContext());
    expect(deltas(events).slice(1, 3).map((choice) => (choice as { delta: unknown }).delta)).toEqual([
      { reasoning_content: '**Calculating the product**\n\nThe user asks for 17 × 23.' },
      { reasoning_content: ' 17 × 20 = 340 and 17 × 3 = 51, so the answer is 391.\n' },
    ]);
  });

  it.each(['text', 'thinking', 'tool-call', 'parallel-tool-calls', 'text-and-tool-call', 'prompt-blocked'])(
    '%s: the translated stream, reassembled by an OpenAI client, equals the translated non-streamed answer',
    (name) => {
      const streamed = translate(`${name}.chunks.txt`, testContext({ model: 'gemini-2.5-flash', includeUsage: true }));
      const assembler = createChatStreamAssembler();
      for (const event of decodeSseText(encodeStreamEvents(streamed.events))) assembler.push(event);
      const assembled = assembler.finish();
      expect(assembled.complete).toBe(true);
      const { completion } = geminiResponseToChat(wireFixtureJson('gemini', `${name}.json`), testContext({ model: 'gemini-2.5-flash' }));
      // The recorder's assembler keeps the thought signatures (extra_content) the client got.
      expect(assembled.response).toEqual(JSON.parse(JSON.stringify(completion)));
    },
  );

  it('turns an error event into an OpenAI error event that ends the stream (no [DONE])', () => {
    const { events, complete } = translate('error-mid-stream.chunks.txt', testContext());
    expect(complete).toBe(true);
    expect(events.at(-1)).toEqual({ error: { message: 'The model is overloaded. Please try again later.', type: 'server_error', param: null, code: 'UNAVAILABLE' } });
    expect(events).not.toContain('[DONE]');
  });

  it('reports a stream cut off before its finishReason as incomplete, with no [DONE]', () => {
    const { events, complete } = translate('cut-off.chunks.txt', testContext());
    expect(complete).toBe(false);
    expect(events).not.toContain('[DONE]');
  });

  it('keeps candidates apart by index (n > 1)', () => {
    const translator = createGeminiStreamTranslator(testContext());
    const events = [
      ...translator.push({ data: JSON.stringify({ candidates: [{ index: 0, content: { parts: [{ text: 'A' }] } }, { index: 1, content: { parts: [{ text: 'B' }] } }] }) }),
      ...translator.push({ data: JSON.stringify({ candidates: [{ index: 0, finishReason: 'STOP' }, { index: 1, finishReason: 'MAX_TOKENS' }] }) }),
      ...translator.finish().events,
    ];
    expect(deltas(events).filter((event) => event !== '[DONE]').map((choice) => [(choice as { index: number }).index, (choice as { delta: unknown }).delta, (choice as { finish_reason: unknown }).finish_reason])).toEqual([
      [0, { role: 'assistant', content: '', refusal: null }, null],
      [0, { content: 'A' }, null],
      [1, { role: 'assistant', content: '', refusal: null }, null],
      [1, { content: 'B' }, null],
      [0, {}, 'stop'],
      [1, {}, 'length'],
    ]);
  });
});
