// What the export does with each kind of finding (config.json `export.privacy`, flags `--secrets`
// and `--pii`): `redact` (a typed placeholder, the same one for the same value within a record),
// `drop` (the row goes to invalid.jsonl, its values masked), `keep` (counted in the report only),
// `off` (not looked for). Defaults: secrets redacted, personal data kept and counted.
import { PERSONAL_DATA_KINDS, type PersonalDataKind } from './find-personal-data.js';

export const PRIVACY_ACTIONS = ['redact', 'drop', 'keep', 'off'] as const;
export type PrivacyAction = (typeof PRIVACY_ACTIONS)[number];
export type FindingKind = 'secret' | PersonalDataKind;

export interface PrivacyPolicy {
  secrets: PrivacyAction;
  personal: Record<PersonalDataKind, PrivacyAction>;
  /** Values or /patterns/ declared harmless (test keys, a public support address). */
  allowlist: readonly string[];
}

export function defaultPrivacyPolicy(): PrivacyPolicy {
  return {
    secrets: 'redact',
    personal: Object.fromEntries(PERSONAL_DATA_KINDS.map((kind) => [kind, 'keep'])) as Record<PersonalDataKind, PrivacyAction>,
    allowlist: [],
  };
}

export function actionFor(policy: PrivacyPolicy, kind: FindingKind): PrivacyAction {
  return kind === 'secret' ? policy.secrets : policy.personal[kind];
}

/** Placeholder label per kind: `<SECRET:github-token_1>`, `<EMAIL_1>`, `<CREDIT_CARD_2>`. */
export function placeholderLabel(kind: FindingKind, rule: string): string {
  return kind === 'secret' ? `SECRET:${rule}` : kind.toUpperCase();
}

/**
 * An allowlist entry is a literal value, or a regular expression written `/source/flags`.
 * Returns a matcher; a malformed `/…/` entry is an error the caller reports with its key.
 */
export function allowlistMatcher(entries: readonly string[]): (value: string) => boolean {
  const literals = new Set<string>();
  const patterns: RegExp[] = [];
  for (const entry of entries) {
    const regex = /^\/(.+)\/([a-z]*)$/s.exec(entry);
    if (regex === null) literals.add(entry);
    else patterns.push(new RegExp(regex[1]!, regex[2]!.replace('g', '')));
  }
  return (value) => literals.has(value) || patterns.some((pattern) => pattern.test(value));
}

/** `--pii redact` (every kind) or `--pii email=redact,phone=off`; otherwise a string saying what is wrong. */
export function parsePersonalDataPolicy(text: string, base: Record<PersonalDataKind, PrivacyAction>): Record<PersonalDataKind, PrivacyAction> | string {
  const result = { ...base };
  for (const part of text.split(',').map((item) => item.trim()).filter((item) => item !== '')) {
    const [kind, action] = part.includes('=') ? part.split('=', 2).map((item) => item.trim()) : [null, part];
    if (!isAction(action)) return `unknown action "${action}" (use ${PRIVACY_ACTIONS.join(', ')})`;
    if (kind === null || kind === undefined) {
      for (const each of PERSONAL_DATA_KINDS) result[each] = action;
    } else if ((PERSONAL_DATA_KINDS as readonly string[]).includes(kind)) {
      result[kind as PersonalDataKind] = action;
    } else {
      return `unknown kind "${kind}" (use ${PERSONAL_DATA_KINDS.join(', ')})`;
    }
  }
  return result;
}

export function isAction(value: unknown): value is PrivacyAction {
  return typeof value === 'string' && (PRIVACY_ACTIONS as readonly string[]).includes(value);
}
