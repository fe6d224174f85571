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

// Conversations whose keys are fixed below: each shape the normalisation handles.
const GOLDEN_CASES: Array<{ name: string; request: RequestConversation; response: ModelResponse | null }> = [
  { name: 'a first call, no assistant yet', request: request([user('Hello')]), response: response({ role: 'assistant', parts: [{ type: 'text', text: 'Hi!' }], toolCalls: [] }) },
  { name: 'no answer (an error)', request: request([user('Hello'), { role: 'assistant', parts: [{ type: 'text', text: 'Hi' }], toolCalls: [] }, user('More')]), response: null },
  {
    name: 'an agent step: calls, split tool results, an image, CRLF and a think block',
    request: request(
      [
        { role: 'user', parts: [{ type: 'text', text: '  Look\r\nat this ' }, { type: 'image', url: 'data:image/png;base64,AAAA' }] },
        { role: 'assistant', parts: [{ type: 'text', text: '<think>hmm</think> Checking.' }], toolCalls: [{ id: 'a', name: 'read', arguments: { path: 'x', b: [1, { z: 1, a: 2 }] } }, { id: 'b', name: 'list', arguments: {} }] },
        { role: 'tool', parts: [], results: [{ callId: 'a', content: 'file x\r\n' }] },
        { role: 'tool', parts: [{ type: 'text', text: 'and a note' }], results: [{ callId: 'b', content: '[]' }] },
        { role: 'user', parts: [{ type: 'text', text: 'go on' }] },
        { role: 'user', parts: [{ type: 'text', text: 'please' }] },
      ],
      'System\r\nprompt ',
    ),
    response: response({ role: 'assistant', parts: [{ type: 'text', text: 'Done.' }], reasoning: 'r', toolCalls: [{ id: 'c', name: 'write', arguments: { text: 'é"\\n' } }] }),
  },
  {
    name: 'a prefill the answer continues (the two assistant turns merge)',
    request: request([user('Write a haiku'), { role: 'assistant', parts: [{ type: 'text', text: 'Autumn' }], toolCalls: [] }]),
    response: response({ role: 'assistant', parts: [{ type: 'text', text: ' moon rises' }], toolCalls: [] }),
  },
  {
    name: 'two assistant messages in a row inside the history',
    request: request([user('Q'), { role: 'assistant', parts: [{ type: 'text', text: 'A1' }], toolCalls: [] }, { role: 'assistant', parts: [], toolCalls: [{ id: 'q', name: 'f', arguments: { n: 1 } }] }, { role: 'tool', parts: [], results: [{ callId: 'q', content: 'ok' }] }]),
    response: response({ role: 'assistant', parts: [{ type: 'text', text: 'Final' }], toolCalls: [] }),
  },
];

/**
 * The keys of GOLDEN_CASES as the first implementation computed them. Stored records link to their
 * parents by these values, so a faster implementation must give the very same ones.
 */
const GOLDEN_KEYS: Record<string, { parentKey: string | null; selfKey: string }> = {
  "a first call, no assistant yet": { parentKey: null, selfKey: '92e81d8fa7170e8493869d5117b0b01c' },
  "no answer (an error)": { parentKey: 'dbff31aae5a55bcb4b682d66b244ea08', selfKey: 'aece8c1c19628d06acb93001acb6d236' },
  "an agent step: calls, split tool results, an image, CRLF and a think block": { parentKey: '2e696b7d5e73c681b6570e220accda18', selfKey: '66036d299d83fc3660d9bc5ce406497f' },
  "a prefill the answer continues (the two assistant turns merge)": { parentKey: '3e16bdbc11f1d4912bb46eece97f945a', selfKey: '28eb1369a1dc096c36f13e1b64f56f2c' },
  "two assistant messages in a row inside the history": { parentKey: '6b81d4ee69b7a2dcaa896e17ac52a4ea', selfKey: 'd071e81a94d7bdf0ca294ff1ca588eda' },
};

describe('threadKeysOf: the same keys as stored records carry', () => {
  it.each(GOLDEN_CASES.map((golden) => [golden.name, golden] as const))('%s', (name, golden) => {
    expect(threadKeysOf(golden.request, golden.response)).toEqual(GOLDEN_KEYS[name]);
  });
});
