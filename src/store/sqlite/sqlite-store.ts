// The embedded Store: one SQLite file through better-sqlite3 (synchronous; the async interface is
// kept so the writer and callers treat SQLite and PostgreSQL alike). WAL lets readers (UI, export)
// run while the writer writes; several processes may write the same file, each waiting up to
// busy_timeout for the write lock.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { ExchangeRecord, ReviewState, StoredExchange } from '../../capture/exchange.js';
import { encodeJson } from '../body-codec.js';
import { createMigrationsTableSql, dialects, pendingMigrations } from '../schema/migrations.js';
import type { ExchangeSummary, ListFilter, ListOptions, ListPage, Store, StoreStats } from '../store.js';
import {
  type EncodedBodies,
  type FullRow,
  type SummaryRow,
  encodeBodies,
  exchangeFromRow,
  fullSelectList,
  insertColumns,
  insertParams,
  summaryFromRow,
  summarySelectList,
} from './exchange-row.js';
import { filterToSql } from './filter-to-sql.js';

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
      recordApplied.run(migration.version, migration.name, Date.now());
    }
  });
  if (pendingMigrations(readApplied.all().map((row) => row.version)).length > 0) applyPending.immediate();
}

class SqliteStore implements Store {
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();
  readonly #insertTransaction: Database.Transaction<
    (records: readonly ExchangeRecord[], bodies: readonly EncodedBodies[]) => void
  >;
  readonly #updateMany: (sql: string, ids: readonly string[], leading: unknown[]) => number;
  readonly #deleteMany: (ids: readonly string[]) => number;

  constructor(db: Database.Database) {
    this.#db = db;
    const exists = db.prepare<[string], { found: 1 }>('SELECT 1 AS found FROM exchanges WHERE id = ?');
    // The parent precedes its child; `id < ?` keeps a replayed older record from adopting a newer one.
    const findParent = db.prepare<[string, string], { id: string; thread_id: string }>(
      'SELECT id, thread_id FROM exchanges WHERE self_key = ? AND id < ? ORDER BY id DESC LIMIT 1',
    );
    const insertSearch = db.prepare('INSERT INTO exchanges_fts (search_text) VALUES (?)');
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
    this.#deleteMany = db.transaction((ids: readonly string[]) => {
      let removed = 0;
      for (const id of ids) {
        const row = searchRowidOf.get(id);
        if (row === undefined) continue;
        if (row.search_rowid !== null) deleteSearch.run(row.search_rowid);
        removed += deleteExchange.run(id).changes;
      }
      return removed;
    });
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
    const condition = filterToSql(filter);
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

  async setEditedShareGpt(id: string, row: StoredExchange['editedSharegpt']): Promise<boolean> {
    const bytes = row === null ? null : encodeJson(row);
    return this.#statement('UPDATE exchanges SET edited_sharegpt = ? WHERE id = ?').run(bytes, id).changes > 0;
  }

  async delete(ids: readonly string[]): Promise<number> {
    return this.#deleteMany(ids);
  }

  async count(filter: ListFilter = {}): Promise<number> {
    const condition = filterToSql(filter);
    const row = this.#statement(`SELECT COUNT(*) AS n FROM exchanges WHERE ${condition.where}`).get(
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

  #page<T>(filter: ListFilter, options: ListOptions, selectList: string, fromRow: (row: unknown) => T): ListPage<T> {
    const limit = Math.max(1, Math.floor(options.limit));
    const condition = filterToSql(filter);
    const cursor = options.before === undefined ? '' : 'AND id < ?';
    const rows = this.#statement(
      `SELECT ${selectList} FROM exchanges WHERE ${condition.where} ${cursor} ORDER BY id DESC LIMIT ?`,
    ).all(...condition.params, ...(options.before === undefined ? [] : [options.before]), limit + 1) as Array<{
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
