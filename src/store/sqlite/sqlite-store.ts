// The embedded Store: one SQLite file through better-sqlite3 (synchronous; the async interface is
// kept so the writer and callers treat SQLite and PostgreSQL alike). WAL lets readers (UI, export)
// run while the writer writes; several processes may write the same file, each waiting up to
// busy_timeout for the write lock.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { ExchangeRecord, ReviewState, StoredExchange } from '../../capture/exchange.js';
import type { ShareGptRow } from '../../training/sharegpt-types.js';
import { decodeJson, encodeJson } from '../body-codec.js';
import { isFunctionCallOnly } from '../is-function-call-only.js';
import { SQLITE_FTS_TOKENIZE, createMigrationsTableSql, dialects, pendingMigrations } from '../schema/migrations.js';
import type {
  AggregateOptions,
  Annotation,
  DerivedFields,
  ExchangeSummary,
  KeyedGroup,
  ListFilter,
  ListOptions,
  ListPage,
  Percentiles,
  Store,
  StoreAggregates,
  StoreFacets,
  StoreStats,
  TimeBucket,
} from '../store.js';
import {
  type EncodedBodies,
  type FullRow,
  type SummaryRow,
  encodeBodies,
  exchangeFromRow,
  fullSelectList,
  insertColumns,
  NO_SEARCH_TEXT,
  insertParams,
  summaryFromRow,
  summarySelectList,
} from './exchange-row.js';
import { type SqlCondition, type Tokenize, filterToSql } from './filter-to-sql.js';

export interface SqliteStoreOptions {
  /** How long a write waits for another connection's lock before failing with SQLITE_BUSY. */
  busyTimeoutMs?: number;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Store {
  if (path !== ':memory:' && !path.startsWith('file:')) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS))}`);
    applyMigrations(db);
    return new SqliteStore(db);
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Applies pending migrations, each in its own IMMEDIATE transaction (safe with several processes). */
function applyMigrations(db: Database.Database): void {
  db.exec(createMigrationsTableSql);
  const readApplied = db.prepare<[], { version: number }>('SELECT version FROM schema_migrations');
  const recordApplied = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applyPending = db.transaction(() => {
    // Re-read inside the lock: another process may have migrated since we looked.
    for (const migration of pendingMigrations(readApplied.all().map((row) => row.version))) {
      for (const statement of migration.statements(dialects.sqlite)) db.exec(statement);
      dataMigrations[migration.version]?.(db);
      recordApplied.run(migration.version, migration.name, Date.now());
    }
  });
  if (pendingMigrations(readApplied.all().map((row) => row.version)).length > 0) applyPending.immediate();
}

/** Longest search input tokenized; the rest is ignored. */
const MAX_SEARCH_INPUT_CHARS = 2_000;

/**
 * Splits search input into terms with the index's own tokenizer, through a scratch FTS5 table in
 * this connection's temp schema: the terms are then exactly the tokens the index holds.
 */
function createTokenizer(db: Database.Database): Tokenize {
  db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_terms USING fts5(t, tokenize='${SQLITE_FTS_TOKENIZE}')`);
  db.exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_terms_vocab USING fts5vocab(temp, search_terms, 'instance')");
  const insert = db.prepare('INSERT INTO temp.search_terms (rowid, t) VALUES (1, ?)');
  const read = db.prepare<[], { term: string }>('SELECT term FROM temp.search_terms_vocab ORDER BY "offset"');
  const clear = db.prepare('DELETE FROM temp.search_terms');
  return (text) => {
    insert.run(text.slice(0, MAX_SEARCH_INPUT_CHARS));
    try {
      return read.all().map((row) => row.term);
    } finally {
      clear.run();
    }
  };
}

/** Work a migration needs beyond its SQL (computed in JavaScript), run in the migration's transaction. */
const dataMigrations: Readonly<Record<number, (db: Database.Database) => void>> = {
  2: backfillFunctionCallOnly,
};

/** Migration 2: flag the records stored before it (new records are flagged at insert). */
function backfillFunctionCallOnly(db: Database.Database): void {
  const readBatch = db.prepare<[string], { id: string; sharegpt: Buffer | null; edited_sharegpt: Buffer | null }>(
    'SELECT id, sharegpt, edited_sharegpt FROM exchanges WHERE id > ? AND (sharegpt IS NOT NULL OR edited_sharegpt IS NOT NULL) ORDER BY id LIMIT 500',
  );
  const flag = db.prepare('INSERT OR IGNORE INTO function_call_only_exchanges (id) VALUES (?)');
  let after = '';
  for (;;) {
    // Batches by id: better-sqlite3 allows no write while a statement is being iterated.
    const rows = readBatch.all(after);
    for (const row of rows) {
      const bytes = row.edited_sharegpt ?? row.sharegpt;
      if (bytes !== null && isFunctionCallOnly(decodeJson<ShareGptRow>(bytes))) flag.run(row.id);
    }
    if (rows.length < 500) return;
    after = rows[rows.length - 1]!.id;
  }
}

const PERCENTILES = [0.5, 0.9, 0.95, 0.99, 1] as const;

class SqliteStore implements Store {
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();
  readonly #insertTransaction: Database.Transaction<
    (records: readonly ExchangeRecord[], bodies: readonly EncodedBodies[]) => void
  >;
  readonly #updateMany: (sql: string, ids: readonly string[], leading: unknown[]) => number;
  readonly #deleteMany: (ids: readonly string[]) => number;
  readonly #setAnnotation: (id: string, annotation: Omit<Annotation, 'updatedAt'> | null, now: number) => boolean;
  readonly #deleteWhere: Database.Transaction<(condition: SqlCondition) => number>;
  readonly #setEdited: (id: string, row: ShareGptRow | null) => boolean;
  readonly #updateDerived: (id: string, derived: DerivedFields) => boolean;
  readonly #tokenize: Tokenize;

  constructor(db: Database.Database) {
    this.#db = db;
    const exists = db.prepare<[string], { found: 1 }>('SELECT 1 AS found FROM exchanges WHERE id = ?');
    // The parent precedes its child; `id < ?` keeps a replayed older record from adopting a newer one.
    const findParent = db.prepare<[string, string], { id: string; thread_id: string }>(
      'SELECT id, thread_id FROM exchanges WHERE self_key = ? AND id < ? ORDER BY id DESC LIMIT 1',
    );
    const insertSearch = db.prepare('INSERT INTO exchanges_fts (search_text) VALUES (?)');
    const flagFunctionCallOnly = db.prepare('INSERT OR IGNORE INTO function_call_only_exchanges (id) VALUES (?)');
    const unflagFunctionCallOnly = db.prepare('DELETE FROM function_call_only_exchanges WHERE id = ?');
    const insertExchange = db.prepare(
      `INSERT INTO exchanges (${insertColumns.join(', ')}) VALUES (${insertColumns.map(() => '?').join(', ')})`,
    );
    this.#insertTransaction = db.transaction((records: readonly ExchangeRecord[], bodies: readonly EncodedBodies[]) => {
      records.forEach((record, index) => {
        if (exists.get(record.id) !== undefined) return;
        const parent = record.parentKey === null ? undefined : findParent.get(record.parentKey, record.id);
        const searchRowid = record.searchText === '' ? null : insertSearch.run(record.searchText).lastInsertRowid;
        insertExchange.run(
          insertParams(record, bodies[index]!, {
            parentId: parent?.id ?? null,
            threadId: parent?.thread_id ?? record.id,
            searchRowid,
          }),
        );
        if (bodies[index]!.functionCallOnly) flagFunctionCallOnly.run(record.id);
      });
    });
    this.#updateMany = db.transaction((sql: string, ids: readonly string[], leading: unknown[]) => {
      const statement = this.#statement(sql);
      let changed = 0;
      for (const id of ids) changed += statement.run(...leading, id).changes;
      return changed;
    });
    const searchRowidOf = db.prepare<[string], { search_rowid: number | null }>(
      'SELECT search_rowid FROM exchanges WHERE id = ?',
    );
    const deleteSearch = db.prepare('DELETE FROM exchanges_fts WHERE rowid = ?');
    const deleteExchange = db.prepare('DELETE FROM exchanges WHERE id = ?');
    const deleteAnnotation = db.prepare('DELETE FROM annotations WHERE exchange_id = ?');
    const deleteTags = db.prepare('DELETE FROM annotation_tags WHERE exchange_id = ?');
    const recordExists = db.prepare<[string], { id: string }>('SELECT id FROM exchanges WHERE id = ?');
    const upsertAnnotation = db.prepare(
      'INSERT INTO annotations (exchange_id, note, rating, updated_at) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (exchange_id) DO UPDATE SET note = excluded.note, rating = excluded.rating, updated_at = excluded.updated_at',
    );
    const insertTag = db.prepare('INSERT OR IGNORE INTO annotation_tags (exchange_id, tag) VALUES (?, ?)');
    this.#setAnnotation = db.transaction((id: string, annotation: Omit<Annotation, 'updatedAt'> | null, now: number): boolean => {
      if (recordExists.get(id) === undefined) return false;
      deleteAnnotation.run(id);
      deleteTags.run(id);
      const normal = annotation === null ? null : normalAnnotation(annotation);
      if (normal === null) return true;
      upsertAnnotation.run(id, normal.note, normal.rating, now);
      // Tags in the order given: rowid order of the side table keeps it.
      for (const tag of normal.tags) insertTag.run(id, tag);
      return true;
    });
    this.#deleteMany = db.transaction((ids: readonly string[]) => {
      let removed = 0;
      for (const id of ids) {
        const row = searchRowidOf.get(id);
        if (row === undefined) continue;
        if (row.search_rowid !== null) deleteSearch.run(row.search_rowid);
        unflagFunctionCallOnly.run(id);
        deleteAnnotation.run(id);
        deleteTags.run(id);
        removed += deleteExchange.run(id).changes;
      }
      return removed;
    });
    this.#deleteWhere = db.transaction((condition: SqlCondition) => {
      const ids = this.#statement(`SELECT id FROM exchanges WHERE ${condition.where}`)
        .pluck()
        .all(...condition.params) as string[];
      return this.#deleteMany(ids);
    });
    const updateEdited = db.prepare('UPDATE exchanges SET edited_sharegpt = ? WHERE id = ?');
    const readDerived = db.prepare<[string], { sharegpt: Buffer | null }>('SELECT sharegpt FROM exchanges WHERE id = ?');
    this.#setEdited = db.transaction((id: string, row: ShareGptRow | null) => {
      if (updateEdited.run(row === null ? null : encodeJson(row), id).changes === 0) return false;
      // The flag follows what would be exported: the edited row, else the derived one.
      let effective = row;
      if (effective === null) {
        const derived = readDerived.get(id)?.sharegpt ?? null;
        effective = derived === null ? null : decodeJson<ShareGptRow>(derived);
      }
      if (isFunctionCallOnly(effective)) flagFunctionCallOnly.run(id);
      else unflagFunctionCallOnly.run(id);
      return true;
    });
    const readForDerive = db.prepare<[string], { search_rowid: number | null; edited_sharegpt: Buffer | null }>(
      'SELECT search_rowid, edited_sharegpt FROM exchanges WHERE id = ?',
    );
    const writeDerived = db.prepare(
      'UPDATE exchanges SET sharegpt = ?, converter_version = ?, turn_count = ?, has_tools = ?, search_text = ?, search_rowid = ? WHERE id = ?',
    );
    this.#updateDerived = db.transaction((id: string, derived: DerivedFields) => {
      const current = readForDerive.get(id);
      if (current === undefined) return false;
      if (current.search_rowid !== null) deleteSearch.run(current.search_rowid);
      const searchRowid = derived.searchText === '' ? null : insertSearch.run(derived.searchText).lastInsertRowid;
      writeDerived.run(
        derived.sharegpt === null ? null : encodeJson(derived.sharegpt),
        derived.converterVersion,
        derived.turnCount,
        derived.hasTools ? 1 : 0,
        NO_SEARCH_TEXT,
        searchRowid,
        id,
      );
      const effective = current.edited_sharegpt !== null ? decodeJson<ShareGptRow>(current.edited_sharegpt) : derived.sharegpt;
      if (isFunctionCallOnly(effective)) flagFunctionCallOnly.run(id);
      else unflagFunctionCallOnly.run(id);
      return true;
    });
    this.#tokenize = createTokenizer(db);
  }

  async migrate(): Promise<void> {
    applyMigrations(this.#db);
  }

  async insertBatch(records: readonly ExchangeRecord[]): Promise<void> {
    if (records.length === 0) return;
    // Compress before taking the write lock: other writers wait only for the inserts themselves.
    const bodies = records.map(encodeBodies);
    // IMMEDIATE: take the write lock up front (waiting busy_timeout), instead of failing on the
    // read-to-write upgrade a deferred transaction would attempt after its first SELECT.
    this.#insertTransaction.immediate(records, bodies);
  }

  async get(id: string): Promise<StoredExchange | null> {
    const row = this.#statement(`SELECT ${fullSelectList} FROM exchanges WHERE id = ?`).get(id) as FullRow | undefined;
    return row === undefined ? null : exchangeFromRow(row);
  }

  async list(filter: ListFilter, options: ListOptions): Promise<ListPage> {
    return this.#page(filter, options, fullSelectList, (row) => exchangeFromRow(row as FullRow));
  }

  async listSummaries(filter: ListFilter, options: ListOptions): Promise<ListPage<ExchangeSummary>> {
    return this.#page(
      filter,
      options,
      summarySelectList,
      (row) => summaryFromRow(row as SummaryRow),
    );
  }

  async *iterate(filter: ListFilter, batchSize: number): AsyncIterable<StoredExchange> {
    const size = Math.max(1, Math.floor(batchSize));
    const condition = filterToSql(filter, this.#tokenize);
    const statement = this.#statement(
      `SELECT ${fullSelectList} FROM exchanges WHERE ${condition.where} AND id > ? ORDER BY id ASC LIMIT ?`,
    );
    let after = '';
    for (;;) {
      // One short read per batch: no statement stays open across the consumer's awaits.
      const rows = statement.all(...condition.params, after, size) as FullRow[];
      for (const row of rows) yield exchangeFromRow(row);
      if (rows.length < size) return;
      after = rows[rows.length - 1]!.id;
    }
  }

  async setReviewState(ids: readonly string[], state: ReviewState, now: number): Promise<number> {
    return this.#updateMany('UPDATE exchanges SET review_state = ?, reviewed_at = ? WHERE id = ?', ids, [
      state,
      state === 'pending' ? null : now,
    ]);
  }

  async setReviewStateWhere(filter: ListFilter, state: ReviewState, now: number): Promise<number> {
    const condition = filterToSql(filter, this.#tokenize);
    return this.#statement(`UPDATE exchanges SET review_state = ?, reviewed_at = ? WHERE ${condition.where}`).run(
      state,
      state === 'pending' ? null : now,
      ...condition.params,
    ).changes;
  }

  async setAnnotation(id: string, annotation: Omit<Annotation, 'updatedAt'> | null, now: number): Promise<boolean> {
    return this.#setAnnotation(id, annotation, now);
  }

  async annotationsOf(ids: readonly string[]): Promise<Map<string, Annotation>> {
    const out = new Map<string, Annotation>();
    const one = this.#statement('SELECT note, rating, updated_at FROM annotations WHERE exchange_id = ?');
    const tags = this.#statement('SELECT tag FROM annotation_tags WHERE exchange_id = ? ORDER BY rowid');
    for (const id of new Set(ids)) {
      const row = one.get(id) as { note: string; rating: number | null; updated_at: number } | undefined;
      if (row === undefined) continue;
      out.set(id, { note: row.note, rating: row.rating, updatedAt: row.updated_at, tags: tags.pluck().all(id) as string[] });
    }
    return out;
  }

  async setEditedShareGpt(id: string, row: StoredExchange['editedSharegpt']): Promise<boolean> {
    return this.#setEdited(id, row);
  }

  async updateDerived(id: string, derived: DerivedFields): Promise<boolean> {
    return this.#updateDerived(id, derived);
  }

  async delete(ids: readonly string[]): Promise<number> {
    return this.#deleteMany(ids);
  }

  async deleteWhere(filter: ListFilter): Promise<number> {
    return this.#deleteWhere.immediate(filterToSql(filter, this.#tokenize));
  }

  async count(filter: ListFilter = {}): Promise<number> {
    const condition = filterToSql(filter, this.#tokenize);
    const row = this.#statement(`SELECT COUNT(*) AS n FROM exchanges WHERE ${condition.where}`).get(
      ...condition.params,
    ) as { n: number };
    return row.n;
  }

  async countThreads(filter: ListFilter = {}): Promise<number> {
    const condition = filterToSql(filter, this.#tokenize);
    const row = this.#statement(`SELECT COUNT(DISTINCT thread_id) AS n FROM exchanges WHERE ${condition.where}`).get(
      ...condition.params,
    ) as { n: number };
    return row.n;
  }

  async stats(): Promise<StoreStats> {
    const rows = this.#statement('SELECT review_state, COUNT(*) AS n FROM exchanges GROUP BY review_state').all() as Array<{
      review_state: ReviewState;
      n: number;
    }>;
    const byReviewState: Record<ReviewState, number> = { pending: 0, confirmed: 0, rejected: 0 };
    for (const row of rows) byReviewState[row.review_state] = row.n;
    return { records: rows.reduce((sum, row) => sum + row.n, 0), byReviewState };
  }

  async aggregate(filter: ListFilter, options: AggregateOptions): Promise<StoreAggregates> {
    const condition = filterToSql(filter, this.#tokenize);
    const where = `WHERE ${condition.where}`;
    const groupColumns =
      'COUNT(*) AS requests, COUNT(error_class) AS errors, ' +
      'COALESCE(SUM(input_tokens), 0) AS inputTokens, COALESCE(SUM(output_tokens), 0) AS outputTokens';
    const totals = this.#statement(
      `SELECT ${groupColumns},
        COALESCE(SUM(review_state = 'pending'), 0) AS pending,
        COALESCE(SUM(review_state = 'confirmed'), 0) AS confirmed,
        COALESCE(SUM(review_state = 'rejected'), 0) AS rejected,
        COALESCE(SUM(reasoning_tokens), 0) AS reasoningTokens,
        COALESCE(SUM(cached_input_tokens), 0) AS cachedInputTokens,
        COALESCE(SUM(total_tokens), 0) AS totalTokens
      FROM exchanges ${where}`,
    ).get(...condition.params) as {
      requests: number;
      errors: number;
      inputTokens: number;
      outputTokens: number;
      pending: number;
      confirmed: number;
      rejected: number;
      reasoningTokens: number;
      cachedInputTokens: number;
      totalTokens: number;
    };
    const bucketMs = Math.max(1_000, Math.floor(options.bucketMs));
    const offsetMs = Math.floor(options.offsetMs ?? 0);
    const overTime = this.#statement(
      `SELECT CAST((started_at + ?) / ? AS INTEGER) * ? - ? AS start, ${groupColumns}
      FROM exchanges ${where} GROUP BY 1 ORDER BY 1`,
    ).all(offsetMs, bucketMs, bucketMs, offsetMs, ...condition.params) as TimeBucket[];
    const topN = Math.max(1, Math.floor(options.topN ?? 20));
    const groupBy = (column: 'model' | 'domain'): KeyedGroup[] =>
      this.#statement(
        `SELECT ${column} AS key, ${groupColumns} FROM exchanges ${where} GROUP BY ${column} ORDER BY requests DESC, key LIMIT ?`,
      ).all(...condition.params, topN) as KeyedGroup[];
    return {
      requests: totals.requests,
      errors: totals.errors,
      byReviewState: { pending: totals.pending, confirmed: totals.confirmed, rejected: totals.rejected },
      tokens: {
        input: totals.inputTokens,
        output: totals.outputTokens,
        reasoning: totals.reasoningTokens,
        cachedInput: totals.cachedInputTokens,
        total: totals.totalTokens,
      },
      overTime,
      byModel: groupBy('model'),
      byDomain: groupBy('domain'),
      durationMs: this.#percentiles('duration_ms', condition),
      ttfbMs: this.#percentiles('ttfb_ms', condition),
    };
  }

  async facets(): Promise<StoreFacets> {
    const of = (column: 'model' | 'domain') =>
      this.#statement(
        `SELECT ${column} AS value, COUNT(*) AS count FROM exchanges WHERE ${column} IS NOT NULL GROUP BY ${column} ORDER BY count DESC, value LIMIT 500`,
      ).all() as StoreFacets['models'];
    return { models: of('model'), domains: of('domain') };
  }

  async ping(): Promise<boolean> {
    try {
      return this.#statement('SELECT 1 AS ok').get() !== undefined;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }

  /** Nearest-rank percentiles of one column over the filter, in one sorted pass. */
  #percentiles(column: 'duration_ms' | 'ttfb_ms', condition: SqlCondition): Percentiles {
    const present = `${condition.where} AND ${column} IS NOT NULL`;
    const count = this.#statement(`SELECT COUNT(*) FROM exchanges WHERE ${present}`)
      .pluck()
      .get(...condition.params) as number;
    if (count === 0) return { p50: null, p90: null, p95: null, p99: null, max: null };
    const ranks = PERCENTILES.map((fraction) => Math.max(1, Math.ceil(fraction * count)));
    const rows = this.#statement(
      `SELECT rank, value FROM (
        SELECT ${column} AS value, ROW_NUMBER() OVER (ORDER BY ${column}) AS rank FROM exchanges WHERE ${present}
      ) WHERE rank IN (${ranks.map(() => '?').join(', ')})`,
    ).all(...condition.params, ...ranks) as Array<{ rank: number; value: number }>;
    const at = (rank: number): number | null => rows.find((row) => row.rank === rank)?.value ?? null;
    return { p50: at(ranks[0]!), p90: at(ranks[1]!), p95: at(ranks[2]!), p99: at(ranks[3]!), max: at(ranks[4]!) };
  }

  #page<T>(filter: ListFilter, options: ListOptions, selectList: string, fromRow: (row: unknown) => T): ListPage<T> {
    const limit = Math.max(1, Math.floor(options.limit));
    const condition = filterToSql(filter, this.#tokenize);
    const ascending = options.order === 'asc';
    const cursorValue = ascending ? options.after : options.before;
    const cursor = cursorValue === undefined ? '' : ascending ? 'AND id > ?' : 'AND id < ?';
    const rows = this.#statement(
      `SELECT ${selectList} FROM exchanges WHERE ${condition.where} ${cursor} ORDER BY id ${ascending ? 'ASC' : 'DESC'} LIMIT ?`,
    ).all(...condition.params, ...(cursorValue === undefined ? [] : [cursorValue]), limit + 1) as Array<{
      id: string;
    }>;
    const hasMore = rows.length > limit;
    const items = rows.slice(0, limit);
    return { items: items.map(fromRow), nextCursor: hasMore ? items[items.length - 1]!.id : null };
  }

  /** Prepared statements cached by SQL text (filters yield a small, bounded set of shapes). */
  #statement(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }
}

/** Trimmed, deduplicated tags and a checked rating; null when nothing is left to store. */
function normalAnnotation(annotation: Omit<Annotation, 'updatedAt'>): Omit<Annotation, 'updatedAt'> | null {
  const tags = [...new Set(annotation.tags.map((tag) => tag.trim()).filter((tag) => tag !== ''))];
  const rating = annotation.rating;
  if (rating !== null && (!Number.isInteger(rating) || rating < 1 || rating > 5)) throw new RangeError(`rating must be 1-5 or null (got ${rating})`);
  const note = annotation.note.trim();
  if (note === '' && tags.length === 0 && rating === null) return null;
  return { note, tags, rating };
}
