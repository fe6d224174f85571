import { describe, expect, it } from 'vitest';
import { parseChatRequest, type ChatRequest } from '../openai-chat-request.js';
import { chatRequestToGemini, functionResponseValue, thinkingConfigFor } from './chat-request-to-gemini.js';

function chat(extra: Record<string, unknown>): ChatRequest {
  const parsed = parseChatRequest({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }], ...extra });
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

describe('chatRequestToGemini: the path', () => {
  it.each([
    [{}, '/v1beta/models/gemini-2.5-flash:generateContent'],
    [{ stream: true }, '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse'],
    [{ model: 'models/gemini-2.5-pro' }, '/v1beta/models/gemini-2.5-pro:generateContent'],
  ])('%j → %s', (extra, path) => {
    expect(chatRequestToGemini(chat(extra)).path).toBe(path);
  });
});

describe('chatRequestToGemini: messages', () => {
  it.each<[string, unknown[], Record<string, unknown>]>([
    [
      'system and developer messages become systemInstruction, wherever they sit',
      [
        { role: 'system', content: 'Be terse.' },
        { role: 'user', content: 'Hi' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
      ],
      { systemInstruction: { parts: [{ text: 'Be terse.' }, { text: 'Answer in French.' }] }, contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] },
    ],
    [
      'user and assistant become user and model turns',
      [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello!' },
        { role: 'user', content: 'How are you?' },
      ],
      {
        contents: [
          { role: 'user', parts: [{ text: 'Hi' }] },
          { role: 'model', parts: [{ text: 'Hello!' }] },
          { role: 'user', parts: [{ text: 'How are you?' }] },
        ],
      },
    ],
    [
      'images: a data URL becomes inlineData, an https URL fileData with the MIME type of its extension',
      [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.webp' } },
            { type: 'image_url', image_url: { url: 'https://example.com/photo' } },
          ],
        },
      ],
      {
        contents: [
          {
            role: 'user',
            parts: [
              { text: 'What is this?' },
              { inlineData: { mimeType: 'image/png', data: PNG } },
              { fileData: { mimeType: 'image/webp', fileUri: 'https://example.com/cat.webp' } },
              { fileData: { mimeType: 'image/jpeg', fileUri: 'https://example.com/photo' } },
            ],
          },
        ],
      },
    ],
    [
      'audio and inline files become inlineData',
      [
        {
          role: 'user',
          content: [
            { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
            { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' } },
          ],
        },
      ],
      { contents: [{ role: 'user', parts: [{ inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } }, { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } }] }] },
    ],
    [
      'assistant tool_calls become functionCall parts (with the thought signature) and tool results functionResponse parts named after their call, in one user turn with the text after them',
      [
        { role: 'user', content: 'Weather in Paris and Tokyo?' },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' }, extra_content: { google: { thought_signature: 'SIG' } } },
            { id: 'call_b', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_a', content: '{"temp_c":18}' },
        { role: 'tool', tool_call_id: 'call_b', content: 'sunny, 24°C' },
        { role: 'user', content: 'Picnic?' },
      ],
      {
        contents: [
          { role: 'user', parts: [{ text: 'Weather in Paris and Tokyo?' }] },
          {
            role: 'model',
            parts: [
              { text: 'Checking.' },
              { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'SIG' },
              { functionCall: { name: 'get_weather', args: { city: 'Tokyo' } } },
            ],
          },
          {
            role: 'user',
            parts: [
              { functionResponse: { name: 'get_weather', response: { temp_c: 18 } } },
              { functionResponse: { name: 'get_weather', response: { output: 'sunny, 24°C' } } },
              { text: 'Picnic?' },
            ],
          },
        ],
      },
    ],
  ])('%s', (_name, messages, expected) => {
    expect(chatRequestToGemini(chat({ messages })).body).toMatchObject(expected);
  });

  it('warns about what it cannot send instead of dropping it silently', () => {
    const { warnings } = chatRequestToGemini(
      chat({
        messages: [
          { role: 'user', content: [{ type: 'file', file: { file_id: 'file-abc' } }], name: 'bob' },
          { role: 'assistant', content: null, reasoning_content: 'thinking…', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: 'not json' } }] },
          { role: 'tool', tool_call_id: 'unknown', content: 'x' },
        ],
      }),
    );
    expect(warnings).toEqual([
      'messages[0].name has no Gemini equivalent and was not sent',
      'messages[0].content[0]: file part without inline data (an OpenAI file_id) cannot be sent to Gemini and was dropped',
      'messages[1].reasoning_content is not sent back to Gemini (thoughts are not part of the history)',
      'messages[1].tool_calls[0]: arguments are not a JSON object; sent as {}',
      'messages[2]: no assistant tool call has id "unknown"; the id is used as the function name',
    ]);
  });
});

describe('chatRequestToGemini: tools and tool_choice', () => {
  const tools = [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'Weather by city',
        parameters: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
        strict: true,
      },
    },
    { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } },
  ];

  it('sends functionDeclarations with the schema Gemini accepts, and no parameters for a function without any', () => {
    const translated = chatRequestToGemini(chat({ tools }));
    expect(translated.body).toMatchObject({
      tools: [
        {
          functionDeclarations: [
            { name: 'get_weather', description: 'Weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
            { name: 'get_time' },
          ],
        },
      ],
    });
    expect(translated.warnings).toEqual(['tools[0] (get_weather): JSON Schema keywords Gemini does not accept were removed: $schema, additionalProperties']);
  });

  it.each([
    ['none', { functionCallingConfig: { mode: 'NONE' } }],
    ['auto', { functionCallingConfig: { mode: 'AUTO' } }],
    ['required', { functionCallingConfig: { mode: 'ANY' } }],
    [{ type: 'function', function: { name: 'get_time' } }, { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_time'] } }],
  ])('tool_choice %j → toolConfig %j', (toolChoice, toolConfig) => {
    expect(chatRequestToGemini(chat({ tools, tool_choice: toolChoice })).body).toMatchObject({ toolConfig });
  });

  it('allowed_tools restricts the declarations sent', () => {
    const body = chatRequestToGemini(
      chat({ tools, tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'required', tools: [{ type: 'function', function: { name: 'get_time' } }] } } }),
    ).body as { tools: Array<{ functionDeclarations: Array<{ name: string }> }>; toolConfig: unknown };
    expect(body.tools[0]!.functionDeclarations.map((declaration) => declaration.name)).toEqual(['get_time']);
    expect(body.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY' } });
  });

  it('warns about tools that are not functions and parallel_tool_calls=false', () => {
    const { warnings } = chatRequestToGemini(chat({ tools: [{ type: 'custom', custom: { name: 'x' } }], parallel_tool_calls: false }));
    expect(warnings).toEqual([
      'tools[0]: tool of type "custom" has no Gemini equivalent and was not sent',
      'parallel_tool_calls=false has no Gemini equivalent: the model may still call several functions at once',
    ]);
  });
});

describe('chatRequestToGemini: generationConfig', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['temperature, top_p', { temperature: 0.2, top_p: 0.9 }, { temperature: 0.2, topP: 0.9 }],
    ['max_tokens', { max_tokens: 100 }, { maxOutputTokens: 100 }],
    ['max_completion_tokens wins over max_tokens', { max_tokens: 100, max_completion_tokens: 200 }, { maxOutputTokens: 200 }],
    ['stop as a string', { stop: 'END' }, { stopSequences: ['END'] }],
    ['stop as a list', { stop: ['A', 'B'] }, { stopSequences: ['A', 'B'] }],
    ['n', { n: 2 }, { candidateCount: 2 }],
    ['seed', { seed: 7 }, { seed: 7 }],
    ['penalties', { presence_penalty: 0.5, frequency_penalty: -0.5 }, { presencePenalty: 0.5, frequencyPenalty: -0.5 }],
    ['json_object', { response_format: { type: 'json_object' } }, { responseMimeType: 'application/json' }],
    [
      'json_schema',
      { response_format: { type: 'json_schema', json_schema: { name: 'city', strict: true, schema: { type: 'object', properties: { name: { type: 'string' }, founded: { type: ['integer', 'null'] } }, required: ['name', 'founded'], additionalProperties: false } } } },
      { responseMimeType: 'application/json', responseSchema: { type: 'object', properties: { name: { type: 'string' }, founded: { type: 'integer', nullable: true } }, required: ['name', 'founded'] } },
    ],
    ['reasoning_effort on Gemini 2.5', { reasoning_effort: 'medium' }, { thinkingConfig: { thinkingBudget: 8192, includeThoughts: true } }],
  ])('%s', (_name, extra, generationConfig) => {
    expect((chatRequestToGemini(chat(extra)).body as { generationConfig: unknown }).generationConfig).toEqual(generationConfig);
  });

  it('sends no generationConfig when nothing asks for one, and leaves n=1 alone', () => {
    expect(chatRequestToGemini(chat({ n: 1 })).body).not.toHaveProperty('generationConfig');
  });

  it('reports parameters with no Gemini equivalent', () => {
    const { warnings } = chatRequestToGemini(chat({ user: 'u1', logit_bias: { '50256': -100 }, logprobs: true, metadata: { a: 'b' }, store: false, service_tier: null }));
    expect(warnings).toEqual([
      'parameter "user" is not translated for Gemini and was not sent',
      'parameter "logit_bias" is not translated for Gemini and was not sent',
      'parameter "logprobs" is not translated for Gemini and was not sent',
      'parameter "metadata" is not translated for Gemini and was not sent',
      'parameter "store" is not translated for Gemini and was not sent',
    ]);
  });
});

describe('thinkingConfigFor', () => {
  it.each<[string, Parameters<typeof thinkingConfigFor>[1], Record<string, unknown>]>([
    ['gemini-2.5-flash', 'none', { thinkingBudget: 0 }],
    ['gemini-2.5-flash', 'minimal', { thinkingBudget: 1024, includeThoughts: true }],
    ['gemini-2.5-flash', 'low', { thinkingBudget: 1024, includeThoughts: true }],
    ['gemini-2.5-pro', 'high', { thinkingBudget: 24576, includeThoughts: true }],
    ['gemini-3-pro-preview', 'low', { thinkingLevel: 'low', includeThoughts: true }],
    ['gemini-3-pro-preview', 'medium', { thinkingLevel: 'high', includeThoughts: true }],
  ])('%s %s → %j', (model, effort, expected) => {
    expect(thinkingConfigFor(model, effort, [])).toEqual(expected);
  });
});

describe('functionResponseValue', () => {
  it.each([
    ['{"temp": 18}', { temp: 18 }],
    ['18°C', { output: '18°C' }],
    ['[1,2]', { output: '[1,2]' }],
    ['42', { output: '42' }],
  ])('%s → %j', (text, expected) => {
    expect(functionResponseValue(text)).toEqual(expected);
  });
});
