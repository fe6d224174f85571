import { describe, expect, it } from 'vitest';
import { decodeSseText } from '../../sse/decode-sse.js';
import { createChatStreamAssembler } from '../../wire/openai-chat/assemble-stream.js';
import { encodeStreamEvents, type OpenAiStreamEvent } from '../openai-chat-response.js';
import type { TranslationContext } from '../provider-translator.js';
import { wireFixtureEvents, wireFixtureJson } from '../__fixtures__/read-wire-fixture.js';
import { testContext } from '../__fixtures__/test-context.js';
import { anthropicResponseToChat } from './anthropic-response-to-chat.js';
import { createAnthropicStreamTranslator } from './anthropic-stream-to-chunks.js';
import { JSON_TOOL_NAME } from './chat-request-to-anthropic.js';

function translateEvents(events: Array<{ event?: string; data: string }>, context: TranslationContext) {
  const translator = createAnthropicStreamTranslator(context);
  const out: OpenAiStreamEvent[] = [];
  for (const event of events) out.push(...translator.push(event));
  const end = translator.finish();
  return { events: [...out, ...end.events], complete: end.complete };
}

const translate = (fixture: string, context: TranslationContext) => translateEvents(wireFixtureEvents('anthropic-messages', fixture), context);

const deltas = (events: OpenAiStreamEvent[]) =>
  events.map((event) => (event === '[DONE]' ? event : 'error' in event ? { error: event.error.code } : event.choices.length === 0 ? { usage: event.usage } : [event.choices[0]!.delta, event.choices[0]!.finish_reason]));

describe('createAnthropicStreamTranslator', () => {
  it('sends the role first, text deltas, the finish chunk, the usage chunk and [DONE]', () => {
    const { events, complete } = translate('text.chunks.txt', testContext({ includeUsage: true }));
    expect(complete).toBe(true);
    expect(deltas(events)).toEqual([
      [{ role: 'assistant', content: '', refusal: null }, null],
      [{ content: 'Hello' }, null],
      [{ content: "! I'm doing well, thank you for asking" }, null],
      [{ content: '. How can I help you today?' }, null],
      [{}, 'stop'],
      { usage: { prompt_tokens: 14, completion_tokens: 21, total_tokens: 35, prompt_tokens_details: { cached_tokens: 0 } } },
      '[DONE]',
    ]);
    expect(events[0]).toMatchObject({ id: 'chatcmpl-msg_01XFDUDYJgAACzvnptvVoYEL', model: 'claude-sonnet-4-5-20250929', usage: null });
  });

  it('sends tool_use blocks as indexed tool_call deltas, their JSON pieces as argument deltas', () => {
    const { events } = translate('parallel-tool-calls.chunks.txt', testContext());
    expect(deltas(events).slice(1)).toEqual([
      [{ tool_calls: [{ index: 0, id: 'toolu_01GgLz3fVvaHbyBh5N5Nnnx8', type: 'function', function: { name: 'get_weather', arguments: '' } }] }, null],
      [{ tool_calls: [{ index: 0, function: { arguments: '{"city": "Par' } }] }, null],
      [{ tool_calls: [{ index: 0, function: { arguments: 'is"}' } }] }, null],
      [{ tool_calls: [{ index: 1, id: 'toolu_01R6dWv3a6ZDprQ6jGrm3Yvk', type: 'function', function: { name: 'get_weather', arguments: '' } }] }, null],
      [{ tool_calls: [{ index: 1, function: { arguments: '{"city": ' } }] }, null],
      [{ tool_calls: [{ index: 1, function: { arguments: '"Tokyo"}' } }] }, null],
      [{ tool_calls: [{ index: 2, id: 'toolu_01JqW8KuWSGFgqQFpVPnVSvC', type: 'function', function: { name: 'get_time', arguments: '' } }] }, null],
      [{ tool_calls: [{ index: 2, function: { arguments: '{}' } }] }, null],
      [{}, 'tool_calls'],
      '[DONE]',
    ]);
  });

  it('sends thinking as reasoning_content deltas, then the signed thinking block', () => {
    const { events } = translate('thinking.chunks.txt', testContext());
    const reasoning = deltas(events).filter((entry) => Array.isArray(entry) && 'reasoning_content' in (entry[0] as object));
    expect(reasoning.map((entry) => (entry as [{ reasoning_content: string }])[0].reasoning_content).join('')).toBe('The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185');
    const blocks = deltas(events).find((entry) => Array.isArray(entry) && 'thinking_blocks' in (entry[0] as object)) as [{ thinking_blocks: unknown[] }];
    expect(blocks[0].thinking_blocks).toEqual([{ type: 'thinking', thinking: 'The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185', signature: expect.stringMatching(/^EvQB/) }]);
  });

  it.each(['text', 'thinking', 'tool-call', 'parallel-tool-calls', 'text-and-tool-call'])(
    '%s: the translated stream, reassembled by an OpenAI client, equals the translated non-streamed answer',
    (name) => {
      const streamed = translate(`${name}.chunks.txt`, testContext({ includeUsage: true }));
      const assembler = createChatStreamAssembler();
      for (const event of decodeSseText(encodeStreamEvents(streamed.events))) assembler.push(event);
      const assembled = assembler.finish();
      expect(assembled.complete).toBe(true);
      const { completion } = anthropicResponseToChat(wireFixtureJson('anthropic-messages', `${name}.json`), testContext());
      // Tool arguments: Anthropic streams its own spacing; the non-streamed answer is re-serialised.
      const normalise = (body: unknown) =>
        JSON.parse(JSON.stringify(body, (key, value: unknown) => (key === 'thinking_blocks' ? undefined : key === 'arguments' && typeof value === 'string' ? JSON.parse(value) : value)));
      expect(normalise(assembled.response)).toEqual(normalise(completion));
    },
  );

  it.each(['error-mid-stream.chunks.txt', 'error-before-content.chunks.txt'])('%s: an error event becomes an OpenAI error event that ends the stream', (fixture) => {
    const { events, complete } = translate(fixture, testContext());
    expect(complete).toBe(true);
    expect(events.at(-1)).toEqual({ error: { message: 'Overloaded', type: 'server_error', param: null, code: 'overloaded_error' } });
    expect(events).not.toContain('[DONE]');
  });

  it('reports a stream cut off before message_stop as incomplete', () => {
    expect(translate('cut-off.chunks.txt', testContext()).complete).toBe(false);
  });

  it('streams the JSON-mode tool input as content', () => {
    const frames = [
      { event: 'message_start', data: JSON.stringify({ type: 'message_start', message: { id: 'msg_j', model: 'claude-x', usage: { input_tokens: 3, output_tokens: 1 } } }) },
      { event: 'content_block_start', data: JSON.stringify({ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_j', name: JSON_TOOL_NAME, input: {} } }) },
      { event: 'content_block_delta', data: JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"city": ' } }) },
      { event: 'content_block_delta', data: JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '"Paris"}' } }) },
      { event: 'content_block_stop', data: JSON.stringify({ type: 'content_block_stop', index: 0 }) },
      { event: 'message_delta', data: JSON.stringify({ type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 9 } }) },
      { event: 'message_stop', data: JSON.stringify({ type: 'message_stop' }) },
    ];
    const { events } = translateEvents(frames, testContext({ jsonToolName: JSON_TOOL_NAME }));
    expect(deltas(events)).toEqual([
      [{ role: 'assistant', content: '', refusal: null }, null],
      [{ content: '{"city": ' }, null],
      [{ content: '"Paris"}' }, null],
      [{}, 'stop'],
      '[DONE]',
    ]);
  });
});
