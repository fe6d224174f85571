// Every judgement as training data, through runExport against a real SQLite file holding records
// built the way the proxy records them: edits as preference pairs (LLaMA-Factory ranking and OpenAI
// preference fine-tuning), confirmed and rejected rows as KTO, the dataset_info.json entries, the
// report, and the pairs an edit cannot give. Checked field by field and with the validators.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { threadRecords } from '../../test/helpers/thread-records.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { ShareGptRow } from '../training/sharegpt-types.js';
import { validateKtoRow, validateOpenAiPreferenceRow, validateRankingRow } from '../training/validate-preference.js';
import { runExport, type ExportResult } from './run-export.js';

const root = mkdtempSync(join(tmpdir(), 'judgements-'));
const dbPath = join(root, 'proxy.db');
const records = threadRecords();
const byLabel = (label: string) => records.find((record) => record.label === label)!;
const HAIKU_EDIT = 'Steam curls from the cup\nthe kettle hums its low note\nleaves open in rain';

function lines(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, 'utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
}

let result: ExportResult;
let outDir: string;

beforeAll(async () => {
  const store = openSqliteStore(dbPath);
  await store.insertBatch(records);
  const haiku = byLabel('haiku').sharegpt!;
  // An edited answer: a pair.
  await store.setEditedShareGpt(byLabel('haiku').id, { ...haiku, conversations: [haiku.conversations[0]!, { from: 'gpt', value: HAIKU_EDIT }] }, false);
  // An edited tool call: a pair of function_call turns.
  const step1 = byLabel('step-1').sharegpt!;
  await store.setEditedShareGpt(byLabel('step-1').id, {
    ...step1,
    conversations: [step1.conversations[0]!, { from: 'function_call', value: '{"name":"get_weather","arguments":{"city":"Paris, France"}}' }],
  }, false);
  // An edit of the prompt: no pair (the answers would answer different questions).
  const step2 = byLabel('step-2').sharegpt! as ShareGptRow;
  await store.setEditedShareGpt(byLabel('step-2').id, {
    ...step2,
    conversations: step2.conversations.map((turn, index) => (index === 0 ? { ...turn, value: 'What is the weather in Lyon?' } : turn)),
  }, false);
  await store.setReviewState([byLabel('haiku').id, byLabel('step-1').id, byLabel('step-2').id], 'confirmed', 1);
  await store.setReviewState([byLabel('step-3').id, byLabel('length').id], 'rejected', 1);
  await store.setAnnotation(byLabel('haiku').id, { note: 'Better imagery.', tags: ['poetry', 'edited-answer'], rating: 4 }, 1);
  await store.close();
  outDir = join(root, 'out');
  result = await runExport({ dbPath, outDir, rows: { formats: ['sharegpt'], filter: {}, status: 'confirmed', threads: 'longest' }, judgements: ['preference', 'kto'] });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('preference pairs from edits', () => {
  it('writes LLaMA-Factory ranking rows: the prompt, chosen = the edit, rejected = the original', () => {
    const rows = lines(join(outDir, 'preference-sharegpt.jsonl'));
    expect(rows).toHaveLength(2);
    const [call, haiku] = rows as [Record<string, unknown>, Record<string, unknown>];
    expect(haiku).toEqual({
      conversations: [{ from: 'human', value: 'Write a haiku about tea.' }],
      chosen: { from: 'gpt', value: HAIKU_EDIT },
      rejected: { from: 'gpt', value: 'Steam curls from the cup\nthe kettle hums a low note\nleaves unfold in rain' },
      system: '',
      tools: '',
      images: [],
    });
    expect(call['conversations']).toEqual([{ from: 'human', value: 'What is the weather in Paris?' }]);
    expect(call['chosen']).toEqual({ from: 'function_call', value: '{"name":"get_weather","arguments":{"city":"Paris, France"}}' });
    expect(call['rejected']).toEqual({ from: 'function_call', value: '{"name":"get_weather","arguments":{"city":"Paris"}}' });
    expect(JSON.parse(call['tools'] as string)[0].name).toBe('get_weather');
    for (const row of rows) expect(validateRankingRow(row, { requireLocalImages: true })).toEqual({ valid: true, errors: [] });
  });

  it('writes OpenAI preference fine-tuning rows: input, preferred_output, non_preferred_output', () => {
    const rows = lines(join(outDir, 'preference-openai.jsonl'));
    expect(rows).toHaveLength(2);
    const [call, haiku] = rows as [Record<string, unknown>, Record<string, unknown>];
    expect(haiku).toEqual({
      input: { messages: [{ role: 'user', content: 'Write a haiku about tea.' }] },
      preferred_output: [{ role: 'assistant', content: HAIKU_EDIT }],
      non_preferred_output: [{ role: 'assistant', content: 'Steam curls from the cup\nthe kettle hums a low note\nleaves unfold in rain' }],
    });
    const input = call['input'] as { messages: unknown[]; tools: Array<{ type: string; function: { name: string } }> };
    expect(input.messages).toEqual([{ role: 'user', content: 'What is the weather in Paris?' }]);
    expect(input.tools[0]).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
    const preferred = (call['preferred_output'] as Array<{ tool_calls: Array<{ function: { arguments: string } }> }>)[0]!;
    expect(JSON.parse(preferred.tool_calls[0]!.function.arguments)).toEqual({ city: 'Paris, France' });
    const nonPreferred = (call['non_preferred_output'] as Array<{ tool_calls: Array<{ function: { arguments: string } }> }>)[0]!;
    expect(JSON.parse(nonPreferred.tool_calls[0]!.function.arguments)).toEqual({ city: 'Paris' });
    for (const row of rows) expect(validateOpenAiPreferenceRow(row)).toEqual({ valid: true, errors: [] });
  });

  it('leaves out an edit of the prompt, with the reason, and counts it in the report', () => {
    const invalid = lines(join(outDir, 'invalid.jsonl')).filter((entry) => entry['format'] === 'preference');
    expect(invalid).toEqual([{ id: byLabel('step-2').id, format: 'preference', reasons: [{ code: 'edit-not-final-answer', message: 'turn 1 was edited' }], row: null }]);
    expect(result.report.judgements?.preference).toMatchObject({ editedRecords: 3, pairs: 2, invalidByReason: { 'edit-not-final-answer': 1 } });
  });
});

describe('KTO from confirmed and rejected', () => {
  it('writes confirmed rows with kto_tag true and rejected rows with kto_tag false', () => {
    const rows = lines(join(outDir, 'kto-sharegpt.jsonl'));
    // Confirmed: the haiku (edited) and the session's best confirmed record (step-2, edited); rejected:
    // step-3 (the cut-off answer is dropped, with its reason).
    expect(rows.map((row) => row['kto_tag'])).toEqual([true, true, false]);
    const haiku = rows.find((row) => (row['conversations'] as Array<{ value: string }>)[0]!.value === 'Write a haiku about tea.')!;
    expect((haiku['conversations'] as Array<{ value: string }>)[1]!.value).toBe(HAIKU_EDIT);
    const rejected = rows[2]!;
    expect((rejected['conversations'] as Array<{ value: string }>).at(-1)!.value).toBe('Lyon is at 20 °C.');
    expect(Object.keys(rejected).sort()).toEqual(['conversations', 'images', 'kto_tag', 'system', 'tools']);
    for (const row of rows) expect(validateKtoRow(row, { requireLocalImages: true })).toEqual({ valid: true, errors: [] });
    expect(result.report.judgements?.kto).toEqual({ desirable: 2, undesirable: 1, invalidByReason: { 'finish-length': 1 } });
  });

  it('describes both files in dataset_info.json: ranking true with chosen/rejected, and kto_tag', () => {
    const info = JSON.parse(readFileSync(join(outDir, 'dataset_info.json'), 'utf8')) as Record<string, unknown>;
    expect(info['llm_proxy_sharegpt_preference']).toEqual({
      file_name: 'preference-sharegpt.jsonl',
      formatting: 'sharegpt',
      ranking: true,
      columns: { messages: 'conversations', system: 'system', tools: 'tools', images: 'images', chosen: 'chosen', rejected: 'rejected' },
    });
    expect(info['llm_proxy_sharegpt_kto']).toEqual({
      file_name: 'kto-sharegpt.jsonl',
      formatting: 'sharegpt',
      columns: { messages: 'conversations', system: 'system', tools: 'tools', images: 'images', kto_tag: 'kto_tag' },
    });
    expect(info['llm_proxy_sharegpt']).toBeDefined();
    expect(result.report.files).toEqual(expect.arrayContaining(['preference-sharegpt.jsonl', 'preference-openai.jsonl', 'kto-sharegpt.jsonl']));
  });
});

describe('annotations in the report', () => {
  it('counts the tags and ratings of the records the export read', () => {
    expect(result.report.annotations).toEqual({ records: 1, byTag: { poetry: 1, 'edited-answer': 1 }, byRating: { 4: 1 } });
  });
});

describe('the validators refuse what trainers refuse', () => {
  it('ranking: an even prompt, a missing or wrongly placed answer, a broken tool call', () => {
    const good = { conversations: [{ from: 'human', value: 'Hi' }], chosen: { from: 'gpt', value: 'Hello!' }, rejected: { from: 'gpt', value: 'Go away.' }, system: '', tools: '', images: [] };
    expect(validateRankingRow(good).valid).toBe(true);
    const codes = (row: unknown) => validateRankingRow(row).errors.map((error) => error.code);
    expect(codes({ ...good, conversations: [...good.conversations, { from: 'gpt', value: 'x' }] })).toContain('ranking-even-prompt');
    expect(codes({ ...good, chosen: 'Hello!' })).toEqual(['ranking-answer-missing']);
    expect(codes({ ...good, rejected: { from: 'human', value: 'x' } })).toContain('ranking-answer-role');
    expect(codes({ ...good, chosen: { from: 'function_call', value: '{"name":' } })).toContain('function-call-not-json');
    expect(codes({ ...good, conversations: [] })).toEqual(['ranking-empty-prompt']);
  });

  it('OpenAI preference: outputs of one assistant message, input ending with the prompt, no other keys', () => {
    const good = { input: { messages: [{ role: 'user', content: 'Hi' }] }, preferred_output: [{ role: 'assistant', content: 'Hello!' }], non_preferred_output: [{ role: 'assistant', content: 'No.' }] };
    expect(validateOpenAiPreferenceRow(good).valid).toBe(true);
    const codes = (row: unknown) => validateOpenAiPreferenceRow(row).errors.map((error) => error.code);
    expect(codes({ ...good, preferred_output: [] })).toEqual(['output-not-one-assistant-message']);
    expect(codes({ ...good, non_preferred_output: [{ role: 'user', content: 'x' }] })).toEqual(['output-not-one-assistant-message']);
    expect(codes({ ...good, input: { messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'x' }] } })).toContain('input-not-prompt');
    expect(codes({ ...good, messages: [] })).toContain('unrecognized-key');
    expect(codes({ ...good, input: {} })).toEqual(['missing-input-messages']);
  });

  it('KTO: kto_tag must be a JSON boolean', () => {
    const row = { conversations: [{ from: 'human', value: 'Hi' }, { from: 'gpt', value: 'Hello!' }], system: '', tools: '', images: [] };
    expect(validateKtoRow({ ...row, kto_tag: true }).valid).toBe(true);
    expect(validateKtoRow({ ...row, kto_tag: 'true' }).errors.map((error) => error.code)).toEqual(['kto-tag-not-boolean']);
    expect(validateKtoRow(row).errors.map((error) => error.code)).toEqual(['kto-tag-not-boolean']);
  });
});
