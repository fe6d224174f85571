// The OpenAI fine-tuning validator (formats.md 3): accepted examples of every kind, and one broken
// example per error reason.
import { describe, expect, it } from 'vitest';
import { OPENAI_REASONS, validateOpenAiFtRow, type OpenAiReasonCode } from './validate-openai-ft.js';

const weatherTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};
const call = (id: string, city: string) => ({ id, type: 'function', function: { name: 'get_weather', arguments: JSON.stringify({ city }) } });

const good: Array<{ name: string; example: unknown }> = [
  { name: 'system, user, assistant', example: { messages: [{ role: 'system', content: 'Be terse.' }, { role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello.' }] } },
  {
    name: 'weights 0 and 1',
    example: {
      messages: [
        { role: 'user', content: 'Capital of France?' },
        { role: 'assistant', content: 'Paris', weight: 0 },
        { role: 'user', content: 'Again?' },
        { role: 'assistant', content: 'Paris.', weight: 1 },
      ],
    },
  },
  {
    name: 'parallel tool calls answered in order, then an answer',
    example: {
      messages: [
        { role: 'user', content: 'Tokyo and Oslo?' },
        { role: 'assistant', content: null, tool_calls: [call('call_1', 'Tokyo'), call('call_2', 'Oslo')] },
        { role: 'tool', tool_call_id: 'call_2', content: '9 C' },
        { role: 'tool', tool_call_id: 'call_1', content: '18 C' },
        { role: 'assistant', content: '18 C and 9 C.' },
      ],
      tools: [weatherTool],
      parallel_tool_calls: true,
    },
  },
  {
    name: 'image in a user message',
    example: {
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'data:image/webp;base64,AAAA' } }] },
        { role: 'assistant', content: 'A cat.' },
      ],
    },
  },
  { name: 'a final tool call needs no answer', example: { messages: [{ role: 'user', content: 'Rome?' }, { role: 'assistant', tool_calls: [call('c', 'Rome')] }], tools: [weatherTool] } },
];

const bad: Array<{ code: OpenAiReasonCode; example: unknown }> = [
  { code: 'example-not-object', example: [{ role: 'user', content: 'Hi' }] },
  { code: 'missing-messages-list', example: { messages: [] } },
  { code: 'message-not-object', example: { messages: ['Hi', { role: 'assistant', content: 'Hello.' }] } },
  { code: 'unrecognized-role', example: { messages: [{ role: 'developer', content: 'Be terse.' }, { role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello.' }] } },
  { code: 'message-unrecognized-key', example: { messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello.', reasoning_content: 'Greeting.' }] } },
  { code: 'message-missing-key', example: { messages: [{ role: 'user' }, { role: 'assistant', content: 'Hello.' }] } },
  { code: 'missing-content', example: { messages: [{ role: 'user', content: '  ' }, { role: 'assistant', content: 'Hello.' }] } },
  { code: 'content-part-invalid', example: { messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }, { role: 'assistant', content: 'Hm.' }] } },
  {
    code: 'image-not-in-user-message',
    example: { messages: [{ role: 'user', content: 'Draw a cat.' }, { role: 'assistant', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }] },
  },
  { code: 'image-url-invalid', example: { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/gif;base64,R0lG' } }] }, { role: 'assistant', content: 'A gif.' }] } },
  { code: 'weight-not-assistant', example: { messages: [{ role: 'user', content: 'Hi', weight: 1 }, { role: 'assistant', content: 'Hello.' }] } },
  { code: 'weight-invalid', example: { messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello.', weight: 2 }] } },
  { code: 'tool-calls-invalid', example: { messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', tool_calls: [{ name: 'get_weather', arguments: '{}' }] }] } },
  { code: 'tool-call-id-missing', example: { messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', tool_calls: [{ type: 'function', function: { name: 'get_weather', arguments: '{}' } }] }] } },
  {
    code: 'tool-call-arguments-not-string',
    example: { messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'get_weather', arguments: { city: 'Paris' } } }] }] },
  },
  {
    code: 'tool-call-arguments-not-json',
    example: { messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Par' } }] }] },
  },
  {
    code: 'tool-call-unanswered',
    example: { messages: [{ role: 'user', content: 'Paris?' }, { role: 'assistant', tool_calls: [call('c', 'Paris')] }, { role: 'user', content: 'Well?' }, { role: 'assistant', content: 'Sorry.' }] },
  },
  { code: 'tool-message-id-missing', example: { messages: [{ role: 'user', content: 'Paris?' }, { role: 'assistant', tool_calls: [call('c', 'Paris')] }, { role: 'tool', content: '18 C' }, { role: 'assistant', content: '18 C.' }] } },
  {
    code: 'tool-result-unmatched',
    example: { messages: [{ role: 'user', content: 'Paris?' }, { role: 'assistant', tool_calls: [call('c', 'Paris')] }, { role: 'tool', tool_call_id: 'other', content: '18 C' }, { role: 'assistant', content: '18 C.' }] },
  },
  {
    code: 'tool-name-invalid',
    example: { messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello.' }], tools: [{ type: 'function', function: { name: 'get weather!', parameters: { type: 'object', properties: {} } } }] },
  },
  { code: 'tools-invalid', example: { messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello.' }], tools: [{ name: 'get_weather' }] } },
  { code: 'functions-invalid', example: { messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello.' }], functions: [] } },
  {
    code: 'parallel-tool-calls-invalid',
    example: { messages: [{ role: 'user', content: 'Both?' }, { role: 'assistant', tool_calls: [call('a', 'Paris'), call('b', 'Lyon')] }], parallel_tool_calls: false },
  },
  { code: 'function-call-invalid', example: { messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: null, function_call: { name: 'f', arguments: {} } }] } },
  { code: 'missing-assistant-message', example: { messages: [{ role: 'system', content: 'Be terse.' }, { role: 'user', content: 'Hi' }] } },
  { code: 'no-trainable-assistant', example: { messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello.', weight: 0 }] } },
];

describe('validateOpenAiFtRow', () => {
  for (const { name, example } of good) {
    it(`accepts: ${name}`, () => {
      expect(validateOpenAiFtRow(example).errors).toEqual([]);
    });
  }

  for (const { code, example } of bad) {
    it(`rejects with ${code}: ${OPENAI_REASONS[code].description}`, () => {
      const verdict = validateOpenAiFtRow(example);
      expect(verdict.valid).toBe(false);
      expect(verdict.errors.map((error) => error.code)).toContain(code);
    });
  }

  it('has a broken example for every error reason', () => {
    const errors = Object.entries(OPENAI_REASONS).filter(([, reason]) => reason.severity === 'error').map(([code]) => code);
    expect(errors.filter((code) => !bad.some((testCase) => testCase.code === code))).toEqual([]);
  });

  it('warns (does not reject) on an undeclared tool, a missing system message and a trailing user turn', () => {
    const verdict = validateOpenAiFtRow({
      messages: [{ role: 'user', content: 'Paris?' }, { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'get_time', arguments: '{}' } }] }],
      tools: [weatherTool],
    });
    expect(verdict.valid).toBe(true);
    expect(verdict.warnings.map((warning) => warning.code)).toEqual(['call-tool-undeclared', 'no-system-message']);
  });

  it('accepts reasoning_content and a tool name in the openai-messages variant only', () => {
    const example = {
      messages: [
        { role: 'user', content: 'Paris?' },
        { role: 'assistant', content: '', reasoning_content: 'Need the tool.', tool_calls: [call('c', 'Paris')] },
        { role: 'tool', tool_call_id: 'c', name: 'get_weather', content: '18 C' },
        { role: 'assistant', content: '18 C.' },
      ],
    };
    expect(validateOpenAiFtRow(example, { openAiMessages: true }).errors).toEqual([]);
    expect(validateOpenAiFtRow(example).errors.map((error) => error.code)).toEqual(['message-unrecognized-key', 'message-unrecognized-key']);
  });
});
