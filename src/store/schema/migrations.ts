// The SQLite schema as an ordered list of migrations. The store applies, in order and each in its
// own transaction, every migration whose version is not yet in `schema_migrations`. PostgreSQL has
// its own list (postgres/schema.ts: its types, search and triggers differ); the two share the
// rollup bucket width (ROLLUP_BUCKET_MS) and the layout ideas, and each DDL statement has one home.
//
// Never edit a migration that has shipped: add a new one.

export type DialectName = 'sqlite';

export interface Dialect {
  name: DialectName;
  /** Column type for ids (ULIDs): compared bytewise, so keyset pagination matches JS string order. */
  id: string;
  /** Column type for compressed bodies (see body-codec.ts). */
  bytes: string;
  /** Column type for flags: SQLite stores 0/1. */
  boolean: string;
  /** Extra `exchanges` columns that full-text search needs (comma-free list, one per entry). */
  searchColumns: readonly string[];
  /** Statements, run after `exchanges` exists, that create the full-text index. */
  searchStatements: readonly string[];
  /**
   * A row trigger on `exchanges` running `body` (statements using NEW / OLD, each ending in `;`).
   * `when` is an optional condition on NEW / OLD.
   */
  rowTrigger(name: string, event: 'DELETE' | 'UPDATE OF review_state', when: string | null, body: string): string[];
}

/**
 * The SQLite FTS5 tokenizer: words are runs of letters and digits, matched case- and
 * diacritic-insensitively. The store tokenizes search input with the same definition.
 */
export const SQLITE_FTS_TOKENIZE = "unicode61 remove_diacritics 2";

export const dialects: Readonly<Record<DialectName, Dialect>> = {
  sqlite: {
    name: 'sqlite',
    id: 'TEXT', // SQLite's default BINARY collation is bytewise already
    bytes: 'BLOB',
    boolean: 'INTEGER',
    // A contentless FTS5 index (the `search_text` column is left empty: see exchange-row.ts). Its rowid is
    // recorded in `search_rowid` because the implicit rowid of `exchanges` may change on VACUUM.
    // detail=none keeps only which rows hold a term (no positions): about a third of the size and
    // a third less insert time than detail=full (measured); we only need "all terms occur".
    searchColumns: ['search_rowid INTEGER'],
    rowTrigger: (name, event, when, body) => [
      `CREATE TRIGGER ${name} AFTER ${event} ON exchanges FOR EACH ROW ${when === null ? '' : `WHEN ${when} `}BEGIN ${body} END`,
    ],
    searchStatements: [
      'CREATE UNIQUE INDEX exchanges_search_rowid ON exchanges (search_rowid)',
      `CREATE VIRTUAL TABLE exchanges_fts USING fts5(search_text, content='', contentless_delete=1, detail=none, tokenize='${SQLITE_FTS_TOKENIZE}')`,
    ],
  },
};

export interface Migration {
  version: number;
  name: string;
  statements(dialect: Dialect): string[];
  /**
   * Columns added to an existing table, after `statements`; each is added only when the table
   * lacks it (SQLite has no ADD COLUMN IF NOT EXISTS, and tests roll a database back to an older
   * version and migrate it again).
   */
  addedColumns?(dialect: Dialect): AddedColumn[];
}

export interface AddedColumn {
  table: string;
  column: string;
  /** The column's type and constraints, as ALTER TABLE ... ADD COLUMN takes them. */
  definition: string;
}

export const createMigrationsTableSql =
  'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)';

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'create exchanges',
    statements: (dialect) => [
      // Small columns first, bodies last: SQLite reads a row's columns in order, so listing
      // never touches the overflow pages that hold the bodies.
      `CREATE TABLE exchanges (
        id ${dialect.id} PRIMARY KEY,
        started_at BIGINT NOT NULL,
        domain TEXT NOT NULL,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        api_kind TEXT NOT NULL,
        wire_format TEXT NOT NULL,
        model TEXT,
        upstream_provider TEXT,
        streamed ${dialect.boolean} NOT NULL,
        status INTEGER NOT NULL,
        duration_ms BIGINT NOT NULL,
        ttfb_ms BIGINT,
        input_tokens BIGINT,
        output_tokens BIGINT,
        total_tokens BIGINT,
        reasoning_tokens BIGINT,
        cached_input_tokens BIGINT,
        error_class TEXT,
        error_message TEXT,
        incomplete ${dialect.boolean} NOT NULL,
        request_is_json ${dialect.boolean} NOT NULL,
        converter_version INTEGER NOT NULL,
        parent_key TEXT,
        self_key TEXT,
        parent_id ${dialect.id},
        thread_id ${dialect.id} NOT NULL,
        turn_count INTEGER NOT NULL,
        has_tools ${dialect.boolean} NOT NULL,
        review_state TEXT NOT NULL DEFAULT 'pending' CHECK (review_state IN ('pending', 'confirmed', 'rejected')),
        reviewed_at BIGINT,
        preview TEXT NOT NULL,
        ${dialect.searchColumns.map((column) => `${column},`).join('\n        ')}
        request_body ${dialect.bytes} NOT NULL,
        response_body ${dialect.bytes} NOT NULL,
        sharegpt ${dialect.bytes},
        edited_sharegpt ${dialect.bytes},
        search_text ${dialect.bytes} NOT NULL
      )`,
      // (column, id) pairs: a filter plus keyset pagination by id is one index range scan.
      'CREATE INDEX exchanges_started_at ON exchanges (started_at, id)',
      'CREATE INDEX exchanges_review_state ON exchanges (review_state, id)',
      'CREATE INDEX exchanges_model ON exchanges (model, id)',
      'CREATE INDEX exchanges_domain ON exchanges (domain, id)',
      // Thread linking looks up the latest record with a given self_key.
      'CREATE INDEX exchanges_self_key ON exchanges (self_key, id)',
      'CREATE INDEX exchanges_thread_id ON exchanges (thread_id, id)',
      ...dialect.searchStatements,
    ],
  },
  {
    version: 2,
    name: 'function-call-only flag',
    // A side table holding the ids of function-call-only records (store/is-function-call-only.ts),
    // not a column: ALTER TABLE ADD COLUMN appends after the bodies, and reading such a column
    // walks each body's overflow pages, which would make listing and filtering slow. A backend
    // fills it for the records already stored when it applies this migration, in the same
    // transaction (the SQLite store's dataMigrations).
    statements: (dialect) => [`CREATE TABLE function_call_only_exchanges (id ${dialect.id} PRIMARY KEY)`],
  },
  {
    version: 3,
    name: 'rollups for stats, facets and totals',
    statements: rollupStatements,
  },
  {
    version: 4,
    name: 'best record of a thread',
    // ListFilter.bestOfThread asks, for each record, whether its thread holds a better one: this
    // index answers that from its entries (rank = complete, turns, id), without reading rows.
    statements: () => [
      'CREATE INDEX exchanges_thread_best ON exchanges (thread_id, (error_class IS NULL AND NOT incomplete), turn_count, id)',
    ],
  },
  {
    version: 5,
    name: 'review annotations',
    // A reviewer's note, tags and 1-5 rating per record (Store.setAnnotation), in side tables: the
    // `exchanges` row (and its select lists) stays as it is, and a tag filter is an index lookup.
    // A record's annotation and tags are removed with it.
    statements: (dialect) => [
      `CREATE TABLE annotations (
        exchange_id ${dialect.id} PRIMARY KEY,
        note TEXT NOT NULL,
        rating INTEGER CHECK (rating IS NULL OR (rating BETWEEN 1 AND 5)),
        updated_at BIGINT NOT NULL
      )`,
      `CREATE TABLE annotation_tags (
        exchange_id ${dialect.id} NOT NULL,
        tag TEXT NOT NULL,
        PRIMARY KEY (exchange_id, tag)
      )`,
      'CREATE INDEX annotation_tags_tag ON annotation_tags (tag, exchange_id)',
    ],
  },
  {
    version: 6,
    name: 'client and side-call marks',
    // Which program sent each request (capture/detect-client.ts) and whether it is an agent's side
    // call (capture/detect-side-call.ts); a side table for the reason migration 2 gives. Only
    // records with a known client or a side call have a row. Older records have none: their
    // headers were not kept.
    statements: (dialect) => [
      `CREATE TABLE exchange_clients (id ${dialect.id} PRIMARY KEY, client TEXT, client_version TEXT, side_call TEXT)`,
      'CREATE INDEX exchange_clients_client ON exchange_clients (client, id)',
    ],
  },
  {
    version: 7,
    name: 'bodies apart, stored against their parent',
    // Bodies in a side table, so scans of `exchanges` never read them, stored by
    // store/record-bodies.ts: a request body as a splice of its base's (`base_id`, normally the
    // thread parent; `chain_depth` bounds the chain), the ShareGPT row as a delta of the record's
    // own bodies. Records stored before keep their bodies in the old `exchanges` columns and are
    // read from there: nothing is moved, so the migration is instant on a large database. New
    // records leave those columns empty.
    statements: (dialect) => [
      // IF NOT EXISTS: tests roll a database back to an earlier version and migrate it again.
      `CREATE TABLE IF NOT EXISTS exchange_bodies (
        exchange_id ${dialect.id} PRIMARY KEY,
        base_id ${dialect.id},
        chain_depth INTEGER NOT NULL,
        request_bytes ${dialect.bytes} NOT NULL,
        response_bytes ${dialect.bytes} NOT NULL,
        sharegpt_bytes ${dialect.bytes}
      )`,
      // Deleting a base finds its dependants (re-encoded before it goes).
      'CREATE INDEX IF NOT EXISTS exchange_bodies_base ON exchange_bodies (base_id) WHERE base_id IS NOT NULL',
    ],
  },
  {
    version: 8,
    name: 'privacy findings and MinHash bands',
    // What the background scan (privacy/scan-records.ts) found in each record, in side tables for
    // the reason migration 2 gives: counts per kind (never values) for the list's marks and its
    // findings filter, the MinHash signature and its LSH band keys for a record's near-duplicates.
    // Partial indexes make the rare filters (secrets, personal, any) a short index read. Triggers
    // (SQLite syntax: this list is applied by the SQLite store) remove a scan with its record, and
    // when its row changes (an edit, a rebuild), so it is scanned again.
    statements: (dialect) => [
      `CREATE TABLE exchange_findings (
        id ${dialect.id} PRIMARY KEY,
        secrets INTEGER NOT NULL,
        personal INTEGER NOT NULL,
        kinds TEXT NOT NULL,
        scanner_version TEXT NOT NULL,
        signature ${dialect.bytes},
        scanned_at BIGINT NOT NULL
      )`,
      'CREATE INDEX exchange_findings_secrets ON exchange_findings (id) WHERE secrets > 0',
      'CREATE INDEX exchange_findings_personal ON exchange_findings (id) WHERE personal > 0',
      'CREATE INDEX exchange_findings_any ON exchange_findings (id) WHERE secrets > 0 OR personal > 0',
      `CREATE TABLE exchange_minhash_bands (band_key BIGINT NOT NULL, id ${dialect.id} NOT NULL, PRIMARY KEY (band_key, id)) WITHOUT ROWID`,
      'CREATE INDEX exchange_minhash_bands_id ON exchange_minhash_bands (id)',
      `CREATE TRIGGER exchange_findings_on_delete AFTER DELETE ON exchanges BEGIN
        DELETE FROM exchange_findings WHERE id = OLD.id;
        DELETE FROM exchange_minhash_bands WHERE id = OLD.id;
      END`,
      `CREATE TRIGGER exchange_findings_on_row_change AFTER UPDATE OF sharegpt, edited_sharegpt ON exchanges BEGIN
        DELETE FROM exchange_findings WHERE id = NEW.id;
        DELETE FROM exchange_minhash_bands WHERE id = NEW.id;
      END`,
    ],
  },
  {
    version: 9,
    name: 'children of a record',
    // ListFilter.threadLeaves asks, for each record, whether a record continues it (parent_id).
    // IF NOT EXISTS: a database rolled back to an older version by hand may still hold it.
    statements: () => ['CREATE INDEX IF NOT EXISTS exchanges_parent_id ON exchanges (parent_id, id)'],
  },
  {
    version: 10,
    name: 'response reasoning flag',
    // ExchangeRecord.responseReasoning: whether the final answer carries reasoning, so the export
    // reads only the ancestors that can give a thread's missing reasoning. NULL (unknown) for the
    // records stored before: instant on a large database. A column after the bodies, unlike
    // migrations 2 and 6, and still cheap to read: rows written since migration 7 have empty
    // body columns, and for the older rows (bodies in the row) NULL, 0 and 1 are serial types
    // 0, 8 and 9, whose value the record header alone holds
    // (https://www.sqlite.org/fileformat2.html#record_format), so SQLite reads no overflow page
    // for it; a row stored before the column existed has a shorter header, read as NULL.
    statements: () => [],
    addedColumns: (dialect) => [{ table: 'exchanges', column: 'response_reasoning', definition: dialect.boolean }],
  },
  {
    version: 11,
    name: 'compact near-duplicate bands',
    // Migration 8's band table keyed each of 32 bands by the record's 26-character id, in two
    // trees (the key and the id index): about 3.9 KB per scanned record, more than the record
    // itself. A scan now has a stable integer key (`rid`, an INTEGER PRIMARY KEY, kept by VACUUM
    // and by the upsert of a rescan), its bands are keyed by it and by a 32-bit band hash, and
    // fewer are stored (privacy/scan-record.ts STORED_BANDS). The scans are dropped: the scanner's
    // version changed with the layout, so every record is scanned again anyway.
    statements: (dialect) => [
      'DROP TRIGGER IF EXISTS exchange_findings_on_delete',
      'DROP TRIGGER IF EXISTS exchange_findings_on_row_change',
      'DROP TABLE IF EXISTS exchange_minhash_bands',
      'DROP TABLE IF EXISTS exchange_findings',
      // (and the tables of this migration: tests roll a database back to an earlier version and migrate it again)
      'DROP TABLE IF EXISTS exchange_near_bands',
      `CREATE TABLE exchange_findings (
        rid INTEGER PRIMARY KEY,
        id ${dialect.id} NOT NULL UNIQUE,
        secrets INTEGER NOT NULL,
        personal INTEGER NOT NULL,
        kinds TEXT NOT NULL,
        scanner_version TEXT NOT NULL,
        signature ${dialect.bytes},
        scanned_at BIGINT NOT NULL
      )`,
      'CREATE INDEX exchange_findings_secrets ON exchange_findings (id) WHERE secrets > 0',
      'CREATE INDEX exchange_findings_personal ON exchange_findings (id) WHERE personal > 0',
      'CREATE INDEX exchange_findings_any ON exchange_findings (id) WHERE secrets > 0 OR personal > 0',
      'CREATE TABLE exchange_near_bands (band_key INTEGER NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (band_key, rid)) WITHOUT ROWID',
      'CREATE INDEX exchange_near_bands_rid ON exchange_near_bands (rid)',
      `CREATE TRIGGER exchange_findings_on_delete AFTER DELETE ON exchanges BEGIN
        DELETE FROM exchange_near_bands WHERE rid = (SELECT rid FROM exchange_findings WHERE id = OLD.id);
        DELETE FROM exchange_findings WHERE id = OLD.id;
      END`,
      `CREATE TRIGGER exchange_findings_on_row_change AFTER UPDATE OF sharegpt, edited_sharegpt ON exchanges BEGIN
        DELETE FROM exchange_near_bands WHERE rid = (SELECT rid FROM exchange_findings WHERE id = NEW.id);
        DELETE FROM exchange_findings WHERE id = NEW.id;
      END`,
    ],
  },
  {
    version: 12,
    name: 'one index per thread',
    // exchanges_thread_best (migration 4) starts with thread_id, so it serves every lookup of a
    // thread's records as well (a thread's page is then sorted by id: a few thousand rows at
    // most); the index of migration 1 on (thread_id, id) cost about 70 bytes per record.
    statements: () => ['DROP INDEX IF EXISTS exchanges_thread_id'],
  },
  {
    version: 13,
    name: 'thread keys as bytes',
    // New records keep a hex thread key (parent_key, self_key) as its 16 bytes, a BLOB, not 32
    // characters of TEXT (store/sqlite/thread-key-column.ts): about 45 bytes per record in the row
    // and the exchanges_self_key index. Nothing is converted (the rows stored before keep TEXT and
    // are found in either form); the version is recorded so that an older build, which would read
    // a BLOB key as bytes, refuses the database instead.
    statements: () => [],
  },
  {
    version: 14,
    name: 'function-call-only flags in one tree',
    // Migration 2's table had a rowid: each flag stored its id twice (the table and the index of
    // its primary key), about 50 bytes per record on the bench mix, where two records in three
    // are function-call-only. WITHOUT ROWID keeps the id once, in the primary key's tree
    // (https://www.sqlite.org/withoutrowid.html). The flags are copied: opening the bench's
    // 100k-record database (66,649 flags) took 29 ms with this migration.
    statements: (dialect) => [
      // (IF EXISTS: tests roll a database back to an earlier version and migrate it again)
      'DROP TABLE IF EXISTS function_call_only_exchanges_v14',
      `CREATE TABLE function_call_only_exchanges_v14 (id ${dialect.id} PRIMARY KEY) WITHOUT ROWID`,
      'INSERT INTO function_call_only_exchanges_v14 (id) SELECT id FROM function_call_only_exchanges',
      'DROP TABLE function_call_only_exchanges',
      'ALTER TABLE function_call_only_exchanges_v14 RENAME TO function_call_only_exchanges',
    ],
  },
  {
    version: 15,
    name: 'children index without the records that have no parent',
    // Migration 9's index held an entry for every record, a third of them (chats, a session's
    // first call) with a NULL parent_id that no probe looks for: its only reader, the
    // threadLeaves child probe (`child.parent_id = ...`), can use a partial index on
    // parent_id IS NOT NULL (https://www.sqlite.org/partialindex.html, "Queries Using Partial
    // Indexes"). Rebuilt here: an index build over the records' parent ids.
    statements: () => [
      'DROP INDEX IF EXISTS exchanges_parent_id',
      'CREATE INDEX exchanges_parent_id ON exchanges (parent_id, id) WHERE parent_id IS NOT NULL',
    ],
  },
];

/** Width of a rollup bucket: an hour, so day buckets at any whole-hour UTC offset add up from them. */
export const ROLLUP_BUCKET_MS = 3_600_000;

/** The measures a rollup row sums, as (column, expression over a row of `exchanges`). */
const rollupMeasures = (row: 'NEW' | 'OLD' | 'exchanges'): Array<[string, string]> => [
  ['requests', '1'],
  ['errors', `CASE WHEN ${row}.error_class IS NULL THEN 0 ELSE 1 END`],
  ['input_tokens', `COALESCE(${row}.input_tokens, 0)`],
  ['output_tokens', `COALESCE(${row}.output_tokens, 0)`],
  ['total_tokens', `COALESCE(${row}.total_tokens, 0)`],
  ['reasoning_tokens', `COALESCE(${row}.reasoning_tokens, 0)`],
  ['cached_input_tokens', `COALESCE(${row}.cached_input_tokens, 0)`],
];

/** The two rollup tables: per hour (for time series and time ranges), and over all time (tiny). */
interface RollupTable {
  name: 'exchange_rollups' | 'exchange_totals';
  hourly: boolean;
}
const ROLLUP_TABLES: readonly RollupTable[] = [
  { name: 'exchange_rollups', hourly: true },
  { name: 'exchange_totals', hourly: false },
];

const keyColumnsOf = (table: RollupTable): string[] => [...(table.hourly ? ['bucket_start'] : []), 'model', 'domain', 'api_kind', 'review_state'];

/** The rollup key of a row of `exchanges`: (its hour,) model ('' for none), domain, API kind and review state. */
const rollupKey = (table: RollupTable, row: 'NEW' | 'OLD' | 'exchanges'): string[] => [
  ...(table.hourly ? [`${row}.started_at - ${row}.started_at % ${ROLLUP_BUCKET_MS}`] : []),
  `COALESCE(${row}.model, '')`,
  `${row}.domain`,
  `${row}.api_kind`,
  `${row}.review_state`,
];

/** Column names of the measures, in the order rollupUpsertSql binds them after the key. */
export const ROLLUP_MEASURES = rollupMeasures('exchanges').map(([column]) => column);

/** `INSERT ... ON CONFLICT DO UPDATE` adding `values` (key columns, then ROLLUP_MEASURES) to a rollup row. */
function upsert(table: RollupTable, values: readonly string[]): string {
  const keys = keyColumnsOf(table).join(', ');
  return (
    `INSERT INTO ${table.name} (${keys}, ${ROLLUP_MEASURES.join(', ')}) VALUES (${values.join(', ')}) ` +
    `ON CONFLICT (${keys}) DO UPDATE SET ${ROLLUP_MEASURES.map((column) => `${column} = ${table.name}.${column} + excluded.${column}`).join(', ')}`
  );
}

/**
 * The store adds inserted records to the rollups itself, batched (measured: per-row insert
 * triggers cost the SQLite writer a third of its rate on small records): the upsert with
 * positional parameters, key columns then ROLLUP_MEASURES.
 */
export function rollupUpsertSql(hourly: boolean): string {
  const table = ROLLUP_TABLES.find((candidate) => candidate.hourly === hourly)!;
  return upsert(table, [...keyColumnsOf(table), ...ROLLUP_MEASURES].map(() => '?'));
}

export const LATENCY_UPSERT_SQL =
  'INSERT INTO latency_counts (metric, value, count) VALUES (?, ?, ?) ON CONFLICT (metric, value) DO UPDATE SET count = latency_counts.count + excluded.count';

/** Adds (sign 1) or removes (sign -1) one row's contribution to its rows of both rollup tables. */
function rollupDelta(row: 'NEW' | 'OLD', sign: 1 | -1): string {
  const measures = rollupMeasures(row).map(([, expression]) => (sign === 1 ? expression : `-(${expression})`));
  const statements: string[] = [];
  for (const table of ROLLUP_TABLES) {
    const key = rollupKey(table, row);
    statements.push(`${upsert(table, [...key, ...measures])};`);
    // An emptied rollup row goes, so facets never offer a model that no longer has a record.
    if (sign === -1) {
      const match = keyColumnsOf(table).map((column, index) => `${column} = ${key[index]}`);
      statements.push(`DELETE FROM ${table.name} WHERE ${match.join(' AND ')} AND requests = 0;`);
    }
  }
  return statements.join(' ');
}

/** Removes one row's latencies from the exact latency counts (for percentiles over everything). */
function latencyRemoval(row: 'OLD'): string {
  return (['duration_ms', 'ttfb_ms'] as const)
    .map(
      (column) =>
        `INSERT INTO latency_counts (metric, value, count) SELECT '${column}', ${row}.${column}, -1 WHERE ${row}.${column} IS NOT NULL ` +
        `ON CONFLICT (metric, value) DO UPDATE SET count = latency_counts.count + excluded.count;`,
    )
    .join(' ');
}

/**
 * Migration 3. `exchange_rollups`: counts and token sums per hour x model x domain x API kind x
 * review state; `exchange_totals`: the same over all time (a few rows: facets, totals, top
 * models). Triggers keep them right as rows are deleted or change state; the store adds inserted
 * batches itself (cheaper: one upsert per key and batch).
 * `latency_counts`: how many records have each exact duration / time to first byte (ms), so
 * nearest-rank percentiles over everything are one pass over the distinct values. All are
 * filled from the rows already stored.
 */
function rollupStatements(dialect: Dialect): string[] {
  const measures = rollupMeasures('exchanges');
  return [
    ...ROLLUP_TABLES.flatMap((table) => [
      `CREATE TABLE ${table.name} (
        ${table.hourly ? 'bucket_start BIGINT NOT NULL,' : ''}
        model TEXT NOT NULL,
        domain TEXT NOT NULL,
        api_kind TEXT NOT NULL,
        review_state TEXT NOT NULL,
        ${measures.map(([column]) => `${column} BIGINT NOT NULL`).join(',\n        ')},
        PRIMARY KEY (${keyColumnsOf(table).join(', ')})
      )`,
      `INSERT INTO ${table.name} (${keyColumnsOf(table).join(', ')}, ${ROLLUP_MEASURES.join(', ')})
      SELECT ${rollupKey(table, 'exchanges').join(', ')}, ${measures.map(([, expression]) => `SUM(${expression})`).join(', ')}
      FROM exchanges GROUP BY ${rollupKey(table, 'exchanges').join(', ')}`,
    ]),
    'CREATE TABLE latency_counts (metric TEXT NOT NULL, value BIGINT NOT NULL, count BIGINT NOT NULL, PRIMARY KEY (metric, value))',
    ...(['duration_ms', 'ttfb_ms'] as const).map(
      (column) =>
        `INSERT INTO latency_counts (metric, value, count) SELECT '${column}', ${column}, COUNT(*) FROM exchanges WHERE ${column} IS NOT NULL GROUP BY ${column}`,
    ),
    ...dialect.rowTrigger('exchanges_rollup_delete', 'DELETE', null, `${rollupDelta('OLD', -1)} ${latencyRemoval('OLD')}`),
    ...dialect.rowTrigger(
      'exchanges_rollup_review',
      'UPDATE OF review_state',
      'OLD.review_state <> NEW.review_state',
      `${rollupDelta('OLD', -1)} ${rollupDelta('NEW', 1)}`,
    ),
  ];
}

export const latestSchemaVersion = Math.max(...migrations.map((migration) => migration.version));

/** Migrations not yet applied, in version order. Throws when the database is newer than this build. */
export function pendingMigrations(appliedVersions: readonly number[]): Migration[] {
  const newest = Math.max(0, ...appliedVersions);
  if (newest > latestSchemaVersion) {
    throw new Error(
      `the database schema is at version ${newest}, newer than this build supports (${latestSchemaVersion}); ` +
        'upgrade llm-proxy-sharegpt or point --db at another database',
    );
  }
  const applied = new Set(appliedVersions);
  return [...migrations].filter((migration) => !applied.has(migration.version)).sort((a, b) => a.version - b.version);
}
