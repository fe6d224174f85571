import { describe, expect, it } from 'vitest';
import {
  assistant,
  call,
  conversation,
  conversionCases,
  result,
  toolMessage,
  user,
  weatherTool,
} from './__fixtures__/conversations.js';
import { conversationToShareGpt, toolsToJson } from './to-sharegpt.js';

describe('conversationToShareGpt golden rows', () => {
  for (const testCase of conversionCases) {
    it(testCase.name, () => {
      const { row, notes } = conversationToShareGpt(testCase.conversation);
      expect(row.conversations).toEqual(testCase.row.conversations);
      expect(row.system).toBe(testCase.row.system);
      expect(row.tools).toBe(testCase.row.tools);
      expect(row.images).toEqual(testCase.row.images);
      expect(Object.keys(row).sort()).toEqual(['conversations', 'images', 'system', 'tools']);
      for (const expected of testCase.notes ?? []) {
        expect(notes.some((note) => note.includes(expected)), `a note mentioning ${expected}: ${JSON.stringify(notes)}`).toBe(true);
      }
    });
  }
});

describe('conversationToShareGpt details', () => {
  it('keeps call arguments as an object, never a JSON string', () => {
    const { row } = conversationToShareGpt(
      conversation([user('Go'), assistant('', { calls: [call('get_weather', { city: 'Riga', days: 2 })] })], {
        tools: [weatherTool],
      }),
    );
    const parsed = JSON.parse(row.conversations[1]?.value ?? '') as { arguments: unknown };
    expect(parsed.arguments).toEqual({ city: 'Riga', days: 2 });
  });

  it('merges consecutive assistant messages into one model turn (texts by a blank line, calls kept)', () => {
    const { row, notes } = conversationToShareGpt(
      conversation([
        user('Check Oslo.'),
        assistant('On it.'),
        assistant('', { calls: [call('get_weather', { city: 'Oslo' }, 'c1')] }),
        toolMessage([result('5 C', { callId: 'c1' })]),
        assistant('5 °C.'),
      ]),
    );
    expect(row.conversations.map((turn) => turn.from)).toEqual(['human', 'function_call', 'observation', 'gpt']);
    expect(row.conversations[1]?.value).toBe('On it.\n<tool_call>{"name":"get_weather","arguments":{"city":"Oslo"}}</tool_call>');
    expect(notes.some((note) => note.includes('consecutive assistant messages'))).toBe(true);
  });

  it('joins the text runs of one assistant message with a blank line (the wire readers merge contiguous text into one run)', () => {
    const { row } = conversationToShareGpt(
      conversation([user('Hi'), assistant([{ type: 'text', text: 'Let me check.' }, { type: 'text', text: 'Found it.' }])]),
    );
    expect(row.conversations[1]?.value).toBe('Let me check.\n\nFound it.');
  });

  it('drops images in assistant messages with a note, keeping images aligned with placeholders', () => {
    const { row, notes } = conversationToShareGpt(
      conversation([user('Draw'), assistant([{ type: 'text', text: 'Here:' }, { type: 'image', url: 'https://x.test/i.png' }])]),
    );
    expect(row.conversations[1]?.value).toBe('Here:');
    expect(row.images).toEqual([]);
    expect(notes.some((note) => note.includes('image in an assistant message'))).toBe(true);
  });

  it('drops images of dropped leading turns too', () => {
    const { row } = conversationToShareGpt(
      conversation([
        toolMessage([result('orphan')], { type: 'image', url: 'https://x.test/old.png' }),
        user('Hi'),
        assistant('Hello.'),
      ]),
    );
    expect(row.conversations).toHaveLength(2);
    expect(row.images).toEqual([]);
  });

  it('starts at a user message that follows leading, dropped tool results', () => {
    const { row } = conversationToShareGpt(
      conversation([
        assistant('', { calls: [call('a', {}, 'id_a')] }),
        toolMessage([result('old result', { callId: 'id_a' })]),
        user('Continue'),
        assistant('Continuing.'),
      ]),
    );
    expect(row.conversations).toEqual([
      { from: 'human', value: 'Continue' },
      { from: 'gpt', value: 'Continuing.' },
    ]);
  });

  it('appends results that match no call after the matched ones and says so', () => {
    const { row, notes } = conversationToShareGpt(
      conversation([
        user('Go'),
        assistant('', { calls: [call('a', {}, 'id_a')] }),
        toolMessage([result('stray', { callId: 'id_z', name: 'z' }), result('for a', { callId: 'id_a' })]),
        assistant('Done.'),
      ]),
    );
    expect(row.conversations[2]?.value).toBe('for a\n</tool_response>\n<tool_response>\nstray');
    expect(notes.some((note) => note.includes('match no call'))).toBe(true);
  });

  it('notes a literal <image> in text that no image backs', () => {
    const { notes } = conversationToShareGpt(conversation([user('What does <image> mean in a prompt?'), assistant('A placeholder.')]));
    expect(notes.some((note) => note.includes('literal <image>'))).toBe(true);
  });

  it('writes "" for no tools and keeps the system prompt as given', () => {
    expect(toolsToJson([])).toBe('');
    const { row } = conversationToShareGpt(conversation([user('Hi'), assistant('Yo')], { system: 'Be brief.\n\nBe kind.' }));
    expect(row.system).toBe('Be brief.\n\nBe kind.');
    expect(row.tools).toBe('');
  });

  it('does not mutate the conversation', () => {
    const input = conversation([user('Hi'), assistant('<think>x</think>Yo', { reasoning: 'y' })], {
      tools: [{ name: 't', parameters: { type: 'OBJECT' } }],
    });
    const copy = structuredClone(input);
    conversationToShareGpt(input);
    expect(input).toEqual(copy);
  });
});
