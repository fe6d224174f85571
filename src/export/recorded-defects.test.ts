// The data defects found by replaying recorded provider traffic (issue 11), each from a recorded
// response in src/wire/<format>/__fixtures__, through capture and the store, exported in every
// format: what a person would write from the bytes.
import { afterEach, describe, expect, it } from 'vitest';
import { recordExchange, wireResponse, wireStream, type RecordedExchange } from '../../test/helpers/recorded-exchanges.js';
import { fixtureText } from '../../test/helpers/fixtures.js';
import type { ExchangeRecord } from '../capture/exchange.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { exportRows, type ExportedRow, type ExportFormat } from './export-rows.js';

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function exportOne(exchange: Omit<RecordedExchange, 'seq'>): Promise<{ record: ExchangeRecord; rows: Record<ExportFormat, ExportedRow> }> {
  const record = recordExchange({ ...exchange, seq: 1 });
  store = openSqliteStore(':memory:');
  await store.insertBatch([record]);
  const rows = {} as Record<ExportFormat, ExportedRow>;
  for await (const row of exportRows(store, { formats: ['sharegpt', 'openai-messages', 'openai-ft'], filter: {}, status: 'all', threads: 'all' })) rows[row.format] = row;
  return { record, rows };
}

function gptValue(row: ExportedRow): string {
  const turns = (row.row as { conversations: Array<{ from: string; value: string }> }).conversations;
  return turns[turns.length - 1]!.value;
}

function lastAssistant(row: ExportedRow): { content?: string; tool_calls?: Array<{ function: { arguments: string } }> } {
  const messages = (row.row as { messages: Array<{ role: string }> }).messages;
  return messages[messages.length - 1] as never;
}

describe('text separated by other blocks or output items is joined with a blank line, in every format', () => {
  it('Anthropic web fetch: text, server_tool_use, web_fetch_tool_result, text (adjacent citation blocks joined as sent)', async () => {
    const { rows } = await exportOne({
      format: 'anthropic-messages',
      request: { model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'What is https://en.wikipedia.org/wiki/Claude_Shannon about?' }], tools: [{ type: 'web_fetch_20250910', name: 'web_fetch', max_uses: 3 }] },
      response: wireResponse('anthropic-messages', 'web-fetch.json'),
    });
    const expected =
      "I'll fetch the page to see what it's about.\n\nThis Wikipedia page is about Claude Shannon, an American mathematician and electrical engineer known as the \"father of information theory\". His work laid the foundations of the Information Age.";
    expect(rows.sharegpt.valid).toBe(true);
    expect(gptValue(rows.sharegpt)).toBe(expected);
    expect(lastAssistant(rows['openai-messages']).content).toBe(expected);
    expect(lastAssistant(rows['openai-ft']).content).toBe(expected);
  });

  it('Responses: a commentary message item, a web search, then the final message item', async () => {
    const { rows } = await exportOne({
      format: 'openai-responses',
      request: { model: 'gpt-5', input: "What share of Denmark's electricity is renewable?", tools: [{ type: 'web_search' }] },
      response: wireResponse('openai-responses', 'openai-responses-commentary-and-final.json'),
    });
    const expected =
      "Let me check the latest figure. The last number I know of put the renewable share of Denmark's electricity at about 65%\n\nGreat! I found the 2024 figure: renewables supplied about 88% of Denmark's electricity, with wind alone above 55%.";
    expect(gptValue(rows.sharegpt)).toBe(expected);
    expect(lastAssistant(rows['openai-messages']).content).toBe(expected);
    expect(lastAssistant(rows['openai-ft']).content).toBe(expected);
  });
});

describe('large integers in tool arguments keep their digits', () => {
  const request = { model: 'm', messages: [{ role: 'user', content: 'Tell #deploys the deploy finished.' }], tools: [{ type: 'function', function: { name: 'post_message', parameters: { type: 'object', properties: { channel_id: { type: 'integer' }, text: { type: 'string' } } } } }] };

  it('OpenAI chat arguments string', async () => {
    const { rows } = await exportOne({ format: 'openai-chat', request, response: fixtureText('openai-chat', 'openai-tool-call-big-integer.json') });
    expect(gptValue(rows.sharegpt)).toBe('{"name":"post_message","arguments":{"channel_id":1234567890123456789,"text":"Deploy finished"}}');
    expect(lastAssistant(rows['openai-messages']).tool_calls?.[0]?.function.arguments).toBe('{"channel_id":1234567890123456789,"text":"Deploy finished"}');
    expect(lastAssistant(rows['openai-ft']).tool_calls?.[0]?.function.arguments).toBe('{"channel_id":1234567890123456789,"text":"Deploy finished"}');
  });

  it('Anthropic tool_use input object', async () => {
    const { rows } = await exportOne({
      format: 'anthropic-messages',
      request: { model: 'claude-sonnet-4-5', max_tokens: 256, messages: [{ role: 'user', content: 'Tell #deploys the deploy finished.' }], tools: [{ name: 'post_message', input_schema: { type: 'object', properties: { channel_id: { type: 'integer' } } } }] },
      response: fixtureText('anthropic-messages', 'tool-call-big-integer.json'),
    });
    expect(gptValue(rows.sharegpt)).toContain('"channel_id":1234567890123456789');
    expect(lastAssistant(rows['openai-messages']).tool_calls?.[0]?.function.arguments).toBe('{"channel_id":1234567890123456789,"text":"Deploy finished"}');
  });
});

describe('Gemini contents / parts / systemInstruction.parts given as a single object', () => {
  it('is read as a one-element list: the row keeps its user turn and system prompt', async () => {
    const { rows } = await exportOne({ format: 'gemini', request: wireResponse('gemini', 'request-single-objects.json'), response: wireResponse('gemini', 'text-single-objects.json') });
    expect(rows.sharegpt.valid).toBe(true);
    expect(rows.sharegpt.row).toMatchObject({ system: 'You are a cat. Your name is Neko.', conversations: [{ from: 'human', value: 'Hello there' }, { from: 'gpt' }] });
    expect((rows['openai-messages'].row as { messages: unknown[] }).messages.slice(0, 2)).toEqual([
      { role: 'system', content: 'You are a cat. Your name is Neko.' },
      { role: 'user', content: 'Hello there' },
    ]);
  });

  it('a row with no user turn at all is refused by every format with the same reason', async () => {
    const { rows } = await exportOne({ format: 'gemini', request: { systemInstruction: { parts: { text: 'Be brief.' } }, contents: [] }, response: wireResponse('gemini', 'text-single-objects.json') });
    for (const format of ['sharegpt', 'openai-messages', 'openai-ft'] as const) {
      expect(rows[format].valid).toBe(false);
      expect(rows[format].reasons.map((reason) => reason.code)).toContain('no-user-turn');
    }
  });
});

describe('Gemini 3 streamed function-call arguments (willContinue, partialArgs, closing part)', () => {
  it('are assembled into one call, as the non-streaming response has it', async () => {
    const request = { contents: [{ role: 'user', parts: [{ text: 'Weather in Boston for the next 3 days, in celsius?' }] }], tools: [{ functionDeclarations: [{ name: 'get_weather', parameters: { type: 'OBJECT', properties: { location: { type: 'STRING' }, unit: { type: 'STRING' }, days: { type: 'INTEGER' } } } }] }], toolConfig: { functionCallingConfig: { mode: 'AUTO', streamFunctionCallArguments: true } } };
    const streamed = await exportOne({ format: 'gemini', request, sse: wireStream('gemini', 'streamed-function-call-arguments.chunks.txt') });
    expect(streamed.rows.sharegpt.valid).toBe(true);
    expect(gptValue(streamed.rows.sharegpt)).toBe('{"name":"get_weather","arguments":{"location":"Boston, MA","unit":"celsius","days":3}}');
    await store?.close();
    const whole = await exportOne({ format: 'gemini', request, response: wireResponse('gemini', 'streamed-function-call-arguments.json') });
    expect(streamed.rows.sharegpt.row).toEqual(whole.rows.sharegpt.row);
    expect(streamed.rows['openai-messages'].row).toEqual(whole.rows['openai-messages'].row);
  });
});

describe('a Gemini stream cut by a bare {"error": …} body outside SSE framing', () => {
  it('is recorded as an error and no format exports it', async () => {
    const { record, rows } = await exportOne({ format: 'gemini', request: { contents: [{ role: 'user', parts: [{ text: 'Name the three largest moons of Jupiter.' }] }] }, sse: wireStream('gemini', 'error-bare-json-mid-stream.chunks.txt') });
    expect(record.error).toEqual({ class: 'upstream_RESOURCE_EXHAUSTED', message: 'Resource has been exhausted (e.g. check quota).' });
    expect(record.incomplete).toBe(true);
    for (const format of ['sharegpt', 'openai-messages', 'openai-ft'] as const) {
      expect(rows[format].valid).toBe(false);
      expect(rows[format].reasons.map((reason) => reason.code)).toContain('exchange-error');
    }
  });
});

describe('Anthropic stop_reason model_context_window_exceeded', () => {
  it('is a length finish with the full input count (cache reads and writes included), and no format exports it', async () => {
    const { record, rows } = await exportOne({
      format: 'anthropic-messages',
      request: { model: 'claude-sonnet-4-5', max_tokens: 64000, messages: [{ role: 'user', content: 'Summarise the remaining chapters.' }] },
      response: wireResponse('anthropic-messages', 'context-window-exceeded.json'),
    });
    expect(record.usage).toEqual({ inputTokens: 1050, outputTokens: 15, totalTokens: 1065, cachedInputTokens: 750 });
    for (const format of ['sharegpt', 'openai-messages', 'openai-ft'] as const) {
      expect(rows[format].reasons.map((reason) => reason.code)).toContain('finish-length');
    }
  });
});
