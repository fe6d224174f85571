// `llm-proxy-sharegpt export` without the command line: reads the database, streams every selected
// record through the export pipeline (export-records.ts) and writes, into one directory,
//   <format>.jsonl        valid rows, one JSON object per line
//   invalid.jsonl         {"id","format","reasons":[{code,message}…],"row"} for every rejected row
//   dataset_info.json     the LLaMA-Factory entry for sharegpt.jsonl (formats.md 1.1)
//   report.json           counts, reasons, repairs, content, tokens (report.ts), privacy, dedup
//   media/                images of ShareGPT rows, saved from data URLs
//   preference-sharegpt.jsonl, preference-openai.jsonl, kto-sharegpt.jsonl   with `judgements`
//                         (export-judgements.ts), with their dataset_info.json entries
//   hf/                   with `hf`: a Hugging Face dataset folder (writers/hf-dataset-folder.ts)
// Everything is written under temporary names and renamed into place at the very end, in one
// synchronous step: an interrupted or failed export leaves no file under a final name.
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describeLocator, isPostgresLocator, openStore, type OpenStoreOptions } from '../store/open-store.js';
import type { ListFilter, Store } from '../store/store.js';
import type { PrivacyPolicy } from '../privacy/privacy-policy.js';
import { datasetInfoFor } from '../training/dataset-info.js';
import { ExportCleaning } from './clean-export-item.js';
import { ExportInterruptedError, ExportSetupError } from './export-errors.js';
import type { DedupOptions } from './dedup/deduplicate-records.js';
import { exportRecords, newExportStats, type RecordExport } from './export-records.js';
import { exportJudgements, JUDGEMENT_FILES, type Judgement } from './export-judgements.js';
import { ktoDatasetInfoFor, rankingDatasetInfoFor } from '../training/judgement-dataset-info.js';
import type { ExportFormat, ExportRowOptions } from './export-rows.js';
import { MediaStore } from './media-store.js';
import type { Progress } from './progress.js';
import { ReportBuilder, type ExportReport } from './report.js';
import { HfDatasetFolder, type HfOptions } from './writers/hf-dataset-folder.js';
import { TempFile } from './writers/temp-file.js';

export interface RunExportOptions {
  /** A SQLite database file (it must exist: the export never creates one) or a postgres:// URL. */
  dbPath: string;
  /** PostgreSQL pool size, statement timeout and TLS (config.json `recording.database`). */
  storeOptions?: OpenStoreOptions;
  outDir: string;
  rows: ExportRowOptions;
  /** `copy` (default): save data-URL images under DIR/media; `skip`: leave rows with images out. */
  images?: 'copy' | 'skip';
  /** Abort to stop: temporary files are removed and ExportInterruptedError is thrown. */
  signal?: AbortSignal;
  progress?: Progress;
  now?: () => number;
  /** Also write the reviewers' judgements: preference pairs from edits, KTO rows from confirmed + rejected. */
  judgements?: Judgement[];
  /** Secrets and personal data (src/privacy): default secrets redacted, personal data kept and counted. */
  privacy?: PrivacyPolicy;
  /** Duplicate records (dedup/): default `near` at 0.8. */
  dedup?: DedupOptions;
  /** Also write DIR/hf/, a Hugging Face dataset folder of the valid rows of every format. */
  hf?: HfOptions;
}

export interface ExportResult {
  report: ExportReport;
  /** Absolute paths of the files written. */
  files: string[];
}

export { ExportInterruptedError, ExportSetupError };

const FILE_OF: Record<ExportFormat, string> = {
  sharegpt: 'sharegpt.jsonl',
  'openai-messages': 'openai-messages.jsonl',
  'openai-ft': 'openai-ft.jsonl',
};
const YIELD_EVERY = 50;
/** Records written together (run-export's loop): small, so memory stays flat. */
const WRITE_GROUP = 100;

export async function runExport(options: RunExportOptions): Promise<ExportResult> {
  const now = options.now ?? Date.now;
  const startedAt = now();
  // A PostgreSQL URL is used as given; a SQLite path must name an existing file.
  const postgres = isPostgresLocator(options.dbPath);
  const dbPath = postgres ? options.dbPath : resolve(options.dbPath);
  const outDir = resolve(options.outDir);
  if (!postgres) checkDatabase(dbPath);
  const store = await openExportStore(dbPath, options.storeOptions);
  const temps: TempFile[] = [];
  const media = new MediaStore(outDir);
  let hf: HfDatasetFolder | null = null;
  let committed = false;
  let closeCleaning = (): void => {};
  try {
    prepareOutDir(outDir);
    const formats = [...new Set(options.rows.formats)];
    const outputs = new Map(formats.map((format) => [format, new TempFile(join(outDir, FILE_OF[format]))]));
    temps.push(...outputs.values());
    const invalidFile = new TempFile(join(outDir, 'invalid.jsonl'));
    temps.push(invalidFile);
    try {
      await Promise.all(temps.map((temp) => temp.ready()));
      if (options.hf !== undefined) {
        hf = new HfDatasetFolder(outDir, formats, options.hf);
        await hf.ready();
      }
    } catch (error) {
      throw new ExportSetupError(`cannot write in ${outDir}: ${(error as Error).message}`);
    }

    const images = options.images ?? 'copy';
    const stats = newExportStats();
    const builder = new ReportBuilder(formats, (format) => FILE_OF[format]);
    const total = await store.count(selectionFilter(options.rows));
    const saveImage = images === 'copy' ? media.save.bind(media) : undefined;
    options.progress?.start(total);
    let processed = 0;
    const annotations = { records: 0, byTag: {} as Record<string, number>, byRating: {} as Record<string, number> };
    const cleaning = new ExportCleaning({ ...(options.privacy ? { privacy: options.privacy } : {}), ...(options.dedup ? { dedup: options.dedup } : {}) });
    closeCleaning = () => cleaning.close();
    // Written in groups: one annotations lookup per group, not one query per record.
    let group: RecordExport[] = [];
    const writeGroup = async (): Promise<void> => {
      const annotated = await store.annotationsOf(group.map((item) => item.record.id));
      for (const item of group) {
        builder.add(item);
        await hf?.add(item);
        const annotation = annotated.get(item.record.id);
        if (annotation !== undefined) {
          annotations.records += 1;
          for (const tag of annotation.tags) annotations.byTag[tag] = (annotations.byTag[tag] ?? 0) + 1;
          if (annotation.rating !== null) annotations.byRating[annotation.rating] = (annotations.byRating[annotation.rating] ?? 0) + 1;
        }
        for (const row of item.rows) {
          if (row.valid) await outputs.get(row.format)?.write(`${JSON.stringify(row.row)}\n`);
          else await invalidFile.write(`${JSON.stringify({ id: row.id, format: row.format, reasons: row.reasons, row: row.row })}\n`);
        }
      }
      group = [];
    };
    for await (const built of exportRecords(store, options.rows, { images, ...(saveImage ? { saveImage } : {}) }, stats)) {
      group.push(await cleaning.apply(built));
      if (group.length >= WRITE_GROUP) await writeGroup();
      processed += 1;
      // Async iteration over a store that answers synchronously never reaches the event loop on
      // its own: give it a turn now and then, so Ctrl-C and the progress timer get through.
      if (processed % YIELD_EVERY === 0) await nextTurn();
      if (isAborted(options.signal)) throw new ExportInterruptedError('export interrupted');
      options.progress?.update({
        scanned: stats.recordsRead + stats.threadsCollapsed + stats.filteredOut.model + stats.filteredOut.notFunctionCallOnly,
        total,
        exported: stats.recordsRead,
        valid: builder.valid,
        invalid: builder.invalid,
      });
    }
    await writeGroup();
    if (isAborted(options.signal)) throw new ExportInterruptedError('export interrupted');
    const judgementFiles = new Map<string, TempFile>();
    const judgements =
      (options.judgements ?? []).length === 0
        ? null
        : await exportJudgements(store, options.rows, options.judgements!, { images, ...(saveImage ? { saveImage } : {}) }, {
            async write(file, line) {
              let temp = judgementFiles.get(file);
              if (temp === undefined) {
                temp = new TempFile(join(outDir, file));
                judgementFiles.set(file, temp);
                temps.push(temp);
                await temp.ready();
              }
              await temp.write(line);
            },
            async invalid(entry) {
              await invalidFile.write(`${JSON.stringify(entry)}\n`);
            },
          });
    for (const temp of temps) await temp.close();

    const finalFiles = [...formats.map((format) => FILE_OF[format]), ...judgementFiles.keys(), 'invalid.jsonl'];
    const extra: TempFile[] = [];
    const datasetInfo = {
      ...(formats.includes('sharegpt') ? datasetInfoFor(FILE_OF.sharegpt) : {}),
      ...(judgementFiles.has(JUDGEMENT_FILES.preferenceShareGpt) ? rankingDatasetInfoFor(JUDGEMENT_FILES.preferenceShareGpt) : {}),
      ...(judgementFiles.has(JUDGEMENT_FILES.kto) ? ktoDatasetInfoFor(JUDGEMENT_FILES.kto) : {}),
    };
    if (Object.keys(datasetInfo).length > 0) {
      const info = new TempFile(join(outDir, 'dataset_info.json'));
      extra.push(info);
      temps.push(info);
      await info.write(`${JSON.stringify(datasetInfo, null, 2)}\n`);
      await info.close();
      finalFiles.push('dataset_info.json');
    }
    if (media.saved > 0 || existsSync(join(outDir, 'media'))) finalFiles.push('media/');
    if (hf !== null) finalFiles.push('hf/');
    finalFiles.push('report.json');
    const finishedAt = now();
    const report = builder.build(
      {
        startedAt: new Date(startedAt).toISOString(),
        finishedAt: new Date(finishedAt).toISOString(),
        durationMs: finishedAt - startedAt,
        database: describeLocator(dbPath),
        outDir,
        options: { ...reportOptions(options.rows), images, ...(options.hf !== undefined ? { hf: options.hf } : {}) },
        files: finalFiles,
        images: { saved: media.saved },
        memory: { peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024) },
        ...cleaning.report(),
      },
      stats,
    );
    if (judgements !== null) report.judgements = judgements;
    report.annotations = annotations;
    await hf?.finish(report);
    const reportFile = new TempFile(join(outDir, 'report.json'));
    temps.push(reportFile);
    await reportFile.write(`${JSON.stringify(report, null, 2)}\n`);
    await reportFile.close();
    if (isAborted(options.signal)) throw new ExportInterruptedError('export interrupted');

    // The commit: synchronous, so no signal handler runs between two renames.
    media.commit();
    for (const temp of temps) temp.commit();
    hf?.commit();
    committed = true;
    return { report, files: finalFiles.map((file) => join(outDir, file)) };
  } finally {
    if (!committed) {
      // Best effort, and never in place of the error that got us here.
      for (const discard of [...temps.map((temp) => () => temp.discard()), () => media.discard(), () => hf?.discard()]) {
        try {
          discard();
        } catch {
          // already gone, or never created
        }
      }
    }
    closeCleaning();
    await store.close();
  }
}

/** A function, not an inline read: TypeScript would narrow `signal.aborted` across awaits. */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** The filter exportRecords applies in SQL, for the progress total. */
function selectionFilter(rows: ExportRowOptions): ListFilter {
  const filter: ListFilter = { ...rows.filter, apiKind: rows.filter.apiKind ?? 'chat' };
  if (rows.status !== 'all') filter.reviewState = rows.status;
  return filter;
}

function reportOptions(rows: ExportRowOptions): Record<string, unknown> {
  return {
    formats: rows.formats,
    status: rows.status,
    filter: rows.filter,
    model: rows.modelGlob ?? null,
    limit: rows.limit ?? null,
    onlyFunctionCallOnly: rows.onlyFunctionCallOnly ?? false,
    truncateObservation: rows.truncateObservation ?? null,
    toolsSchema: rows.toolsSchema ?? 'auto',
    reasoning: rows.reasoning ?? 'keep',
    threads: rows.threads ?? 'longest',
  };
}

const SQLITE_MAGIC = 'SQLite format 3\u0000';

/** The database must be an existing SQLite file: opening a wrong path would create an empty database. */
function checkDatabase(path: string): void {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new ExportSetupError(`${path} is not a database file`);
    size = stat.size;
  } catch (error) {
    if (error instanceof ExportSetupError) throw error;
    throw new ExportSetupError(
      `no database at ${path}: record some traffic first (llm-proxy-sharegpt start), or point --db at the proxy's database`,
    );
  }
  const header = Buffer.alloc(16);
  try {
    const fd = openSync(path, 'r');
    try {
      readSync(fd, header, 0, 16, 0);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw new ExportSetupError(`cannot read ${path}: ${(error as Error).message}`);
  }
  if (size === 0 || header.toString('latin1') !== SQLITE_MAGIC) throw new ExportSetupError(`${path} is not a SQLite database`);
}

/**
 * The export's SQLite page cache: it reads each record once, so the 16 MB default bought nothing
 * (measured at 100k records: the same time, 12-16 MB less peak RSS at 4 MB).
 */
const EXPORT_CACHE_KIB = 4_096;

async function openExportStore(locator: string, storeOptions?: OpenStoreOptions): Promise<Store> {
  try {
    return await openStore(locator, { ...storeOptions, sqlite: { cacheKiB: EXPORT_CACHE_KIB, ...storeOptions?.sqlite } });
  } catch (error) {
    throw new ExportSetupError(`cannot open the database ${describeLocator(locator)}: ${(error as Error).message}`);
  }
}

function prepareOutDir(outDir: string): void {
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (error) {
    throw new ExportSetupError(`cannot create the output directory ${outDir}: ${(error as Error).message}`);
  }
  if (!statSync(outDir).isDirectory()) throw new ExportSetupError(`${outDir} is not a directory`);
}
