import { describe, expect, it } from 'vitest';
import type { AssistantMessage, Conversation } from '../conversation/model.js';
import { fillMissingReasoning, lacksEarlierReasoning } from './fill-reasoning.js';

const call = (text: string, name: string, args: string, reasoning?: string): AssistantMessage => ({
  role: 'assistant',
  parts: text === '' ? [] : [{ type: 'text', text }],
  toolCalls: [{ id: `id-${name}`, name, arguments: JSON.parse(args) as unknown, argumentsText: args }],
  ...(reasoning !== undefined ? { reasoning } : {}),
});

// A Gemini CLI thread's last request: the earlier model turns came back without their thoughts.
const conversation: Conversation = {
  system: 'You are an interactive CLI agent.',
  tools: [],
  complete: true,
  warnings: [],
  messages: [
    { role: 'user', parts: [{ type: 'text', text: 'What is in package.json?' }] },
    call('', 'read_file', '{"absolute_path":"/w/package.json"}'),
    { role: 'tool', parts: [], results: [{ callId: 'id-read_file', name: 'read_file', content: '{"name":"app"}' }] },
    call('Checking the lock file too.', 'glob', '{"pattern":"*.lock"}'),
    { role: 'tool', parts: [], results: [{ callId: 'id-glob', name: 'glob', content: 'none' }] },
    { role: 'assistant', parts: [{ type: 'text', text: 'The package is named app.' }], toolCalls: [], reasoning: 'Both results are in.' },
  ],
};

describe('fillMissingReasoning', () => {
  it("takes each earlier step's reasoning from the response that produced it, matched by text and exact calls", () => {
    expect(lacksEarlierReasoning(conversation)).toBe(true);
    const responses = [
      call('Checking the lock file too.', 'glob', '{"pattern": "*.lock"}', 'Is there a lock file?'),
      call('', 'read_file', '{"absolute_path":"/w/package.json"}', 'I should read package.json first.'),
      call('', 'read_file', '{"absolute_path":"/w/other.json"}', 'not this one'),
    ];
    const { conversation: filled, filled: count } = fillMissingReasoning(conversation, responses);
    expect(count).toBe(2);
    const reasoning = filled.messages.filter((message) => message.role === 'assistant').map((message) => (message as AssistantMessage).reasoning);
    expect(reasoning).toEqual(['I should read package.json first.', 'Is there a lock file?', 'Both results are in.']);
    expect(lacksEarlierReasoning(filled)).toBe(false);
  });

  it('leaves a step alone when no ancestor produced it, and returns the same conversation when nothing matched', () => {
    const result = fillMissingReasoning(conversation, [call('', 'read_file', '{"absolute_path":"/elsewhere"}', 'x')]);
    expect(result.filled).toBe(0);
    expect(result.conversation).toBe(conversation);
  });
});
