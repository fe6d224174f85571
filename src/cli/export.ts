// `llm-proxy-sharegpt export`: recorded conversations -> training files (run-export.ts does the
// work). Bad options, a missing database or an unwritable directory exit 2 with one line saying
// what to fix; Ctrl-C removes the temporary files and exits 130 (SIGTERM: 143).
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ExportInterruptedError, ExportSetupError } from '../export/export-errors.js';
import { runExportInWorker } from '../export/export-in-worker.js';
import type { ExportFormat, ExportRowOptions } from '../export/export-rows.js';
import { createProgress } from '../export/progress.js';
import { exportSettings, ExportSettingsError, type CleaningFlags } from '../export/export-settings.js';
import type { Judgement } from '../export/export-judgements.js';
import type { ListFilter } from '../store/store.js';
import { DirectoryError, makeDirectory } from '../fs/make-directory.js';
import { CliError } from './cli-error.js';
import { resolveDatabase } from './database-option.js';

export const EXPORT_HELP = `Usage: llm-proxy-sharegpt export [options]

Writes the recorded conversations as training data into one directory:
  sharegpt.jsonl (LLaMA-Factory), openai-messages.jsonl (Axolotl), openai-ft.jsonl (OpenAI
  fine-tuning), invalid.jsonl (every row left out, with its reasons), dataset_info.json,
  report.json and media/ (images).

Options:
  --db PATH|URL              database to read: a SQLite file (default ./data/llm-proxy.db, never
                             created) or postgres://user:pass@host:port/db (env DB, else
                             config.json recording.database.url)
  --out DIR                  output directory (default ./export/<UTC timestamp>/)
  --status STATE             confirmed | rejected | pending | all (default confirmed)
  --format NAME              sharegpt | openai-messages | openai-ft | hf; repeat it or use a comma
                             list for several (default sharegpt). hf: also write DIR/hf/, a
                             Hugging Face dataset folder (Parquet + dataset card) of the formats
  --model GLOB               only models matching GLOB (case-insensitive; * also matches "/")
  --domain HOST              only exchanges with this upstream domain
  --since WHEN               only exchanges from WHEN on (ISO 8601 date/time or epoch ms)
  --until WHEN               only exchanges before WHEN
  --limit N                  at most N records
  --only-function-call-only  only rows whose final turn is a function call
  --truncate-observation N   cut each tool result to N characters (marked as cut)
  --tools-schema POLICY      auto (recorded tools, plus a derived schema for called tools nobody
                             declared; default) | yes (recorded tools only) | no (none) |
                             derive (a minimal schema derived from the observed calls only)
  --reasoning keep|drop      keep reasoning (<think> prefix / reasoning_content) or drop it (default keep)
  --keep-billing-header      keep Claude Code's x-anthropic-billing-header system line (removed by default)
  --include-side-calls       export agents' side calls too (session titles, quota probes, compaction summaries)
  --threads longest|all      longest: export each conversation thread by its leaves, the last
                             complete step of each branch (default); all: every record
  --images copy|skip         copy: save data-URL images under DIR/media/ (default);
                             skip: leave rows with images out
  --preference               also write each edit as a preference pair (chosen = the edit,
                             rejected = the original): preference-sharegpt.jsonl (LLaMA-Factory
                             ranking) and preference-openai.jsonl (OpenAI preference fine-tuning)
  --kto                      also write kto-sharegpt.jsonl: confirmed rows with kto_tag true and
                             rejected rows with kto_tag false (LLaMA-Factory KTO)
  --config FILE              config file for the export section and recording.database
                             (default ./config.json when present)
  --secrets ACTION           redact (default) | drop | keep | off: secrets found by secretlint
  --pii ACTION|KIND=ACTION   personal data (email, phone, ip, credit_card, iban): redact | drop |
                             keep (default, counted) | off; e.g. --pii redact, --pii email=redact,ip=off
  --allow VALUE              a harmless value or /regex/ never reported (repeatable)
  --dedup MODE               off | exact | near (default): leave duplicate conversations out
  --dedup-threshold X        near-duplicate similarity, above 0 up to 1 (default 0.8)
  --validation-ratio X       hf: share of threads in the validation split (default 0.1)
  --split-seed N             hf: seed of the thread split (default 0)
  --license ID               hf: license id for the dataset card (default: unknown, to fill in)
  -h, --help                 show this help

Exit status: 0 when the export ran (even with invalid rows), 2 on a bad option, a missing
database or an unwritable directory, 130 when interrupted (nothing is left under a final name).
`;

const STATUSES = ['confirmed', 'rejected', 'pending', 'all'] as const;
const FORMATS = ['sharegpt', 'openai-messages', 'openai-ft', 'hf'] as const;
const TOOLS_SCHEMA = ['auto', 'yes', 'no', 'derive'] as const;
const REASONING = ['keep', 'drop'] as const;
const THREADS = ['longest', 'all'] as const;
const IMAGES = ['copy', 'skip'] as const;

export interface ExportCommand {
  /** `--db` as given; the database is chosen with DB and config.json too (database-option.ts). */
  db?: string;
  outDir: string;
  rows: ExportRowOptions;
  images: 'copy' | 'skip';
  /** --preference / --kto */
  judgements: Judgement[];
  /** `--format hf`: also write the Hugging Face folder. */
  hf: boolean;
  configPath?: string;
  cleaning: CleaningFlags;
}

/** Parses and checks the command line; throws CliError (exit 2) with what to fix. */
export function parseExportArgs(argv: string[], now: number = Date.now()): ExportCommand | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string' },
      out: { type: 'string' },
      status: { type: 'string' },
      format: { type: 'string', multiple: true },
      model: { type: 'string' },
      domain: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      limit: { type: 'string' },
      'only-function-call-only': { type: 'boolean', default: false },
      'keep-billing-header': { type: 'boolean', default: false },
      'include-side-calls': { type: 'boolean', default: false },
      'truncate-observation': { type: 'string' },
      'tools-schema': { type: 'string' },
      reasoning: { type: 'string' },
      threads: { type: 'string' },
      images: { type: 'string' },
      preference: { type: 'boolean', default: false },
      kto: { type: 'boolean', default: false },
      config: { type: 'string' },
      secrets: { type: 'string' },
      pii: { type: 'string' },
      allow: { type: 'string', multiple: true },
      dedup: { type: 'string' },
      'dedup-threshold': { type: 'string' },
      'validation-ratio': { type: 'string' },
      'split-seed': { type: 'string' },
      license: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';

  const formats = (values.format ?? ['sharegpt'])
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value !== '');
  if (formats.length === 0) throw new CliError('--format needs a value: sharegpt, openai-messages, openai-ft or hf');
  for (const format of formats) oneOf('--format', format, FORMATS);
  const hf = formats.includes('hf');
  const rowFormats = formats.filter((format) => format !== 'hf');
  if (rowFormats.length === 0) rowFormats.push('sharegpt');

  const filter: ListFilter = {};
  if (values.domain !== undefined) filter.domain = nonEmpty('--domain', values.domain);
  if (values.since !== undefined) filter.since = parseTime('--since', values.since);
  if (values.until !== undefined) filter.until = parseTime('--until', values.until);
  if (filter.since !== undefined && filter.until !== undefined && filter.since >= filter.until) {
    throw new CliError(`--since (${values.since}) must be before --until (${values.until})`);
  }

  const rows: ExportRowOptions = {
    formats: [...new Set(rowFormats)] as ExportFormat[],
    filter,
    status: oneOf('--status', values.status ?? 'confirmed', STATUSES),
    toolsSchema: oneOf('--tools-schema', values['tools-schema'] ?? 'auto', TOOLS_SCHEMA),
    reasoning: oneOf('--reasoning', values.reasoning ?? 'keep', REASONING),
    threads: oneOf('--threads', values.threads ?? 'longest', THREADS),
  };
  if (values.model !== undefined) rows.modelGlob = nonEmpty('--model', values.model);
  if (values.limit !== undefined) rows.limit = positiveInteger('--limit', values.limit);
  if (values['truncate-observation'] !== undefined) rows.truncateObservation = positiveInteger('--truncate-observation', values['truncate-observation']);
  if (values['only-function-call-only']) rows.onlyFunctionCallOnly = true;
  if (values['keep-billing-header']) rows.keepBillingHeader = true;
  if (!values['include-side-calls']) filter.sideCall = false;

  return {
    ...(values.db !== undefined ? { db: values.db } : {}),
    outDir: values.out ?? `./export/${timestamp(now)}/`,
    rows,
    images: oneOf('--images', values.images ?? 'copy', IMAGES),
    judgements: [...(values.preference ? (['preference'] as const) : []), ...(values.kto ? (['kto'] as const) : [])],
    hf,
    ...(values.config !== undefined ? { configPath: values.config } : {}),
    cleaning: definedOnly({
      secrets: values.secrets,
      pii: values.pii,
      allow: values.allow,
      dedup: values.dedup,
      dedupThreshold: values['dedup-threshold'],
      validationRatio: values['validation-ratio'],
      splitSeed: values['split-seed'],
      license: values.license,
    }),
  };
}

function definedOnly(flags: Record<keyof CleaningFlags, string | string[] | undefined>): CleaningFlags {
  return Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== undefined)) as CleaningFlags;
}

export async function runExportCommand(argv: string[]): Promise<void> {
  const command = parseExportArgs(argv);
  if (command === 'help') {
    process.stdout.write(EXPORT_HELP);
    return;
  }
  // An output directory that cannot be made fails here, at once: Node's own recursive mkdir
  // spins forever under /proc, deaf to SIGTERM. (A missing database is runExport's to report,
  // and nothing is created for it.)
  const { database, loaded } = await resolveDatabase(command.db, command.configPath);
  if (existsSync(database.locator)) {
    try {
      makeDirectory(command.outDir);
    } catch (error) {
      if (error instanceof DirectoryError) throw new CliError(`cannot create the output directory ${command.outDir}: ${error.message} (use --out DIR)`);
      throw error;
    }
  }
  const controller = new AbortController();
  let signalName: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals): void => {
    signalName = signal;
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let settings;
  try {
    settings = exportSettings(loaded.config.export, command.cleaning);
  } catch (error) {
    if (error instanceof ExportSettingsError) throw new CliError(error.message);
    throw error;
  }
  const { hf, cleaning: _flags, configPath: _config, db: _db, ...runOptions } = command;
  const progress = createProgress(process.stderr, { tty: process.stderr.isTTY === true });
  try {
    const result = await runExportInWorker({
      ...runOptions,
      dbPath: database.locator,
      storeOptions: database.options,
      privacy: settings.privacy,
      dedup: settings.dedup,
      ...(hf ? { hf: settings.hf } : {}),
      signal: controller.signal,
      progress,
    });
    progress.finish();
    // Loaded after the run: the report's module brings the privacy scanner's, which the main
    // thread (the export ran in a worker) has no other use for.
    const { formatSummary } = await import('../export/report.js');
    process.stdout.write(formatSummary(result.report));
  } catch (error) {
    progress.finish();
    if (error instanceof ExportSetupError) throw new CliError(error.message);
    if (error instanceof ExportInterruptedError) {
      process.stderr.write('llm-proxy-sharegpt: export interrupted; temporary files removed, no file written\n');
      process.exitCode = signalName === 'SIGTERM' ? 143 : 130;
      return;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

// ---------------------------------------------------------------------------------------------

function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new CliError(`${option} must be one of ${allowed.join(', ')} (got "${value}")`);
  }
  return value as T;
}

function nonEmpty(option: string, value: string): string {
  if (value.trim() === '') throw new CliError(`${option} needs a value`);
  return value;
}

function positiveInteger(option: string, value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new CliError(`${option} must be a positive whole number (got "${value}")`);
  }
  return Number(value);
}

/** Epoch milliseconds, or an ISO 8601 date / date-time (a date alone is midnight UTC). */
function parseTime(option: string, value: string): number {
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const time = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN;
  if (!Number.isFinite(time)) {
    throw new CliError(`${option} must be an ISO 8601 date or date-time (2025-08-01, 2025-08-01T12:00:00Z) or epoch milliseconds (got "${value}")`);
  }
  return time;
}

/** 2025-08-25T10-11-12Z: sortable, and valid in a file name everywhere. */
function timestamp(now: number): string {
  return new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
}
