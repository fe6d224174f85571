import { describe, expect, it } from 'vitest';
import { decodeSseText } from '../../sse/decode-sse.js';
import type { ChatCompletionChunk, OpenAiStreamEvent } from '../openai-chat-response.js';
import { createResponsesStreamEncoder } from './chat-chunks-to-response-events.js';
import { encryptedContentToSignatures } from './reasoning-carrier.js';

const header = { id: 'resp_1', createdAt: 1, model: 'm', parallelToolCalls: true, toolChoice: 'auto', tools: [] };
const chunk = (delta: ChatCompletionChunk['choices'][0]['delta'], finish: ChatCompletionChunk['choices'][0]['finish_reason'] = null): ChatCompletionChunk => ({
  id: 'c',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
});

function run(events: OpenAiStreamEvent[]) {
  let ids = 0;
  const encoder = createResponsesStreamEncoder(header, () => String(++ids));
  const text = encoder.open() + encoder.events(events) + encoder.close();
  return decodeSseText(text).map((event) => ({ event: event.event, data: JSON.parse(event.data) as Record<string, any> }));
}

describe('createResponsesStreamEncoder', () => {
  it('opens, streams and closes each item in order, numbering the events', () => {
    const events = run([
      chunk({ role: 'assistant', reasoning_content: 'think' }),
      chunk({ content: 'Hel' }),
      chunk({ content: 'lo' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a"' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: ':1}' } }] }, 'tool_calls'),
      { ...chunk({}), choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } },
      '[DONE]',
    ]);
    expect(events.map((event) => event.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((event) => event.data.sequence_number)).toEqual(events.map((_, index) => index));
    const completed = events.at(-1)!.data.response;
    expect(completed).toMatchObject({
      id: 'resp_1',
      status: 'completed',
      usage: { input_tokens: 3, output_tokens: 4, total_tokens: 7 },
      output: [
        { type: 'reasoning', summary: [{ type: 'summary_text', text: 'think' }] },
        { type: 'message', status: 'completed', content: [{ type: 'output_text', text: 'Hello' }] },
        { type: 'function_call', status: 'completed', call_id: 'call_1', name: 'f', arguments: '{"a":1}' },
      ],
    });
  });

  it('hands a Gemini thought signature out in the reasoning item before its call; the call_id stays plain', () => {
    const events = run([
      chunk({ role: 'assistant', reasoning_content: 'think' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' }, extra_content: { google: { thought_signature: 'sig' } } }] }, 'tool_calls'),
    ]);
    const output = events.at(-1)!.data.response.output as Array<Record<string, unknown>>;
    expect(output.map((item) => item.type)).toEqual(['reasoning', 'function_call']);
    expect(encryptedContentToSignatures(output[0]!.encrypted_content)).toEqual({ call_1: 'sig' });
    expect(output[1]).toMatchObject({ call_id: 'call_1' });
    // Without reasoning text, a reasoning item of its own carries it.
    const bare = run([chunk({ content: 'Checking.' }), chunk({ tool_calls: [{ index: 0, id: 'call_2', type: 'function', function: { name: 'f', arguments: '{}' }, extra_content: { google: { thought_signature: 'sig2' } } }] }, 'tool_calls')]);
    const bareOutput = bare.at(-1)!.data.response.output as Array<Record<string, unknown>>;
    expect(bareOutput.map((item) => item.type)).toEqual(['message', 'reasoning', 'function_call']);
    expect(encryptedContentToSignatures(bareOutput[1]!.encrypted_content)).toEqual({ call_2: 'sig2' });
  });

  it('ends a length stop with response.incomplete, an error with response.failed', () => {
    expect(run([chunk({ content: 'a' }, 'length')]).at(-1)).toMatchObject({ event: 'response.incomplete', data: { response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } } } });
    expect(run([chunk({ content: 'a' }), { error: { message: 'overloaded', type: 'server_error', param: null, code: 'overloaded_error' } }]).at(-1)).toMatchObject({
      event: 'response.failed',
      data: { response: { status: 'failed', error: { code: 'overloaded_error', message: 'overloaded' } } },
    });
  });
});
