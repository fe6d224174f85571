import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { requestToConversation } from './request-to-conversation.js';

const fixtureJson = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'));

const STREAM_PATH = '/generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent';

describe('gemini requestToConversation', () => {
  it('reads a tool loop: system parts, images, thoughts, parallel calls, responses and tools', () => {
    const conversation = requestToConversation(fixtureJson('request-tool-loop.json'), STREAM_PATH);
    expect(conversation.model).toBe('gemini-2.5-flash');
    expect(conversation.stream).toBe(true);
    expect(conversation.system).toBe('You are a helpful weather assistant.\n\nAnswer in metric units.');
    expect(conversation.tools).toMatchObject([
      {
        name: 'get_weather',
        description: 'Get the current weather for a city',
        parameters: {
          type: 'object',
          properties: {
            city: { type: 'string', description: 'City name' },
            units: { type: 'string', enum: ['CELSIUS', 'FAHRENHEIT'] },
            days: { type: 'integer', nullable: true },
            include: { type: 'array', items: { type: 'string' } },
          },
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
          {
            type: 'image',
            url: 'https://generativelanguage.googleapis.com/v1beta/files/abc123',
            mimeType: 'image/jpeg',
          },
        ],
      },
      {
        role: 'assistant',
        parts: [{ type: 'text', text: "I'll check both cities." }],
        reasoning: '**Planning the lookups**\n\nTwo cities, so two calls.',
        toolCalls: [
          { name: 'get_weather', arguments: { city: 'Paris' } },
          { name: 'get_weather', arguments: { city: 'Tokyo' } },
        ],
      },
      {
        role: 'tool',
        results: [
          { name: 'get_weather', content: '18°C, cloudy' },
          { name: 'get_weather', content: '{"temp":24,"sky":"clear"}' },
        ],
        parts: [{ type: 'text', text: 'Also, is it a good day for a picnic?' }],
      },
      {
        role: 'assistant',
        parts: [{ type: 'text', text: 'Paris is 18°C and cloudy; Tokyo is 24°C and clear.' }],
        toolCalls: [{ id: 'call_7f3a', name: 'get_time', arguments: {} }],
      },
      {
        role: 'tool',
        results: [{ callId: 'call_7f3a', name: 'get_time', content: 'time service unavailable', isError: true }],
        parts: [],
      },
    ]);
    expect(conversation.warnings).toMatchObject([
      'tools[1]: googleSearch tool dropped: it is not a function tool',
      'tools[2]: codeExecution tool dropped: it is not a function tool',
      'contents[0]: fileData of type video/mp4 dropped',
    ]);
  });

  it('reads snake_case field names and the older `function` role', () => {
    const conversation = requestToConversation(
      fixtureJson('request-snake-case.json'),
      '/v1beta/models/gemini-2.0-flash:generateContent',
    );
    expect(conversation).toMatchObject({
      model: 'gemini-2.0-flash',
      stream: false,
      system: 'Be terse.',
      tools: [
        {
          name: 'describe_image',
          parameters: { type: 'object', properties: { detail: { type: 'string', enum: ['low', 'high'] } } },
        },
      ],
      messages: [
        {
          role: 'user',
          parts: [
            { type: 'text', text: 'What is in this picture?' },
            { type: 'image', url: 'data:image/jpeg;base64,/9j/4AAQSkZJRgABAQ==', mimeType: 'image/jpeg' },
            { type: 'image', url: 'gs://bucket/cat.png', mimeType: 'image/png' },
          ],
        },
        { role: 'assistant', parts: [], toolCalls: [{ name: 'describe_image', arguments: { detail: 'high' } }] },
        { role: 'tool', results: [{ name: 'describe_image', content: 'a cat on a sofa' }], parts: [] },
      ],
      warnings: ['tools[1]: url_context tool dropped: it is not a function tool'],
    });
  });

  it('takes the model from the body when the path has none, and defaults a missing role to user', () => {
    const conversation = requestToConversation(
      { model: 'models/gemini-2.5-pro', contents: [{ parts: [{ text: 'hi' }] }], systemInstruction: 'Plain string' },
      '/v1beta/unknown',
    );
    expect(conversation.model).toBe('gemini-2.5-pro');
    expect(conversation.system).toBe('Plain string');
    expect(conversation.messages).toMatchObject([{ role: 'user', parts: [{ type: 'text', text: 'hi' }] }]);
  });

  it('never throws on odd shapes and says what it skipped', () => {
    const conversation = requestToConversation(
      {
        contents: [{ role: 'system', parts: [] }, { role: 'user', parts: [{ videoMetadata: {} }, { inlineData: { mimeType: 'application/pdf', data: 'JVBER' } }] }],
        tools: [{ functionDeclarations: [{ description: 'nameless' }] }],
        systemInstruction: { parts: [{ inlineData: { mimeType: 'image/png', data: 'AA' } }] },
      },
      '/v1/models/gemini-2.5-flash:generateContent',
    );
    expect(conversation.messages).toMatchObject([{ role: 'user', parts: [] }]);
    expect(conversation.system).toBe('');
    expect(conversation.tools).toMatchObject([]);
    expect(conversation.warnings).toMatchObject([
      'systemInstruction.parts[0]: inlineData part dropped',
      'tools[0].functionDeclarations[0]: declaration without a name dropped',
      'contents[0]: content with role system dropped',
      'contents[1]: videoMetadata part dropped',
      'contents[1]: inlineData of type application/pdf dropped',
    ]);
    expect(requestToConversation(null, '/x')).toMatchObject({ stream: false, system: '', tools: [], messages: [], warnings: [] });
  });
});

describe('gemini requestToConversation: single objects where lists are declared', () => {
  it('reads contents, parts, systemInstruction.parts, tools and functionDeclarations given as one object', () => {
    const conversation = requestToConversation(
      {
        systemInstruction: { parts: { text: 'You are a cat.' } },
        contents: { role: 'user', parts: { text: 'Hello there' } },
        tools: { functionDeclarations: { name: 'purr', parameters: { type: 'OBJECT', properties: {} } } },
      },
      '/v1beta/models/gemini-2.5-flash:generateContent',
    );
    expect(conversation.system).toBe('You are a cat.');
    expect(conversation.messages).toEqual([{ role: 'user', parts: [{ type: 'text', text: 'Hello there' }] }]);
    expect(conversation.tools.map((tool) => tool.name)).toEqual(['purr']);
  });
});
