import { describe, expect, it } from 'vitest';
import { buildConversation } from './build-conversation.js';
import type { AssistantMessage, ModelResponse, RequestConversation } from './model.js';

function request(extra: Partial<RequestConversation> = {}): RequestConversation {
  return {
    stream: false,
    system: 'Be brief.',
    tools: [{ name: 'lookup', parameters: { type: 'object', properties: {} } }],
    messages: [{ role: 'user', parts: [{ type: 'text', text: 'Hi' }] }],
    warnings: ['request: dropped a server tool'],
    ...extra,
  };
}

function response(message: Partial<AssistantMessage>, extra: Partial<ModelResponse> = {}): ModelResponse {
  return {
    message: { role: 'assistant', parts: [], toolCalls: [], ...message },
    finishReason: { unified: 'stop', raw: undefined },
    warnings: ['response: unknown block type'],
    ...extra,
  };
}

describe('buildConversation', () => {
  it('appends the response message to the history and keeps system, tools and finish reason', () => {
    const answer = response({ parts: [{ type: 'text', text: 'Hello.' }] });
    const conversation = buildConversation(request(), answer, { complete: true });
    expect(conversation.system).toBe('Be brief.');
    expect(conversation.tools).toEqual(request().tools);
    expect(conversation.messages).toEqual([request().messages[0], answer.message]);
    expect(conversation.finishReason?.unified).toBe('stop');
    expect(conversation.complete).toBe(true);
  });

  it('merges request and response warnings', () => {
    const conversation = buildConversation(request(), response({ parts: [{ type: 'text', text: 'x' }] }), { complete: true });
    expect(conversation.warnings).toEqual(['request: dropped a server tool', 'response: unknown block type']);
  });

  it('keeps only the history when there is no response, marked as given', () => {
    const conversation = buildConversation(request(), null, { complete: false });
    expect(conversation.messages).toEqual(request().messages);
    expect(conversation.complete).toBe(false);
    expect(conversation.finishReason).toBeUndefined();
  });

  it('appends a response that only calls tools or only reasons', () => {
    const calls = response({ toolCalls: [{ id: 'c1', name: 'lookup', arguments: {} }] }, { finishReason: { unified: 'tool_calls', raw: undefined } });
    expect(buildConversation(request(), calls, { complete: true }).messages).toHaveLength(2);
    const thoughts = response({ reasoning: 'thinking...' }, { finishReason: { unified: 'length', raw: undefined } });
    const conversation = buildConversation(request(), thoughts, { complete: true });
    expect(conversation.messages).toHaveLength(2);
    expect(conversation.finishReason?.unified).toBe('length');
  });

  it('leaves out an empty response message (an error answer) with warnings', () => {
    const failed = response({}, { finishReason: { unified: 'error', raw: undefined }, error: { type: 'overloaded_error', message: 'Overloaded' } });
    const conversation = buildConversation(request(), failed, { complete: false });
    expect(conversation.messages).toEqual(request().messages);
    expect(conversation.finishReason?.unified).toBe('error');
    expect(conversation.warnings.some((warning) => warning.includes('Overloaded'))).toBe(true);
    expect(conversation.warnings.some((warning) => warning.includes('empty'))).toBe(true);
  });

  it('continues an assistant prefill with the response instead of adding a second assistant message', () => {
    const prefilled = request({
      messages: [
        { role: 'user', parts: [{ type: 'text', text: 'JSON please' }] },
        { role: 'assistant', parts: [{ type: 'text', text: '{' }], toolCalls: [] },
      ],
    });
    const conversation = buildConversation(prefilled, response({ parts: [{ type: 'text', text: '"a": 1}' }] }), { complete: true });
    expect(conversation.messages).toHaveLength(2);
    expect(conversation.messages[1]).toEqual({
      role: 'assistant',
      // The continuation goes on from the prefill's last character: one text run, joined as sent.
      parts: [{ type: 'text', text: '{"a": 1}' }],
      toolCalls: [],
    });
    expect(conversation.warnings.some((warning) => warning.includes('prefill'))).toBe(true);
  });

  it('does not mutate its inputs', () => {
    const input = request();
    const copy = structuredClone(input);
    buildConversation(input, response({ parts: [{ type: 'text', text: 'x' }] }), { complete: true });
    expect(input).toEqual(copy);
  });
});
