// A ShareGPT row read back into a Conversation (how an edit reaches the OpenAI formats): the
// inverse of to-sharegpt for reasoning prefixes, tool calls (one, parallel, text + <tool_call>),
// parallel results and images, checked through the OpenAI writer's output.
import { describe, expect, it } from 'vitest';
import { shareGptToConversation } from './sharegpt-to-conversation.js';
import { conversationToShareGpt } from './to-sharegpt.js';
import { conversationToOpenAiMessages } from './to-openai-messages.js';
import type { ShareGptRow } from './sharegpt-types.js';

const TOOLS = JSON.stringify([{ name: 'get_weather', description: 'Weather.', parameters: { type: 'object', properties: { city: { type: 'string' } } } }]);

describe('shareGptToConversation', () => {
  it('reads reasoning, parallel calls, results and the final answer', () => {
    const row: ShareGptRow = {
      system: 'Be brief.',
      tools: TOOLS,
      images: [],
      conversations: [
        { from: 'human', value: 'Paris and Lyon?' },
        { from: 'function_call', value: '<think>\nTwo cities.\n</think>\n\n[{"name":"get_weather","arguments":{"city":"Paris"}},{"name":"get_weather","arguments":{"city":"Lyon"}}]' },
        { from: 'observation', value: '{"c":18}\n</tool_response>\n<tool_response>\n{"c":20}' },
        { from: 'gpt', value: 'Paris 18 °C,\nLyon 20 °C.' },
      ],
    };
    const { row: openai } = conversationToOpenAiMessages(shareGptToConversation(row));
    expect(openai.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Paris and Lyon?' },
      {
        role: 'assistant',
        content: '',
        reasoning_content: 'Two cities.',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Lyon"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', name: 'get_weather', content: '{"c":18}' },
      { role: 'tool', tool_call_id: 'call_2', name: 'get_weather', content: '{"c":20}' },
      { role: 'assistant', content: 'Paris 18 °C,\nLyon 20 °C.' },
    ]);
    expect(openai.tools?.[0]).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
  });

  it('keeps text next to a call, images in user turns, and round-trips through to-sharegpt', () => {
    const row: ShareGptRow = {
      system: '',
      tools: TOOLS,
      images: ['data:image/png;base64,AAAA'],
      conversations: [
        { from: 'human', value: '<image>\nWhere is this? Check the weather there.' },
        { from: 'function_call', value: 'Looks like Paris.\n<tool_call>{"name":"get_weather","arguments":{"city":"Paris"}}</tool_call>' },
      ],
    };
    const conversation = shareGptToConversation(row);
    expect(conversation.messages[0]).toEqual({
      role: 'user',
      parts: [
        { type: 'image', url: 'data:image/png;base64,AAAA' },
        { type: 'text', text: '\nWhere is this? Check the weather there.' },
      ],
    });
    expect(conversation.messages[1]).toMatchObject({ role: 'assistant', parts: [{ type: 'text', text: 'Looks like Paris.' }], toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] });
    expect(conversationToShareGpt(conversation).row.conversations).toEqual(row.conversations);
  });

  it('marks a call whose JSON does not parse, so the OpenAI validator rejects the row', () => {
    const conversation = shareGptToConversation({
      system: '',
      tools: '',
      images: [],
      conversations: [
        { from: 'human', value: 'Hi' },
        { from: 'function_call', value: '{"name":"get_weather","arguments":{"city":' },
      ],
    });
    expect(conversation.messages[1]).toMatchObject({ toolCalls: [{ argumentsInvalid: true }] });
  });
});
