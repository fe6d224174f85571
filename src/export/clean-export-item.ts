// The export's cleaning step, between building a record's rows and writing them (run-export.ts):
// duplicates first (dedup/deduplicate-records.ts: a duplicate's rows are left out without their
// content, so they are neither scanned nor written), then secrets and personal data
// (privacy/clean-rows.ts: redacted, dropped to invalid.jsonl masked, or kept and counted). Async
// because the secret scanner is; one scan per record covers all its formats.
import { createRowCleaner, type RowCleaner, type SecretScanner } from '../privacy/clean-rows.js';
import { defaultPrivacyPolicy, type PrivacyPolicy } from '../privacy/privacy-policy.js';
import { PrivacyReportBuilder, type PrivacyReport } from '../privacy/privacy-report.js';
import { scanForSecrets, SECRET_RULE_IDS } from '../privacy/secretlint-scanner.js';
import { DEFAULT_DEDUP, Deduplicator, type DedupOptions, type DedupReport } from './dedup/deduplicate-records.js';
import type { ExportedRowDetail, RecordExport } from './export-records.js';
import type { ExportedRow } from './export-rows.js';

export interface CleaningOptions {
  privacy?: PrivacyPolicy;
  dedup?: DedupOptions;
  /** Tests may pass another scanner; the export uses secretlint. */
  scanSecrets?: SecretScanner;
}

export class ExportCleaning {
  readonly #cleaner: RowCleaner;
  readonly #deduplicator: Deduplicator;
  readonly #privacy: PrivacyReportBuilder;

  constructor(options: CleaningOptions = {}) {
    const policy = options.privacy ?? defaultPrivacyPolicy();
    this.#cleaner = createRowCleaner(policy, options.scanSecrets ?? scanForSecrets);
    this.#deduplicator = new Deduplicator(options.dedup ?? DEFAULT_DEDUP);
    this.#privacy = new PrivacyReportBuilder(policy, SECRET_RULE_IDS);
  }

  async apply(item: RecordExport): Promise<RecordExport> {
    const primary = item.rows.find((row) => row.valid && row.row !== null);
    if (primary !== undefined) {
      const verdict = this.#deduplicator.check(item.record.id, primary.format, primary.row);
      if (verdict !== null) {
        const message =
          verdict.kind === 'exact'
            ? `the same conversation as record ${verdict.of}`
            : `a near-duplicate of record ${verdict.of} (estimated similarity ${verdict.similarity.toFixed(2)})`;
        const rows = item.rows.map(
          (row): ExportedRowDetail => ({
            ...row,
            valid: false,
            row: null,
            reasons: [{ code: verdict.kind === 'exact' ? 'duplicate' : 'near-duplicate', message }],
            repairs: [],
            warnings: [],
          }),
        );
        return { ...item, rows };
      }
    }
    const result = await this.#cleaner.clean(item.rows);
    this.#privacy.add(item.record.id, item.rows, result);
    return result.rows === item.rows ? item : { ...item, rows: result.rows };
  }

  report(): { privacy: PrivacyReport; dedup: DedupReport } {
    return { privacy: this.#privacy.build(), dedup: this.#deduplicator.report() };
  }

  /** Releases the duplicate pass's temporary database, if it made one; call once the export is done. */
  close(): void {
    this.#deduplicator.close();
  }
}

/**
 * For callers that stream single rows (the review UI's download, admin/routes/export.ts): the
 * same secret and personal-data policy as the CLI, one row at a time (no duplicate removal, which
 * needs the whole export). A redacted row keeps `valid`; a dropped one becomes invalid.
 */
export function createRowCleaning(policy: PrivacyPolicy = defaultPrivacyPolicy()): <Row extends ExportedRow>(row: Row) => Promise<Row> {
  const cleaner = createRowCleaner(policy, scanForSecrets);
  return async (row) => (await cleaner.clean([row])).rows[0]!;
}
