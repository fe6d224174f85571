// The dataset card (README.md) of the Hugging Face folder: the YAML header the Hub reads
// (https://huggingface.co/docs/hub/datasets-cards, https://huggingface.co/docs/hub/datasets-manual-configuration:
// license, size_categories, configs with data_files per split, dataset_info features) and a
// plain-language summary built from the export report: rows per split, models, upstream APIs,
// date range, what was redacted or left out and why. Pure: text in, text out.
import type { ExportReport } from '../report.js';

export interface HfConfigSummary {
  /** Config name = the row format (sharegpt, openai-messages, openai-ft). */
  name: string;
  /** Files relative to the folder, per split; a split without rows is absent. */
  files: Partial<Record<'train' | 'validation', { path: string; rows: number }>>;
  fileType: 'parquet' | 'jsonl';
}

export interface HfCardFacts {
  configs: HfConfigSummary[];
  license: string;
  validationRatio: number;
  seed: number;
  models: Record<string, number>;
  domains: Record<string, number>;
  firstAt: number | null;
  lastAt: number | null;
  /** Valid rows left out of the folder because they hold images (they are in sharegpt.jsonl with media/). */
  withImagesLeftOut: number;
  generator: string;
}

const SHAREGPT_FEATURES = `  features:
  - name: conversations
    list:
    - name: from
      dtype: string
    - name: value
      dtype: string
  - name: system
    dtype: string
  - name: tools
    dtype: string
  - name: images
    sequence: string`;

export function datasetCard(facts: HfCardFacts, report: ExportReport): string {
  const yaml: string[] = ['---'];
  if (facts.license === '') yaml.push('# Fill in the license of this data (https://huggingface.co/docs/hub/repositories-licenses).');
  yaml.push(`license: ${facts.license === '' ? 'unknown' : quoteYaml(facts.license)}`);
  yaml.push('task_categories:', '- text-generation', 'tags:', '- conversational', '- tool-use', '- sharegpt', '- llm-proxy-sharegpt');
  const total = Math.max(0, ...facts.configs.map((config) => rowsOf(config)));
  yaml.push('size_categories:', `- ${sizeCategory(total)}`);
  yaml.push('configs:');
  for (const [index, config] of facts.configs.entries()) {
    yaml.push(`- config_name: ${config.name}`);
    if (index === 0) yaml.push('  default: true');
    yaml.push('  data_files:');
    for (const [split, file] of Object.entries(config.files)) yaml.push(`  - split: ${split}`, `    path: ${file.path}`);
  }
  const typed = facts.configs.filter((config) => config.name === 'sharegpt');
  if (typed.length > 0) {
    yaml.push('dataset_info:');
    for (const config of typed) {
      yaml.push(`- config_name: ${config.name}`, SHAREGPT_FEATURES, '  splits:');
      for (const [split, file] of Object.entries(config.files)) yaml.push(`  - name: ${split}`, `    num_examples: ${file.rows}`);
    }
  }
  yaml.push('---', '');
  return `${yaml.join('\n')}${summary(facts, report)}`;
}

function summary(facts: HfCardFacts, report: ExportReport): string {
  const n = (value: number): string => value.toLocaleString('en-US');
  const lines: string[] = ['# Recorded LLM conversations', ''];
  lines.push(
    `Conversations recorded by an LLM API proxy and exported by ${facts.generator} on ${report.finishedAt.slice(0, 10)}. ` +
      `Each row is one conversation: the user's and the model's turns, tool calls and their results, with the system prompt and the tool schemas.`,
    '',
    '## Contents',
    '',
  );
  for (const config of facts.configs) {
    const splits = Object.entries(config.files).map(([split, file]) => `${n(file.rows)} ${split}`).join(', ');
    lines.push(`- \`${config.name}\` (${config.fileType === 'parquet' ? 'Parquet' : 'JSON Lines'}): ${splits} row(s).`);
  }
  lines.push(
    '',
    `Splits are by conversation thread, never by record: every request of one session is in the same split ` +
      `(seeded hash of the thread, validation share ${facts.validationRatio}, seed ${facts.seed}).`,
  );
  const models = sortedCounts(facts.models);
  if (models.length > 0) lines.push('', `Models: ${models.map(([model, count]) => `${model} (${n(count)})`).join(', ')}.`);
  const domains = sortedCounts(facts.domains);
  if (domains.length > 0) lines.push('', `Recorded through the APIs of: ${domains.map(([domain, count]) => `${domain} (${n(count)})`).join(', ')}. The client applications are not recorded.`);
  if (facts.firstAt !== null && facts.lastAt !== null) {
    lines.push('', `Dates: ${new Date(facts.firstAt).toISOString().slice(0, 10)} to ${new Date(facts.lastAt).toISOString().slice(0, 10)} (UTC).`);
  }
  lines.push('', '## What was changed or removed', '');
  const privacy = report.privacy;
  if (privacy !== undefined) {
    const secretAction = privacy.policy.secrets;
    lines.push(
      secretAction === 'off'
        ? '- Secrets were not looked for.'
        : `- Secrets (API keys, tokens, private keys, passwords in URLs and connection strings) were looked for with secretlint's recommended rules ` +
            `(${privacy.secretlintRules.length} rules); policy \`${secretAction}\`: ${actionText(secretAction)}.`,
    );
    const personal = Object.entries(privacy.policy.personal).map(([kind, action]) => `${kind.replace('_', ' ')} \`${action}\``);
    lines.push(`- Personal data: ${personal.join(', ')} (redact: replaced by a placeholder; drop: row left out; keep: left as is and counted; off: not looked for).`);
    const found = Object.entries(privacy.byKind);
    if (found.length === 0) lines.push('- Nothing was found.');
    for (const [kind, entry] of found) {
      if (entry === undefined) continue;
      lines.push(`  - ${kind.replace('_', ' ')}: ${n(entry.values)} distinct value(s) in ${n(entry.records)} record(s), ${actionText(entry.action)}.`);
    }
    if (privacy.rows.redacted > 0 || privacy.rows.dropped > 0 || privacy.rows.redactionIncomplete > 0) {
      lines.push(`  - Rows: ${n(privacy.rows.redacted)} with redactions, ${n(privacy.rows.dropped)} left out by a drop policy, ${n(privacy.rows.redactionIncomplete)} left out because a value could not be removed everywhere.`);
    }
    lines.push('  Placeholders look like `<SECRET:github-token_1>` or `<EMAIL_2>`; one value keeps its number throughout a conversation.');
  }
  const dedup = report.dedup;
  if (dedup !== undefined && dedup.mode !== 'off') {
    lines.push(
      `- Duplicates (${dedup.mode === 'near' ? `exact and near-duplicates, MinHash over word shingles, threshold ${dedup.threshold}` : 'exact'}): ` +
        `${n(dedup.groups)} group(s); ${n(dedup.removed.exact)} exact and ${n(dedup.removed.near)} near-duplicate conversation(s) removed, one per group kept.`,
    );
  }
  const invalid = new Map<string, number>();
  for (const format of facts.configs.map((config) => config.name)) {
    const formatReport = report.formats[format as keyof typeof report.formats];
    for (const [code, count] of Object.entries(formatReport?.invalidByReason ?? {})) {
      if (code === 'duplicate' || code === 'near-duplicate') continue;
      invalid.set(code, Math.max(invalid.get(code) ?? 0, count));
    }
  }
  if (invalid.size > 0) {
    lines.push('- Conversations left out as unfit for training:');
    for (const [code, count] of [...invalid].sort(([, a], [, b]) => b - a)) lines.push(`  - ${code} (${n(count)}): ${report.reasons[code] ?? ''}`);
  }
  if (facts.withImagesLeftOut > 0) {
    lines.push(`- ${n(facts.withImagesLeftOut)} row(s) with images are not in this folder (their image files are not part of it).`);
  }
  lines.push('', '## Use', '', 'Review the data before publishing it: the automatic checks above find known secret formats and common personal data, not everything.', '');
  return lines.join('\n');
}

function actionText(action: string): string {
  if (action === 'redact') return 'replaced by typed placeholders';
  if (action === 'drop') return 'rows holding them were left out';
  if (action === 'keep') return 'left in place (counted only)';
  return 'not looked for';
}

function rowsOf(config: HfConfigSummary): number {
  return Object.values(config.files).reduce((sum, file) => sum + file.rows, 0);
}

/** The Hub's size categories. */
export function sizeCategory(rows: number): string {
  if (rows < 1_000) return 'n<1K';
  if (rows < 10_000) return '1K<n<10K';
  if (rows < 100_000) return '10K<n<100K';
  if (rows < 1_000_000) return '100K<n<1M';
  if (rows < 10_000_000) return '1M<n<10M';
  return '10M<n<100M';
}

function sortedCounts(counts: Record<string, number>): Array<[string, number]> {
  return Object.entries(counts).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
}

function quoteYaml(text: string): string {
  return /^[A-Za-z0-9._-]+$/.test(text) ? text : JSON.stringify(text);
}
