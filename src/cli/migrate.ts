// `llm-proxy-sharegpt migrate --from A --to B`: copies every record of one store into another
// (SQLite -> PostgreSQL, or back), keeping ids, review states and times, human edits, annotations
// and threads.
// Resumable: records whose id the destination already holds are skipped, so an interrupted run
// is simply started again. Uses only the Store interface, so any two backends work.
//
// Threads are linked again by the destination from the records' thread keys, in id order: the
// same links, except that a child whose parent was deleted in the source starts its own thread
// (or joins an earlier answer to the same question) rather than keeping the deleted parent's id.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { deriveAgain } from '../capture/rebuild-derived.js';
import type { ExchangeRecord, ReviewState, StoredExchange } from '../store/exchange-record.js';
import { parseLocator } from '../store/locator.js';
import type { Store } from '../store/store.js';
import { CONVERTER_VERSION } from '../training/converter-version.js';
import { isFunctionCallOnly } from '../training/is-function-call-only.js';
import { previewOf } from '../training/preview-of.js';
import { CliError } from './cli-error.js';
import { chooseDatabase, openChosenStore } from './database-option.js';

export const MIGRATE_HELP = `Usage: llm-proxy-sharegpt migrate --from PATH|URL --to PATH|URL [options]

Copies every record from one store to another (SQLite file <-> postgres://user:pass@host:port/db),
keeping ids, review states, human edits, annotations and threads. Resumable: ids already in the destination are
skipped, so run it again after an interruption. The source is only read.

Options:
  --from PATH|URL   the store to read (a SQLite file must exist)
  --to PATH|URL     the store to write (created and migrated if new)
  --batch N         records per transaction (default 500)
  -h, --help        show this help
`;

export interface MigrateProgress {
  total: number;
  read: number;
  copied: number;
  skipped: number;
}

export async function runMigrate(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      batch: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(MIGRATE_HELP);
    return;
  }
  if (values.from === undefined) throw new CliError('missing --from PATH|URL: the store to copy from');
  if (values.to === undefined) throw new CliError('missing --to PATH|URL: the store to copy into');
  const batchSize = Number(values.batch ?? '500');
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) throw new CliError(`invalid --batch "${values.batch}": a number from 1 to 10000`);
  const from = chooseDatabase(values.from);
  const to = chooseDatabase(values.to);
  if (from.locator === to.locator) throw new CliError('--from and --to name the same store');
  const fromLocator = parseLocator(from.locator);
  if (fromLocator.backend === 'sqlite' && !existsSync(fromLocator.path)) {
    throw new CliError(`no database at ${from.shown} (check --from)`);
  }
  const source = await openChosenStore(from);
  let destination: Store;
  try {
    destination = await openChosenStore(to);
  } catch (error) {
    await source.close();
    throw error;
  }
  const tty = process.stderr.isTTY === true;
  let lastLine = 0;
  try {
    const report = await migrateRecords(source, destination, {
      batchSize,
      onProgress: (progress) => {
        const now = Date.now();
        if (!tty && now - lastLine < 2_000 && progress.read < progress.total) return;
        lastLine = now;
        process.stderr.write(`${tty ? '\r' : ''}${progressLine(progress)}${tty ? '' : '\n'}`);
      },
    });
    if (tty) process.stderr.write('\n');
    process.stdout.write(
      `migrate: ${report.copied} records copied, ${report.skipped} already present, from ${from.shown} to ${to.shown}\n`,
    );
  } finally {
    await source.close();
    await destination.close();
  }
}

function progressLine(progress: MigrateProgress): string {
  const width = 30;
  const fraction = progress.total === 0 ? 1 : Math.min(1, progress.read / progress.total);
  const filled = Math.round(fraction * width);
  return `migrate [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${progress.read}/${progress.total} read, ${progress.copied} copied, ${progress.skipped} already present`;
}

/** Copies every record of `source` missing from `destination`, oldest first, one batch per transaction. */
export async function migrateRecords(
  source: Store,
  destination: Store,
  options: { batchSize?: number; onProgress?: (progress: MigrateProgress) => void } = {},
): Promise<MigrateProgress> {
  const batchSize = Math.max(1, options.batchSize ?? 500);
  const progress: MigrateProgress = { total: await source.count(), read: 0, copied: 0, skipped: 0 };
  let batch: StoredExchange[] = [];
  let previousLast: string | undefined;
  const copy = async (): Promise<void> => {
    const present = await idsPresent(destination, previousLast, batch[batch.length - 1]!.id);
    const missing = batch.filter((record) => !present.has(record.id));
    await destination.insertBatch(missing.map(asNewRecord));
    await restoreReview(destination, missing);
    await copyAnnotations(source, destination, batch, new Set(missing.map((record) => record.id)));
    progress.read += batch.length;
    progress.copied += missing.length;
    progress.skipped += batch.length - missing.length;
    previousLast = batch[batch.length - 1]!.id;
    batch = [];
    options.onProgress?.({ ...progress });
  };
  for await (const record of source.iterate({}, batchSize)) {
    batch.push(record);
    if (batch.length >= batchSize) await copy();
  }
  if (batch.length > 0) await copy();
  options.onProgress?.({ ...progress });
  return progress;
}

/** Ids the destination holds in (after, through]: one keyset range read per batch. */
async function idsPresent(store: Store, after: string | undefined, through: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor = after;
  for (;;) {
    const page = await store.listSummaries(
      { throughId: through },
      cursor === undefined ? { limit: 1_000, order: 'asc' } : { limit: 1_000, order: 'asc', after: cursor },
    );
    for (const item of page.items) ids.add(item.id);
    if (page.nextCursor === null) return ids;
    cursor = page.nextCursor;
  }
}

/**
 * A stored record as the insert takes it; its search text is derived again from the bodies (stores
 * keep only the index), and so is its reasoning flag when the source does not know it (a record
 * stored before the flag): that derivation runs anyway.
 */
function asNewRecord(stored: StoredExchange): ExchangeRecord {
  const { parentId, threadId, reviewState, reviewedAt, editedSharegpt, ...fields } = stored;
  void parentId;
  void threadId;
  void reviewState;
  void reviewedAt;
  void editedSharegpt;
  const derived = deriveAgain(stored);
  const searchText = derived.searchText;
  return {
    ...fields,
    searchText,
    preview: previewOf({ sharegpt: derived.sharegpt, searchText }),
    functionCallOnly: isFunctionCallOnly(derived.sharegpt),
    // The flag is the judgement of the record's converter version: from another one it stays unknown.
    responseReasoning: stored.responseReasoning ?? (stored.converterVersion === CONVERTER_VERSION ? derived.responseReasoning : null),
  };
}

/** Review states (with their original times) and human edits, as in the source. */
async function restoreReview(store: Store, records: readonly StoredExchange[]): Promise<void> {
  const groups = new Map<string, { state: ReviewState; at: number; ids: string[] }>();
  for (const record of records) {
    if (record.reviewState === 'pending') continue;
    const at = record.reviewedAt ?? 0;
    const key = `${record.reviewState}:${at}`;
    const group = groups.get(key) ?? { state: record.reviewState, at, ids: [] };
    group.ids.push(record.id);
    groups.set(key, group);
  }
  for (const group of groups.values()) await store.setReviewState(group.ids, group.state, group.at);
  for (const record of records) {
    if (record.editedSharegpt !== null) {
      await store.setEditedShareGpt(record.id, record.editedSharegpt, isFunctionCallOnly(record.editedSharegpt));
    }
  }
}

/**
 * Reviewers' notes, tags and ratings, with their original times, as in the source: for the records
 * just copied, and for those already present that have none yet (an interrupted run copied the
 * record, not its annotation). An annotation the destination holds is never overwritten.
 */
async function copyAnnotations(source: Store, destination: Store, batch: readonly StoredExchange[], copied: ReadonlySet<string>): Promise<void> {
  const annotations = await source.annotationsOf(batch.map((record) => record.id));
  if (annotations.size === 0) return;
  const present = [...annotations.keys()].filter((id) => !copied.has(id));
  const kept = present.length === 0 ? new Map() : await destination.annotationsOf(present);
  for (const [id, { updatedAt, ...annotation }] of annotations) {
    if (!kept.has(id)) await destination.setAnnotation(id, annotation, updatedAt);
  }
}
