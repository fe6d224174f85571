import { describe, expect, it } from 'vitest';
import type { AssistantMessage, Message, ModelResponse, RequestConversation } from './model.js';
import { canonicalJson, threadKeysOf } from './thread-key.js';

const SYSTEM = 'You are a travel agent.';

function request(messages: Message[], system = SYSTEM): RequestConversation {
  return { stream: true, system, tools: [], messages, warnings: [] };
}
function response(message: AssistantMessage): ModelResponse {
  return { message, finishReason: { unified: message.toolCalls.length > 0 ? 'tool_calls' : 'stop', raw: undefined }, warnings: [] };
}
const user = (text: string): Message => ({ role: 'user', parts: [{ type: 'text', text }] });

describe('threadKeysOf: a 3-call agent loop', () => {
  const question = user('Weather in Paris and Oslo?');
  // What the model answered (with reasoning, ids, one key order)...
  const answer1: AssistantMessage = {
    role: 'assistant',
    parts: [],
    reasoning: 'Start with Paris.',
    toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris', unit: 'C' } }],
  };
  const answer2: AssistantMessage = {
    role: 'assistant',
    parts: [{ type: 'text', text: 'Paris done. ' }],
    reasoning: 'Now Oslo.',
    toolCalls: [{ id: 'call_2', name: 'get_weather', arguments: { city: 'Oslo', unit: 'C' } }],
  };
  const answer3: AssistantMessage = {
    role: 'assistant',
    parts: [{ type: 'text', text: 'Paris 21 °C, Oslo 12 °C.' }],
    toolCalls: [],
  };
  // ...and how the client resends it: no reasoning, other ids, other key order, trimmed text.
  const resent1: AssistantMessage = {
    role: 'assistant',
    parts: [{ type: 'text', text: '' }],
    toolCalls: [{ id: 'toolu_x1', name: 'get_weather', arguments: { unit: 'C', city: 'Paris' } }],
  };
  const resent2: AssistantMessage = {
    role: 'assistant',
    parts: [{ type: 'text', text: 'Paris done.' }],
    toolCalls: [{ id: 'toolu_x2', name: 'get_weather', arguments: { unit: 'C', city: 'Oslo' } }],
  };
  const result1: Message = { role: 'tool', results: [{ callId: 'toolu_x1', content: '{"temp_c":21}' }], parts: [] };
  const result2: Message = { role: 'tool', results: [{ callId: 'toolu_x2', content: '{"temp_c":12}' }], parts: [] };

  const keys1 = threadKeysOf(request([question]), response(answer1));
  const keys2 = threadKeysOf(request([question, resent1, result1]), response(answer2));
  const keys3 = threadKeysOf(request([question, resent1, result1, resent2, result2]), response(answer3));

  it('gives the first call no parent', () => {
    expect(keys1.parentKey).toBeNull();
  });

  it("links each call to the previous one: parentKey === the previous record's selfKey", () => {
    expect(keys2.parentKey).toBe(keys1.selfKey);
    expect(keys3.parentKey).toBe(keys2.selfKey);
  });

  it('gives every record its own selfKey', () => {
    expect(new Set([keys1.selfKey, keys2.selfKey, keys3.selfKey]).size).toBe(3);
    expect(keys1.selfKey).toMatch(/^[0-9a-f]{32}$/);
  });

  it('is deterministic', () => {
    expect(threadKeysOf(request([question]), response(answer1))).toEqual(keys1);
  });

  it('tells different arguments, results and systems apart', () => {
    const otherArgs: AssistantMessage = {
      ...resent1,
      toolCalls: [{ name: 'get_weather', arguments: { unit: 'F', city: 'Paris' } }],
    };
    expect(threadKeysOf(request([question, otherArgs, result1]), null).parentKey).not.toBe(keys1.selfKey);
    const otherResult: Message = { role: 'tool', results: [{ content: '{"temp_c":5}' }], parts: [] };
    expect(threadKeysOf(request([question, resent1, otherResult]), response(answer2)).selfKey).not.toBe(keys2.selfKey);
    expect(threadKeysOf(request([question, resent1, result1], 'Another system.'), null).parentKey).not.toBe(keys1.selfKey);
  });
});

describe('threadKeysOf: chats and resent histories', () => {
  it('links a chat turn to the previous exchange', () => {
    const first = threadKeysOf(request([user('Hi')]), response({ role: 'assistant', parts: [{ type: 'text', text: 'Hello!' }], toolCalls: [] }));
    const second = threadKeysOf(
      request([user('  Hi\n'), { role: 'assistant', parts: [{ type: 'text', text: 'Hello!\r\n' }], toolCalls: [] }, user('Plan a trip')]),
      null,
    );
    expect(second.parentKey).toBe(first.selfKey);
  });

  it('ignores a raw <think> block the client does not resend', () => {
    const first = threadKeysOf(
      request([user('2+2?')]),
      response({ role: 'assistant', parts: [{ type: 'text', text: '<think>\ntrivial\n</think>\n\n4' }], toolCalls: [] }),
    );
    const second = threadKeysOf(
      request([user('2+2?'), { role: 'assistant', parts: [{ type: 'text', text: '4' }], toolCalls: [] }, user('3+3?')]),
      null,
    );
    expect(second.parentKey).toBe(first.selfKey);
  });

  it('matches a prefill continued by the response with the merged message resent later', () => {
    const first = threadKeysOf(
      request([user('JSON please'), { role: 'assistant', parts: [{ type: 'text', text: '{' }], toolCalls: [] }]),
      response({ role: 'assistant', parts: [{ type: 'text', text: '"a": 1}' }], toolCalls: [] }),
    );
    const second = threadKeysOf(
      request([user('JSON please'), { role: 'assistant', parts: [{ type: 'text', text: '{"a": 1}' }], toolCalls: [] }, user('More')]),
      null,
    );
    expect(second.parentKey).toBe(first.selfKey);
  });

  it('matches one tool message per result with one message holding all results', () => {
    const calls: Message = {
      role: 'assistant',
      parts: [],
      toolCalls: [
        { id: 'a', name: 'f', arguments: {} },
        { id: 'b', name: 'g', arguments: {} },
      ],
    };
    const split = threadKeysOf(
      request([
        user('go'),
        calls,
        { role: 'tool', results: [{ callId: 'a', content: '1' }], parts: [] },
        { role: 'tool', results: [{ callId: 'b', content: '2' }], parts: [] },
      ]),
      null,
    );
    const joined = threadKeysOf(
      request([user('go'), calls, { role: 'tool', results: [{ content: '1' }, { content: '2' }], parts: [] }]),
      null,
    );
    expect(split.selfKey).toBe(joined.selfKey);
  });

  it('hashes images by url', () => {
    const withImage = (url: string): Message => ({ role: 'user', parts: [{ type: 'image', url }, { type: 'text', text: 'What is it?' }] });
    expect(threadKeysOf(request([withImage('https://x.test/a.png')]), null).selfKey).not.toBe(
      threadKeysOf(request([withImage('https://x.test/b.png')]), null).selfKey,
    );
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}');
  });
});
