// What a reviewer should see before confirming a record (GET /api/exchanges/:id `privacy`): the
// secrets and personal data in its ShareGPT row, every kind looked for, nothing changed. Counts
// per kind, the places (turn, field) so the UI can mark the record and the turns, and the spans
// (character offsets in the texts the detail answer already carries) so it can highlight each
// value where it stands; values are never repeated. The same rules as the export's cleaner
// (clean-rows.ts), with every kind looked for; each text is scanned once.
import type { Finding } from './clean-rows.js';
import { findPersonalData, PERSONAL_DATA_KINDS } from './find-personal-data.js';
import { allowlistMatcher, type FindingKind } from './privacy-policy.js';
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

const ALL_PERSONAL = new Set(PERSONAL_DATA_KINDS);

/**
 * Every text of the row scanned once (secretlint is most of the cost of a record's scan), with the
 * export's rules (clean-rows.ts): secretlint's hits, then personal data not inside a secret,
 * allowlisted values left out. Places are per slot where a value was found, in the cleaner's
 * order; spans are every occurrence of every value in every text of the row, as the export's
 * redaction replaces a value wherever it appears in the row.
 */
export async function findingsOfShareGptRow(row: unknown, allowlist: readonly string[] = []): Promise<RowFindings> {
  const none: RowFindings = { count: 0, kinds: {}, places: [], spans: [] };
  if (typeof row !== 'object' || row === null) return none;
  const slots = slotsOf('sharegpt', row);
  const textIndex = new Map<string, number>();
  const slotTexts = slots.map((slot) =>
    scanTextsOf(slot).map((text) => {
      let index = textIndex.get(text);
      if (index === undefined) textIndex.set(text, (index = textIndex.size));
      return index;
    }),
  );
  const texts = [...textIndex.keys()];
  if (texts.length === 0) return none;
  const allowed = allowlistMatcher(allowlist);
  const secretHits = await scanForSecrets(texts);
  const kindOf = new Map<string, { kind: FindingKind; rule: string }>();
  const valuesIn = texts.map((text, index) => {
    const values: string[] = [];
    const secrets = (secretHits[index] ?? []).filter((hit) => hit.value !== '' && !allowed(hit.value));
    for (const hit of secrets) {
      if (!kindOf.has(hit.value)) kindOf.set(hit.value, { kind: 'secret', rule: hit.rule });
      values.push(hit.value);
    }
    for (const match of findPersonalData(text, ALL_PERSONAL)) {
      if (allowed(match.value) || secrets.some((hit) => hit.value.includes(match.value))) continue;
      if (!kindOf.has(match.value)) kindOf.set(match.value, { kind: match.kind, rule: match.kind });
      values.push(match.value);
    }
    return values;
  });

  const places: RowFindings['places'] = [];
  const seenPlaces = new Set<string>();
  slots.forEach((slot, slotIndex) => {
    for (const index of slotTexts[slotIndex]!) {
      for (const value of valuesIn[index]!) {
        const key = `${value}\u0000${slot.place.turn}\u0000${slot.place.field}`;
        if (seenPlaces.has(key)) continue;
        seenPlaces.add(key);
        places.push({ ...kindOf.get(value)!, turn: slot.place.turn, field: slot.place.field });
      }
    }
  });

  const spans: FindingSpan[] = [];
  for (const slot of slots) {
    // Written-back slots only: they are the row's own texts.
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
  spans.sort((a, b) => order(a) - order(b) || a.start - b.start || b.end - a.end);

  const kinds: Partial<Record<FindingKind, number>> = {};
  for (const { kind } of kindOf.values()) kinds[kind] = (kinds[kind] ?? 0) + 1;
  return { count: kindOf.size, kinds, places, spans };
}
