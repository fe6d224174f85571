// Secrets and personal data through a real export (SQLite file in, files out): a corpus seeded
// with a value of every secretlint rule family and personal data of every kind, in every place a
// row has. Every value is found, none is in any output file, the rows stay valid for the
// project's validators, placeholders are consistent within a record, and drop / keep / allowlist
// do what they say.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExport } from '../export/run-export.js';
import type { ExportRowOptions } from '../export/export-rows.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import { validateOpenAiFtRow } from '../training/validate-openai-ft.js';
import { validateShareGptRow } from '../training/validate-sharegpt.js';
import { PLACES, seededRecord } from './__fixtures__/seeded-records.js';
import { seededPersonalData, seededSecrets, type SeededValue } from './__fixtures__/seeded-values.js';
import { defaultPrivacyPolicy, type PrivacyPolicy } from './privacy-policy.js';
import { formsOf } from './row-texts.js';

const root = mkdtempSync(join(tmpdir(), 'clean-export-'));
const dbPath = join(root, 'proxy.db');
const secrets = seededSecrets(7);
const personal = seededPersonalData(7);
const all: SeededValue[] = [...secrets, ...personal];
const rows: ExportRowOptions = { formats: ['sharegpt', 'openai-messages', 'openai-ft'], filter: {}, status: 'all', threads: 'all' };
const noDedup = { mode: 'off', threshold: 0.8 } as const;
const redactAll: PrivacyPolicy = { ...defaultPrivacyPolicy(), personal: { email: 'redact', phone: 'redact', ip: 'redact', credit_card: 'redact', iban: 'redact' } };
let counter = 0;
const nextOut = (): string => join(root, `out-${(counter += 1)}`);

// Record 1-7: every value in one place each; record 8: one secret and one e-mail in every place.
const consistencyValues = [secrets.find((value) => value.rule === 'github-token')!, personal.find((value) => value.rule === 'email')!];
const records = [
  ...PLACES.map((place, index) => seededRecord({ seq: index + 1, values: { [place]: all }, topic: `service ${place}` })),
  seededRecord({ seq: 8, values: Object.fromEntries(PLACES.map((place) => [place, consistencyValues])), topic: 'the consistency check' }),
  // A GCP service-account key file read by a tool: recognised as a whole JSON document.
  seededRecord({ seq: 9, values: {}, topic: 'the key file', toolResult: secrets.find((value) => value.rule === 'private-key-json')!.text }),
];
// Invalid for another reason (cut at the token limit): its row in invalid.jsonl is cleaned too.
const truncated = seededRecord({ seq: 10, values: { user: all, answer: all }, topic: 'a truncated answer' });
truncated.responseBody = truncated.responseBody.replace('"finish_reason":"stop"', '"finish_reason":"length"');
const valid = records.length;
records.push(truncated);

function outputFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String).filter((name) => /\.(jsonl|json|md)$/.test(name)).map((name) => join(dir, name));
}

function lines(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, 'utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
}

beforeAll(async () => {
  const store = openSqliteStore(dbPath);
  await store.insertBatch(records);
  await store.close();
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('export with secrets and personal data', () => {
  it('finds every seeded value, leaves none in any output file, and keeps every row valid', async () => {
    const outDir = nextOut();
    const { report } = await runExport({ dbPath, outDir, rows, privacy: redactAll, dedup: noDedup });
    const privacy = report.privacy!;

    // Every rule family seeded is reported (the GCP key file by its own rule or its private key).
    const expectedRules = new Set(secrets.map((value) => value.rule));
    expectedRules.delete('private-key-json');
    for (const rule of expectedRules) expect(privacy.bySecretRule, rule).toHaveProperty(rule);
    expect(Object.keys(privacy.bySecretRule)).toContain('private-key-json');
    for (const kind of ['email', 'phone', 'ip', 'credit_card', 'iban'] as const) {
      expect(privacy.byKind[kind]?.values, kind).toBeGreaterThan(0);
    }
    expect(privacy.recordsWithFindings).toBe(records.length);
    expect(privacy.rows.redactionIncomplete).toBe(0);

    // No output file holds a value, in any JSON spelling.
    for (const file of outputFiles(outDir)) {
      const text = readFileSync(file, 'utf8');
      for (const value of all) {
        for (const form of formsOf(value.value)) expect(text.includes(form), `${value.rule} in ${file}`).toBe(false);
      }
    }

    // Every row is valid for the project's own validators, tool-call arguments still JSON.
    expect(report.formats.sharegpt).toMatchObject({ valid, invalid: 1, invalidByReason: { 'finish-length': 1 } });
    expect(report.formats['openai-ft']).toMatchObject({ valid, invalid: 1 });
    const rejected = lines(join(outDir, 'invalid.jsonl')).find((line) => line['format'] === 'sharegpt')!;
    expect(JSON.stringify(rejected['row'])).toContain('<SECRET:github-token_1>');
    for (const row of lines(join(outDir, 'sharegpt.jsonl'))) {
      const verdict = validateShareGptRow(row);
      expect(verdict.errors).toEqual([]);
      for (const turn of row['conversations'] as Array<{ from: string; value: string }>) {
        if (turn.from === 'function_call') expect(() => JSON.parse(turn.value) as unknown).not.toThrow();
      }
    }
    for (const row of lines(join(outDir, 'openai-ft.jsonl'))) expect(validateOpenAiFtRow(row).errors).toEqual([]);
    for (const row of lines(join(outDir, 'openai-messages.jsonl'))) expect(validateOpenAiFtRow(row, { openAiMessages: true }).errors).toEqual([]);

    // The report names places, never values.
    const reportText = readFileSync(join(outDir, 'report.json'), 'utf8');
    const entry = privacy.records.find((record) => record.id === records[1]!.id)!;
    expect(entry.places).toContainEqual({ kind: 'secret', rule: 'github-token', format: 'sharegpt', turn: 0, field: 'human', action: 'redact' });
    expect(entry.places).toContainEqual({ kind: 'email', rule: 'email', format: 'openai-ft', turn: 1, field: 'user.content', action: 'redact' });
    expect(reportText).not.toContain(secrets[0]!.value);
  });

  it('gives one value the same placeholder in every turn and format of a record, and two values two placeholders', async () => {
    const outDir = nextOut();
    await runExport({ dbPath, outDir, rows, privacy: redactAll, dedup: noDedup });
    const id = records[7]!.id;
    const sharegpt = JSON.stringify(lines(join(outDir, 'sharegpt.jsonl'))[7]);
    const openai = JSON.stringify(lines(join(outDir, 'openai-messages.jsonl'))[7]);
    expect(sharegpt).toContain('the consistency check');
    const tokens = (text: string): string[] => [...new Set(text.match(/<(?:SECRET:[a-z0-9-]+|EMAIL)_\d+>/g) ?? [])].sort();
    expect(tokens(sharegpt)).toEqual(['<EMAIL_1>', '<SECRET:github-token_1>']);
    expect(tokens(openai)).toEqual(['<EMAIL_1>', '<SECRET:github-token_1>']);
    // In the system prompt, the user message, the arguments, the tool result, the reasoning, the answer and the tools.
    const row = lines(join(outDir, 'openai-messages.jsonl'))[7] as { messages: Array<Record<string, unknown>>; tools: unknown[] };
    const texts = [
      row.messages[0]!['content'],
      row.messages[1]!['content'],
      (row.messages[2]!['tool_calls'] as Array<{ function: { arguments: string } }>)[0]!.function.arguments,
      row.messages[3]!['content'],
      row.messages[4]!['reasoning_content'],
      row.messages[4]!['content'],
      JSON.stringify(row.tools),
    ];
    for (const text of texts) expect(String(text)).toContain('<SECRET:github-token_1>');
    const args = JSON.parse(texts[2] as string) as { options: { env: { notes: string; nested: Array<{ value: string }> } } };
    expect(args.options.env.nested[0]!.value).toContain('<EMAIL_1>');
    expect(id).toBeTruthy();
  });

  it('by default redacts secrets and keeps personal data, counted in the report', async () => {
    const outDir = nextOut();
    const { report } = await runExport({ dbPath, outDir, rows: { ...rows, formats: ['sharegpt'] }, dedup: noDedup });
    const text = readFileSync(join(outDir, 'sharegpt.jsonl'), 'utf8');
    expect(text).toContain(personal[0]!.value);
    expect(text).not.toContain(secrets.find((value) => value.rule === 'github-token')!.value);
    expect(report.privacy?.byKind.email).toMatchObject({ action: 'keep' });
    expect(report.privacy?.byKind.secret).toMatchObject({ action: 'redact' });
  });

  it('with drop, sends the rows to invalid.jsonl with the kind and the places, values masked', async () => {
    const outDir = nextOut();
    const { report } = await runExport({ dbPath, outDir, rows: { ...rows, formats: ['sharegpt'] }, privacy: { ...defaultPrivacyPolicy(), secrets: 'drop' }, dedup: noDedup });
    expect(report.formats.sharegpt).toMatchObject({ valid: 0, invalid: records.length, invalidByReason: { 'secret-found': records.length, 'finish-length': 1 } });
    expect(report.reasons['secret-found']).toMatch(/secrets policy is drop/);
    const invalid = lines(join(outDir, 'invalid.jsonl'));
    const first = invalid.find((line) => line['id'] === records[1]!.id)!;
    expect((first['reasons'] as Array<{ code: string; message: string }>)[0]).toMatchObject({ code: 'secret-found', message: expect.stringMatching(/github-token.* in turn 0 \(human\)/) });
    const text = readFileSync(join(outDir, 'invalid.jsonl'), 'utf8');
    for (const value of secrets) expect(text.includes(value.value), value.rule).toBe(false);
    expect(text).toContain('<SECRET:github-token_1>');
  });

  it('leaves allowlisted values alone, literal or /pattern/', async () => {
    const outDir = nextOut();
    const email = personal.find((value) => value.rule === 'email')!.value;
    const github = secrets.find((value) => value.rule === 'github-token')!.value;
    const { report } = await runExport({
      dbPath,
      outDir,
      rows: { ...rows, formats: ['sharegpt'] },
      privacy: { ...redactAll, allowlist: [email, `/^${github.slice(0, 10)}/`] },
      dedup: noDedup,
    });
    const text = readFileSync(join(outDir, 'sharegpt.jsonl'), 'utf8');
    expect(text).toContain(email);
    expect(text).toContain(github);
    expect(report.privacy?.bySecretRule['github-token']).toBeUndefined();
    expect(text).not.toContain(secrets.find((value) => value.rule === 'slack-token')!.value);
  });
});
