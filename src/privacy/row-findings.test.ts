import { describe, expect, it } from 'vitest';
import { createRowCleaning } from '../export/clean-export-item.js';
import { seededPersonalData, seededSecrets } from './__fixtures__/seeded-values.js';
import { createRowCleaner } from './clean-rows.js';
import { PERSONAL_DATA_KINDS } from './find-personal-data.js';
import type { PrivacyPolicy } from './privacy-policy.js';
import { findingsOfShareGptRow, type FindingSpan } from './row-findings.js';
import { scanForSecrets } from './secretlint-scanner.js';

const github = seededSecrets(5).find((value) => value.rule === 'github-token')!;
const email = seededPersonalData(5).find((value) => value.rule === 'email')!;
const row = {
  conversations: [
    { from: 'human', value: `my token: ${github.value}` },
    { from: 'gpt', value: `I will write to ${email.value} and not repeat ${github.value}.` },
  ],
  system: '',
  tools: '',
  images: [],
};

describe('findings for the review UI and the UI download', () => {
  it('counts the distinct values per kind and lists their places, without the values', async () => {
    const findings = await findingsOfShareGptRow(row);
    expect({ ...findings, spans: undefined }).toEqual({
      spans: undefined,
      count: 2,
      kinds: { secret: 1, email: 1 },
      places: [
        { kind: 'secret', rule: 'github-token', turn: 0, field: 'human' },
        { kind: 'secret', rule: 'github-token', turn: 1, field: 'gpt' },
        { kind: 'email', rule: 'email', turn: 1, field: 'gpt' },
      ],
    });
    expect(JSON.stringify(findings)).not.toContain(github.value);
    expect(await findingsOfShareGptRow(row, [email.value])).toMatchObject({ count: 1, kinds: { secret: 1 } });
    expect(await findingsOfShareGptRow(null)).toEqual({ count: 0, kinds: {}, places: [], spans: [] });
  });

  it('redacts a single streamed row with the default policy and leaves it valid', async () => {
    const clean = createRowCleaning();
    const cleaned = await clean({ id: 'r1', format: 'sharegpt' as const, valid: true, row, reasons: [], repairs: [] });
    expect(cleaned.valid).toBe(true);
    expect(JSON.stringify(cleaned.row)).not.toContain(github.value);
    expect(JSON.stringify(cleaned.row)).toContain(email.value);
    expect((cleaned.row as typeof row).conversations[1]!.value).toBe(`I will write to ${email.value} and not repeat <SECRET:github-token_1>.`);
    expect(row.conversations[0]!.value).toContain(github.value); // the input is not changed
  });

  it('gives the exact characters of every occurrence, in every place, JSON spellings included, without the values', async () => {
    const key = ['-----BEGIN RSA PRIVATE KEY-----', 'MIIEowIBAAKCAQEA' + 'q'.repeat(60), 'x'.repeat(64), '-----END RSA PRIVATE KEY-----'].join('\n');
    const spanRow = {
      conversations: [
        { from: 'human', value: `Write to ${email.value}, my token is ${github.value}` },
        { from: 'gpt', value: `<think>The user's address is ${email.value}.</think>Sending.` },
        { from: 'function_call', value: JSON.stringify({ name: 'send', arguments: { to: email.value, auth: { token: github.value } } }) },
        { from: 'observation', value: JSON.stringify({ file: key }) },
        { from: 'gpt', value: 'Done.' },
      ],
      system: `Support is reached at ${email.value}.`,
      tools: '',
      images: [],
    };
    const { spans } = await findingsOfShareGptRow(spanRow);
    const textOf = (span: FindingSpan): string =>
      span.turn === null ? (spanRow as Record<string, unknown>)[span.field] as string : spanRow.conversations[span.turn]!.value;
    const shown = spans.map((span) => ({ turn: span.turn, kind: span.kind, rule: span.rule, text: textOf(span).slice(span.start, span.end) }));
    const escapedKey = JSON.stringify(key).slice(1, -1);
    expect(shown).toEqual([
      { turn: null, kind: 'email', rule: 'email', text: email.value },
      { turn: 0, kind: 'email', rule: 'email', text: email.value },
      { turn: 0, kind: 'secret', rule: 'github-token', text: github.value },
      { turn: 1, kind: 'email', rule: 'email', text: email.value },
      { turn: 2, kind: 'email', rule: 'email', text: email.value },
      { turn: 2, kind: 'secret', rule: 'github-token', text: github.value },
      { turn: 3, kind: 'secret', rule: expect.any(String), text: escapedKey },
    ]);
    expect(JSON.stringify(spans)).not.toContain(email.value);
    expect((await findingsOfShareGptRow(spanRow, [email.value])).spans).toHaveLength(3);
  });

  it("finds what the export's cleaner finds, for every seeded secret and personal-data kind", async () => {
    const keepAll: PrivacyPolicy = {
      secrets: 'keep',
      personal: Object.fromEntries(PERSONAL_DATA_KINDS.map((kind) => [kind, 'keep'])) as PrivacyPolicy['personal'],
      allowlist: [],
    };
    const cleaner = createRowCleaner(keepAll, scanForSecrets);
    for (const seeded of [...seededSecrets(3), ...seededPersonalData(3)]) {
      const text = seeded.text === '' ? `value: ${seeded.value}` : seeded.text;
      const seededRow = { conversations: [{ from: 'human', value: text }, { from: 'gpt', value: 'ok' }], system: '', tools: '', images: [] };
      const findings = await findingsOfShareGptRow(seededRow);
      const cleaned = await cleaner.clean([{ format: 'sharegpt', valid: true, row: seededRow, reasons: [] }]);
      expect(findings.count, seeded.rule).toBe(cleaned.values.length);
      expect(findings.places, seeded.rule).toEqual(cleaned.findings.map(({ kind, rule, turn, field }) => ({ kind, rule, turn, field })));
      expect(findings.spans.length, seeded.rule).toBeGreaterThan(0);
    }
  });
});
