// What a reviewer should see before confirming a record (GET /api/exchanges/:id `privacy`): the
// secrets and personal data in its ShareGPT row, every kind looked for, nothing changed. Counts
// per kind and the places (turn, field), so the UI can mark the record and the turns; values are
// not repeated (the detail view already shows the text).
import { createRowCleaner, type Finding } from './clean-rows.js';
import { PERSONAL_DATA_KINDS } from './find-personal-data.js';
import type { FindingKind, PrivacyPolicy } from './privacy-policy.js';
import { scanForSecrets } from './secretlint-scanner.js';

export interface RowFindings {
  /** Distinct values found. */
  count: number;
  kinds: Partial<Record<FindingKind, number>>;
  places: Array<Pick<Finding, 'kind' | 'rule' | 'turn' | 'field'>>;
}

const LOOK_FOR_ALL: PrivacyPolicy = {
  secrets: 'keep',
  personal: Object.fromEntries(PERSONAL_DATA_KINDS.map((kind) => [kind, 'keep'])) as PrivacyPolicy['personal'],
  allowlist: [],
};
const cleaner = createRowCleaner(LOOK_FOR_ALL, scanForSecrets);

export async function findingsOfShareGptRow(row: unknown, allowlist: readonly string[] = []): Promise<RowFindings> {
  const result = await (allowlist.length === 0 ? cleaner : createRowCleaner({ ...LOOK_FOR_ALL, allowlist }, scanForSecrets)).clean([
    { format: 'sharegpt', valid: true, row, reasons: [] },
  ]);
  const kinds: Partial<Record<FindingKind, number>> = {};
  for (const value of result.values) kinds[value.kind] = (kinds[value.kind] ?? 0) + 1;
  return { count: result.values.length, kinds, places: result.findings.map(({ kind, rule, turn, field }) => ({ kind, rule, turn, field })) };
}
