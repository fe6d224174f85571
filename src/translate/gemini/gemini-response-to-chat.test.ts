import { describe, expect, it } from 'vitest';
import { TEST_NOW, testContext } from '../__fixtures__/test-context.js';
import { wireFixtureJson } from '../__fixtures__/read-wire-fixture.js';
import { geminiResponseToChat } from './gemini-response-to-chat.js';
import { convertUsage } from '../../wire/gemini/convert-usage.js';
import { mapFinishReason } from '../../wire/gemini/map-finish-reason.js';
import { finishReasonToOpenAi, usageToOpenAi } from '../shared/canonical-to-openai.js';
import { geminiErrorToOpenAi } from './gemini-error-to-openai.js';

const created = TEST_NOW / 1000;

describe('geminiResponseToChat (recorded Gemini responses)', () => {
  it.each<[string, Record<string, unknown>]>([
    [
      'text.json',
      {
        id: 'chatcmpl-65E2aavdMaiU1e8P246LmAc',
        object: 'chat.completion',
        created,
        model: 'gemini-2.5-flash',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'Artificial intelligence learns patterns from data to make predictions or decisions, much like a student learning from examples.', refusal: null },
            logprobs: null,
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 8, completion_tokens: 333, total_tokens: 341, completion_tokens_details: { reasoning_tokens: 312 } },
      },
    ],
    [
      'thinking.json',
      {
        model: 'gemini-2.5-pro',
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: '17 × 23 = 391.',
              reasoning_content: '**Calculating the product**\n\nThe user asks for 17 × 23. 17 × 20 = 340 and 17 × 3 = 51, so the answer is 391.\n',
              refusal: null,
            },
            logprobs: null,
            finish_reason: 'stop',
          },
        ],
      },
    ],
    [
      'parallel-tool-calls.json',
      {
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: null,
              refusal: null,
              tool_calls: [
                { id: 'call_id1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' }, extra_content: { google: { thought_signature: expect.stringMatching(/^CikB/) } } },
                { id: 'call_id2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' } },
                { id: 'call_id3', type: 'function', function: { name: 'get_time', arguments: '{}' } },
              ],
            },
            logprobs: null,
            finish_reason: 'tool_calls',
          },
        ],
      },
    ],
    [
      'text-and-tool-call.json',
      {
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: "I'll check the current weather in Paris for you.\n",
              refusal: null,
              tool_calls: [{ id: 'call_id1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","days":3,"include":["wind","humidity"]}' } }],
            },
            logprobs: null,
            finish_reason: 'tool_calls',
          },
        ],
      },
    ],
    [
      'prompt-blocked.json',
      {
        choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: null }, logprobs: null, finish_reason: 'content_filter' }],
        usage: { prompt_tokens: 9, completion_tokens: 0, total_tokens: 9 },
      },
    ],
  ])('%s', (fixture, expected) => {
    const { completion } = geminiResponseToChat(wireFixtureJson('gemini', fixture), testContext({ model: 'gemini-2.5-flash' }));
    expect(completion).toMatchObject(expected);
  });

  it('answers one choice per candidate (n > 1)', () => {
    const body = {
      candidates: [
        { index: 0, content: { role: 'model', parts: [{ text: 'A' }] }, finishReason: 'STOP' },
        { index: 1, content: { role: 'model', parts: [{ text: 'B' }] }, finishReason: 'MAX_TOKENS' },
      ],
    };
    const { completion } = geminiResponseToChat(body, testContext());
    expect(completion.choices.map((choice) => [choice.index, choice.message.content, choice.finish_reason])).toEqual([
      [0, 'A', 'stop'],
      [1, 'B', 'length'],
    ]);
    expect(completion.id).toBe('chatcmpl-id1');
    expect(completion.model).toBe('test-model');
  });

  it('warns about parts it cannot carry (code execution, generated images)', () => {
    const body = { candidates: [{ content: { parts: [{ executableCode: { code: 'print(1)' } }, { text: 'done' }] }, finishReason: 'STOP' }] };
    expect(geminiResponseToChat(body, testContext()).warnings).toEqual(['response: executableCode part dropped']);
  });
});

describe('finishReason through wire/ and canonical-to-openai', () => {
  it.each<[string | undefined, boolean, string]>([
    ['STOP', false, 'stop'],
    ['STOP', true, 'tool_calls'],
    ['MAX_TOKENS', false, 'length'],
    ['MAX_TOKENS', true, 'length'],
    ['SAFETY', false, 'content_filter'],
    ['RECITATION', false, 'content_filter'],
    ['PROHIBITED_CONTENT', false, 'content_filter'],
    ['MALFORMED_FUNCTION_CALL', false, 'stop'],
    ['OTHER', false, 'stop'],
  ])('%s (tool calls: %s) → %s', (reason, hasToolCalls, expected) => {
    expect(finishReasonToOpenAi(mapFinishReason(reason, hasToolCalls), hasToolCalls).finishReason).toBe(expected);
  });
});

describe('usageMetadata through wire/ and canonical-to-openai', () => {
  it.each<[Record<string, unknown>, Record<string, unknown>]>([
    [{ promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 }, { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 }],
    [
      { promptTokenCount: 10, candidatesTokenCount: 5, thoughtsTokenCount: 20, cachedContentTokenCount: 4, totalTokenCount: 35 },
      { prompt_tokens: 10, completion_tokens: 25, total_tokens: 35, prompt_tokens_details: { cached_tokens: 4 }, completion_tokens_details: { reasoning_tokens: 20 } },
    ],
    [{ promptTokenCount: 3 }, { prompt_tokens: 3, completion_tokens: 0, total_tokens: 3 }],
  ])('%j → %j', (usageMetadata, usage) => {
    expect(usageToOpenAi(convertUsage(usageMetadata))).toEqual(usage);
  });
});

describe('geminiErrorToOpenAi', () => {
  it.each<[number, string, Record<string, unknown>]>([
    [429, JSON.stringify(wireFixtureJson('gemini', 'error.json')), { message: 'Resource has been exhausted (e.g. check quota).', type: 'rate_limit_error', param: null, code: 'RESOURCE_EXHAUSTED' }],
    [
      400,
      '{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID"}]}}',
      { message: 'API key not valid. Please pass a valid API key.', type: 'invalid_request_error', code: 'API_KEY_INVALID' },
    ],
    [404, '[{"error":{"code":404,"message":"models/x is not found","status":"NOT_FOUND"}}]', { message: 'models/x is not found', type: 'not_found_error', code: 'NOT_FOUND' }],
    [503, 'Service Unavailable', { message: 'Service Unavailable', type: 'server_error', code: null }],
  ])('%i %s', (status, body, error) => {
    expect(geminiErrorToOpenAi(status, body).error).toMatchObject(error);
  });
});
