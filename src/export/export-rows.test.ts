// exportRows, the contract the CLI and the review UI share: selection (status, filters, model glob,
// threads, limit, function-call-only), the human edit preferred and repaired, one rejected input
// per export reason, and the acceptance test: every exported row passes the row validators.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordExchange, wireResponse } from '../../test/helpers/recorded-exchanges.js';
import type { ExchangeRecord } from '../capture/exchange.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { makeTestRecord } from '../store/test-records.js';
import { validateOpenAiFtRow } from '../training/validate-openai-ft.js';
import { validateShareGptRow } from '../training/validate-sharegpt.js';
import { goldenRecords } from './__fixtures__/golden-exchanges.js';
import { EXPORT_REASONS } from './export-reasons.js';
import { exportRecords } from './export-records.js';
import { exportRows, type ExportedRow, type ExportRowOptions } from './export-rows.js';

let store: Store;

beforeEach(() => {
  store = openSqliteStore(':memory:');
});

afterEach(async () => {
  await store.close();
});

async function collect(options: Partial<ExportRowOptions> = {}): Promise<ExportedRow[]> {
  const rows: ExportedRow[] = [];
  for await (const row of exportRows(store, { formats: ['sharegpt'], filter: {}, status: 'all', ...options })) rows.push(row);
  return rows;
}

function chat(seq: number, user: string, answer: string, extra: Partial<Parameters<typeof recordExchange>[0]> = {}): ExchangeRecord {
  return recordExchange({
    format: 'openai-chat',
    seq,
    request: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: user }] },
    response: { id: `c${seq}`, object: 'chat.completion', model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }] },
    ...extra,
  });
}

describe('exportRows: rows by hand (not from the golden file)', () => {
  it('writes parallel calls as one function_call turn and their results as one observation in call order', async () => {
    await store.insertBatch([
      recordExchange({
        format: 'openai-chat',
        seq: 1,
        request: {
          model: 'gpt-4.1',
          messages: [
            { role: 'user', content: 'Paris and Lyon?' },
            {
              role: 'assistant',
              content: 'Checking.',
              tool_calls: [
                { id: 'a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
                { id: 'b', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Lyon"}' } },
              ],
            },
            { role: 'tool', tool_call_id: 'b', content: '21 C' },
            { role: 'tool', tool_call_id: 'a', content: '18 C' },
          ],
        },
        response: { object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: '18 and 21.', reasoning_content: 'Both in.' }, finish_reason: 'stop' }] },
      }),
    ]);
    const rows = await collect({ formats: ['sharegpt', 'openai-ft'], toolsSchema: 'no' });
    expect(rows[0]).toMatchObject({ valid: true, format: 'sharegpt' });
    expect(rows[0]?.row).toEqual({
      conversations: [
        { from: 'human', value: 'Paris and Lyon?' },
        {
          from: 'function_call',
          value: 'Checking.\n<tool_call>[{"name":"get_weather","arguments":{"city":"Paris"}},{"name":"get_weather","arguments":{"city":"Lyon"}}]</tool_call>',
        },
        { from: 'observation', value: '18 C\n</tool_response>\n<tool_response>\n21 C' },
        { from: 'gpt', value: '<think>\nBoth in.\n</think>\n\n18 and 21.' },
      ],
      system: '',
      tools: '',
      images: [],
    });
    expect(rows[1]).toMatchObject({ valid: true, format: 'openai-ft', repairs: ['observations-reordered'] });
    expect(rows[1]?.row).toEqual({
      messages: [
        { role: 'user', content: 'Paris and Lyon?' },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            { id: 'a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'b', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Lyon"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'a', content: '18 C' },
        { role: 'tool', tool_call_id: 'b', content: '21 C' },
        { role: 'assistant', content: '18 and 21.' },
      ],
    });
  });

  it('gives Gemini calls ids and their results the matching tool_call_id', async () => {
    await store.insertBatch([
      recordExchange({
        format: 'gemini',
        seq: 1,
        request: {
          contents: [
            { role: 'user', parts: [{ text: 'Time and weather?' }] },
            { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: {} } }, { functionCall: { name: 'get_time', args: {} } }] },
            { role: 'user', parts: [{ functionResponse: { name: 'get_time', response: { t: '09:00' } } }, { functionResponse: { name: 'get_weather', response: { c: 18 } } }] },
          ],
        },
        response: { candidates: [{ content: { role: 'model', parts: [{ text: '09:00, 18 C.' }] }, finishReason: 'STOP' }] },
      }),
    ]);
    const [row] = await collect({ formats: ['openai-messages'], toolsSchema: 'no' });
    expect(row?.valid).toBe(true);
    expect(row?.repairs).toEqual(['tool-call-ids-assigned', 'observations-reordered']);
    expect((row?.row as { messages: unknown[] }).messages.slice(1, 4)).toEqual([
      {
        role: 'assistant',
        content: '',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
          { id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', name: 'get_weather', content: '{"c":18}' },
      { role: 'tool', tool_call_id: 'call_2', name: 'get_time', content: '{"t":"09:00"}' },
    ]);
  });

  it('exports the human edit instead of the derived row, repaired, even when the exchange was cut off', async () => {
    const record = chat(1, 'Weather in Paris?', 'The weath', { aborted: true });
    await store.insertBatch([record]);
    await store.setEditedShareGpt(record.id, {
      conversations: [
        { from: 'human', value: 'Weather in Paris?' },
        { from: 'function_call', value: '{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}' },
      ],
      system: '',
      tools: '',
      images: [],
    }, true);
    const [sharegpt, openai] = await collect({ formats: ['sharegpt', 'openai-ft'] });
    expect(sharegpt).toMatchObject({ valid: true, repairs: ['function-call-openai-wrapper', 'tools-derived'] });
    expect((sharegpt?.row as { conversations: unknown[] }).conversations[1]).toEqual({
      from: 'function_call',
      value: '{"name":"get_weather","arguments":{"city":"Paris"}}',
    });
    // The edit reaches the OpenAI formats too (issue 15): the reviewer's call, not the cut-off answer.
    expect(openai).toMatchObject({ valid: true, reasons: [] });
    expect((openai?.row as { messages: unknown[] }).messages).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
    ]);
  });

  it('exports an edited answer in every format, and a record without edits from its bodies', async () => {
    const record = chat(1, 'Write a haiku about tea.', 'Tea is hot.');
    const plain = chat(2, 'Hello?', 'Hi there.');
    await store.insertBatch([record, plain]);
    const edited = { conversations: [{ from: 'human' as const, value: 'Write a haiku about tea.' }, { from: 'gpt' as const, value: '<think>\nthree lines\n</think>\n\nSteam curls\nfrom the cup\nsilence' }], system: 'Be brief.', tools: '', images: [] };
    await store.setEditedShareGpt(record.id, edited, false);
    const rows = await collect({ formats: ['sharegpt', 'openai-messages', 'openai-ft'] });
    const of = (id: string, format: string) => rows.find((row) => row.id === id && row.format === format)!;
    expect((of(record.id, 'sharegpt').row as { conversations: Array<{ value: string }> }).conversations[1]?.value).toContain('Steam curls\nfrom the cup');
    expect(of(record.id, 'openai-messages').row).toEqual({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Write a haiku about tea.' },
        { role: 'assistant', content: 'Steam curls\nfrom the cup\nsilence', reasoning_content: 'three lines' },
      ],
    });
    expect(of(record.id, 'openai-ft').row).toEqual({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Write a haiku about tea.' },
        { role: 'assistant', content: 'Steam curls\nfrom the cup\nsilence' },
      ],
    });
    expect(of(plain.id, 'openai-ft').row).toEqual({ messages: [{ role: 'user', content: 'Hello?' }, { role: 'assistant', content: 'Hi there.' }] });
  });

  it('applies --reasoning drop and --truncate-observation to every format', async () => {
    const records = goldenRecords().filter(({ name }) => name.startsWith('anthropic recorded agent loop'));
    await store.insertBatch(records.map(({ record }) => record));
    const rows = await collect({ formats: ['sharegpt', 'openai-messages', 'openai-ft'], reasoning: 'drop', truncateObservation: 6 });
    const sharegpt = rows[0]?.row as { conversations: Array<{ from: string; value: string }> };
    expect(sharegpt.conversations[1]?.value.startsWith("I'll check both cities.")).toBe(true);
    expect(sharegpt.conversations[2]?.value).toBe(
      '18°C, \n…[truncated 6 characters]\n</tool_response>\n<tool_response>\n{"temp\n…[truncated 22 characters]\n\nAlso, is it a good day for a picnic?',
    );
    expect(rows[0]?.repairs).toEqual(expect.arrayContaining(['reasoning-dropped', 'observation-truncated']));
    const messages = (rows[1]?.row as { messages: Array<Record<string, unknown>> }).messages;
    expect(messages.some((message) => 'reasoning_content' in message)).toBe(false);
    expect(messages.filter((message) => message['role'] === 'tool').map((message) => message['content'])).toEqual([
      '18°C, \n…[truncated 6 characters]',
      '{"temp\n…[truncated 22 characters]',
      'Error:\n…[truncated 25 characters]',
    ]);
  });
});

describe('exportRows: selection', () => {
  it('selects by review state, domain, time, model glob and limit, in id order', async () => {
    const records = [0, 1, 2, 3, 4, 5].map((seq) => makeTestRecord({ seq }));
    await store.insertBatch(records);
    await store.setReviewState([records[1]!.id, records[2]!.id, records[4]!.id], 'confirmed', 1);
    const ids = (rows: ExportedRow[]): string[] => rows.map((row) => row.id);

    expect(ids(await collect({ status: 'confirmed' }))).toEqual([records[1]!.id, records[2]!.id, records[4]!.id]);
    expect(ids(await collect({ status: 'pending' }))).toEqual([records[0]!.id, records[3]!.id, records[5]!.id]);
    expect(ids(await collect({ status: 'all', limit: 2 }))).toEqual([records[0]!.id, records[1]!.id]);
    // makeTestRecord: models cycle gpt-4o-mini, gpt-4.1, claude-sonnet-4; seq % 4 === 0 is anthropic.com
    expect(ids(await collect({ modelGlob: 'GPT-4*' }))).toEqual([0, 1, 3, 4].map((seq) => records[seq]!.id));
    expect(ids(await collect({ modelGlob: 'claude-*' }))).toEqual([records[2]!.id, records[5]!.id]);
    expect(ids(await collect({ filter: { domain: 'api.anthropic.com' } }))).toEqual([records[0]!.id, records[4]!.id]);
    expect(ids(await collect({ filter: { since: records[2]!.startedAt, until: records[4]!.startedAt } }))).toEqual([records[2]!.id, records[3]!.id]);
  });

  it('exports a thread once, by its longest complete record, unless threads is all', async () => {
    // Three requests of one agent session: each resends the history (linked by thread keys).
    const first = recordExchange({
      format: 'openai-chat',
      seq: 1,
      request: { model: 'm', messages: [{ role: 'user', content: 'Hi' }] },
      response: { object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'Hello.' }, finish_reason: 'stop' }] },
    });
    const history = [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello.' },
      { role: 'user', content: 'Tell me a joke.' },
    ];
    const second = recordExchange({
      format: 'openai-chat',
      seq: 2,
      request: { model: 'm', messages: history },
      response: { object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'Why did the chicken…' }, finish_reason: 'stop' }] },
    });
    // A retry of the same request that was cut off: as long, but incomplete.
    const retry = recordExchange({
      format: 'openai-chat',
      seq: 3,
      request: { model: 'm', messages: history },
      response: { object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'Why' }, finish_reason: 'length' }] },
    });
    retry.incomplete = true;
    const other = chat(4, 'Another conversation', 'Sure.');
    await store.insertBatch([first, second, retry, other]);
    expect((await store.get(second.id))?.threadId).toBe(first.id);

    const stats = { recordsRead: 0, threadsCollapsed: 0, filteredOut: { model: 0, notFunctionCallOnly: 0 } };
    const ids: string[] = [];
    for await (const item of exportRecords(store, { formats: ['sharegpt'], filter: {}, status: 'all' }, {}, stats)) ids.push(item.record.id);
    expect(ids).toEqual([second.id, other.id]);
    expect(stats).toMatchObject({ recordsRead: 2, threadsCollapsed: 2 });
    expect((await collect({ threads: 'all' })).map((row) => row.id)).toEqual([first.id, second.id, retry.id, other.id]);
  });

  it('exports each leaf of a branched thread, in id order, and collapses a failed try beside its retry', async () => {
    const turn = (seq: number, messages: unknown[], answer: string, extra: Partial<Parameters<typeof recordExchange>[0]> = {}) =>
      recordExchange({
        format: 'openai-chat',
        seq,
        request: { model: 'm', messages },
        response: { object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }] },
        ...extra,
      });
    const hi = [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello.' }];
    const first = turn(1, hi.slice(0, 1), 'Hello.');
    const joke = [...hi, { role: 'user', content: 'Tell me a joke.' }];
    // The same request twice: the first try failed (HTTP 429), the retry answered.
    const failed = turn(2, joke, '', { status: 429, response: { error: { message: 'rate limited', type: 'rate_limit_error' } } });
    const retry = turn(3, joke, 'Why did the chicken…');
    // The user edited the second prompt in the chat client: a branch from the same parent.
    const edited = turn(4, [...hi, { role: 'user', content: 'Tell me a story.' }], 'Once upon a time…');
    const other = chat(5, 'Another conversation', 'Sure.');
    const laugh = turn(6, [...joke, { role: 'assistant', content: 'Why did the chicken…' }, { role: 'user', content: 'Ha!' }], 'Glad you liked it.');
    await store.insertBatch([first, failed, retry, edited, other, laugh]);
    expect(failed.error).not.toBeNull();
    const stored = await Promise.all([failed, retry, edited, laugh].map(async (record) => (await store.get(record.id))!));
    expect(stored.map((record) => record.parentId)).toEqual([first.id, first.id, first.id, retry.id]);

    const stats = { recordsRead: 0, threadsCollapsed: 0, filteredOut: { model: 0, notFunctionCallOnly: 0 } };
    const ids: string[] = [];
    for await (const item of exportRecords(store, { formats: ['sharegpt'], filter: {}, status: 'all' }, {}, stats)) ids.push(item.record.id);
    // Two leaves of one thread (the edited branch and the retried one's continuation), then the other thread.
    expect(ids).toEqual([edited.id, other.id, laugh.id]);
    expect(stats).toMatchObject({ recordsRead: 3, threadsCollapsed: 3 });
    const rows = await collect();
    expect(rows.map((row) => row.id)).toEqual([edited.id, other.id, laugh.id]);
    expect(rows.every((row) => row.valid)).toBe(true);
    // The model glob resolved in the store gives the same.
    expect((await collect({ modelGlob: 'm*' })).map((row) => row.id)).toEqual([edited.id, laugh.id]);
    expect((await collect({ threads: 'all' })).map((row) => row.id)).toEqual([first.id, failed.id, retry.id, edited.id, other.id, laugh.id]);
  });

  it('picks the same leaves in JavaScript when the model glob cannot be given to the store (more models than facets list)', async () => {
    // 520 one-record threads, each with its own model, and the branched thread of model m.
    const singles = Array.from({ length: 520 }, (_, index) => makeTestRecord({ seq: 100 + index }, { model: `bulk-${index}` }));
    const turn = (seq: number, messages: unknown[], answer: string, incomplete = false) => {
      const record = recordExchange({
        format: 'openai-chat',
        seq,
        request: { model: 'm', messages },
        response: { object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }] },
      });
      record.incomplete = incomplete;
      return record;
    };
    const hi = [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello.' }];
    const first = turn(1, hi.slice(0, 1), 'Hello.');
    const joke = [...hi, { role: 'user', content: 'Tell me a joke.' }];
    const cut = turn(2, joke, 'Why did', true);
    // The client kept the cut-off answer and went on: the chain continues through it.
    const after = turn(3, [...joke, { role: 'assistant', content: 'Why did' }, { role: 'user', content: 'Go on.' }], '…the chicken cross?');
    const story = turn(4, [...hi, { role: 'user', content: 'Tell me a story.' }], 'Once upon a time…');
    await store.insertBatch([first, cut, after, story, ...singles]);
    expect((await store.get(after.id))?.parentId).toBe(cut.id);
    const expected = [after.id, story.id];
    expect((await collect({ modelGlob: 'm' })).map((row) => row.id)).toEqual(expected);
    const stats = { recordsRead: 0, threadsCollapsed: 0, filteredOut: { model: 0, notFunctionCallOnly: 0 } };
    const ids: string[] = [];
    for await (const item of exportRecords(store, { formats: ['sharegpt'], filter: {}, status: 'all', modelGlob: '[m]' }, {}, stats)) ids.push(item.record.id);
    expect(ids).toEqual(expected);
    expect(stats).toMatchObject({ recordsRead: 2, threadsCollapsed: 2, filteredOut: { model: 520 } });
    expect((await store.facets()).models.length).toBeGreaterThanOrEqual(500);
  });

  it('keeps only rows whose final turn is a function call with onlyFunctionCallOnly', async () => {
    const records = goldenRecords().filter(({ name }) => name.startsWith('openai-chat'));
    await store.insertBatch(records.map(({ record }) => record));
    const rows = await collect({ onlyFunctionCallOnly: true, threads: 'all' });
    const names = new Map(records.map(({ name, record }) => [record.id, name]));
    expect(rows.map((row) => names.get(row.id))).toEqual([
      'openai-chat single tool call (final turn)',
      'openai-chat parallel tool calls (final turn)',
      'openai-chat text plus tool call',
      'openai-chat tool call with a large integer argument',
    ]);
  });

  it('skips non-chat exchanges (embeddings, model lists) unless the filter asks for them', async () => {
    await store.insertBatch([chat(1, 'Hi', 'Hello.'), makeTestRecord({ seq: 2 }, { apiKind: 'embeddings', wireFormat: 'other', path: '/v1/embeddings', sharegpt: null })]);
    expect(await collect()).toHaveLength(1);
    const embeddings = await collect({ filter: { apiKind: 'embeddings' } });
    expect(embeddings.map((row) => row.reasons.map((reason) => reason.code))).toEqual([['no-conversation']]);
  });

  it('rejects nonsense options as programming errors', async () => {
    await expect(collect({ formats: [] })).rejects.toThrow(/at least one format/);
    await expect(collect({ limit: 0 })).rejects.toThrow(/limit/);
    await expect(collect({ formats: ['csv' as never] })).rejects.toThrow(/unknown format/);
  });
});

describe('exportRows: one rejected input per export reason', () => {
  const cases: Array<{ code: keyof typeof EXPORT_REASONS; format: ExportRowOptions['formats'][number]; record: () => ExchangeRecord; options?: Partial<ExportRowOptions> }> = [
    { code: 'exchange-error', format: 'sharegpt', record: () => recordExchange({ format: 'openai-chat', seq: 1, request: { model: 'm', messages: [{ role: 'user', content: 'Hi' }] }, response: wireResponse('openai-chat', 'openai-error.json'), status: 500 }) },
    { code: 'exchange-incomplete', format: 'openai-ft', record: () => chat(1, 'Hi', 'Hel', { aborted: true }) },
    {
      code: 'finish-length',
      format: 'sharegpt',
      record: () =>
        recordExchange({ format: 'openai-chat', seq: 1, request: { model: 'm', messages: [{ role: 'user', content: 'Story?' }] }, response: { object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'Once' }, finish_reason: 'length' }] } }),
    },
    {
      code: 'finish-content-filter',
      format: 'openai-messages',
      record: () =>
        recordExchange({ format: 'openai-chat', seq: 1, request: { model: 'm', messages: [{ role: 'user', content: 'Story?' }] }, response: { object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'I' }, finish_reason: 'content_filter' }] } }),
    },
    { code: 'no-conversation', format: 'openai-ft', record: () => makeTestRecord({ seq: 1 }, { requestBody: 'not json', requestIsJson: false }) },
    {
      code: 'no-final-answer',
      format: 'openai-ft',
      // The model's answer was empty: the history ends with the user's turn.
      record: () => recordExchange({ format: 'openai-chat', seq: 1, request: { model: 'm', messages: [{ role: 'user', content: 'Hi' }] }, response: { object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: '' }, finish_reason: 'stop' }] } }),
    },
    {
      code: 'images-not-supported',
      format: 'openai-messages',
      record: () => goldenRecords().find(({ name }) => name === 'openai-chat image (data URL)')!.record,
    },
  ];

  for (const testCase of cases) {
    it(`${testCase.code} (${testCase.format})`, async () => {
      await store.insertBatch([testCase.record()]);
      const [row] = await collect({ formats: [testCase.format], ...testCase.options });
      expect(row?.valid).toBe(false);
      expect(row?.reasons.map((reason) => reason.code)).toContain(testCase.code);
      expect(row?.reasons.every((reason) => reason.message.length > 0)).toBe(true);
    });
  }

  it('type-conflict: a row whose field has another JSON type than earlier rows is not written', async () => {
    const shape = (seq: number, enumValues: unknown[]): ExchangeRecord =>
      recordExchange({
        format: 'openai-chat',
        seq,
        request: {
          model: 'm',
          messages: [{ role: 'user', content: 'Level?' }],
          tools: [{ type: 'function', function: { name: 'set_level', parameters: { type: 'object', properties: { level: { type: 'string', enum: enumValues } } } } }],
        },
        response: { object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'Done.' }, finish_reason: 'stop' }] },
      });
    await store.insertBatch([shape(1, ['low', 'high']), shape(2, [1, 2])]);
    const rows = await collect({ formats: ['openai-messages', 'sharegpt'] });
    expect(rows.map((row) => [row.format, row.valid])).toEqual([
      ['openai-messages', true],
      ['sharegpt', true],
      ['openai-messages', false],
      ['sharegpt', true], // the ShareGPT tools column is a string, and enums are written as strings
    ]);
    expect(rows[2]?.reasons).toEqual([
      { code: 'type-conflict', message: 'tools[].function.parameters.properties.level.enum[] is a number here but a string in earlier rows' },
    ]);
  });

  it('image-not-local: without a place to save images (no files), ShareGPT rows with images are invalid', async () => {
    await store.insertBatch([goldenRecords().find(({ name }) => name === 'openai-chat image (data URL)')!.record]);
    const [row] = await collect();
    expect(row?.reasons.map((reason) => reason.code)).toEqual(['image-not-local']);
  });

  it('image-not-saved and images-skipped come from the image policy (see run-export.test.ts)', async () => {
    await store.insertBatch([goldenRecords().find(({ name }) => name === 'openai-chat image (data URL)')!.record]);
    const saved: string[] = [];
    const rows = [];
    for await (const item of exportRecords(store, { formats: ['sharegpt', 'openai-ft'], filter: {}, status: 'all' }, { images: 'skip' })) rows.push(...item.rows);
    expect(rows.map((row) => row.reasons.map((reason) => reason.code))).toEqual([['images-skipped'], ['images-skipped']]);
    const failing = [];
    for await (const item of exportRecords(store, { formats: ['sharegpt'], filter: {}, status: 'all' }, { saveImage: (url) => (saved.push(url), { error: 'disk full' }) })) failing.push(...item.rows);
    expect(failing[0]?.reasons).toEqual([{ code: 'image-not-saved', message: 'images[0]: disk full' }]);
    expect(saved).toHaveLength(1);
  });
});

describe('acceptance: every exported row passes the row validators', () => {
  it('every valid sharegpt row passes formats.md 1.3 / 5.3 and every valid openai-ft row section 3, with zero failures', async () => {
    // Every golden exchange, plus the store's synthetic records, plus human edits needing repairs.
    const records = [...goldenRecords().map(({ record }) => record), ...[0, 1, 2, 3, 4, 5, 6, 7].map((seq) => makeTestRecord({ seq: 100 + seq }))];
    await store.insertBatch(records);
    await store.setEditedShareGpt(records[0]!.id, {
      conversations: [
        { from: 'system', value: 'Be brief.' },
        { from: 'human', value: 'Weather?' },
        { from: 'function_call', value: '{"type":"tool_use","id":"t1","name":"get_weather","input":{"city":"Paris"}}' },
        { from: 'function_call', value: '{"functionCall":{"name":"get_time","args":{}}}' },
        { from: 'observation', value: '18 C' },
        { from: 'observation', value: '09:00' },
        { from: 'gpt', value: '<think>Easy.</think>18 C at 09:00.' },
      ],
      system: '',
      tools: '',
      images: [],
    } as never, false);
    let sharegpt = 0;
    let openAiFt = 0;
    const saveImage = (url: string): { path: string } => ({ path: `media/${url.length}.png` });
    for await (const item of exportRecords(store, { formats: ['sharegpt', 'openai-ft', 'openai-messages'], filter: {}, status: 'all', threads: 'all' }, { saveImage })) {
      for (const row of item.rows) {
        if (!row.valid) continue;
        if (row.format === 'sharegpt') {
          sharegpt += 1;
          expect(validateShareGptRow(row.row, { requireLocalImages: true }).errors).toEqual([]);
        } else if (row.format === 'openai-ft') {
          openAiFt += 1;
          expect(validateOpenAiFtRow(row.row).errors).toEqual([]);
        } else {
          expect(validateOpenAiFtRow(row.row, { openAiMessages: true }).errors).toEqual([]);
        }
      }
    }
    expect(sharegpt).toBeGreaterThan(25);
    expect(openAiFt).toBeGreaterThan(25);
  });
});
