// Secrets and personal data in the rows of one record, found and handled per the policy. Every
// distinct text of the record's rows (all formats) is scanned once: secrets by the scanner passed
// in (secretlint-scanner.ts; async), personal data by find-personal-data.ts. Placeholders are
// numbered per record, so a value gets the same placeholder in every turn and every format.
// A row that still holds a value it should not after redaction (a value only in a JSON key, say)
// is not written at all: it becomes invalid (`redaction-incomplete`) without its content.
import { findPersonalData, PERSONAL_DATA_KINDS, type PersonalDataKind } from './find-personal-data.js';
import {
  actionFor,
  allowlistMatcher,
  placeholderLabel,
  type FindingKind,
  type PrivacyAction,
  type PrivacyPolicy,
} from './privacy-policy.js';
import { redactSlot, Replacer, scanTextsOf, slotsOf, type Place } from './row-texts.js';
import type { SecretHit } from './secretlint-scanner.js';

export type SecretScanner = (texts: readonly string[]) => Promise<SecretHit[][]>;

export interface CleanableRow {
  format: string;
  valid: boolean;
  row: unknown;
  reasons: Array<{ code: string; message: string }>;
}

export interface Finding extends Place {
  kind: FindingKind;
  /** The secretlint rule name for secrets (`github-token`), the kind for personal data. */
  rule: string;
  format: string;
  action: Exclude<PrivacyAction, 'off'>;
}

export interface CleanResult<Row extends CleanableRow> {
  rows: Row[];
  /** One entry per (row, place, value); never the value itself. */
  findings: Finding[];
  /** Distinct values found in the record, per kind and rule (what the report counts). */
  values: Array<{ kind: FindingKind; rule: string; action: Exclude<PrivacyAction, 'off'> }>;
}

export const PRIVACY_REASONS = {
  'secret-found': 'the row holds a secret (an API key, token, private key or password) and the secrets policy is drop',
  'personal-data-found': 'the row holds personal data (e-mail, phone, IP address, card number or IBAN) whose policy is drop',
  'redaction-incomplete': 'a value to redact could not be removed from every place in the row: the row is left out, without its content',
} as const;

export interface RowCleaner {
  clean<Row extends CleanableRow>(rows: readonly Row[]): Promise<CleanResult<Row>>;
}

export function createRowCleaner(policy: PrivacyPolicy, scanSecrets: SecretScanner): RowCleaner {
  const allowed = allowlistMatcher(policy.allowlist);
  const personalKinds = new Set(PERSONAL_DATA_KINDS.filter((kind) => policy.personal[kind] !== 'off'));
  const scanning = policy.secrets !== 'off' || personalKinds.size > 0;

  return {
    async clean<Row extends CleanableRow>(rows: readonly Row[]): Promise<CleanResult<Row>> {
      if (!scanning) return { rows: [...rows], findings: [], values: [] };
      const copies = rows.map((row) => (row.row === null || row.row === undefined ? null : structuredClone(row.row)));
      const slotsPerRow = copies.map((copy, index) => (copy === null ? [] : slotsOf(rows[index]!.format, copy)));

      const textIndex = new Map<string, number>();
      const texts: string[] = [];
      const slotTexts = slotsPerRow.map((slots) =>
        slots.map((slot) =>
          scanTextsOf(slot).map((text) => {
            let index = textIndex.get(text);
            if (index === undefined) {
              index = texts.length;
              textIndex.set(text, index);
              texts.push(text);
            }
            return index;
          }),
        ),
      );

      const secretHits = policy.secrets === 'off' ? texts.map(() => []) : await scanSecrets(texts);
      // value -> what it is; per text, the values it holds.
      const kindOf = new Map<string, { kind: FindingKind; rule: string }>();
      const valuesIn: string[][] = texts.map((text, index) => {
        const values: string[] = [];
        const secrets = (secretHits[index] ?? []).filter((hit) => hit.value !== '' && !allowed(hit.value));
        for (const hit of secrets) {
          if (!kindOf.has(hit.value)) kindOf.set(hit.value, { kind: 'secret', rule: hit.rule });
          values.push(hit.value);
        }
        if (personalKinds.size > 0) {
          for (const match of findPersonalData(text, personalKinds)) {
            if (allowed(match.value)) continue;
            // An address inside a secret (the host of a basic-auth URL) goes with the secret.
            if (secrets.some((hit) => hit.value.includes(match.value))) continue;
            if (!kindOf.has(match.value)) kindOf.set(match.value, { kind: match.kind, rule: match.kind });
            values.push(match.value);
          }
        }
        return values;
      });

      const actionOf = (value: string): Exclude<PrivacyAction, 'off'> => {
        const action = actionFor(policy, kindOf.get(value)!.kind);
        return action === 'off' ? 'keep' : action;
      };
      const placeholders = new Map<string, string>();
      const counters = new Map<string, number>();
      const placeholderOf = (value: string): string => {
        let placeholder = placeholders.get(value);
        if (placeholder === undefined) {
          const { kind, rule } = kindOf.get(value)!;
          const label = placeholderLabel(kind, rule);
          const count = (counters.get(label) ?? 0) + 1;
          counters.set(label, count);
          placeholder = `<${label}_${count}>`;
          placeholders.set(value, placeholder);
        }
        return placeholder;
      };

      const findings: Finding[] = [];
      const out = rows.map((row, rowIndex): Row => {
        const copy = copies[rowIndex];
        const slots = slotsPerRow[rowIndex]!;
        if (copy === null || slots.length === 0) return row;
        const rowValues = new Set<string>();
        const seenPlaces = new Set<string>();
        for (const [slotIndex, slot] of slots.entries()) {
          for (const textIndex of slotTexts[rowIndex]![slotIndex]!) {
            for (const value of valuesIn[textIndex]!) {
              rowValues.add(value);
              const { kind, rule } = kindOf.get(value)!;
              const key = `${value}\u0000${slot.place.turn}\u0000${slot.place.field}`;
              if (seenPlaces.has(key)) continue;
              seenPlaces.add(key);
              findings.push({ kind, rule, format: row.format, turn: slot.place.turn, field: slot.place.field, action: actionOf(value) });
            }
          }
        }
        if (rowValues.size === 0) return row;
        // Numbered in order of first appearance in the record.
        const masked = [...rowValues].filter((value) => actionOf(value) !== 'keep');
        const replacer = new Replacer(masked.map((value) => ({ value, placeholder: placeholderOf(value) })));
        if (!replacer.empty) {
          for (const slot of slots) {
            if (slot.write === undefined) continue;
            const redacted = redactSlot(slot, replacer);
            if (redacted !== slot.text) slot.write(redacted);
          }
        }
        const reasons = [...row.reasons];
        if (replacer.occursIn(JSON.stringify(copy))) {
          reasons.push({ code: 'redaction-incomplete', message: 'a value to redact is still in the row after redaction' });
          return { ...row, valid: false, row: null, reasons };
        }
        const dropped = findings.filter((finding) => finding.format === row.format && finding.action === 'drop');
        for (const kind of new Set(dropped.map((finding) => finding.kind))) {
          const places = dropped.filter((finding) => finding.kind === kind).map(describePlace);
          reasons.push({
            code: kind === 'secret' ? 'secret-found' : 'personal-data-found',
            message: `${[...new Set(dropped.filter((finding) => finding.kind === kind).map((finding) => finding.rule))].join(', ')} in ${[...new Set(places)].join(', ')} (masked)`,
          });
        }
        return { ...row, row: copy, valid: row.valid && reasons.length === row.reasons.length, reasons };
      });
      const values = [...new Set(valuesIn.flat())].map((value) => ({ ...kindOf.get(value)!, action: actionOf(value) }));
      return { rows: out, findings, values };
    },
  };
}

export function describePlace(place: Place): string {
  return place.turn === null ? place.field : `turn ${place.turn} (${place.field})`;
}

export type { PersonalDataKind };
