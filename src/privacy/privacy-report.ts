// The `privacy` section of report.json: the policy that ran, the secretlint rules, how many
// distinct values of each kind and rule were found (summed over records), what happened to the
// rows, and for each affected record its id and the places (format, turn, field) — never a value.
import type { Finding, CleanResult, CleanableRow } from './clean-rows.js';
import type { FindingKind, PrivacyAction, PrivacyPolicy } from './privacy-policy.js';

export interface PrivacyReport {
  policy: { secrets: PrivacyAction; personal: Record<string, PrivacyAction>; allowlistEntries: number };
  secretlintRules: string[];
  /** Distinct values per record, summed. */
  byKind: Partial<Record<FindingKind, { values: number; records: number; action: Exclude<PrivacyAction, 'off'> }>>;
  /** Secrets only: distinct values per secretlint rule name. */
  bySecretRule: Record<string, number>;
  recordsWithFindings: number;
  rows: { redacted: number; dropped: number; redactionIncomplete: number };
  /** At most MAX_LISTED records; `recordsListed < recordsWithFindings` says the list was cut. */
  records: Array<{ id: string; places: Array<Omit<Finding, 'rule'> & { rule: string }> }>;
  recordsListed: number;
}

const MAX_LISTED = 10_000;

export class PrivacyReportBuilder {
  readonly #report: PrivacyReport;

  constructor(policy: PrivacyPolicy, secretlintRules: readonly string[]) {
    this.#report = {
      policy: { secrets: policy.secrets, personal: { ...policy.personal }, allowlistEntries: policy.allowlist.length },
      secretlintRules: policy.secrets === 'off' ? [] : [...secretlintRules],
      byKind: {},
      bySecretRule: {},
      recordsWithFindings: 0,
      rows: { redacted: 0, dropped: 0, redactionIncomplete: 0 },
      records: [],
      recordsListed: 0,
    };
  }

  add<Row extends CleanableRow>(id: string, before: readonly Row[], result: CleanResult<Row>): void {
    if (result.values.length === 0) return;
    const report = this.#report;
    report.recordsWithFindings += 1;
    const kindsHere = new Set<FindingKind>();
    for (const value of result.values) {
      const entry = (report.byKind[value.kind] ??= { values: 0, records: 0, action: value.action });
      entry.values += 1;
      kindsHere.add(value.kind);
      if (value.kind === 'secret') report.bySecretRule[value.rule] = (report.bySecretRule[value.rule] ?? 0) + 1;
    }
    for (const kind of kindsHere) report.byKind[kind]!.records += 1;
    for (const [index, row] of result.rows.entries()) {
      const original = before[index];
      if (original === undefined || row === original) continue;
      if (row.reasons.some((reason) => reason.code === 'redaction-incomplete')) report.rows.redactionIncomplete += 1;
      else if (row.reasons.some((reason) => reason.code === 'secret-found' || reason.code === 'personal-data-found')) report.rows.dropped += 1;
      else if (result.findings.some((finding) => finding.format === row.format && finding.action === 'redact')) report.rows.redacted += 1;
    }
    if (report.records.length < MAX_LISTED) {
      report.records.push({ id, places: result.findings.map(({ kind, rule, format, turn, field, action }) => ({ kind, rule, format, turn, field, action })) });
      report.recordsListed = report.records.length;
    }
  }

  build(): PrivacyReport {
    return this.#report;
  }
}
