import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { requestToConversation } from './request-to-conversation.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'));

describe('openai-chat requestToConversation', () => {
  describe('a tool loop with images (request-tool-loop.json)', () => {
    const conversation = requestToConversation(fixture('request-tool-loop.json'));

    it('reads model and stream flag', () => {
      expect(conversation.model).toBe('gpt-4o-mini');
      expect(conversation.stream).toBe(true);
    });

    it('joins system and developer messages with a blank line, text parts with a newline', () => {
      expect(conversation.system).toBe('You are a weather assistant.\n\nAnswer in French.\nBe brief.');
    });

    it('keeps user text and images in order, with the data URL mime type', () => {
      expect(conversation.messages[0]).toMatchObject({
        role: 'user',
        parts: [
          { type: 'text', text: 'What is the weather in Paris and Lyon? Here is the map.' },
          {
            type: 'image',
            url: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
            mimeType: 'image/png',
          },
        ],
      });
    });

    it('parses tool call arguments and flags invalid JSON instead of guessing', () => {
      expect(conversation.messages[1]).toMatchObject({
        role: 'assistant',
        parts: [],
        toolCalls: [
          { id: 'call_4NkR8pWz1QmXc7VbT2yHsL0d', name: 'get_weather', arguments: { city: 'Paris' } },
          {
            id: 'call_9TfJ3xLq6ZcMw1PrV8nBk5Ys',
            name: 'get_weather',
            arguments: '{"city":"Lyon"',
            argumentsInvalid: true,
          },
        ],
      });
    });

    it('merges consecutive tool messages into one ToolMessage, joining text parts', () => {
      expect(conversation.messages[2]).toMatchObject({
        role: 'tool',
        results: [
          { callId: 'call_4NkR8pWz1QmXc7VbT2yHsL0d', content: '{"temp_c":18,"sky":"cloudy"}' },
          { callId: 'call_9TfJ3xLq6ZcMw1PrV8nBk5Ys', content: '{"temp_c":21,\n"sky":"sunny"}' },
        ],
        parts: [],
      });
    });

    it('reads a plain assistant reply and a later user turn with an http image', () => {
      expect(conversation.messages[3]).toMatchObject({
        role: 'assistant',
        parts: [{ type: 'text', text: 'Paris : 18 °C, nuageux. Lyon : 21 °C, ensoleillé.' }],
        toolCalls: [],
      });
      expect(conversation.messages[4]).toMatchObject({
        role: 'user',
        parts: [
          { type: 'text', text: 'Et à Nice ?' },
          { type: 'image', url: 'https://example.com/nice.jpg' },
        ],
      });
      expect(conversation.messages).toHaveLength(5);
    });

    it('reads function tools, defaults missing parameters, drops other tool types with a warning', () => {
      expect(conversation.tools).toMatchObject([
        {
          name: 'get_weather',
          description: 'Current weather for a city.',
          parameters: {
            type: 'object',
            properties: { city: { type: 'string' } },
            required: ['city'],
            additionalProperties: false,
          },
        },
        { name: 'get_time', parameters: { type: 'object', properties: {} } },
      ]);
    });

    it('says what it dropped', () => {
      expect(conversation.warnings).toMatchObject([
        'messages[7]: content part of type "input_audio" dropped',
        'tools[2]: tool of type "custom" dropped (not a function tool)',
      ]);
    });
  });

  describe('DeepSeek thinking mode with tools (request-deepseek-thinking-tools.json)', () => {
    const conversation = requestToConversation(fixture('request-deepseek-thinking-tools.json'));

    it('keeps reasoning_content (and `reasoning`) where it was recorded', () => {
      expect(conversation.stream).toBe(false);
      expect(conversation.system).toBe('');
      expect(conversation.messages.map((message) => message.role)).toMatchObject([
        'user',
        'assistant',
        'tool',
        'assistant',
        'user',
      ]);
      expect(conversation.messages[1]).toMatchObject({
        role: 'assistant',
        parts: [],
        reasoning: "I need today's date first, so I will call the date tool.",
        toolCalls: [{ id: 'call_00_d8Kq2ZpXw3LmN', name: 'get_date', arguments: {} }],
      });
      expect(conversation.messages[3]).toMatchObject({
        role: 'assistant',
        parts: [{ type: 'text', text: '129 days.' }],
        reasoning: 'From 2025-08-25 to 2026-01-01 is 129 days.',
        toolCalls: [],
      });
      expect(conversation.warnings).toMatchObject([]);
    });
  });

  describe('legacy functions (request-legacy-functions.json)', () => {
    const conversation = requestToConversation(fixture('request-legacy-functions.json'));

    it('reads function_call as a call without id and the function role as a named result', () => {
      expect(conversation.system).toBe('You convert currencies.');
      expect(conversation.messages[1]).toMatchObject({
        role: 'assistant',
        parts: [],
        toolCalls: [{ name: 'convert', arguments: { amount: 100, from: 'USD', to: 'EUR' } }],
      });
      expect(conversation.messages[2]).toMatchObject({
        role: 'tool',
        results: [{ name: 'convert', content: '{"result": 92.1}' }],
        parts: [],
      });
    });

    it('reads the legacy functions list as tools', () => {
      expect(conversation.tools).toMatchObject([
        {
          name: 'convert',
          description: 'Converts an amount.',
          parameters: {
            type: 'object',
            properties: { amount: { type: 'number' }, from: { type: 'string' }, to: { type: 'string' } },
          },
        },
      ]);
    });
  });

  describe('odd shapes', () => {
    it('never throws: non-object bodies give an empty conversation', () => {
      for (const body of [undefined, null, 'text', 42, [], { messages: 'nope' }]) {
        const conversation = requestToConversation(body);
        expect(conversation.messages).toMatchObject([]);
        expect(conversation.system).toBe('');
        expect(conversation.tools).toMatchObject([]);
        expect(conversation.stream).toBe(false);
      }
    });

    it('drops unknown roles and odd parts with warnings', () => {
      const conversation = requestToConversation({
        messages: [
          { role: 'narrator', content: 'Once upon a time' },
          { role: 'user', content: [{ type: 'image_url', image_url: {} }, 'plain string part', { type: 'file', file: {} }] },
          { role: 'user', content: 17 },
          { role: 'assistant', tool_calls: [{ type: 'function', function: { arguments: '{}' } }] },
        ],
      });
      expect(conversation.messages).toMatchObject([
        { role: 'user', parts: [{ type: 'text', text: 'plain string part' }] },
        { role: 'user', parts: [] },
        { role: 'assistant', parts: [], toolCalls: [] },
      ]);
      expect(conversation.warnings).toMatchObject([
        'messages[0]: message with role "narrator" dropped',
        'messages[1]: image_url part without a url dropped',
        'messages[1]: content part of type "file" dropped',
        'messages[2]: content of type number ignored',
        'messages[3]: tool call without a function name dropped',
      ]);
    });

    it('does not merge a tool message into an earlier one when a user message sits between', () => {
      const conversation = requestToConversation({
        messages: [
          { role: 'tool', tool_call_id: 'a', content: 'one' },
          { role: 'user', content: 'next' },
          { role: 'tool', tool_call_id: 'b', content: 'two' },
        ],
      });
      expect(conversation.messages.map((message) => message.role)).toMatchObject(['tool', 'user', 'tool']);
    });

    it('keeps a non-array object tool result as JSON text', () => {
      const conversation = requestToConversation({
        messages: [{ role: 'tool', tool_call_id: 'a', content: { ok: true } }],
      });
      expect(conversation.messages[0]).toMatchObject({
        role: 'tool',
        results: [{ callId: 'a', content: '{"ok":true}' }],
        parts: [],
      });
    });
  });
});
