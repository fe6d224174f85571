// The embedded Store: one SQLite file through better-sqlite3 (synchronous; the async interface is
// kept so the writer and callers treat SQLite and PostgreSQL alike). WAL lets readers (UI, export)
// run while the writer writes; several processes may write the same file, each waiting up to
// busy_timeout for the write lock.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { normalAnnotation } from '../normal-annotation.js';
import { explainOpenError } from './explain-open-error.js';
import { type KeyColumn, keyFormsOf } from './thread-key-column.js';
import type { ExchangeRecord, ReviewState, StoredExchange } from '../exchange-record.js';
import type { ShareGptRow } from '../../training/sharegpt-types.js';
import { decodeJson, encodeJson } from '../body-codec.js';
import { isFunctionCallOnly } from '../../training/is-function-call-only.js';
import {
  type AddedColumn,
  LATENCY_UPSERT_SQL,
  ROLLUP_BUCKET_MS,
  SQLITE_FTS_TOKENIZE,
  createMigrationsTableSql,
  dialects,
  pendingMigrations,
  rollupUpsertSql,
} from '../schema/migrations.js';
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
  RecordLink,
  Store,
  StoreAggregates,
  StoreFacets,
  StoreStats,
  TimeBucket,
  RecordScan,
  ScanQueuePage,
  ScanSummary,
} from '../store.js';
import {
  type BodyRow,
  type DecodedRecordBodies,
  RequestCache,
  asKeyframe,
  basesToRead,
  chainReadSql,
  decodeRowsSync,
  encodeBatch,
} from '../body-chains.js';
import { type RequestBase, encodeShareGpt } from '../record-bodies.js';
import { derivedShareGptOf, keepsShareGptRow } from '../../capture/derive-stored.js';
import {
  type EncodedBodies,
  type FullRow,
  type SummaryRow,
  exchangeFromRow,
  fullSelectList,
  insertColumns,
  NO_SEARCH_TEXT,
  insertParams,
  summaryFromRow,
  summarySelectList,
} from './exchange-row.js';
import { type SearchQuery, type SqlCondition, type Tokenize, filterToSql } from './filter-to-sql.js';
import { type RollupCondition, rollupFilter } from './rollup-filter.js';
import { type AggregateTotals, aggregateFromTotals } from '../aggregate-totals.js';
import { BAND, FIRST_BANDED_ROWID, bandStart } from './search-rowid.js';
import { MAX_PREFIX_TERMS, toFts5Query, type ExpandPrefix } from './to-fts5-query.js';
import { createSqliteScanTables } from './scan-tables.js';

export interface SqliteStoreOptions {
  /** How long a write waits for another connection's lock before failing with SQLITE_BUSY. */
  busyTimeoutMs?: number;
  /**
   * This connection's page cache, in KiB (SQLite's cache_size); default better-sqlite3's 16 MB.
   * A one-pass reader (the export) keeps less: its reads hardly come back to a page.
   */
  cacheKiB?: number;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Store {
  let db: Database.Database;
  try {
    if (path !== ':memory:' && !path.startsWith('file:')) mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
  } catch (error) {
    throw explainOpenError(error, path) ?? error;
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    if (options.cacheKiB !== undefined) db.pragma(`cache_size = -${Math.max(64, Math.floor(options.cacheKiB))}`);
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS))}`);
    applyMigrations(db);
    return new SqliteStore(db);
  } catch (error) {
    db.close();
    throw explainOpenError(error, path) ?? error;
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
      for (const added of migration.addedColumns?.(dialects.sqlite) ?? []) addColumnIfMissing(db, added);
      dataMigrations[migration.version]?.(db);
      recordApplied.run(migration.version, migration.name, Date.now());
    }
  });
  if (pendingMigrations(readApplied.all().map((row) => row.version)).length > 0) applyPending.immediate();
}

function addColumnIfMissing(db: Database.Database, added: AddedColumn): void {
  const columns = db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${added.table}')`).all();
  if (!columns.some((column) => column.name === added.column)) db.exec(`ALTER TABLE ${added.table} ADD COLUMN ${added.column} ${added.definition}`);
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

/**
 * The indexed terms a search prefix stands for (to-fts5-query.ts says why), read from the index's
 * vocabulary (an fts5vocab table in this connection's temp schema, made on first use: the index
 * exists only once migrated). UTF-8 sorts bytewise, so the terms starting with a prefix are those
 * from it up to it followed by the highest code point.
 *
 * Reading the vocabulary costs a few milliseconds per word on a large index, and one list request
 * asks for the same words three times (newest id, page, count), so the answers are kept while the
 * database is unchanged: `PRAGMA data_version` moves when another connection commits, and
 * `total_changes()` when this one writes.
 */
function createPrefixExpander(db: Database.Database): ExpandPrefix {
  let read: Database.Statement<[string, string, number], string> | null = null;
  const readVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  const readChanges = db.prepare<[], number>('SELECT total_changes()').pluck();
  const memo = new Map<string, string[] | null>();
  let memoVersion = '';
  return (prefix) => {
    const version = `${readVersion.get()}:${readChanges.get()}`;
    if (version !== memoVersion) {
      memo.clear();
      memoVersion = version;
    }
    const known = memo.get(prefix);
    if (known !== undefined) return known;
    if (read === null) {
      db.exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.exchanges_fts_terms USING fts5vocab(main, exchanges_fts, 'row')");
      read = db.prepare<[string, string, number], string>('SELECT term FROM temp.exchanges_fts_terms WHERE term >= ? AND term < ? LIMIT ?').pluck();
    }
    const terms = read.all(prefix, `${prefix}\u{10FFFF}`, MAX_PREFIX_TERMS + 1);
    const expanded = terms.length > MAX_PREFIX_TERMS ? null : terms;
    // A bounded memo: distinct prefixes between two writes are few, but a client could send many.
    if (memo.size >= 256) memo.clear();
    memo.set(prefix, expanded);
    return expanded;
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
    if (rows.length < 500) break;
    after = rows[rows.length - 1]!.id;
  }
  // Records whose bodies are in exchange_bodies (migration 7), in a database taken back to before migration 2.
  const hasBodies = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'exchange_bodies'").get() !== undefined;
  if (!hasBodies) return;
  const readBodyRows = db.prepare<[string], StoredBodyRow>(
    'SELECT exchange_id, base_id, chain_depth, request_bytes, response_bytes, sharegpt_bytes FROM exchange_bodies WHERE exchange_id IN (SELECT value FROM json_each(?))',
  );
  const readChains = db.prepare<[string], StoredBodyRow>(chainReadSql('SELECT value FROM json_each(?)'));
  const cache = new RequestCache();
  const ids = db.prepare<[], string>('SELECT b.exchange_id FROM exchange_bodies AS b JOIN exchanges AS e ON e.id = b.exchange_id WHERE b.sharegpt_bytes IS NOT NULL AND e.edited_sharegpt IS NULL ORDER BY b.exchange_id').pluck().all();
  for (let start = 0; start < ids.length; start += 500) {
    const decoded = decodeRowsSync(ids.slice(start, start + 500), cache, (wanted) =>
      (wanted.chains ? readChains : readBodyRows).all(JSON.stringify(wanted.ids)).map(bodyRowOf),
    );
    for (const [id, bodies] of decoded) if (bodies.sharegpt !== null && isFunctionCallOnly(bodies.sharegpt)) flag.run(id);
  }
}

const PERCENTILES = [0.5, 0.9, 0.95, 0.99, 1] as const;

function hasSearch(filter: ListFilter): boolean {
  return filter.search !== undefined && filter.search.trim() !== '';
}

const ROW_GROUP_COLUMNS =
  'COUNT(*) AS requests, COUNT(error_class) AS errors, ' +
  'COALESCE(SUM(input_tokens), 0) AS inputTokens, COALESCE(SUM(output_tokens), 0) AS outputTokens';


interface StoredBodyRow {
  exchange_id: string;
  base_id: string | null;
  chain_depth: number;
  request_bytes: Buffer;
  response_bytes: Buffer;
  sharegpt_bytes: Buffer | null;
}

function bodyRowOf(row: StoredBodyRow): BodyRow {
  return {
    exchangeId: row.exchange_id,
    baseId: row.base_id,
    depth: row.chain_depth,
    request: row.request_bytes,
    // Absent from a chain read (bases: only their request bodies are needed).
    response: row.response_bytes ?? Buffer.alloc(0),
    sharegpt: row.sharegpt_bytes ?? null,
  };
}

/** The columns Store.listLinks reads. */
interface LinkRow {
  id: string;
  model: string | null;
  parent_id: string | null;
  thread_id: string;
  converter_version: number;
  response_reasoning: number | null;
}

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
  readonly #setEdited: (id: string, row: ShareGptRow | null, functionCallOnly: boolean) => boolean;
  readonly #updateDerived: (id: string, derived: DerivedFields) => boolean;
  readonly #tokenize: Tokenize;
  readonly #searchQuery: SearchQuery;
  readonly #scans: ReturnType<typeof createSqliteScanTables>;
  /** The latest record older than the id whose self_key is the key: findParent(key, id). */
  readonly #findParent: (parentKey: string, id: string) => { id: string; thread_id: string } | undefined;
  readonly #readBodyRows: Database.Statement<[string], StoredBodyRow>;
  readonly #readChains: Database.Statement<[string], StoredBodyRow>;
  /** Request bodies this store wrote, by id and thread key: what the next call of a session is stored against. */
  readonly #written = new RequestCache();
  /** Request bodies decoded by reads (bases of the records read next). */
  readonly #read = new RequestCache();

  constructor(db: Database.Database) {
    this.#db = db;
    this.#scans = createSqliteScanTables(db, (sql) => this.#statement(sql));
    const exists = db.prepare<[string], { found: 1 }>('SELECT 1 AS found FROM exchanges WHERE id = ?');
    // The parent precedes its child; `id < ?` keeps a replayed older record from adopting a newer one.
    const findParentRow = db.prepare<[KeyColumn, string], { id: string; thread_id: string }>(
      'SELECT id, thread_id FROM exchanges WHERE self_key = ? AND id < ? ORDER BY id DESC LIMIT 1',
    );
    // Either form of the key (thread-key-column.ts: rows stored before migration 13 hold TEXT).
    // Two probes, not `self_key IN (?, ?)`: that one sorts every older match to keep the latest,
    // and a key shared by many records (retries, a probe sent again and again) has thousands.
    const findParent = (parentKey: string, id: string): { id: string; thread_id: string } | undefined => {
      const forms = keyFormsOf(parentKey);
      let found: { id: string; thread_id: string } | undefined;
      for (const form of forms) {
        const row = findParentRow.get(form, id);
        if (row !== undefined && (found === undefined || row.id > found.id)) found = row;
      }
      return found;
    };
    this.#findParent = findParent;
    this.#readBodyRows = db.prepare<[string], StoredBodyRow>(
      'SELECT exchange_id, base_id, chain_depth, request_bytes, response_bytes, sharegpt_bytes FROM exchange_bodies ' +
        'WHERE exchange_id IN (SELECT value FROM json_each(?))',
    );
    this.#readChains = db.prepare<[string], StoredBodyRow>(chainReadSql('SELECT value FROM json_each(?)'));
    const bodyExists = db.prepare<[string], { found: 1 }>('SELECT 1 AS found FROM exchange_bodies WHERE exchange_id = ?');
    const insertBody = db.prepare(
      'INSERT INTO exchange_bodies (exchange_id, base_id, chain_depth, request_bytes, response_bytes, sharegpt_bytes) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const dependantsOf = db.prepare<[string], string>('SELECT exchange_id FROM exchange_bodies WHERE base_id = ?').pluck();
    const makeKeyframe = db.prepare('UPDATE exchange_bodies SET request_bytes = ?, base_id = NULL, chain_depth = 0 WHERE exchange_id = ?');
    const deleteBody = db.prepare('DELETE FROM exchange_bodies WHERE exchange_id = ?');
    const clearBodyShareGpt = db.prepare('UPDATE exchange_bodies SET sharegpt_bytes = NULL WHERE exchange_id = ? AND sharegpt_bytes IS NOT NULL');
    const updateBodyShareGpt = db.prepare('UPDATE exchange_bodies SET sharegpt_bytes = ? WHERE exchange_id = ?');
    const insertSearchAt = db.prepare('INSERT INTO exchanges_fts (rowid, search_text) VALUES (?, ?)');
    const maxRowidInBand = db.prepare<[number, number], number | null>(
      'SELECT MAX(search_rowid) FROM exchanges WHERE search_rowid >= ? AND search_rowid < ?',
    ).pluck();
    /** Indexes a record's search text under the next free rowid of its id's band (search-rowid.ts). */
    const insertSearch = (id: string, text: string): number => {
      const start = bandStart(id);
      const max = maxRowidInBand.get(start, start + BAND) ?? null;
      const rowid = max === null ? start : max + 1;
      insertSearchAt.run(rowid, text);
      return rowid;
    };
    const flagFunctionCallOnly = db.prepare('INSERT OR IGNORE INTO function_call_only_exchanges (id) VALUES (?)');
    const unflagFunctionCallOnly = db.prepare('DELETE FROM function_call_only_exchanges WHERE id = ?');
    const insertClient = db.prepare('INSERT OR IGNORE INTO exchange_clients (id, client, client_version, side_call) VALUES (?, ?, ?, ?)');
    const deleteClient = db.prepare('DELETE FROM exchange_clients WHERE id = ?');
    const insertExchange = db.prepare(
      `INSERT INTO exchanges (${insertColumns.join(', ')}) VALUES (${insertColumns.map(() => '?').join(', ')})`,
    );
    const upsertHourly = db.prepare(rollupUpsertSql(true));
    const upsertTotals = db.prepare(rollupUpsertSql(false));
    const upsertLatency = db.prepare(LATENCY_UPSERT_SQL);
    this.#insertTransaction = db.transaction((records: readonly ExchangeRecord[], bodies: readonly EncodedBodies[]) => {
      // The batch's contribution to the rollups, one upsert per key (rollupUpsertSql in schema/migrations.ts).
      const hourly = new Map<string, { key: Array<string | number>; measures: number[] }>();
      const totals = new Map<string, { key: Array<string | number>; measures: number[] }>();
      const latencies = new Map<string, { metric: string; value: number; count: number }>();
      const add = (into: typeof hourly, key: Array<string | number>, measures: number[]): void => {
        const text = JSON.stringify(key);
        const current = into.get(text);
        if (current === undefined) into.set(text, { key, measures: [...measures] });
        else measures.forEach((value, index) => (current.measures[index]! += value));
      };
      const countLatency = (metric: string, value: number | null): void => {
        if (value === null) return;
        const text = `${metric}:${value}`;
        const current = latencies.get(text);
        if (current === undefined) latencies.set(text, { metric, value, count: 1 });
        else current.count += 1;
      };
      records.forEach((record, index) => {
        if (exists.get(record.id) !== undefined) return;
        const usage = record.usage;
        // Same order as ROLLUP_MEASURES; a new record is pending.
        const measures = [
          1,
          record.error === null ? 0 : 1,
          usage?.inputTokens ?? 0,
          usage?.outputTokens ?? 0,
          usage?.totalTokens ?? 0,
          usage?.reasoningTokens ?? 0,
          usage?.cachedInputTokens ?? 0,
        ];
        const key = [record.model ?? '', record.domain, record.apiKind, 'pending'];
        add(hourly, [record.startedAt - (record.startedAt % ROLLUP_BUCKET_MS), ...key], measures);
        add(totals, key, measures);
        countLatency('duration_ms', record.durationMs);
        countLatency('ttfb_ms', record.ttfbMs);
        const parent = record.parentKey === null ? undefined : findParent(record.parentKey, record.id);
        const searchRowid = record.searchText === '' ? null : insertSearch(record.id, record.searchText);
        const encoded = bodies[index]!;
        insertExchange.run(
          insertParams(record, encoded, {
            parentId: parent?.id ?? null,
            threadId: parent?.thread_id ?? record.id,
            searchRowid,
          }),
        );
        // The base was read or cached before this transaction: if it has been deleted since (by
        // another connection), the body is stored whole instead.
        let request = encoded.request;
        if (request.baseId !== null && bodyExists.get(request.baseId) === undefined) request = asKeyframe(encoded.requestUtf8);
        insertBody.run(record.id, request.baseId, request.depth, request.bytes, encoded.response, encoded.sharegpt);
        if (bodies[index]!.functionCallOnly) flagFunctionCallOnly.run(record.id);
        if (record.client != null || record.sideCall != null) insertClient.run(record.id, record.client ?? null, record.clientVersion ?? null, record.sideCall ?? null);
      });
      for (const { key, measures } of hourly.values()) upsertHourly.run(...key, ...measures);
      for (const { key, measures } of totals.values()) upsertTotals.run(...key, ...measures);
      for (const { metric, value, count } of latencies.values()) upsertLatency.run(metric, value, count);
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
      // Records stored against a deleted one are stored whole first (record-bodies.ts): decoding
      // never needs a row that is gone.
      const deleting = new Set(ids);
      const dependants = new Set<string>();
      for (const id of deleting) for (const dependant of dependantsOf.all(id)) if (!deleting.has(dependant)) dependants.add(dependant);
      if (dependants.size > 0) {
        const decoded = this.#decodeBodies([...dependants]);
        for (const [id, bodies] of decoded) makeKeyframe.run(asKeyframe(bodies.requestUtf8).bytes, id);
      }
      let removed = 0;
      for (const id of ids) {
        this.#written.delete(id);
        this.#read.delete(id);
        const row = searchRowidOf.get(id);
        if (row === undefined) continue;
        deleteBody.run(id);
        if (row.search_rowid !== null) deleteSearch.run(row.search_rowid);
        unflagFunctionCallOnly.run(id);
        deleteClient.run(id);
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
    this.#setEdited = db.transaction((id: string, row: ShareGptRow | null, functionCallOnly: boolean) => {
      if (updateEdited.run(row === null ? null : encodeJson(row), id).changes === 0) return false;
      // The flag follows what would be exported: the edited row, else the derived one. The side
      // table holds only the effective flag, so clearing an edit re-judges the derived row.
      let effective = functionCallOnly;
      if (row === null) {
        const record = this.#withBodies([this.#statement(`SELECT ${fullSelectList} FROM exchanges WHERE id = ?`).get(id) as FullRow])[0]!;
        const derived = derivedShareGptOf(record);
        effective = derived !== null && isFunctionCallOnly(derived);
      }
      if (effective) flagFunctionCallOnly.run(id);
      else unflagFunctionCallOnly.run(id);
      return true;
    });
    const readForDerive = db.prepare<[string], { search_rowid: number | null; edited_sharegpt: Buffer | null }>(
      'SELECT search_rowid, edited_sharegpt FROM exchanges WHERE id = ?',
    );
    const writeDerived = db.prepare(
      'UPDATE exchanges SET sharegpt = ?, converter_version = ?, turn_count = ?, has_tools = ?, response_reasoning = ?, preview = ?, search_text = ?, search_rowid = ? WHERE id = ?',
    );
    this.#updateDerived = db.transaction((id: string, derived: DerivedFields) => {
      const current = readForDerive.get(id);
      if (current === undefined) return false;
      if (current.search_rowid !== null) deleteSearch.run(current.search_rowid);
      // A banded rowid is kept; an old auto-increment one moves to the record's band.
      const keep = current.search_rowid !== null && current.search_rowid >= FIRST_BANDED_ROWID ? current.search_rowid : null;
      let searchRowid: number | null = null;
      if (derived.searchText !== '') {
        if (keep === null) searchRowid = insertSearch(id, derived.searchText);
        else {
          insertSearchAt.run(keep, derived.searchText);
          searchRowid = keep;
        }
      }
      // The derived row is kept only from another converter version (keepsShareGptRow): in
      // exchange_bodies as a delta of the record's own bodies (no other record's row depends on
      // it), or for a record stored before those, in its own column.
      const kept = derived.sharegpt !== null && keepsShareGptRow(derived.converterVersion) ? derived.sharegpt : null;
      const bodies = kept === null ? undefined : this.#decodeBodies([id]).get(id);
      if (kept === null) clearBodyShareGpt.run(id);
      else if (bodies !== undefined) updateBodyShareGpt.run(encodeShareGpt(kept, { request: bodies.requestUtf8, response: bodies.responseUtf8 }), id);
      writeDerived.run(
        kept === null || bodies !== undefined ? null : encodeJson(kept),
        derived.converterVersion,
        derived.turnCount,
        derived.hasTools ? 1 : 0,
        derived.responseReasoning === null ? null : derived.responseReasoning ? 1 : 0,
        derived.preview,
        NO_SEARCH_TEXT,
        searchRowid,
        id,
      );
      // An edited record keeps the edit's flag; otherwise the derived row's flag applies.
      if (current.edited_sharegpt === null) {
        if (derived.functionCallOnly) flagFunctionCallOnly.run(id);
        else unflagFunctionCallOnly.run(id);
      }
      return true;
    });
    this.#tokenize = createTokenizer(db);
    const expand = createPrefixExpander(db);
    this.#searchQuery = (text) => toFts5Query(this.#tokenize(text), expand);
  }

  async migrate(): Promise<void> {
    applyMigrations(this.#db);
  }

  async insertBatch(records: readonly ExchangeRecord[]): Promise<void> {
    if (records.length === 0) return;
    // Compress before taking the write lock: other writers wait only for the inserts themselves.
    const bodies = this.#encode(records);
    // IMMEDIATE: take the write lock up front (waiting busy_timeout), instead of failing on the
    // read-to-write upgrade a deferred transaction would attempt after its first SELECT.
    this.#insertTransaction.immediate(records, bodies);
  }

  async get(id: string): Promise<StoredExchange | null> {
    return this.#snapshot(() => {
      const row = this.#statement(`SELECT ${fullSelectList} FROM exchanges WHERE id = ?`).get(id) as FullRow | undefined;
      return row === undefined ? null : this.#withBodies([row])[0]!;
    });
  }

  async getMany(ids: readonly string[]): Promise<Map<string, StoredExchange>> {
    const wanted = [...new Set(ids)];
    if (wanted.length === 0) return new Map();
    return this.#snapshot(() => {
      const rows = this.#statement(`SELECT ${fullSelectList} FROM exchanges WHERE id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(wanted)) as FullRow[];
      return new Map(this.#withBodies(rows).map((record) => [record.id, record]));
    });
  }

  async list(filter: ListFilter, options: ListOptions): Promise<ListPage> {
    return this.#snapshot(() => {
      const page = this.#page(filter, options, fullSelectList, (row) => row as FullRow);
      return { ...page, items: this.#withBodies(page.items) };
    });
  }

  async listSummaries(filter: ListFilter, options: ListOptions): Promise<ListPage<ExchangeSummary>> {
    return this.#page(
      filter,
      options,
      summarySelectList,
      (row) => summaryFromRow(row as SummaryRow),
    );
  }

  async listLinks(filter: ListFilter, options: { after?: string; limit: number }): Promise<RecordLink[]> {
    const condition = filterToSql(filter, this.#searchQuery);
    const rows = this.#statement(
      `SELECT id, model, parent_id, thread_id, converter_version, response_reasoning FROM exchanges WHERE ${condition.where} AND id > ? ORDER BY id ASC LIMIT ?`,
    ).all(...condition.params, options.after ?? '', Math.max(1, Math.floor(options.limit))) as LinkRow[];
    return rows.map((row) => ({
      id: row.id,
      model: row.model,
      parentId: row.parent_id,
      threadId: row.thread_id,
      converterVersion: row.converter_version,
      ...(row.response_reasoning !== null ? { responseReasoning: row.response_reasoning === 1 } : {}),
    }));
  }

  async *iterate(filter: ListFilter, batchSize: number): AsyncIterable<StoredExchange> {
    const size = Math.max(1, Math.floor(batchSize));
    const condition = filterToSql(filter, this.#searchQuery);
    const statement = this.#statement(
      `SELECT ${fullSelectList} FROM exchanges WHERE ${condition.where} AND id > ? ORDER BY id ASC LIMIT ?`,
    );
    let after = '';
    for (;;) {
      // One short read per batch: no statement stays open across the consumer's awaits.
      const rows = statement.all(...condition.params, after, size) as FullRow[];
      const records = this.#snapshot(() => this.#withBodies(rows));
      for (const record of records) yield record;
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
    const condition = filterToSql(filter, this.#searchQuery);
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

  async setEditedShareGpt(id: string, row: StoredExchange['editedSharegpt'], functionCallOnly: boolean): Promise<boolean> {
    return this.#setEdited(id, row, functionCallOnly);
  }

  async updateDerived(id: string, derived: DerivedFields): Promise<boolean> {
    return this.#updateDerived(id, derived);
  }

  async delete(ids: readonly string[]): Promise<number> {
    return this.#deleteMany(ids);
  }

  async deleteWhere(filter: ListFilter): Promise<number> {
    return this.#deleteWhere.immediate(filterToSql(filter, this.#searchQuery));
  }

  async count(filter: ListFilter = {}): Promise<number> {
    const rollup = rollupFilter(filter);
    if (rollup === null) return this.#countRows(filter);
    // One read snapshot for both reads, so a write between them cannot be counted twice or missed.
    return this.#snapshot(() => {
      const total = this.#statement(`SELECT COALESCE(SUM(requests), 0) FROM ${rollup.table} WHERE ${rollup.where}`)
        .pluck()
        .get(...rollup.params) as number;
      if (filter.throughId === undefined) return total;
      // The rollups count every id; take off the few matching records newer than throughId (it is
      // normally the newest id the user saw: a short range scan of the primary key).
      const { throughId, ...rest } = filter;
      const condition = filterToSql(rest, this.#searchQuery);
      const newer = this.#statement(`SELECT COUNT(*) FROM exchanges WHERE ${condition.where} AND id > ?`)
        .pluck()
        .get(...condition.params, throughId) as number;
      return total - newer;
    });
  }

  async countUpTo(filter: ListFilter, cap: number): Promise<{ count: number; capped: boolean }> {
    const limit = Math.max(0, Math.floor(cap));
    if (rollupFilter(filter) !== null) {
      const count = await this.count(filter);
      return { count, capped: false };
    }
    let counted: number;
    if (hasSearch(filter)) {
      const { search, ...rest } = filter;
      const query = this.#searchQuery(search ?? '');
      if (query === null) return { count: 0, capped: false };
      const { throughId, ...others } = rest;
      if (Object.values(others).every((value) => value === undefined) && this.#searchRowidsBanded()) {
        counted = this.#countSearchOnly(query, throughId, limit + 1);
      } else {
        // Joined from the index (as #searchPage), so counting stops at the cap instead of first
        // collecting every match.
        const condition = filterToSql(rest, this.#searchQuery);
        counted = this.#statement(
          `SELECT COUNT(*) FROM (SELECT 1 FROM exchanges_fts JOIN exchanges ON exchanges.search_rowid = exchanges_fts.rowid
          WHERE exchanges_fts MATCH ? AND ${condition.where} LIMIT ?)`,
        )
          .pluck()
          .get(query, ...condition.params, limit + 1) as number;
      }
    } else {
      const condition = filterToSql(filter, this.#searchQuery);
      counted = this.#statement(`SELECT COUNT(*) FROM (SELECT 1 FROM exchanges WHERE ${condition.where} LIMIT ?)`)
        .pluck()
        .get(...condition.params, limit + 1) as number;
    }
    return counted > limit ? { count: limit, capped: true } : { count: counted, capped: false };
  }

  async countThreads(filter: ListFilter = {}): Promise<number> {
    const condition = filterToSql(filter, this.#searchQuery);
    const row = this.#statement(`SELECT COUNT(DISTINCT thread_id) AS n FROM exchanges WHERE ${condition.where}`).get(
      ...condition.params,
    ) as { n: number };
    return row.n;
  }

  async stats(): Promise<StoreStats> {
    const rows = this.#statement('SELECT review_state, SUM(requests) AS n FROM exchange_totals GROUP BY review_state').all() as Array<{
      review_state: ReviewState;
      n: number;
    }>;
    const byReviewState: Record<ReviewState, number> = { pending: 0, confirmed: 0, rejected: 0 };
    for (const row of rows) byReviewState[row.review_state] = row.n;
    return { records: rows.reduce((sum, row) => sum + row.n, 0), byReviewState };
  }

  async aggregate(filter: ListFilter, options: AggregateOptions): Promise<StoreAggregates> {
    const rollup = rollupFilter(filter);
    if (rollup !== null && filter.throughId === undefined) return this.#snapshot(() => this.#aggregateRollups(filter, rollup, options));
    return this.#aggregateRows(filter, options);
  }

  /** As aggregate, from exchange_rollups (and latency_counts over everything); see rollup-filter.ts. */
  #aggregateRollups(filter: ListFilter, rollup: RollupCondition, options: AggregateOptions): StoreAggregates {
    const where = `WHERE ${rollup.where}`;
    const groupColumns =
      'SUM(requests) AS requests, SUM(errors) AS errors, SUM(input_tokens) AS inputTokens, SUM(output_tokens) AS outputTokens';
    const totals = this.#statement(
      `SELECT COALESCE(SUM(requests), 0) AS requests, COALESCE(SUM(errors), 0) AS errors,
        COALESCE(SUM(input_tokens), 0) AS inputTokens, COALESCE(SUM(output_tokens), 0) AS outputTokens,
        COALESCE(SUM(CASE WHEN review_state = 'pending' THEN requests END), 0) AS pending,
        COALESCE(SUM(CASE WHEN review_state = 'confirmed' THEN requests END), 0) AS confirmed,
        COALESCE(SUM(CASE WHEN review_state = 'rejected' THEN requests END), 0) AS rejected,
        COALESCE(SUM(reasoning_tokens), 0) AS reasoningTokens,
        COALESCE(SUM(cached_input_tokens), 0) AS cachedInputTokens,
        COALESCE(SUM(total_tokens), 0) AS totalTokens
      FROM ${rollup.table} ${where}`,
    ).get(...rollup.params) as AggregateTotals;
    const bucketMs = Math.max(1_000, Math.floor(options.bucketMs));
    const offsetMs = Math.floor(options.offsetMs ?? 0);
    // Whole-hour buckets at a whole-hour offset are unions of rollup buckets; others (a 5-minute
    // chart, a UTC+5:30 day) are counted from the records.
    const overTime =
      bucketMs % ROLLUP_BUCKET_MS === 0 && offsetMs % ROLLUP_BUCKET_MS === 0
        ? (this.#statement(
            `SELECT CAST((bucket_start + ?) / ? AS INTEGER) * ? - ? AS start, ${groupColumns}
            FROM exchange_rollups ${where} GROUP BY 1 ORDER BY 1`,
          ).all(offsetMs, bucketMs, bucketMs, offsetMs, ...rollup.params) as TimeBucket[])
        : this.#overTimeRows(filterToSql(filter, this.#searchQuery), bucketMs, offsetMs);
    const topN = Math.max(1, Math.floor(options.topN ?? 20));
    const groupBy = (column: 'model' | 'domain'): KeyedGroup[] =>
      this.#statement(
        // '' is a rollup's "no model": it sorts where NULL sorts, first among equal counts.
        `SELECT ${column === 'model' ? "NULLIF(model, '')" : column} AS key, ${groupColumns} FROM ${rollup.table} ${where}
        GROUP BY ${column} ORDER BY requests DESC, ${column} LIMIT ?`,
      ).all(...rollup.params, topN) as KeyedGroup[];
    const everything = rollup.params.length === 0;
    const condition = everything ? null : filterToSql(filter, this.#searchQuery);
    return {
      ...aggregateFromTotals(totals),
      overTime,
      byModel: groupBy('model'),
      byDomain: groupBy('domain'),
      durationMs: condition === null ? this.#percentilesFromCounts('duration_ms') : this.#percentiles('duration_ms', condition),
      ttfbMs: condition === null ? this.#percentilesFromCounts('ttfb_ms') : this.#percentiles('ttfb_ms', condition),
    };
  }

  /** Nearest-rank percentiles over every record, from latency_counts: one pass over the distinct values. */
  #percentilesFromCounts(metric: 'duration_ms' | 'ttfb_ms'): Percentiles {
    const count = this.#statement('SELECT COALESCE(SUM(count), 0) FROM latency_counts WHERE metric = ?').pluck().get(metric) as number;
    if (count === 0) return { p50: null, p90: null, p95: null, p99: null, max: null };
    const ranks = PERCENTILES.map((fraction) => Math.max(1, Math.ceil(fraction * count)));
    const row = this.#statement(
      `SELECT ${ranks.map((_, index) => `MIN(CASE WHEN cumulative >= ? THEN value END) AS p${index}`).join(', ')}
      FROM (SELECT value, SUM(count) OVER (ORDER BY value) AS cumulative FROM latency_counts WHERE metric = ?)`,
    ).get(...ranks, metric) as Record<string, number | null>;
    return { p50: row['p0'] ?? null, p90: row['p1'] ?? null, p95: row['p2'] ?? null, p99: row['p3'] ?? null, max: row['p4'] ?? null };
  }

  #overTimeRows(condition: SqlCondition, bucketMs: number, offsetMs: number): TimeBucket[] {
    return this.#statement(
      `SELECT CAST((started_at + ?) / ? AS INTEGER) * ? - ? AS start, ${ROW_GROUP_COLUMNS}
      FROM exchanges WHERE ${condition.where} GROUP BY 1 ORDER BY 1`,
    ).all(offsetMs, bucketMs, bucketMs, offsetMs, ...condition.params) as TimeBucket[];
  }

  /** As aggregate, counted from the records themselves (filters the rollups cannot answer). */
  #aggregateRows(filter: ListFilter, options: AggregateOptions): StoreAggregates {
    const condition = filterToSql(filter, this.#searchQuery);
    const where = `WHERE ${condition.where}`;
    const groupColumns = ROW_GROUP_COLUMNS;
    const totals = this.#statement(
      `SELECT ${groupColumns},
        COALESCE(SUM(review_state = 'pending'), 0) AS pending,
        COALESCE(SUM(review_state = 'confirmed'), 0) AS confirmed,
        COALESCE(SUM(review_state = 'rejected'), 0) AS rejected,
        COALESCE(SUM(reasoning_tokens), 0) AS reasoningTokens,
        COALESCE(SUM(cached_input_tokens), 0) AS cachedInputTokens,
        COALESCE(SUM(total_tokens), 0) AS totalTokens
      FROM exchanges ${where}`,
    ).get(...condition.params) as AggregateTotals;
    const bucketMs = Math.max(1_000, Math.floor(options.bucketMs));
    const offsetMs = Math.floor(options.offsetMs ?? 0);
    const overTime = this.#overTimeRows(condition, bucketMs, offsetMs);
    const topN = Math.max(1, Math.floor(options.topN ?? 20));
    const groupBy = (column: 'model' | 'domain'): KeyedGroup[] =>
      this.#statement(
        `SELECT ${column} AS key, ${groupColumns} FROM exchanges ${where} GROUP BY ${column} ORDER BY requests DESC, key LIMIT ?`,
      ).all(...condition.params, topN) as KeyedGroup[];
    return {
      ...aggregateFromTotals(totals),
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
        `SELECT ${column} AS value, SUM(requests) AS count FROM exchange_totals WHERE ${column} <> '' GROUP BY ${column} ORDER BY count DESC, value LIMIT 500`,
      ).all() as StoreFacets['models'];
    const clients = this.#statement(
      'SELECT client AS value, COUNT(*) AS count FROM exchange_clients WHERE client IS NOT NULL GROUP BY client ORDER BY count DESC, value LIMIT 500',
    ).all() as StoreFacets['models'];
    return { models: of('model'), domains: of('domain'), clients };
  }

  async scanQueue(options: { before?: string; after?: string; window: number; scannerVersion: string }): Promise<ScanQueuePage> {
    return this.#scans.scanQueue(options);
  }

  async saveScans(scans: readonly RecordScan[], now: number): Promise<void> {
    this.#scans.saveScans(scans, now);
  }

  async scansOf(ids: readonly string[]): Promise<Map<string, ScanSummary>> {
    return this.#scans.scansOf(ids);
  }

  async nearDuplicateCandidates(id: string, limit: number) {
    return this.#scans.nearDuplicateCandidates(id, limit);
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
    if (hasSearch(filter) && options.order !== 'asc' && this.#searchRowidsBanded()) {
      return this.#searchPage(filter, options, selectList, fromRow);
    }
    const limit = Math.max(1, Math.floor(options.limit));
    const condition = filterToSql(filter, this.#searchQuery);
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

  /**
   * A newest-first page of a full-text search that stops early: walks the index from the newest
   * rowid down, joined to the records, until it holds a page and has finished the millisecond
   * band it is in, then orders that by id (search-rowid.ts says why this is exact).
   */
  #searchPage<T>(filter: ListFilter, options: ListOptions, selectList: string, fromRow: (row: unknown) => T): ListPage<T> {
    const limit = Math.max(1, Math.floor(options.limit));
    const { search, ...rest } = filter;
    const query = this.#searchQuery(search ?? '');
    if (query === null) return { items: [], nextCursor: null };
    const condition = filterToSql(rest, this.#searchQuery);
    const before = options.before;
    const cursor = before === undefined ? '' : 'AND exchanges.id < ?';
    const cursorParams = before === undefined ? [] : [before];
    const from = `FROM exchanges_fts JOIN exchanges ON exchanges.search_rowid = exchanges_fts.rowid
      WHERE exchanges_fts MATCH ? AND exchanges_fts.rowid < ? AND ${condition.where} ${cursor}`;
    const chunkStatement = this.#statement(
      `SELECT exchanges_fts.rowid AS search_position, ${selectList} ${from} ORDER BY exchanges_fts.rowid DESC LIMIT ?`,
    );
    const want = limit + 1;
    const rows: Array<{ id: string; search_position: number }> = [];
    const below = before === undefined ? Number.MAX_SAFE_INTEGER : bandStart(before) + BAND;
    // A page's worth first (more, doubling, when the rest of the filter rejects matches), then the
    // rest of the millisecond band the page ended in.
    const page = walkNewestFirst(
      (upper, count) => chunkStatement.all(query, upper, ...condition.params, ...cursorParams, count) as typeof rows,
      below,
      want,
      want,
    );
    rows.push(...page.rows);
    if (page.rows.length >= want && page.more) {
      const last = page.rows[page.rows.length - 1]!.search_position;
      rows.push(...walkBand((upper, count) => chunkStatement.all(query, upper, ...condition.params, ...cursorParams, count) as typeof rows, last));
    }
    rows.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    const items = rows.slice(0, limit);
    return { items: items.map(fromRow), nextCursor: rows.length > limit ? items[items.length - 1]!.id : null };
  }

  /**
   * Matches of a search alone (up to `limit`), read from the index without touching the records:
   * every entry belongs to a stored record, and a bound on ids is a bound on rowids except inside
   * the bound's own millisecond band (search-rowid.ts), which is checked against the records.
   */
  #countSearchOnly(query: string, throughId: string | undefined, limit: number): number {
    const below = throughId === undefined ? Number.MAX_SAFE_INTEGER : bandStart(throughId);
    const earlier = this.#statement('SELECT COUNT(*) FROM (SELECT 1 FROM exchanges_fts WHERE exchanges_fts MATCH ? AND rowid < ? LIMIT ?)')
      .pluck()
      .get(query, below, limit) as number;
    if (throughId === undefined || earlier >= limit) return earlier;
    const inBandStatement = this.#statement(
      `SELECT exchanges_fts.rowid AS search_position, exchanges.id AS id FROM exchanges_fts JOIN exchanges ON exchanges.search_rowid = exchanges_fts.rowid
      WHERE exchanges_fts MATCH ? AND exchanges_fts.rowid < ? ORDER BY exchanges_fts.rowid DESC LIMIT ?`,
    );
    const inBand = walkBand(
      (upper, count) => inBandStatement.all(query, upper, count) as Array<{ id: string; search_position: number }>,
      below,
      below + BAND,
    ).filter((row) => row.id <= throughId).length;
    return Math.min(limit, earlier + inBand);
  }

  /** False while records indexed before search-rowid.ts's scheme remain (until `rebuild`). */
  #searchRowidsBanded(): boolean {
    const lowest = this.#statement('SELECT MIN(search_rowid) FROM exchanges').pluck().get() as number | null;
    return lowest === null || lowest >= FIRST_BANDED_ROWID;
  }

  #countRows(filter: ListFilter): number {
    const condition = filterToSql(filter, this.#searchQuery);
    return this.#statement(`SELECT COUNT(*) FROM exchanges WHERE ${condition.where}`).pluck().get(...condition.params) as number;
  }

  /** Runs reads in one transaction: they see one snapshot of the database (WAL). */
  #snapshot<T>(read: () => T): T {
    if (this.#db.inTransaction) return read();
    return this.#db.transaction(read).deferred();
  }

  /**
   * Encodes a batch's bodies (record-bodies.ts), each request against its parent's: from the
   * bodies this store wrote last, else read here (a record whose parent another process wrote,
   * or one written before a restart). Runs before the write transaction.
   */
  #encode(records: readonly ExchangeRecord[]): EncodedBodies[] {
    const readBases = new Map<string, RequestBase>();
    for (const record of basesToRead(records, this.#written)) {
      const parent = this.#findParent(record.parentKey!, record.id);
      if (parent === undefined) continue;
      try {
        const bodies = this.#decodeBodies([parent.id]).get(parent.id);
        if (bodies !== undefined) readBases.set(record.id, { id: parent.id, depth: bodies.depth, request: bodies.requestUtf8 });
      } catch {
        // A base that cannot be read (deleted meanwhile) only costs the delta: store the body whole.
      }
    }
    return encodeBatch(records, this.#written, readBases).map((encoded, index) => ({
      ...encoded,
      preview: records[index]!.preview,
      functionCallOnly: records[index]!.functionCallOnly,
    }));
  }

  /** Decoded bodies of the ids stored in exchange_bodies (older records have none: their bodies are in `exchanges`). */
  #decodeBodies(ids: readonly string[]): Map<string, DecodedRecordBodies> {
    return decodeRowsSync(ids, this.#read, (wanted) =>
      (wanted.chains ? this.#readChains : this.#readBodyRows).all(JSON.stringify(wanted.ids)).map(bodyRowOf),
    );
  }

  /** Full rows with their bodies: from exchange_bodies when the row's own body columns are empty (migration 7). */
  #withBodies(rows: readonly FullRow[]): StoredExchange[] {
    const elsewhere = rows.filter((row) => row.request_body.length === 0).map((row) => row.id);
    const bodies = elsewhere.length === 0 ? new Map<string, DecodedRecordBodies>() : this.#decodeBodies(elsewhere);
    return rows.map((row) => exchangeFromRow(row, bodies.get(row.id)));
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

type SearchRow = { id: string; search_position: number };
type NewestFirst<T extends SearchRow> = (upper: number, count: number) => T[];

/**
 * Index entries below `upper`, newest first, until `want` of them passed the query's filter,
 * reading chunks that double from `first`. FTS5 walks a term's entries from the newest cheaply
 * with an upper bound and a LIMIT; a range with a lower bound too (`rowid >= ? AND rowid < ?`)
 * made it seek through every segment's entries for the term, which grew with the index (14-35 ms
 * at 300,000 records for a common word, three times per list request).
 */
function walkNewestFirst<T extends SearchRow>(read: NewestFirst<T>, upper: number, want: number, first: number): { rows: T[]; more: boolean } {
  const rows: T[] = [];
  for (let chunk = first, below = upper; ; chunk = Math.min(chunk * 2, 4_096)) {
    const got = read(below, chunk);
    rows.push(...got);
    if (got.length < chunk) return { rows, more: false };
    below = got[got.length - 1]!.search_position;
    if (rows.length >= want) return { rows, more: true };
  }
}

/**
 * The entries of `position`'s millisecond band below `upper` (default: below `position` itself),
 * newest first: read in small chunks downwards until one reaches below the band's start.
 */
function walkBand<T extends SearchRow>(read: NewestFirst<T>, position: number, upper = position): T[] {
  const floor = Math.floor(position / BAND) * BAND;
  const rows: T[] = [];
  for (let chunk = 16, below = upper; ; chunk = Math.min(chunk * 2, 4_096)) {
    const got = read(below, chunk);
    for (const row of got) {
      if (row.search_position < floor) return rows;
      rows.push(row);
    }
    if (got.length < chunk) return rows;
    below = got[got.length - 1]!.search_position;
  }
}
