import { describe, expect, it } from 'vitest';
import { wireFixtureJson } from '../__fixtures__/read-wire-fixture.js';
import { testContext } from '../__fixtures__/test-context.js';
import { anthropicErrorToOpenAi } from './anthropic-error-to-openai.js';
import { anthropicModelsToOpenAi } from './anthropic-models-to-openai.js';
import { anthropicResponseToChat } from './anthropic-response-to-chat.js';
import { convertUsage } from '../../wire/anthropic-messages/convert-usage.js';
import { mapFinishReason } from '../../wire/anthropic-messages/map-finish-reason.js';
import { finishReasonToOpenAi, usageToOpenAi } from '../shared/canonical-to-openai.js';
import { JSON_TOOL_NAME } from './chat-request-to-anthropic.js';

describe('anthropicResponseToChat (recorded Anthropic responses)', () => {
  it.each<[string, Record<string, unknown>]>([
    [
      'text.json',
      {
        id: 'chatcmpl-msg_01XFDUDYJgAACzvnptvVoYEL',
        object: 'chat.completion',
        model: 'claude-sonnet-4-5-20250929',
        choices: [{ index: 0, message: { role: 'assistant', content: "Hello! I'm doing well, thank you for asking. How can I help you today?", refusal: null }, logprobs: null, finish_reason: 'stop' }],
        usage: { prompt_tokens: 14, completion_tokens: 21, total_tokens: 35, prompt_tokens_details: { cached_tokens: 0 } },
      },
    ],
    [
      'thinking.json',
      {
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: '925 ÷ 5 = 185',
              reasoning_content: 'The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185',
              thinking_blocks: [{ type: 'thinking', thinking: 'The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185', signature: expect.stringMatching(/^EvQB/) }],
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
                { id: 'toolu_01GgLz3fVvaHbyBh5N5Nnnx8', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
                { id: 'toolu_01R6dWv3a6ZDprQ6jGrm3Yvk', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' } },
                { id: 'toolu_01JqW8KuWSGFgqQFpVPnVSvC', type: 'function', function: { name: 'get_time', arguments: '{}' } },
              ],
            },
            logprobs: null,
            finish_reason: 'tool_calls',
          },
        ],
        usage: { prompt_tokens: 904, completion_tokens: 121, total_tokens: 1025, prompt_tokens_details: { cached_tokens: 384 } },
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
              content: "I'll look up the current weather in Paris for you.",
              refusal: null,
              tool_calls: [{ id: 'toolu_01QE1WLsSVp5hy5Q3GmGTmjP', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","days":3,"include":["wind","humidity"]}' } }],
            },
            finish_reason: 'tool_calls',
          },
        ],
      },
    ],
  ])('%s', (fixture, expected) => {
    expect(anthropicResponseToChat(wireFixtureJson('anthropic-messages', fixture), testContext()).completion).toMatchObject(expected);
  });

  it('turns the JSON-mode tool call into the message content', () => {
    const body = { id: 'msg_1', model: 'claude-x', content: [{ type: 'tool_use', id: 'toolu_1', name: JSON_TOOL_NAME, input: { city: 'Paris' } }], stop_reason: 'tool_use', usage: { input_tokens: 5, output_tokens: 7 } };
    const { completion } = anthropicResponseToChat(body, testContext({ jsonToolName: JSON_TOOL_NAME }));
    expect(completion.choices[0]).toEqual({ index: 0, message: { role: 'assistant', content: '{"city":"Paris"}', refusal: null }, logprobs: null, finish_reason: 'stop' });
  });

  it('warns about blocks it cannot carry (server tools)', () => {
    const body = { content: [{ type: 'server_tool_use', id: 's1', name: 'web_search', input: {} }, { type: 'text', text: 'ok' }], stop_reason: 'end_turn' };
    expect(anthropicResponseToChat(body, testContext()).warnings).toEqual(['response: server_tool_use block dropped']);
  });
});

describe('stop_reason through wire/ and canonical-to-openai', () => {
  it.each<[string | undefined, boolean, string]>([
    ['end_turn', false, 'stop'],
    ['stop_sequence', false, 'stop'],
    ['max_tokens', false, 'length'],
    ['tool_use', true, 'tool_calls'],
    ['tool_use', false, 'stop'],
    ['refusal', false, 'content_filter'],
    ['model_context_window_exceeded', false, 'length'],
    ['pause_turn', false, 'stop'],
  ])('%s (tool calls: %s) → %s', (reason, hasToolCalls, expected) => {
    expect(finishReasonToOpenAi(mapFinishReason(reason), hasToolCalls).finishReason).toBe(expected);
  });
});

describe('usage through wire/ and canonical-to-openai', () => {
  it.each<[Record<string, unknown>, Record<string, unknown>]>([
    [{ input_tokens: 10, output_tokens: 5 }, { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 }],
    [
      { input_tokens: 10, cache_read_input_tokens: 100, cache_creation_input_tokens: 20, output_tokens: 5 },
      { prompt_tokens: 130, completion_tokens: 5, total_tokens: 135, prompt_tokens_details: { cached_tokens: 100 } },
    ],
  ])('%j → %j', (usage, expected) => {
    expect(usageToOpenAi(convertUsage(usage))).toEqual(expected);
  });
});

describe('anthropicErrorToOpenAi', () => {
  it.each<[number, string, Record<string, unknown>]>([
    [529, JSON.stringify(wireFixtureJson('anthropic-messages', 'error.json')), { message: 'Overloaded', type: 'server_error', param: null, code: 'overloaded_error' }],
    [401, '{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}', { message: 'invalid x-api-key', type: 'authentication_error', code: 'authentication_error' }],
    [400, '{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: Field required"}}', { type: 'invalid_request_error', code: 'invalid_request_error' }],
    [502, '<html>Bad gateway</html>', { message: '<html>Bad gateway</html>', type: 'server_error', code: null }],
  ])('%i %s', (status, body, error) => {
    expect(anthropicErrorToOpenAi(status, body).error).toMatchObject(error);
  });
});

describe('anthropicModelsToOpenAi', () => {
  it('lists models with their creation time in seconds', () => {
    expect(anthropicModelsToOpenAi({ data: [{ type: 'model', id: 'claude-sonnet-4-5-20250929', display_name: 'Claude Sonnet 4.5', created_at: '2025-09-29T00:00:00Z' }], has_more: false })).toEqual([
      { id: 'claude-sonnet-4-5-20250929', object: 'model', created: 1_759_104_000, owned_by: 'anthropic' },
    ]);
  });
});
