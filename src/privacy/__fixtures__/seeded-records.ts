// Test-only: recorded OpenAI chat exchanges carrying the seeded secrets and personal data
// (seeded-values.ts) in each place a row has: the system prompt, a user message, tool-call
// arguments (nested JSON), a tool result, the model's reasoning and its answer, and the tool
// schemas. Built like the proxy records them (request and response bodies); the rows are derived
// by the export.
import type { ExchangeRecord } from '../../capture/exchange.js';
import { makeTestRecord } from '../../store/test-records.js';
import type { SeededValue } from './seeded-values.js';

export const PLACES = ['system', 'user', 'arguments', 'tool-result', 'reasoning', 'answer', 'tools'] as const;
export type SeededPlace = (typeof PLACES)[number];

export interface SeededRecordOptions {
  seq: number;
  /** Values per place; a place without values gets harmless text. */
  values: Partial<Record<SeededPlace, SeededValue[]>>;
  /** Extra words, so records of one corpus are not near-duplicates of each other. */
  topic?: string;
  /** The whole tool result, instead of a .env file holding the values (a key file read as is). */
  toolResult?: string;
}

export function seededRecord(options: SeededRecordOptions): ExchangeRecord {
  const texts = (place: SeededPlace, fallback: string): string => {
    const values = options.values[place] ?? [];
    return values.length === 0 ? fallback : values.map((value) => value.text).join('\n');
  };
  const topic = options.topic ?? `task number ${options.seq}`;
  const args = JSON.stringify({
    path: '/srv/app/.env',
    options: { env: { notes: texts('arguments', 'nothing special'), nested: [{ value: texts('arguments', 'none') }] }, retries: 2 },
  });
  const tools = [
    {
      type: 'function',
      function: {
        name: 'read_file',
        description: `Reads a file from the workspace. ${texts('tools', 'Paths are relative.')}`,
        parameters: { type: 'object', properties: { path: { type: 'string' }, options: { type: 'object' } }, required: ['path'] },
      },
    },
  ];
  const requestBody = JSON.stringify({
    model: 'gpt-4.1',
    messages: [
      { role: 'system', content: `You are a deployment agent working on ${topic}. ${texts('system', 'Be careful.')}` },
      { role: 'user', content: `Please look at the configuration for ${topic}. ${texts('user', 'Thanks.')}` },
      { role: 'assistant', content: '', tool_calls: [{ id: `call_${options.seq}_a`, type: 'function', function: { name: 'read_file', arguments: args } }] },
      { role: 'tool', tool_call_id: `call_${options.seq}_a`, content: options.toolResult ?? `# contents of .env for ${topic}\n${texts('tool-result', 'EMPTY=1')}` },
    ],
    tools,
  });
  const responseBody = JSON.stringify({
    id: `chatcmpl-seeded-${options.seq}`,
    object: 'chat.completion',
    created: 1_750_000_000,
    model: 'gpt-4.1',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          reasoning_content: `The file for ${topic} holds settings. ${texts('reasoning', 'Nothing to flag.')}`,
          content: `I read the configuration of ${topic}. ${texts('answer', 'All good.')}`,
        },
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 },
  });
  return makeTestRecord(
    { seq: options.seq },
    { requestBody, responseBody, sharegpt: null, converterVersion: 0, model: 'gpt-4.1', domain: 'api.openai.com', turnCount: 5, hasTools: true, selfKey: `seeded-${options.seq}` },
  );
}
