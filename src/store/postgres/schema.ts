// The PostgreSQL schema as an ordered list of migrations. Applied at start-up by every instance,
// under a session advisory lock (postgres-store.ts), so several proxies starting at once migrate
// exactly once; each migration runs in its own transaction with its version recorded in
// `schema_migrations`. Never edit a migration that has shipped: add a new one.
//
// The layout follows the SQLite one (store/schema/migrations.ts) where it can, and uses what
// PostgreSQL offers where it differs: real booleans, a `tsvector` column for search (lexemes
// computed by search-terms.ts, not by a text-search parser), both function-call-only flags as
// columns (the derived row's and the edit's), and `COLLATE "C"` on ids so keyset pagination
// follows the same bytewise order as JavaScript strings and SQLite.

import { rollupMigrationStatements } from './rollup-schema.js';

export interface PostgresMigration {
  version: number;
  name: string;
  statements: readonly string[];
}

const id = 'TEXT COLLATE "C"';

export const postgresMigrations: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'create exchanges',
    statements: [
      `CREATE TABLE exchanges (
        id ${id} PRIMARY KEY,
        started_at BIGINT NOT NULL,
        domain TEXT NOT NULL,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        api_kind TEXT NOT NULL,
        wire_format TEXT NOT NULL,
        model TEXT,
        upstream_provider TEXT,
        streamed BOOLEAN NOT NULL,
        status INTEGER NOT NULL,
        duration_ms DOUBLE PRECISION NOT NULL,
        ttfb_ms DOUBLE PRECISION,
        input_tokens BIGINT,
        output_tokens BIGINT,
        total_tokens BIGINT,
        reasoning_tokens BIGINT,
        cached_input_tokens BIGINT,
        error_class TEXT,
        error_message TEXT,
        incomplete BOOLEAN NOT NULL,
        request_is_json BOOLEAN NOT NULL,
        converter_version INTEGER NOT NULL,
        parent_key TEXT,
        self_key TEXT,
        parent_id ${id},
        thread_id ${id} NOT NULL,
        turn_count INTEGER NOT NULL,
        has_tools BOOLEAN NOT NULL,
        review_state TEXT NOT NULL DEFAULT 'pending' CHECK (review_state IN ('pending', 'confirmed', 'rejected')),
        reviewed_at BIGINT,
        preview TEXT NOT NULL,
        function_call_only BOOLEAN NOT NULL,
        edited_function_call_only BOOLEAN,
        search_vector TSVECTOR NOT NULL,
        request_body BYTEA NOT NULL,
        response_body BYTEA NOT NULL,
        sharegpt BYTEA,
        edited_sharegpt BYTEA
      )`,
      // Large bodies are compressed by the store already (body-codec.ts): no second compression.
      'ALTER TABLE exchanges ALTER COLUMN request_body SET STORAGE EXTERNAL',
      'ALTER TABLE exchanges ALTER COLUMN response_body SET STORAGE EXTERNAL',
      // (column, id) pairs: a filter plus keyset pagination by id is one index range scan.
      'CREATE INDEX exchanges_started_at ON exchanges (started_at, id)',
      'CREATE INDEX exchanges_review_state ON exchanges (review_state, id)',
      'CREATE INDEX exchanges_model ON exchanges (model, id)',
      'CREATE INDEX exchanges_domain ON exchanges (domain, id)',
      // Thread linking: the latest record with a given self_key, and the orphans a late parent adopts.
      'CREATE INDEX exchanges_self_key ON exchanges (self_key, id)',
      'CREATE INDEX exchanges_orphans ON exchanges (parent_key, id) WHERE parent_id IS NULL',
      'CREATE INDEX exchanges_thread_id ON exchanges (thread_id, id)',
      'CREATE INDEX exchanges_search_vector ON exchanges USING GIN (search_vector)',
    ],
  },
  {
    version: 2,
    name: 'review annotations',
    // A reviewer's note, tags and 1-5 rating per record (Store.setAnnotation), in side tables as in
    // SQLite (its migration 5). Foreign keys with ON DELETE CASCADE remove a record's annotation
    // with it, whichever statement deletes it. Tags keep the order given: `position`.
    statements: [
      `CREATE TABLE annotations (
        exchange_id ${id} PRIMARY KEY REFERENCES exchanges (id) ON DELETE CASCADE,
        note TEXT NOT NULL,
        rating INTEGER CHECK (rating IS NULL OR (rating BETWEEN 1 AND 5)),
        updated_at BIGINT NOT NULL
      )`,
      `CREATE TABLE annotation_tags (
        exchange_id ${id} NOT NULL REFERENCES annotations (exchange_id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        tag TEXT NOT NULL,
        PRIMARY KEY (exchange_id, position),
        UNIQUE (exchange_id, tag)
      )`,
      // ListFilter.tag: an index lookup.
      'CREATE INDEX annotation_tags_tag ON annotation_tags (tag, exchange_id)',
    ],
  },
  {
    version: 3,
    name: 'best record of a thread',
    // ListFilter.bestOfThread asks, for each record, whether its thread holds a better one (rank:
    // complete, turns, id; filter-to-sql.ts): this index answers that from its entries.
    statements: [
      'CREATE INDEX exchanges_thread_best ON exchanges (thread_id, (error_class IS NULL AND NOT incomplete), turn_count, id)',
    ],
  },
  {
    version: 4,
    name: 'client and side-call marks',
    // Which program sent each request (capture/detect-client.ts) and whether it is an agent's side
    // call (capture/detect-side-call.ts). Older records stay NULL: their headers were not kept.
    statements: [
      'ALTER TABLE exchanges ADD COLUMN client TEXT, ADD COLUMN client_version TEXT, ADD COLUMN side_call TEXT',
      'CREATE INDEX exchanges_client ON exchanges (client, id)',
    ],
  },
  {
    version: 5,
    name: 'bodies apart, stored against their parent',
    // As SQLite's migration 7: bodies in a side table written by store/record-bodies.ts (a request
    // body as a splice of its base's, the ShareGPT row as a delta of its own bodies). Older records
    // keep theirs in the `exchanges` columns and are read from there (nothing is moved). A record's
    // bodies go with it (cascade); `base_id` refuses the deletion of a base whose dependants were
    // not stored whole first (the store does that in the delete's transaction), so a missed case
    // fails the delete instead of leaving a body that cannot be read.
    statements: [
      // IF NOT EXISTS: tests take a database back to an earlier version and migrate it again.
      `CREATE TABLE IF NOT EXISTS exchange_bodies (
        exchange_id ${id} PRIMARY KEY REFERENCES exchanges (id) ON DELETE CASCADE,
        base_id ${id} REFERENCES exchange_bodies (exchange_id),
        chain_depth INTEGER NOT NULL,
        request_bytes BYTEA NOT NULL,
        response_bytes BYTEA NOT NULL,
        sharegpt_bytes BYTEA
      )`,
      // Compressed by the store already (body-codec.ts): no second compression.
      'ALTER TABLE exchange_bodies ALTER COLUMN request_bytes SET STORAGE EXTERNAL',
      'ALTER TABLE exchange_bodies ALTER COLUMN response_bytes SET STORAGE EXTERNAL',
      'ALTER TABLE exchange_bodies ALTER COLUMN sharegpt_bytes SET STORAGE EXTERNAL',
      'CREATE INDEX IF NOT EXISTS exchange_bodies_base ON exchange_bodies (base_id) WHERE base_id IS NOT NULL',
    ],
  },
  {
    version: 6,
    name: 'privacy findings and MinHash bands',
    // As SQLite's migration 8: what the background scan (privacy/scan-records.ts) found per record
    // (counts, never values) and its MinHash signature and LSH band keys. Foreign keys with ON
    // DELETE CASCADE remove a scan with its record; a trigger removes it when the record's row
    // changes (an edit, a rebuild), so it is scanned again.
    statements: [
      `CREATE TABLE exchange_findings (
        id ${id} PRIMARY KEY REFERENCES exchanges (id) ON DELETE CASCADE,
        secrets INTEGER NOT NULL,
        personal INTEGER NOT NULL,
        kinds TEXT NOT NULL,
        scanner_version TEXT NOT NULL,
        signature BYTEA,
        scanned_at BIGINT NOT NULL
      )`,
      'CREATE INDEX exchange_findings_secrets ON exchange_findings (id) WHERE secrets > 0',
      'CREATE INDEX exchange_findings_personal ON exchange_findings (id) WHERE personal > 0',
      'CREATE INDEX exchange_findings_any ON exchange_findings (id) WHERE secrets > 0 OR personal > 0',
      `CREATE TABLE exchange_minhash_bands (
        band_key BIGINT NOT NULL,
        id ${id} NOT NULL REFERENCES exchanges (id) ON DELETE CASCADE,
        PRIMARY KEY (band_key, id)
      )`,
      'CREATE INDEX exchange_minhash_bands_id ON exchange_minhash_bands (id)',
      `CREATE FUNCTION exchange_findings_forget() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM exchange_findings WHERE id = NEW.id;
        DELETE FROM exchange_minhash_bands WHERE id = NEW.id;
        RETURN NULL;
      END $$`,
      `CREATE TRIGGER exchange_findings_on_row_change AFTER UPDATE OF sharegpt, edited_sharegpt ON exchanges
        FOR EACH ROW EXECUTE FUNCTION exchange_findings_forget()`,
    ],
  },
  {
    version: 7,
    name: 'rollups for stats, facets and totals',
    // Aggregates maintained as data arrives, by statement-level triggers (rollup-schema.ts), so
    // stats, facets and list totals read a few rows instead of every record (issue 13).
    statements: rollupMigrationStatements(),
  },
  {
    version: 8,
    name: 'children of a record',
    // ListFilter.threadLeaves asks, for each record, whether a record continues it (parent_id).
    // IF NOT EXISTS: a database rolled back to an older version by hand may still hold it.
    statements: ['CREATE INDEX IF NOT EXISTS exchanges_parent_id ON exchanges (parent_id, id)'],
  },
  {
    version: 9,
    name: 'response reasoning flag',
    // As SQLite's migration 10: whether the final answer carries reasoning (ExchangeRecord
    // .responseReasoning), NULL (unknown) for the records stored before. A nullable column
    // without a default: PostgreSQL adds it to the catalog only, without rewriting the table.
    // IF NOT EXISTS: tests roll a database back to an older version and migrate it again.
    statements: ['ALTER TABLE exchanges ADD COLUMN IF NOT EXISTS response_reasoning BOOLEAN'],
  },
];

export const latestPostgresSchemaVersion = Math.max(...postgresMigrations.map((migration) => migration.version));

/** Migrations not yet applied, in version order. Throws when the database is newer than this build. */
export function pendingPostgresMigrations(appliedVersions: readonly number[]): PostgresMigration[] {
  const newest = Math.max(0, ...appliedVersions);
  if (newest > latestPostgresSchemaVersion) {
    throw new Error(
      `the database schema is at version ${newest}, newer than this build supports (${latestPostgresSchemaVersion}); ` +
        'upgrade llm-proxy-sharegpt or point --db at another database',
    );
  }
  const applied = new Set(appliedVersions);
  return postgresMigrations.filter((migration) => !applied.has(migration.version)).sort((a, b) => a.version - b.version);
}
