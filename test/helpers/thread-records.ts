// Records for the thread and exportability tests, recorded the way the proxy records them
// (recorded-exchanges.ts: real thread keys, real wire reading): an agent session of four requests
// that branches at its second step, a haiku (line breaks), an answer cut at the token limit, and
// an upstream error. Oldest first, one minute apart.
import type { ExchangeRecord } from '../../src/capture/exchange.js';
import { recordExchange } from './recorded-exchanges.js';

export const THREAD_BASE_TIME = Date.UTC(2025, 6, 1, 8, 0, 0);

const TOOLS = [
  { type: 'function', function: { name: 'get_weather', description: 'Weather for a city.', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } },
];
const CALL = { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } };
const ASK = { role: 'user', content: 'What is the weather in Paris?' };
const CALLED = { role: 'assistant', content: null, tool_calls: [CALL] };
const RESULT = { role: 'tool', tool_call_id: 'call_1', content: '{"temp_c":18}' };
const ANSWERED = { role: 'assistant', content: 'It is 18 °C in Paris.' };

function completion(seq: number, message: unknown, finish: string, usage = { prompt_tokens: 50 + seq, completion_tokens: 12, total_tokens: 62 + seq }) {
  return { id: `chatcmpl-t${seq}`, object: 'chat.completion', model: 'gpt-4.1', choices: [{ index: 0, message, finish_reason: finish }], usage };
}

export type LabelledRecord = ExchangeRecord & { label: string };

export function threadRecords(): LabelledRecord[] {
  const at = (minute: number) => THREAD_BASE_TIME + minute * 60_000;
  const chat = (label: string, seq: number, minute: number, messages: unknown[], response: unknown, status = 200): LabelledRecord => ({
    ...recordExchange({ format: 'openai-chat', seq, startedAt: at(minute), request: { model: 'gpt-4.1', tools: TOOLS, messages }, response, status }),
    label,
  });
  return [
    chat('step-1', 1, 0, [ASK], completion(1, CALLED, 'tool_calls')),
    chat('step-2', 2, 1, [ASK, CALLED, RESULT], completion(2, ANSWERED, 'stop')),
    chat('step-3', 3, 2, [ASK, CALLED, RESULT, ANSWERED, { role: 'user', content: 'And in Lyon?' }], completion(3, { role: 'assistant', content: 'Lyon is at 20 °C.' }, 'stop')),
    chat('step-3b', 4, 3, [ASK, CALLED, RESULT, ANSWERED, { role: 'user', content: 'And in Nice?' }], completion(4, { role: 'assistant', content: 'Nice is at 24 °C.' }, 'stop')),
    {
      ...recordExchange({
        format: 'openai-chat',
        seq: 5,
        startedAt: at(4),
        request: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Write a haiku about tea.' }] },
        response: completion(5, { role: 'assistant', content: 'Steam curls from the cup\nthe kettle hums a low note\nleaves unfold in rain' }, 'stop'),
      }),
      label: 'haiku',
    },
    {
      ...recordExchange({
        format: 'openai-chat',
        seq: 6,
        startedAt: at(5),
        request: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'List every prime below one million.' }] },
        response: completion(6, { role: 'assistant', content: '2, 3, 5, 7, 11, 13' }, 'length'),
      }),
      label: 'length',
    },
    {
      ...recordExchange({
        format: 'openai-chat',
        seq: 7,
        startedAt: at(6),
        request: { model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Summarise the vacuum tuning guide.' }] },
        response: { error: { message: 'The server had an error while processing your request.', type: 'server_error', code: null } },
        status: 500,
      }),
      label: 'error',
    },
  ];
}
