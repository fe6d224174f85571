// What a reviewer should see before confirming a record (GET /api/exchanges/:id `privacy`): the
// secrets and personal data in its ShareGPT row, every kind looked for, nothing changed. Counts
// per kind, the places (turn, field) so the UI can mark the record and the turns, and the spans
// (character offsets in the texts the detail answer already carries) so it can highlight each
// value where it stands; values are never repeated.
import { createRowCleaner, type Finding } from './clean-rows.js';
import { findPersonalData, PERSONAL_DATA_KINDS } from './find-personal-data.js';
import { allowlistMatcher, type FindingKind, type PrivacyPolicy } from './privacy-policy.js';
import { formsOf, scanTextsOf, slotsOf } from './row-texts.js';
import { scanForSecrets } from './secretlint-scanner.js';

/**
 * One occurrence of a found value in the row: `text.slice(start, end)` of the place's text, which
 * is the row's `system` or `tools` string (turn null) or `conversations[turn].value`. A value
 * inside JSON (tool arguments, a JSON tool result) is marked in its JSON spelling.
 */
export interface FindingSpan {
  turn: number | null;
  field: string;
  start: number;
  end: number;
  kind: FindingKind;
  rule: string;
}

export interface RowFindings {
  /** Distinct values found. */
  count: number;
  kinds: Partial<Record<FindingKind, number>>;
  places: Array<Pick<Finding, 'kind' | 'rule' | 'turn' | 'field'>>;
  /** Every occurrence of every value, in row order. */
  spans: FindingSpan[];
}

const LOOK_FOR_ALL: PrivacyPolicy = {
  secrets: 'keep',
  personal: Object.fromEntries(PERSONAL_DATA_KINDS.map((kind) => [kind, 'keep'])) as PrivacyPolicy['personal'],
  allowlist: [],
};
const cleaner = createRowCleaner(LOOK_FOR_ALL, scanForSecrets);
const ALL_PERSONAL = new Set(PERSONAL_DATA_KINDS);

export async function findingsOfShareGptRow(row: unknown, allowlist: readonly string[] = []): Promise<RowFindings> {
  const [result, spans] = await Promise.all([
    (allowlist.length === 0 ? cleaner : createRowCleaner({ ...LOOK_FOR_ALL, allowlist }, scanForSecrets)).clean([
      { format: 'sharegpt', valid: true, row, reasons: [] },
    ]),
    findingSpansOfShareGptRow(row, allowlist),
  ]);
  const kinds: Partial<Record<FindingKind, number>> = {};
  for (const value of result.values) kinds[value.kind] = (kinds[value.kind] ?? 0) + 1;
  return {
    count: result.values.length,
    kinds,
    places: result.findings.map(({ kind, rule, turn, field }) => ({ kind, rule, turn, field })),
    spans,
  };
}

/**
 * The spans of every value found (the export's rules: secretlint's hits, then personal data not
 * inside a secret, allowlisted values left out), searched in every text of the row, as the
 * export's redaction replaces a value wherever it appears in the row.
 */
export async function findingSpansOfShareGptRow(row: unknown, allowlist: readonly string[] = []): Promise<FindingSpan[]> {
  if (typeof row !== 'object' || row === null) return [];
  const slots = slotsOf('sharegpt', row);
  const texts = [...new Set(slots.flatMap((slot) => scanTextsOf(slot)))];
  if (texts.length === 0) return [];
  const allowed = allowlistMatcher(allowlist);
  const secretHits = await scanForSecrets(texts);
  const kindOf = new Map<string, { kind: FindingKind; rule: string }>();
  texts.forEach((text, index) => {
    const secrets = (secretHits[index] ?? []).filter((hit) => hit.value !== '' && !allowed(hit.value));
    for (const hit of secrets) if (!kindOf.has(hit.value)) kindOf.set(hit.value, { kind: 'secret', rule: hit.rule });
    for (const match of findPersonalData(text, ALL_PERSONAL)) {
      if (allowed(match.value) || secrets.some((hit) => hit.value.includes(match.value))) continue;
      if (!kindOf.has(match.value)) kindOf.set(match.value, { kind: match.kind, rule: match.kind });
    }
  });
  const spans: FindingSpan[] = [];
  for (const slot of slots) {
    // Written-back slots only: they are the row's own texts (the OpenAI tools copy has none here).
    if (slot.write === undefined) continue;
    const seen = new Set<string>();
    for (const [value, { kind, rule }] of kindOf) {
      for (const form of formsOf(value)) {
        if (form.length < 2) continue;
        for (let start = slot.text.indexOf(form); start !== -1; start = slot.text.indexOf(form, start + form.length)) {
          const key = `${start}:${form.length}`;
          if (seen.has(key)) continue;
          seen.add(key);
          spans.push({ turn: slot.place.turn, field: slot.place.field, start, end: start + form.length, kind, rule });
        }
      }
    }
  }
  const order = (span: FindingSpan): number => (span.turn === null ? (span.field === 'system' ? -2 : -1) : span.turn);
  return spans.sort((a, b) => order(a) - order(b) || a.start - b.start || b.end - a.end);
}
