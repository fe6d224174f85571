import { describe, expect, it } from 'vitest';
import { createRowCleaning } from '../export/clean-export-item.js';
import { seededPersonalData, seededSecrets } from './__fixtures__/seeded-values.js';
import { findingsOfShareGptRow } from './row-findings.js';

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
    expect(findings).toEqual({
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
    expect(await findingsOfShareGptRow(null)).toEqual({ count: 0, kinds: {}, places: [] });
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
});
