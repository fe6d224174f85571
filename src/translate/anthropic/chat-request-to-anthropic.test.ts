import { describe, expect, it } from 'vitest';
import { parseChatRequest, type ChatRequest } from '../openai-chat-request.js';
import { chatRequestToAnthropic, DEFAULT_MAX_TOKENS, JSON_TOOL_NAME } from './chat-request-to-anthropic.js';

function chat(extra: Record<string, unknown>): ChatRequest {
  const parsed = parseChatRequest({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }], ...extra });
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

describe('chatRequestToAnthropic: the basics', () => {
  it('posts to /v1/messages with the model and a default max_tokens', () => {
    const translated = chatRequestToAnthropic(chat({}));
    expect(translated.path).toBe('/v1/messages');
    expect(translated.body).toEqual({ model: 'claude-sonnet-4-5', max_tokens: DEFAULT_MAX_TOKENS, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] });
    expect(translated.warnings).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['max_tokens', { max_tokens: 100 }, { max_tokens: 100 }],
    ['max_completion_tokens wins', { max_tokens: 100, max_completion_tokens: 300 }, { max_tokens: 300 }],
    ['temperature and top_p', { temperature: 0.3, top_p: 0.8 }, { temperature: 0.3, top_p: 0.8 }],
    ['temperature above 1 is clamped', { temperature: 1.7 }, { temperature: 1 }],
    ['stop → stop_sequences', { stop: 'END' }, { stop_sequences: ['END'] }],
    ['stop list → stop_sequences', { stop: ['A', 'B'] }, { stop_sequences: ['A', 'B'] }],
    ['user → metadata.user_id', { user: 'user-42' }, { metadata: { user_id: 'user-42' } }],
    ['stream', { stream: true, stream_options: { include_usage: true } }, { stream: true }],
    ['reasoning_effort → thinking, max_tokens above the budget', { reasoning_effort: 'low' }, { thinking: { type: 'enabled', budget_tokens: 2048 }, max_tokens: 2048 + DEFAULT_MAX_TOKENS }],
    ['reasoning_effort with a small max_tokens lowers the budget', { reasoning_effort: 'high', max_tokens: 5000 }, { thinking: { type: 'enabled', budget_tokens: 4999 }, max_tokens: 5000 }],
  ])('%s', (_name, extra, expected) => {
    expect(chatRequestToAnthropic(chat(extra)).body).toMatchObject(expected);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['n > 1', { n: 3 }, ['n=3: Anthropic returns one choice per request']],
    ['seed and penalties', { seed: 1, presence_penalty: 0.1, frequency_penalty: 0.2 }, [
      'parameter "seed" is not translated for Anthropic and was not sent',
      'parameter "presence_penalty" is not translated for Anthropic and was not sent',
      'parameter "frequency_penalty" is not translated for Anthropic and was not sent',
    ]],
    ['temperature with thinking', { reasoning_effort: 'low', temperature: 0.2 }, ['temperature is not allowed with extended thinking (reasoning_effort) and was not sent']],
    ['thinking that cannot fit', { reasoning_effort: 'low', max_tokens: 500 }, ['reasoning_effort "low" needs max_tokens above 1024 for Anthropic\'s minimum thinking budget; thinking was not enabled']],
  ])('warns: %s', (_name, extra, warnings) => {
    expect(chatRequestToAnthropic(chat(extra)).warnings).toEqual(warnings);
  });
});

describe('chatRequestToAnthropic: messages', () => {
  it.each<[string, unknown[], Record<string, unknown>]>([
    [
      'system and developer messages become system blocks',
      [
        { role: 'system', content: 'Be terse.' },
        { role: 'developer', content: 'Answer in French.' },
        { role: 'user', content: 'Hi' },
      ],
      { system: [{ type: 'text', text: 'Be terse.' }, { type: 'text', text: 'Answer in French.' }], messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] },
    ],
    [
      'images: a data URL becomes a base64 source, an https URL a url source',
      [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'auto' } },
          ],
        },
      ],
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Compare' },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
              { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
            ],
          },
        ],
      },
    ],
    [
      'a PDF file becomes a document block',
      [{ role: 'user', content: [{ type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' } }] }],
      { messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } }] }] },
    ],
    [
      'assistant tool_calls become tool_use blocks and tool messages tool_result blocks in one user turn',
      [
        { role: 'user', content: 'Weather in Paris and Tokyo?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'toolu_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'toolu_b', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_a', content: '18°C' },
        { role: 'tool', tool_call_id: 'toolu_b', content: [{ type: 'text', text: '24°C' }] },
        { role: 'user', content: 'Picnic?' },
      ],
      {
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Tokyo?' }] },
          {
            role: 'assistant',
            content: [
              { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: { city: 'Paris' } },
              { type: 'tool_use', id: 'toolu_b', name: 'get_weather', input: { city: 'Tokyo' } },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'toolu_a', content: '18°C' },
              { type: 'tool_result', tool_use_id: 'toolu_b', content: '24°C' },
              { type: 'text', text: 'Picnic?' },
            ],
          },
        ],
      },
    ],
    [
      'thinking_blocks returned by an earlier answer go back first, with their signatures',
      [
        { role: 'user', content: 'Q' },
        {
          role: 'assistant',
          content: 'A',
          reasoning_content: 'hmm',
          thinking_blocks: [{ type: 'thinking', thinking: 'hmm', signature: 'SIG' }, { type: 'redacted_thinking', data: 'xyz' }],
          tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'f', arguments: '{}' } }],
        },
      ],
      {
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Q' }] },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: 'hmm', signature: 'SIG' },
              { type: 'redacted_thinking', data: 'xyz' },
              { type: 'text', text: 'A' },
              { type: 'tool_use', id: 'toolu_1', name: 'f', input: {} },
            ],
          },
        ],
      },
    ],
  ])('%s', (_name, messages, expected) => {
    expect(chatRequestToAnthropic(chat({ messages })).body).toMatchObject(expected);
  });

  it('warns about reasoning_content it cannot send back and parts it cannot carry', () => {
    const { warnings } = chatRequestToAnthropic(
      chat({
        messages: [
          { role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }, { type: 'text', text: 'hi' }] },
          { role: 'assistant', content: 'ok', reasoning_content: 'because' },
        ],
      }),
    );
    expect(warnings).toEqual([
      'messages[0].content[0]: content part of type "input_audio" has no Anthropic equivalent and was dropped',
      'messages[1].reasoning_content without thinking_blocks (no signature) cannot be sent back to Anthropic',
    ]);
  });
});

describe('chatRequestToAnthropic: tools, tool_choice and JSON mode', () => {
  const tools = [
    { type: 'function', function: { name: 'get_weather', description: 'Weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false } } },
    { type: 'function', function: { name: 'get_time' } },
  ];

  it('sends tools with input_schema (the full JSON Schema: Anthropic accepts it)', () => {
    expect(chatRequestToAnthropic(chat({ tools })).body).toMatchObject({
      tools: [
        { name: 'get_weather', description: 'Weather by city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false } },
        { name: 'get_time', input_schema: { type: 'object', properties: {} } },
      ],
    });
  });

  it.each<[unknown, boolean | undefined, Record<string, unknown>]>([
    ['auto', undefined, { type: 'auto' }],
    ['required', undefined, { type: 'any' }],
    ['none', undefined, { type: 'none' }],
    [{ type: 'function', function: { name: 'get_time' } }, undefined, { type: 'tool', name: 'get_time' }],
    [undefined, false, { type: 'auto', disable_parallel_tool_use: true }],
    ['required', false, { type: 'any', disable_parallel_tool_use: true }],
  ])('tool_choice %j, parallel_tool_calls %s → %j', (toolChoice, parallel, expected) => {
    const body = chatRequestToAnthropic(chat({ tools, ...(toolChoice !== undefined ? { tool_choice: toolChoice } : {}), ...(parallel !== undefined ? { parallel_tool_calls: parallel } : {}) })).body as Record<string, unknown>;
    expect(body.tool_choice).toEqual(expected);
  });

  it('json_schema becomes a forced tool whose input schema is the schema', () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    const translated = chatRequestToAnthropic(chat({ response_format: { type: 'json_schema', json_schema: { name: 'city', schema } } }));
    expect(translated.jsonToolName).toBe(JSON_TOOL_NAME);
    expect(translated.body).toMatchObject({ tools: [{ name: JSON_TOOL_NAME, input_schema: schema }], tool_choice: { type: 'tool', name: JSON_TOOL_NAME } });
  });

  it('json_object becomes a forced tool taking any object', () => {
    const translated = chatRequestToAnthropic(chat({ response_format: { type: 'json_object' } }));
    expect(translated.body).toMatchObject({ tools: [{ name: JSON_TOOL_NAME, input_schema: { type: 'object', properties: {} } }], tool_choice: { type: 'tool', name: JSON_TOOL_NAME } });
  });

  it('a forced tool is not allowed with thinking: sent as auto, with a warning', () => {
    const translated = chatRequestToAnthropic(chat({ tools, tool_choice: 'required', reasoning_effort: 'medium' }));
    expect((translated.body as Record<string, unknown>).tool_choice).toEqual({ type: 'auto' });
    expect(translated.warnings).toEqual(['tool_choice that forces a tool is not allowed with extended thinking (reasoning_effort); sent as auto']);
  });
});
