import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { requestToConversation } from './request-to-conversation.js';

const fixtureJson = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'));

describe('anthropic requestToConversation', () => {
  it('reads a tool loop: system blocks, images, thinking, parallel calls, results and tools', () => {
    const conversation = requestToConversation(fixtureJson('request-tool-loop.json'));
    expect(conversation.model).toBe('claude-sonnet-4-5-20250929');
    expect(conversation.stream).toBe(true);
    expect(conversation.system).toBe('You are a helpful weather assistant.\n\nAnswer in metric units.');
    expect(conversation.tools).toMatchObject([
      {
        name: 'get_weather',
        description: 'Get the current weather for a city',
        parameters: {
          type: 'object',
          properties: { city: { type: 'string', description: 'City name' } },
          required: ['city'],
        },
      },
      { name: 'get_time', description: 'Get the local time', parameters: { type: 'object', properties: {} } },
    ]);
    expect(conversation.messages).toMatchObject([
      {
        role: 'user',
        parts: [
          { type: 'text', text: "What's the weather in Paris and Tokyo? Here is the view from my window." },
          {
            type: 'image',
            url: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
            mimeType: 'image/png',
          },
        ],
      },
      {
        role: 'assistant',
        parts: [{ type: 'text', text: "I'll check both cities." }],
        reasoning: 'The user wants the weather for two cities. I can call get_weather for both in parallel.',
        toolCalls: [
          { id: 'toolu_01GgLz3fVvaHbyBh5N5Nnnx8', name: 'get_weather', arguments: { city: 'Paris' } },
          { id: 'toolu_01R6dWv3a6ZDprQ6jGrm3Yvk', name: 'get_weather', arguments: { city: 'Tokyo' } },
        ],
      },
      {
        role: 'tool',
        results: [
          { callId: 'toolu_01GgLz3fVvaHbyBh5N5Nnnx8', name: 'get_weather', content: '18°C, cloudy' },
          { callId: 'toolu_01R6dWv3a6ZDprQ6jGrm3Yvk', name: 'get_weather', content: '{"temp": 24, "sky": "clear"}' },
        ],
        parts: [{ type: 'text', text: 'Also, is it a good day for a picnic?' }],
      },
      {
        role: 'assistant',
        parts: [{ type: 'text', text: 'Paris is 18°C and cloudy; Tokyo is 24°C and clear.' }],
        toolCalls: [{ id: 'toolu_01JqW8KuWSGFgqQFpVPnVSvC', name: 'get_time', arguments: {} }],
      },
      {
        role: 'tool',
        results: [
          {
            callId: 'toolu_01JqW8KuWSGFgqQFpVPnVSvC',
            name: 'get_time',
            content: 'Error: time service unavailable',
            isError: true,
          },
        ],
        parts: [],
      },
    ]);
    expect(conversation.warnings).toMatchObject([
      'tools[2]: server tool web_search_20250305 (web_search) dropped: it is not a function tool',
      'messages[3]: redacted_thinking block dropped (its content is encrypted)',
    ]);
  });

  it('reads a Moonshot-style request: string system and content, url images, dropped documents', () => {
    const conversation = requestToConversation(fixtureJson('request-moonshot.json'));
    expect(conversation).toMatchObject({
      model: 'kimi-k2-0905-preview',
      stream: false,
      system: 'You are Kimi, an AI assistant created by Moonshot AI.',
      tools: [],
      messages: [
        { role: 'user', parts: [{ type: 'text', text: 'Describe this picture.' }] },
        { role: 'assistant', parts: [{ type: 'text', text: 'Please send the picture.' }], toolCalls: [] },
        {
          role: 'user',
          parts: [
            { type: 'image', url: 'https://example.com/cat.jpg' },
            { type: 'text', text: 'Here it is.' },
          ],
        },
      ],
      warnings: ['messages[2]: document block dropped'],
    });
  });

  it('joins text blocks of a tool_result with a newline and warns about images inside it', () => {
    const conversation = requestToConversation({
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_9',
              content: [
                { type: 'text', text: 'line one' },
                { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
                { type: 'text', text: 'line two' },
              ],
            },
          ],
        },
      ],
    });
    expect(conversation.messages).toMatchObject([
      { role: 'tool', results: [{ callId: 'toolu_9', content: 'line one\nline two' }], parts: [] },
    ]);
    expect(conversation.warnings).toMatchObject(['messages[0]: image block inside tool_result toolu_9 dropped']);
  });

  it('never throws on odd shapes and says what it skipped', () => {
    const conversation = requestToConversation({
      system: [{ type: 'image' }, 42],
      messages: [null, { role: 'system', content: 'x' }, { role: 'user', content: [{ type: 'image', source: { type: 'file', file_id: 'f_1' } }] }],
      tools: 'nope',
    });
    expect(conversation.system).toBe('');
    expect(conversation.tools).toMatchObject([]);
    expect(conversation.messages).toMatchObject([{ role: 'user', parts: [] }]);
    expect(conversation.warnings).toMatchObject([
      'system[0]: image block dropped',
      'system[1]: untyped block dropped',
      'messages[0]: message with role undefined dropped',
      'messages[1]: message with role system dropped',
      'messages[2]: image with source type file dropped',
    ]);
    expect(requestToConversation(undefined)).toMatchObject({
      stream: false,
      system: '',
      tools: [],
      messages: [],
      warnings: [],
    });
  });
});
