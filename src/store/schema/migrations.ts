// The database schema as an ordered list of migrations, written once for SQLite and PostgreSQL.
// The SQL is portable; the few places where the two must differ (byte and boolean column types,
// full-text search) come from the small per-dialect map below. A backend applies, in order and each
// in its own transaction, every migration whose version is not yet in `schema_migrations`.
//
// Never edit a migration that has shipped: add a new one.

export type DialectName = 'sqlite' | 'postgres';

export interface Dialect {
  name: DialectName;
  /** Column type for ids (ULIDs): compared bytewise, so keyset pagination matches JS string order. */
  id: string;
  /** Column type for compressed bodies (see body-codec.ts). */
  bytes: string;
  /** Column type for flags. SQLite stores 0/1; PostgreSQL has a real boolean. */
  boolean: string;
  /** Extra `exchanges` columns that full-text search needs (comma-free list, one per entry). */
  searchColumns: readonly string[];
  /** Statements, run after `exchanges` exists, that create the full-text index. */
  searchStatements: readonly string[];
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
    searchStatements: [
      'CREATE UNIQUE INDEX exchanges_search_rowid ON exchanges (search_rowid)',
      `CREATE VIRTUAL TABLE exchanges_fts USING fts5(search_text, content='', contentless_delete=1, detail=none, tokenize='${SQLITE_FTS_TOKENIZE}')`,
    ],
  },
  postgres: {
    name: 'postgres',
    id: 'TEXT COLLATE "C"',
    bytes: 'BYTEA',
    boolean: 'BOOLEAN',
    // The store fills this with to_tsvector('simple', <search text>) on insert.
    searchColumns: ['search_vector TSVECTOR'],
    searchStatements: ['CREATE INDEX exchanges_search_vector ON exchanges USING GIN (search_vector)'],
  },
};

export interface Migration {
  version: number;
  name: string;
  statements(dialect: Dialect): string[];
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
];

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
