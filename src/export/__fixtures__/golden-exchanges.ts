// Recorded exchanges for the export golden tests: every wire format in every shape the issue lists
// (plain, multi-turn, single and parallel tools, text plus tools, reasoning, images, truncated,
// error), built through processExchange from the provider fixtures in src/wire/*/__fixtures__.
// Their exported rows, in every format, are in golden-rows.json (reviewed by hand; regenerate with
// UPDATE_GOLDEN=1 and review the diff).
import { fixtureText } from '../../../test/helpers/fixtures.js';
import { recordExchange, wireResponse, wireStream, type RecordedExchange } from '../../../test/helpers/recorded-exchanges.js';
import type { ExchangeRecord } from '../../capture/exchange.js';

const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

const openAiWeatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city.',
    parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['city'] },
  },
};
const anthropicTools = [
  {
    name: 'get_weather',
    description: 'Get the current weather',
    input_schema: { type: 'object', properties: { city: { type: 'string' }, location: { type: 'string' }, unit: { type: 'string' }, days: { type: 'integer' }, include: { type: 'array', items: { type: 'string' } } } },
  },
  { name: 'get_time', description: 'Get the local time', input_schema: { type: 'object' } },
];
const geminiTools = [
  {
    functionDeclarations: [
      {
        name: 'get_weather',
        description: 'Get the current weather',
        parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' }, days: { type: 'INTEGER' }, include: { type: 'ARRAY', items: { type: 'STRING' } } }, required: ['city'] },
      },
      { name: 'get_time', description: 'Get the local time' },
    ],
  },
];

export interface GoldenExchange {
  name: string;
  exchange: Omit<RecordedExchange, 'seq'>;
}

export const goldenExchanges: GoldenExchange[] = [
  // ------------------------------------------------------------------ OpenAI chat completions
  {
    name: 'openai-chat plain',
    exchange: {
      format: 'openai-chat',
      request: { model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'You are friendly.' }, { role: 'user', content: 'Say hello in French and name three colours.' }] },
      response: wireResponse('openai-chat', 'openai-text.json'),
    },
  },
  {
    name: 'openai-chat plain, streamed',
    exchange: {
      format: 'openai-chat',
      request: { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'system', content: 'You are friendly.' }, { role: 'user', content: 'Say hello in French and name three colours.' }] },
      sse: wireStream('openai-chat', 'openai-text.chunks.txt'),
    },
  },
  {
    name: 'openai-chat multi-turn with a developer message',
    exchange: {
      format: 'openai-chat',
      request: {
        model: 'gpt-4o-mini',
        messages: [
          { role: 'developer', content: 'Answer in French when asked to.' },
          { role: 'user', content: 'Hi!' },
          { role: 'assistant', content: 'Hello! How can I help?' },
          { role: 'user', content: [{ type: 'text', text: 'Say hello in French' }, { type: 'text', text: 'and name three colours.' }] },
        ],
      },
      response: wireResponse('openai-chat', 'openai-text.json'),
    },
  },
  {
    name: 'openai-chat single tool call (final turn)',
    exchange: {
      format: 'openai-chat',
      request: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Weather in Paris, in celsius?' }], tools: [openAiWeatherTool] },
      response: wireResponse('openai-chat', 'openai-tool-call.json'),
    },
  },
  {
    name: 'openai-chat parallel tool calls (final turn)',
    exchange: {
      format: 'openai-chat',
      request: { model: 'gpt-4.1', messages: [{ role: 'user', content: 'Weather in Paris and Lyon?' }], tools: [openAiWeatherTool] },
      response: wireResponse('openai-chat', 'openai-parallel-tool-calls.json'),
    },
  },
  {
    name: 'openai-chat text plus tool call',
    exchange: {
      format: 'openai-chat',
      request: { model: 'gpt-4o', messages: [{ role: 'user', content: 'Weather in Paris, then Lyon?' }], tools: [openAiWeatherTool] },
      response: wireResponse('openai-chat', 'openai-text-and-tool-calls.json'),
    },
  },
  {
    name: 'openai-chat tool loop: parallel results answered out of order, final answer',
    exchange: {
      format: 'openai-chat',
      request: {
        model: 'gpt-4.1',
        messages: [
          { role: 'user', content: 'Weather in Paris and Lyon?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'call_paris', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
              { id: 'call_lyon', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Lyon"}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'call_lyon', content: '{"temp_c":21,"sky":"sunny"}' },
          { role: 'tool', tool_call_id: 'call_paris', content: '{"temp_c":18,"sky":"cloudy"}' },
        ],
        tools: [openAiWeatherTool],
      },
      response: {
        id: 'chatcmpl-loop',
        object: 'chat.completion',
        model: 'gpt-4.1',
        choices: [{ index: 0, message: { role: 'assistant', content: 'Paris: 18 °C, cloudy. Lyon: 21 °C, sunny.' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 120, completion_tokens: 16, total_tokens: 136 },
      },
    },
  },
  {
    name: 'openai-chat reasoning (DeepSeek reasoning_content)',
    exchange: {
      format: 'openai-chat',
      request: { model: 'deepseek-reasoner', messages: [{ role: 'user', content: '9.11 和 9.8 哪个更大？' }] },
      response: wireResponse('openai-chat', 'deepseek-reasoner.json'),
    },
  },
  {
    name: 'openai-chat image (data URL)',
    exchange: {
      format: 'openai-chat',
      request: {
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Describe this, then say hello in French.' }, { type: 'image_url', image_url: { url: PNG } }] }],
      },
      response: wireResponse('openai-chat', 'openai-text.json'),
    },
  },
  {
    name: 'openai-chat recorded agent request: invalid call arguments and a remote image (rejected)',
    exchange: {
      format: 'openai-chat',
      request: wireResponse('openai-chat', 'request-tool-loop.json'),
      response: wireResponse('openai-chat', 'openai-text.json'),
    },
  },
  {
    name: 'openai-chat truncated stream',
    exchange: {
      format: 'openai-chat',
      request: { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'Tell me a long story.' }] },
      sse: wireStream('openai-chat', 'openai-cut-off.chunks.txt'),
      aborted: true,
    },
  },
  {
    name: 'openai-chat stopped at the token limit',
    exchange: {
      format: 'openai-chat',
      request: { model: 'gpt-4o-mini', max_tokens: 5, messages: [{ role: 'user', content: 'Tell me a long story.' }] },
      response: {
        id: 'chatcmpl-length',
        object: 'chat.completion',
        model: 'gpt-4o-mini',
        choices: [{ index: 0, message: { role: 'assistant', content: 'Once upon a time' }, finish_reason: 'length' }],
        usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
      },
    },
  },
  {
    name: 'openai-chat error',
    exchange: {
      format: 'openai-chat',
      request: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] },
      response: wireResponse('openai-chat', 'openai-error.json'),
      status: 500,
    },
  },
  // ------------------------------------------------------------------ Anthropic Messages
  {
    name: 'anthropic plain',
    exchange: {
      format: 'anthropic-messages',
      request: { model: 'claude-sonnet-4-5', max_tokens: 1024, system: 'You are Claude.', messages: [{ role: 'user', content: 'Hello, how are you?' }] },
      response: wireResponse('anthropic-messages', 'text.json'),
    },
  },
  {
    name: 'anthropic plain, streamed',
    exchange: {
      format: 'anthropic-messages',
      request: { model: 'claude-sonnet-4-5', max_tokens: 1024, stream: true, system: 'You are Claude.', messages: [{ role: 'user', content: 'Hello, how are you?' }] },
      sse: wireStream('anthropic-messages', 'text.chunks.txt'),
    },
  },
  {
    name: 'anthropic single tool call (final turn)',
    exchange: {
      format: 'anthropic-messages',
      request: { model: 'claude-sonnet-4-5', max_tokens: 1024, tools: anthropicTools, messages: [{ role: 'user', content: 'Weather in San Francisco, in fahrenheit?' }] },
      response: wireResponse('anthropic-messages', 'tool-call.json'),
    },
  },
  {
    name: 'anthropic parallel tool calls (final turn)',
    exchange: {
      format: 'anthropic-messages',
      request: { model: 'claude-sonnet-4-5', max_tokens: 1024, tools: anthropicTools, messages: [{ role: 'user', content: 'Weather in Paris and Tokyo, and the time?' }] },
      response: wireResponse('anthropic-messages', 'parallel-tool-calls.json'),
    },
  },
  {
    name: 'anthropic text plus tool call',
    exchange: {
      format: 'anthropic-messages',
      request: { model: 'claude-sonnet-4-5', max_tokens: 1024, tools: anthropicTools, messages: [{ role: 'user', content: 'Weather in Paris for 3 days?' }] },
      response: wireResponse('anthropic-messages', 'text-and-tool-call.json'),
    },
  },
  {
    name: 'anthropic multi-turn with thinking',
    exchange: {
      format: 'anthropic-messages',
      request: {
        model: 'claude-sonnet-4-5',
        max_tokens: 2048,
        thinking: { type: 'enabled', budget_tokens: 1024 },
        messages: [
          { role: 'user', content: 'What is 37 × 25?' },
          { role: 'assistant', content: [{ type: 'text', text: '37 × 25 = 925' }] },
          { role: 'user', content: 'Now divide that by 5.' },
        ],
      },
      response: wireResponse('anthropic-messages', 'thinking.json'),
    },
  },
  {
    name: 'anthropic recorded agent loop: thinking, image, parallel results, tool error',
    exchange: {
      format: 'anthropic-messages',
      request: wireResponse('anthropic-messages', 'request-tool-loop.json'),
      response: {
        id: 'msg_loop',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5-20250929',
        content: [{ type: 'text', text: 'The time service is down, but yes: 18°C in Paris is fine for a picnic.' }],
        stop_reason: 'end_turn',
        usage: { input_tokens: 900, output_tokens: 30 },
      },
    },
  },
  {
    name: 'anthropic truncated stream',
    exchange: {
      format: 'anthropic-messages',
      request: { model: 'claude-sonnet-4-5', max_tokens: 1024, stream: true, messages: [{ role: 'user', content: 'Write a poem.' }] },
      sse: wireStream('anthropic-messages', 'cut-off.chunks.txt'),
      aborted: true,
    },
  },
  {
    name: 'anthropic error',
    exchange: {
      format: 'anthropic-messages',
      request: { model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'Hello' }] },
      response: wireResponse('anthropic-messages', 'error.json'),
      status: 529,
    },
  },
  // ------------------------------------------------------------------ Gemini
  {
    name: 'gemini plain',
    exchange: {
      format: 'gemini',
      request: { systemInstruction: { parts: [{ text: 'Be concise.' }] }, contents: [{ role: 'user', parts: [{ text: 'Explain AI in one sentence.' }] }] },
      response: wireResponse('gemini', 'text.json'),
    },
  },
  {
    name: 'gemini plain, streamed',
    exchange: {
      format: 'gemini',
      request: { systemInstruction: { parts: [{ text: 'Be concise.' }] }, contents: [{ role: 'user', parts: [{ text: 'Explain AI in one sentence.' }] }] },
      sse: wireStream('gemini', 'text.chunks.txt'),
    },
  },
  {
    name: 'gemini single tool call (final turn)',
    exchange: {
      format: 'gemini',
      request: { contents: [{ role: 'user', parts: [{ text: 'Weather in Paris?' }] }], tools: geminiTools },
      response: wireResponse('gemini', 'tool-call.json'),
    },
  },
  {
    name: 'gemini parallel tool calls without ids (final turn)',
    exchange: {
      format: 'gemini',
      request: { contents: [{ role: 'user', parts: [{ text: 'Weather in Paris and Tokyo, and the time?' }] }], tools: geminiTools },
      response: wireResponse('gemini', 'parallel-tool-calls.json'),
    },
  },
  {
    name: 'gemini text plus tool call',
    exchange: {
      format: 'gemini',
      request: { contents: [{ role: 'user', parts: [{ text: 'Weather in Paris for 3 days?' }] }], tools: geminiTools },
      response: wireResponse('gemini', 'text-and-tool-call.json'),
    },
  },
  {
    name: 'gemini thinking',
    exchange: {
      format: 'gemini',
      request: { contents: [{ role: 'user', parts: [{ text: 'What is 17 × 23?' }] }], generationConfig: { thinkingConfig: { includeThoughts: true } } },
      response: wireResponse('gemini', 'thinking.json'),
    },
  },
  {
    name: 'gemini recorded agent loop: thoughts, images, parallel results matched by name',
    exchange: {
      format: 'gemini',
      request: wireResponse('gemini', 'request-tool-loop.json'),
      response: {
        candidates: [{ content: { role: 'model', parts: [{ text: 'The time service is unavailable; the weather is fine for a picnic in both cities.' }] }, finishReason: 'STOP', index: 0 }],
        usageMetadata: { promptTokenCount: 300, candidatesTokenCount: 20, totalTokenCount: 320 },
        modelVersion: 'gemini-2.5-flash',
      },
    },
  },
  {
    name: 'gemini truncated stream',
    exchange: {
      format: 'gemini',
      request: { contents: [{ role: 'user', parts: [{ text: 'Write a poem.' }] }] },
      sse: wireStream('gemini', 'cut-off.chunks.txt'),
      aborted: true,
    },
  },
  {
    name: 'gemini error',
    exchange: {
      format: 'gemini',
      request: { contents: [{ role: 'user', parts: [{ text: 'Hello' }] }] },
      response: wireResponse('gemini', 'error.json'),
      status: 429,
    },
  },
  // ------------------------------------------------------------------ OpenAI Responses
  {
    name: 'openai-responses plain',
    exchange: {
      format: 'openai-responses',
      request: wireResponse('openai-responses', 'request-string-input.json'),
      response: wireResponse('openai-responses', 'openai-responses-text.json'),
    },
  },
  {
    name: 'openai-responses single tool call (final turn)',
    exchange: {
      format: 'openai-responses',
      request: {
        model: 'gpt-4.1',
        input: 'Weather in Paris?',
        tools: [{ type: 'function', name: 'get_weather', description: 'Current weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }],
      },
      response: wireResponse('openai-responses', 'openai-responses-tool-call.json'),
    },
  },
  {
    name: 'openai-responses parallel tool calls (final turn)',
    exchange: {
      format: 'openai-responses',
      request: {
        model: 'gpt-4.1',
        input: [{ role: 'user', content: 'Weather in Paris and Tokyo?' }],
        tools: [{ type: 'function', name: 'get_weather', description: 'Current weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }],
      },
      response: wireResponse('openai-responses', 'openai-responses-parallel-tool-calls.json'),
    },
  },
  {
    name: 'openai-responses recorded agent loop with reasoning',
    exchange: {
      format: 'openai-responses',
      request: wireResponse('openai-responses', 'request-agent-loop.json'),
      response: wireResponse('openai-responses', 'openai-responses-reasoning.json'),
    },
  },
  {
    name: 'openai-responses incomplete (max_output_tokens)',
    exchange: {
      format: 'openai-responses',
      request: wireResponse('openai-responses', 'request-string-input.json'),
      response: wireResponse('openai-responses', 'openai-responses-incomplete.json'),
    },
  },
  {
    name: 'openai-responses failed',
    exchange: {
      format: 'openai-responses',
      request: wireResponse('openai-responses', 'request-string-input.json'),
      response: wireResponse('openai-responses', 'openai-responses-failed.json'),
    },
  },
  // ------------------------------------------------------------------ recorded traffic defects (issue 11)
  {
    name: 'anthropic web fetch: text around server tool blocks',
    exchange: {
      format: 'anthropic-messages',
      request: { model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'What is https://en.wikipedia.org/wiki/Claude_Shannon about?' }], tools: [{ type: 'web_fetch_20250910', name: 'web_fetch', max_uses: 3 }] },
      response: wireResponse('anthropic-messages', 'web-fetch.json'),
    },
  },
  {
    name: 'anthropic model_context_window_exceeded',
    exchange: {
      format: 'anthropic-messages',
      request: { model: 'claude-sonnet-4-5', max_tokens: 64000, messages: [{ role: 'user', content: 'Summarise the remaining chapters.' }] },
      response: wireResponse('anthropic-messages', 'context-window-exceeded.json'),
    },
  },
  {
    name: 'openai-chat tool call with a large integer argument',
    exchange: {
      format: 'openai-chat',
      request: { model: 'gpt-4.1', messages: [{ role: 'user', content: 'Tell #deploys the deploy finished.' }], tools: [{ type: 'function', function: { name: 'post_message', parameters: { type: 'object', properties: { channel_id: { type: 'integer' }, text: { type: 'string' } } } } }] },
      response: fixtureText('openai-chat', 'openai-tool-call-big-integer.json'),
    },
  },
  {
    name: 'openai-responses commentary and final message items',
    exchange: {
      format: 'openai-responses',
      request: { model: 'gpt-5', input: "What share of Denmark's electricity is renewable?", tools: [{ type: 'web_search' }] },
      response: wireResponse('openai-responses', 'openai-responses-commentary-and-final.json'),
    },
  },
  {
    name: 'gemini single-object contents, parts and systemInstruction.parts',
    exchange: { format: 'gemini', request: wireResponse('gemini', 'request-single-objects.json'), response: wireResponse('gemini', 'text-single-objects.json') },
  },
  {
    name: 'gemini streamed function-call arguments',
    exchange: {
      format: 'gemini',
      request: { contents: [{ role: 'user', parts: [{ text: 'Weather in Boston for the next 3 days, in celsius?' }] }], tools: [{ functionDeclarations: [{ name: 'get_weather', parameters: { type: 'OBJECT', properties: { location: { type: 'STRING' }, unit: { type: 'STRING' }, days: { type: 'INTEGER' } } } }] }] },
      sse: wireStream('gemini', 'streamed-function-call-arguments.chunks.txt'),
    },
  },
  {
    name: 'gemini stream cut by a bare error body',
    exchange: { format: 'gemini', request: { contents: [{ role: 'user', parts: [{ text: 'Name the three largest moons of Jupiter.' }] }] }, sse: wireStream('gemini', 'error-bare-json-mid-stream.chunks.txt') },
  },
];

/** The golden exchanges as records, ids in table order. */
export function goldenRecords(): Array<{ name: string; record: ExchangeRecord }> {
  return goldenExchanges.map(({ name, exchange }, index) => ({ name, record: recordExchange({ ...exchange, seq: index }) }));
}
