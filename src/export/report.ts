// The export report (DIR/report.json) and the summary printed at the end: rows read, valid and
// invalid per format, invalid by reason, repairs by name, what the valid rows contain (SPEC.md
// section 4: with tool use, with assistant text, function-call-only; plus reasoning and images),
// threads collapsed, recorded token usage. Accumulated one record at a time (constant memory).
import type { JudgementReport } from './export-judgements.js';
import type { Usage } from '../conversation/model.js';
import { REPAIRS } from '../training/repair-names.js';
import type { RowFeatures } from '../training/row-features.js';
import { SHAREGPT_REASONS } from '../training/validate-sharegpt.js';
import { OPENAI_REASONS } from '../training/validate-openai-ft.js';
import { PRIVACY_REASONS } from '../privacy/clean-rows.js';
import type { PrivacyReport } from '../privacy/privacy-report.js';
import { DEDUP_REASONS, type DedupReport } from './dedup/deduplicate-records.js';
import { EXPORT_REASONS } from './export-reasons.js';
import type { ExportStats, RecordExport } from './export-records.js';
import type { ExportFormat } from './export-rows.js';

export interface ContentCounts {
  withToolUse: number;
  withAssistantText: number;
  functionCallOnly: number;
  withReasoning: number;
  withImages: number;
}

export interface FormatReport {
  file: string;
  valid: number;
  invalid: number;
  invalidByReason: Record<string, number>;
  repairs: Record<string, number>;
  warnings: Record<string, number>;
  /** Over the valid rows of this format. */
  content: ContentCounts;
}

export interface ExportReport {
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  database: string;
  outDir: string;
  options: Record<string, unknown>;
  records: {
    read: number;
    threadsCollapsed: number;
    filteredOutByModel: number;
    filteredOutNotFunctionCallOnly: number;
    /** Records read per client (capture/detect-client.ts name; `unknown` when none was detected). */
    byClient: Record<string, number>;
  };
  formats: Partial<Record<ExportFormat, FormatReport>>;
  files: string[];
  images: { saved: number };
  /** Sum of the usage the providers reported for the records read; null when none reported any. */
  tokens: { recordsWithUsage: number; input: number; output: number; reasoning: number; total: number } | null;
  /** What each reason and repair in this report means. */
  reasons: Record<string, string>;
  repairs: Record<string, string>;
  memory: { peakRssMB: number };
  /** Preference pairs and KTO rows (export-judgements.ts), when asked for. */
  judgements?: JudgementReport;
  /** Reviewers' annotations of the records read: how many, and their tags and ratings. */
  annotations?: { records: number; byTag: Record<string, number>; byRating: Record<string, number> };
  /** Secrets and personal data found and what was done (privacy/privacy-report.ts); never a value. */
  privacy?: PrivacyReport;
  /** Duplicate groups (dedup/deduplicate-records.ts). */
  dedup?: DedupReport;
}

export class ReportBuilder {
  readonly #formats = new Map<ExportFormat, FormatReport>();
  readonly #tokens = { recordsWithUsage: 0, input: 0, output: 0, reasoning: 0, total: 0 };
  readonly #byClient: Record<string, number> = {};
  valid = 0;
  invalid = 0;

  constructor(formats: readonly ExportFormat[], fileOf: (format: ExportFormat) => string) {
    for (const format of formats) {
      this.#formats.set(format, {
        file: fileOf(format),
        valid: 0,
        invalid: 0,
        invalidByReason: {},
        repairs: {},
        warnings: {},
        content: { withToolUse: 0, withAssistantText: 0, functionCallOnly: 0, withReasoning: 0, withImages: 0 },
      });
    }
  }

  add(item: RecordExport): void {
    addUsage(this.#tokens, item.record.usage);
    increment(this.#byClient, item.record.client ?? 'unknown');
    for (const row of item.rows) {
      const report = this.#formats.get(row.format);
      if (report === undefined) continue;
      if (row.valid) {
        report.valid += 1;
        this.valid += 1;
        for (const name of row.repairs) increment(report.repairs, name);
        for (const warning of row.warnings) increment(report.warnings, warning.code);
        // Each file's own content: an openai-ft row holds no reasoning even when its ShareGPT row does.
        if (row.content !== null) addContent(report.content, row.content);
      } else {
        report.invalid += 1;
        this.invalid += 1;
        for (const code of new Set(row.reasons.map((reason) => reason.code))) increment(report.invalidByReason, code);
      }
    }
  }

  build(base: Omit<ExportReport, 'formats' | 'tokens' | 'reasons' | 'repairs' | 'records'>, stats: ExportStats): ExportReport {
    const formats = Object.fromEntries(this.#formats) as Partial<Record<ExportFormat, FormatReport>>;
    const reasonCodes = new Set<string>();
    const repairNames = new Set<string>();
    for (const report of this.#formats.values()) {
      for (const code of Object.keys(report.invalidByReason)) reasonCodes.add(code);
      for (const name of Object.keys(report.repairs)) repairNames.add(name);
    }
    return {
      ...base,
      records: {
        read: stats.recordsRead,
        threadsCollapsed: stats.threadsCollapsed,
        filteredOutByModel: stats.filteredOut.model,
        filteredOutNotFunctionCallOnly: stats.filteredOut.notFunctionCallOnly,
        byClient: { ...this.#byClient },
      },
      formats,
      tokens: this.#tokens.recordsWithUsage === 0 ? null : { ...this.#tokens },
      reasons: Object.fromEntries([...reasonCodes].sort().map((code) => [code, describeReason(code)])),
      repairs: Object.fromEntries([...repairNames].sort().map((name) => [name, REPAIRS[name as keyof typeof REPAIRS] ?? ''])),
    };
  }
}

export function describeReason(code: string): string {
  if (code in EXPORT_REASONS) return EXPORT_REASONS[code as keyof typeof EXPORT_REASONS];
  if (code in PRIVACY_REASONS) return PRIVACY_REASONS[code as keyof typeof PRIVACY_REASONS];
  if (code in DEDUP_REASONS) return DEDUP_REASONS[code as keyof typeof DEDUP_REASONS];
  if (code in SHAREGPT_REASONS) return SHAREGPT_REASONS[code as keyof typeof SHAREGPT_REASONS].description;
  if (code in OPENAI_REASONS) return OPENAI_REASONS[code as keyof typeof OPENAI_REASONS].description;
  return '';
}

/** The summary printed on stdout at the end of an export. */
export function formatSummary(report: ExportReport): string {
  const lines: string[] = [];
  const n = (value: number): string => value.toLocaleString('en-US');
  const status = String(report.options['status'] ?? '');
  lines.push(`Exported ${n(report.records.read)} record(s) (status ${status}) from ${report.database}`);
  lines.push(`into ${report.outDir}`);
  if (report.records.threadsCollapsed > 0) {
    lines.push(`  threads collapsed: ${n(report.records.threadsCollapsed)} earlier step(s) or retried failed tries of a conversation skipped (the end of each branch is exported)`);
  }
  if (report.records.filteredOutByModel > 0) lines.push(`  filtered out by --model: ${n(report.records.filteredOutByModel)}`);
  if (report.records.filteredOutNotFunctionCallOnly > 0) {
    lines.push(`  filtered out by --only-function-call-only: ${n(report.records.filteredOutNotFunctionCallOnly)}`);
  }
  lines.push('');
  for (const [format, formatReport] of Object.entries(report.formats)) {
    if (formatReport === undefined) continue;
    lines.push(`${format.padEnd(16)} ${n(formatReport.valid).padStart(9)} valid ${n(formatReport.invalid).padStart(9)} invalid   -> ${formatReport.file}`);
    const content = formatReport.content;
    lines.push(
      `  valid rows: ${n(content.withToolUse)} with tool use, ${n(content.withAssistantText)} with assistant text, ` +
        `${n(content.functionCallOnly)} function-call-only, ${n(content.withReasoning)} with reasoning, ${n(content.withImages)} with images`,
    );
    const reasons = sortedEntries(formatReport.invalidByReason);
    if (reasons.length > 0) {
      lines.push('  invalid by reason:');
      for (const [code, count] of reasons) lines.push(`    ${code.padEnd(30)} ${n(count).padStart(8)}  ${report.reasons[code] ?? ''}`);
    }
    const repairs = sortedEntries(formatReport.repairs);
    if (repairs.length > 0) {
      lines.push('  repairs (valid rows):');
      for (const [name, count] of repairs) lines.push(`    ${name.padEnd(30)} ${n(count).padStart(8)}`);
    }
  }
  lines.push('');
  if (report.tokens !== null) {
    lines.push(
      `tokens (provider usage of ${n(report.tokens.recordsWithUsage)} record(s)): ${n(report.tokens.input)} input, ` +
        `${n(report.tokens.output)} output${report.tokens.reasoning > 0 ? ` (${n(report.tokens.reasoning)} reasoning)` : ''}`,
    );
  } else {
    lines.push('tokens: not reported by the providers');
  }
  if (report.images.saved > 0) lines.push(`images: ${n(report.images.saved)} file(s) saved under media/`);
  lines.push(...privacySummary(report), ...dedupSummary(report));
  lines.push(`files: ${report.files.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

function sortedEntries(counts: Record<string, number>): Array<[string, number]> {
  return Object.entries(counts).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function addContent(counts: ContentCounts, features: RowFeatures): void {
  if (features.toolUse) counts.withToolUse += 1;
  if (features.assistantText) counts.withAssistantText += 1;
  if (features.functionCallOnly) counts.functionCallOnly += 1;
  if (features.reasoning) counts.withReasoning += 1;
  if (features.images) counts.withImages += 1;
}

function addUsage(tokens: { recordsWithUsage: number; input: number; output: number; reasoning: number; total: number }, usage: Usage | null): void {
  if (usage === null) return;
  tokens.recordsWithUsage += 1;
  tokens.input += usage.inputTokens ?? 0;
  tokens.output += usage.outputTokens ?? 0;
  tokens.reasoning += usage.reasoningTokens ?? 0;
  tokens.total += usage.totalTokens ?? (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0);
}

function privacySummary(report: ExportReport): string[] {
  const privacy = report.privacy;
  if (privacy === undefined) return [];
  const kinds = Object.entries(privacy.byKind);
  if (kinds.length === 0) return ['privacy: no secrets or personal data found'];
  const lines = [`privacy: findings in ${privacy.recordsWithFindings.toLocaleString('en-US')} record(s) (details in report.json, never the values)`];
  for (const [kind, entry] of kinds) {
    if (entry === undefined) continue;
    lines.push(`  ${kind.padEnd(12)} ${entry.values.toLocaleString('en-US').padStart(8)} value(s) in ${entry.records.toLocaleString('en-US')} record(s): ${entry.action}`);
  }
  const rules = sortedEntries(privacy.bySecretRule);
  if (rules.length > 0) lines.push(`  secrets by rule: ${rules.map(([rule, count]) => `${rule} ${count}`).join(', ')}`);
  lines.push(`  rows: ${privacy.rows.redacted} redacted, ${privacy.rows.dropped} dropped, ${privacy.rows.redactionIncomplete} left out (redaction incomplete)`);
  return lines;
}

function dedupSummary(report: ExportReport): string[] {
  const dedup = report.dedup;
  if (dedup === undefined || dedup.mode === 'off') return [];
  const sizes = Object.entries(dedup.groupSizes).map(([size, count]) => `${count}x${size}`).join(', ');
  return [
    `duplicates (${dedup.mode}${dedup.mode === 'near' ? `, threshold ${dedup.threshold}` : ''}): ${dedup.groups} group(s)${sizes === '' ? '' : ` (${sizes})`}, ` +
      `${dedup.removed.exact} exact and ${dedup.removed.near} near-duplicate record(s) left out`,
  ];
}
