// The shared Store: one PostgreSQL database that any number of proxy instances (and review UIs,
// exports) use at once, through node-postgres (`pg`) with a connection pool.
//
// Writes: one transaction per insertBatch, one multi-row INSERT per ~1,000 records. Every batch
// takes one transaction-scoped advisory lock, so batches from different instances are linked
// into threads one after another: a batch sees every batch committed before it, and when a parent
// arrives after its child (the child's instance wrote first), the parent adopts it (see
// #adoptOrphans). Review-state changes and deletes take the same lock, because their rollup
// triggers (rollup-schema.ts) lock rollup rows as a batch's do (see #rollupWrite). Schema
// migrations run at open under a session advisory lock.
import pg from 'pg';
import type { ReviewState, StoredExchange, ExchangeRecord } from '../exchange-record.js';
import { encodeJson } from '../body-codec.js';
import {
  type BodyRow,
  type DecodedRecordBodies,
  RequestCache,
  asKeyframe,
  basesToRead,
  chainReadSql,
  decodeRowsAsync,
  encodeBatch,
} from '../body-chains.js';
import { type RequestBase, encodeShareGpt } from '../record-bodies.js';
import { keepsShareGptRow } from '../../capture/derive-stored.js';
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
import { createPostgresScanTables } from './scan-tables.js';
import {
  type FullRow,
  type PreparedRecord,
  type SummaryRow,
  exchangeFromRow,
  fullSelectList,
  insertColumns,
  insertPlaceholder,
  insertValues,
  prepareRecord,
  summaryFromRow,
  summarySelectList,
} from './exchange-row.js';
import { type PgCondition, filterToSql } from './filter-to-sql.js';
import { fromPgText, toPgText } from './pg-text.js';
import { normalAnnotation } from '../normal-annotation.js';
import { indexLexemes } from './search-terms.js';
import { pendingPostgresMigrations } from './schema.js';
import { type PgRollupCondition, pgRollupFilter } from './rollup-filter.js';
import { type AggregateTotals, aggregateFromTotals } from '../aggregate-totals.js';
import { ROLLUP_BUCKET_MS } from '../schema/migrations.js';

export interface PostgresStoreOptions {
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** Server-side limit on any one statement, in ms (default 30 000; 0 = none). */
  statementTimeoutMs?: number;
  /** How long to wait for a connection, in ms (default 5 000): a database that is down fails a write fast, to the spool. */
  connectionTimeoutMs?: number;
  /** TLS: disable | no-verify | require | verify-ca | verify-full; overrides an `sslmode` in the URL. */
  sslmode?: string;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
  /**
   * Open even when the server cannot be reached (the recording worker restarting during an
   * outage): the schema is migrated before the first write that gets through.
   */
  openWhileUnavailable?: boolean;
  /** Newest rows a search page tests in id order before it asks the full-text index (default 5 000; see #searchPage). */
  searchRecentRows?: number;
}

/** Advisory lock keys (any two constants unlikely to collide with another application's). */
const MIGRATION_LOCK = 7_246_001_401;
const WRITE_LOCK = 7_246_001_402;
/** Rows per INSERT statement: 40 parameters per row, under PostgreSQL's 65 535 per statement. */
const ROWS_PER_INSERT = 1_000;
const PERCENTILES = [0.5, 0.9, 0.95, 0.99, 1] as const;
const PING_TIMEOUT_MS = 1_500;
/** Newest rows a search page tests in order before it asks the GIN index (see #searchPage). */
const SEARCH_RECENT_ROWS = 5_000;

const hasSearch = (filter: ListFilter): boolean => filter.search !== undefined && filter.search.trim() !== '';

// BIGINT, NUMERIC (sums) and COUNT come back as JavaScript numbers: every value we store (epoch ms,
// token counts) is far below 2^53.
const NUMERIC_TYPES = new Set([20, 1700]);
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    NUMERIC_TYPES.has(oid) ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** Opens a pool, checks the server answers, and applies pending migrations. */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const pool = new pg.Pool({
    connectionString: withSslMode(url, options.sslmode),
    max: Math.max(1, Math.floor(options.poolSize ?? 10)),
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    application_name: options.applicationName ?? 'llm-proxy-sharegpt',
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    types,
  });
  // A connection the server drops while idle (restart, network) must not crash the process: the
  // pool discards it and the next query opens another.
  pool.on('error', () => undefined);
  // The same for a checked-out connection that the server ends between two queries (a restart
  // during a write): the query in progress fails (and the batch goes to the spool); the client's
  // own 'error' event must not be unhandled.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const store = new PostgresStore(pool, Math.max(1, Math.floor(options.searchRecentRows ?? SEARCH_RECENT_ROWS)));
  try {
    await store.migrate();
  } catch (error) {
    if (options.openWhileUnavailable === true && isUnavailable(error)) {
      // Recording must start even while the database is down: writes fail (to the spool) until
      // it answers, and the first one that reaches it migrates first.
      store.migrateBeforeNextWrite();
      return store;
    }
    await pool.end().catch(() => undefined);
    throw error;
  }
  return store;
}

/** A database that cannot be reached right now (as opposed to a wrong schema, or refused credentials). */
function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|57P0[1-3]|08\d\d\d)$/u.test(code)) return true;
  return /timeout|terminat|Connection terminated/iu.test((error as Error).message ?? '');
}

function withSslMode(url: string, sslmode: string | undefined): string {
  if (sslmode === undefined || sslmode === '') return url;
  const parsed = new URL(url);
  parsed.searchParams.set('sslmode', sslmode);
  return parsed.toString();
}

type Queryable = Pick<pg.PoolClient, 'query'>;

interface StoredBodyRow {
  exchange_id: string;
  base_id: string | null;
  chain_depth: number;
  request_bytes: Buffer;
  response_bytes: Buffer;
  sharegpt_bytes: Buffer | null;
}

const BODY_COLUMNS = ['exchange_id', 'base_id', 'chain_depth', 'request_bytes', 'response_bytes', 'sharegpt_bytes'];
const READ_BODIES_SQL = `SELECT ${BODY_COLUMNS.join(', ')} FROM exchange_bodies WHERE exchange_id = ANY($1::text[])`;
const READ_CHAINS_SQL = chainReadSql('SELECT unnest($1::text[])');

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

/** How often a read retries decoding when a base went away under it (a delete stored its dependants whole meanwhile). */
const DECODE_ATTEMPTS = 3;
/** Counts and token sums per group, read from the records. */
const ROW_GROUP_COLUMNS =
  'COUNT(*) AS requests, COUNT(error_class) AS errors, ' +
  'COALESCE(SUM(input_tokens), 0) AS "inputTokens", COALESCE(SUM(output_tokens), 0) AS "outputTokens"';

/** The columns Store.listLinks reads. */
interface LinkRow {
  id: string;
  model: string | null;
  parent_id: string | null;
  thread_id: string;
  converter_version: number;
  response_reasoning: boolean | null;
}

class PostgresStore implements Store {
  readonly #pool: pg.Pool;
  readonly #searchRecentRows: number;
  #scanTables: ReturnType<typeof createPostgresScanTables> | undefined;
  #closed = false;
  /** Request bodies this instance wrote, by id and thread key: what the next call of a session is stored against. */
  readonly #written = new RequestCache();
  /** Request bodies decoded by reads (bases of the records read next). */
  readonly #read = new RequestCache();

  #migrationPending = false;

  constructor(pool: pg.Pool, searchRecentRows: number) {
    this.#pool = pool;
    this.#searchRecentRows = searchRecentRows;
  }

  migrateBeforeNextWrite(): void {
    this.#migrationPending = true;
  }

  async migrate(): Promise<void> {
    const client = await this.#pool.connect();
    try {
      // One instance migrates; the others wait here, then find nothing pending.
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      try {
        await client.query(
          'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
        );
        const applied = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
        for (const migration of pendingPostgresMigrations(applied.rows.map((row) => row.version))) {
          await client.query('BEGIN');
          try {
            for (const statement of migration.statements) await client.query(statement);
            await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
              migration.version,
              migration.name,
              Date.now(),
            ]);
            await client.query('COMMIT');
          } catch (error) {
            await client.query('ROLLBACK').catch(() => undefined);
            throw error;
          }
        }
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      }
    } finally {
      client.release();
    }
  }

  async insertBatch(records: readonly ExchangeRecord[]): Promise<void> {
    if (records.length === 0) return;
    if (this.#migrationPending) {
      await this.migrate();
      this.#migrationPending = false;
    }
    // Compress and split words before taking the lock: other writers wait only for the inserts.
    // Each request is stored against its parent's (record-bodies.ts), cached from this instance's
    // last writes; a parent written by another instance (or before a restart) is read here, in
    // one query for the batch.
    const toRead = basesToRead(records, this.#written);
    const readBases = toRead.length === 0 ? new Map<string, RequestBase>() : await this.#readBases(toRead);
    const encoded = encodeBatch(records, this.#written, readBases);
    const prepared = records.map((record, index) => prepareRecord(record, encoded[index]!));
    await this.#transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [WRITE_LOCK]);
      const ids = [...new Set(records.map((record) => record.id))];
      const bases = [...new Set(encoded.flatMap((bodies) => (bodies.request.baseId === null ? [] : [bodies.request.baseId])))];
      // One read: the ids already stored, and which bases still exist (one may have been deleted
      // since it was cached: under the write lock, no delete runs until this batch commits).
      const found = await client.query<{ id: string; kind: 'record' | 'base' }>(
        `SELECT id, 'record' AS kind FROM exchanges WHERE id = ANY($1::text[])
         UNION ALL SELECT exchange_id, 'base' FROM exchange_bodies WHERE exchange_id = ANY($2::text[])`,
        [ids, bases],
      );
      const existing = new Set(found.rows.filter((row) => row.kind === 'record').map((row) => row.id));
      const basesStored = new Set(found.rows.filter((row) => row.kind === 'base').map((row) => row.id));
      const storedParents = await this.#storedParents(client, records);
      // Records of this batch by selfKey, for children later in the same batch.
      const inBatch = new Map<string, Array<{ id: string; threadId: string }>>();
      const rows: Array<{ prepared: PreparedRecord; parentId: string | null; threadId: string }> = [];
      prepared.forEach((item, index) => {
        const { record } = item;
        if (existing.has(record.id)) return;
        existing.add(record.id);
        let parent = storedParents.get(index) ?? null;
        if (record.parentKey !== null) {
          for (const candidate of inBatch.get(record.parentKey) ?? []) {
            if (candidate.id < record.id && (parent === null || candidate.id > parent.id)) parent = candidate;
          }
        }
        const threadId = parent?.threadId ?? record.id;
        const baseId = item.bodies.request.baseId;
        if (baseId !== null && !basesStored.has(baseId)) item.bodies.request = asKeyframe(item.bodies.requestUtf8);
        basesStored.add(record.id);
        rows.push({ prepared: item, parentId: parent?.id ?? null, threadId });
        if (record.selfKey !== null) {
          const list = inBatch.get(record.selfKey) ?? [];
          list.push({ id: record.id, threadId });
          inBatch.set(record.selfKey, list);
        }
      });
      for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
        const chunk = rows.slice(start, start + ROWS_PER_INSERT);
        const params: unknown[] = [];
        const tuples = chunk.map((row) => {
          const values = insertValues(row.prepared, { parentId: row.parentId, threadId: row.threadId });
          const placeholders = values.map((value, column) => {
            params.push(value);
            return insertPlaceholder(insertColumns[column]!, `$${params.length}`);
          });
          return `(${placeholders.join(', ')})`;
        });
        await client.query(
          `INSERT INTO exchanges (${insertColumns.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT (id) DO NOTHING`,
          params,
        );
        const bodies = chunk.map((row) => row.prepared.bodies);
        await client.query(
          `INSERT INTO exchange_bodies (${BODY_COLUMNS.join(', ')})
           SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::bytea[], $5::bytea[], $6::bytea[])`,
          [
            chunk.map((row) => row.prepared.record.id),
            bodies.map((body) => body.request.baseId),
            bodies.map((body) => body.request.depth),
            bodies.map((body) => body.request.bytes),
            bodies.map((body) => body.response),
            bodies.map((body) => body.sharegpt),
          ],
        );
      }
      await this.#adoptOrphans(
        client,
        rows.filter((row) => row.prepared.record.selfKey !== null).map((row) => row.prepared.record),
      );
    });
  }

  /** For each record with a parentKey: the latest older stored record whose selfKey matches (one round trip). */
  async #storedParents(client: Queryable, records: readonly ExchangeRecord[]): Promise<Map<number, { id: string; threadId: string }>> {
    const indexes: number[] = [];
    const keys: string[] = [];
    const childIds: string[] = [];
    records.forEach((record, index) => {
      if (record.parentKey === null) return;
      indexes.push(index);
      keys.push(toPgText(record.parentKey));
      childIds.push(record.id);
    });
    const found = new Map<number, { id: string; threadId: string }>();
    if (indexes.length === 0) return found;
    const result = await client.query<{ position: number; id: string; thread_id: string }>(
      `SELECT wanted.position, parent.id, parent.thread_id
       FROM unnest($1::int[], $2::text[], $3::text[]) AS wanted(position, parent_key, child_id)
       CROSS JOIN LATERAL (
         SELECT id, thread_id FROM exchanges
         WHERE self_key = wanted.parent_key AND id < wanted.child_id COLLATE "C"
         ORDER BY id DESC LIMIT 1
       ) AS parent`,
      [indexes, keys, childIds],
    );
    for (const row of result.rows) found.set(row.position, { id: row.id, threadId: row.thread_id });
    return found;
  }

  /**
   * Links records stored before their parent (written by another instance whose batch committed
   * first, or replayed from a spool): every parentless newer record whose parentKey is the selfKey
   * of a record just written becomes its child, and its thread (itself and its descendants) joins
   * the parent's thread.
   */
  async #adoptOrphans(client: Queryable, parents: readonly ExchangeRecord[]): Promise<void> {
    if (parents.length === 0) return;
    const adopted = await client.query<{ old_thread: string; thread_id: string }>(
      `WITH parents AS (
         SELECT p.id, p.self_key, e.thread_id
         FROM unnest($1::text[], $2::text[]) AS p(id, self_key)
         JOIN exchanges AS e ON e.id = p.id
       ), orphans AS (
         SELECT DISTINCT ON (child.id) child.id AS child_id, child.thread_id AS old_thread, parents.id AS parent_id, parents.thread_id
         FROM exchanges AS child
         JOIN parents ON child.parent_key = parents.self_key AND child.id > parents.id
         WHERE child.parent_id IS NULL
         ORDER BY child.id, parents.id DESC
       )
       UPDATE exchanges SET parent_id = orphans.parent_id, thread_id = orphans.thread_id
       FROM orphans WHERE exchanges.id = orphans.child_id
       RETURNING orphans.old_thread, orphans.thread_id`,
      [parents.map((record) => record.id), parents.map((record) => toPgText(record.selfKey!))],
    );
    if (adopted.rows.length === 0) return;
    await client.query(
      `UPDATE exchanges SET thread_id = moved.thread_id
       FROM unnest($1::text[], $2::text[]) AS moved(old_thread, thread_id)
       WHERE exchanges.thread_id = moved.old_thread COLLATE "C" AND exchanges.thread_id <> moved.thread_id COLLATE "C"`,
      [adopted.rows.map((row) => row.old_thread), adopted.rows.map((row) => row.thread_id)],
    );
  }

  async get(id: string): Promise<StoredExchange | null> {
    const result = await this.#pool.query<FullRow>(`SELECT ${fullSelectList} FROM exchanges WHERE id = $1`, [id]);
    return (await this.#withBodies(result.rows))[0] ?? null;
  }

  async getMany(ids: readonly string[]): Promise<Map<string, StoredExchange>> {
    const wanted = [...new Set(ids)];
    if (wanted.length === 0) return new Map();
    const result = await this.#pool.query<FullRow>(`SELECT ${fullSelectList} FROM exchanges WHERE id = ANY($1::text[])`, [wanted]);
    return new Map((await this.#withBodies(result.rows)).map((record) => [record.id, record]));
  }

  async list(filter: ListFilter, options: ListOptions): Promise<ListPage> {
    const page = await this.#page(filter, options, fullSelectList, (row) => row as FullRow);
    return { ...page, items: await this.#withBodies(page.items) };
  }

  async listSummaries(filter: ListFilter, options: ListOptions): Promise<ListPage<ExchangeSummary>> {
    return this.#page(filter, options, summarySelectList, (row) => summaryFromRow(row as SummaryRow));
  }

  async listLinks(filter: ListFilter, options: { after?: string; limit: number }): Promise<RecordLink[]> {
    const condition = filterToSql(filter);
    const next = condition.params.length + 1;
    const rows = (
      await this.#pool.query<LinkRow>(
        `SELECT id, model, parent_id, thread_id, converter_version, response_reasoning FROM exchanges WHERE ${condition.where} AND id > $${next} ORDER BY id ASC LIMIT $${next + 1}`,
        [...condition.params, options.after ?? '', Math.max(1, Math.floor(options.limit))],
      )
    ).rows;
    return rows.map((row) => ({
      id: row.id,
      model: fromPgText(row.model),
      parentId: row.parent_id,
      threadId: row.thread_id,
      converterVersion: row.converter_version,
      ...(row.response_reasoning !== null ? { responseReasoning: row.response_reasoning } : {}),
    }));
  }

  async *iterate(filter: ListFilter, batchSize: number): AsyncIterable<StoredExchange> {
    const size = Math.max(1, Math.floor(batchSize));
    const condition = filterToSql(filter);
    const next = condition.params.length + 1;
    const sql = `SELECT ${fullSelectList} FROM exchanges WHERE ${condition.where} AND id > $${next} ORDER BY id ASC LIMIT $${next + 1}`;
    let after = '';
    for (;;) {
      // One short query per batch: no cursor or transaction stays open across the consumer's awaits.
      const rows = (await this.#pool.query<FullRow>(sql, [...condition.params, after, size])).rows;
      for (const record of await this.#withBodies(rows)) yield record;
      if (rows.length < size) return;
      after = rows[rows.length - 1]!.id;
    }
  }

  async setReviewState(ids: readonly string[], state: ReviewState, now: number): Promise<number> {
    if (ids.length === 0) return 0;
    return this.#rollupWrite('UPDATE exchanges SET review_state = $1, reviewed_at = $2 WHERE id = ANY($3::text[])', [
      state,
      state === 'pending' ? null : now,
      [...new Set(ids)],
    ]);
  }

  async setReviewStateWhere(filter: ListFilter, state: ReviewState, now: number): Promise<number> {
    const condition = filterToSql(filter, 3);
    return this.#rollupWrite(`UPDATE exchanges SET review_state = $1, reviewed_at = $2 WHERE ${condition.where}`, [
      state,
      state === 'pending' ? null : now,
      ...condition.params,
    ]);
  }

  async setAnnotation(id: string, annotation: Omit<Annotation, 'updatedAt'> | null, now: number): Promise<boolean> {
    // Checked (a RangeError for a bad rating) before anything is written.
    const normal = annotation === null ? null : normalAnnotation(annotation);
    let known = false;
    await this.#transaction(async (client) => {
      // FOR KEY SHARE: a concurrent delete of the record waits until the annotation is written
      // (and then removes it, by the foreign key's cascade).
      known = (await client.query('SELECT 1 FROM exchanges WHERE id = $1 FOR KEY SHARE', [id])).rows.length > 0;
      if (!known) return;
      // Its tags go with it (cascade).
      await client.query('DELETE FROM annotations WHERE exchange_id = $1', [id]);
      if (normal === null) return;
      await client.query('INSERT INTO annotations (exchange_id, note, rating, updated_at) VALUES ($1, $2, $3, $4)', [
        id,
        toPgText(normal.note),
        normal.rating,
        now,
      ]);
      if (normal.tags.length === 0) return;
      await client.query(
        `INSERT INTO annotation_tags (exchange_id, position, tag)
         SELECT $1, given.position, given.tag FROM unnest($2::text[]) WITH ORDINALITY AS given(tag, position)`,
        [id, normal.tags.map((tag) => toPgText(tag))],
      );
    });
    return known;
  }

  async annotationsOf(ids: readonly string[]): Promise<Map<string, Annotation>> {
    const out = new Map<string, Annotation>();
    if (ids.length === 0) return out;
    const result = await this.#pool.query<{ exchange_id: string; note: string; rating: number | null; updated_at: number; tags: string[] }>(
      `SELECT a.exchange_id, a.note, a.rating, a.updated_at,
         COALESCE((SELECT array_agg(t.tag ORDER BY t.position) FROM annotation_tags AS t WHERE t.exchange_id = a.exchange_id), '{}') AS tags
       FROM annotations AS a WHERE a.exchange_id = ANY($1::text[])`,
      [[...new Set(ids)]],
    );
    // In the order asked, as SQLite answers.
    const byId = new Map(result.rows.map((row) => [row.exchange_id, row]));
    for (const id of new Set(ids)) {
      const row = byId.get(id);
      if (row === undefined) continue;
      out.set(id, {
        note: fromPgText(row.note),
        tags: row.tags.map((tag) => fromPgText(tag)),
        rating: row.rating,
        updatedAt: row.updated_at,
      });
    }
    return out;
  }

  async setEditedShareGpt(id: string, row: StoredExchange['editedSharegpt'], functionCallOnly: boolean): Promise<boolean> {
    const result = await this.#pool.query('UPDATE exchanges SET edited_sharegpt = $1, edited_function_call_only = $2 WHERE id = $3', [
      row === null ? null : encodeJson(row),
      row === null ? null : functionCallOnly,
      id,
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  async updateDerived(id: string, derived: DerivedFields): Promise<boolean> {
    // The derived row is kept only from another converter version (keepsShareGptRow): in
    // exchange_bodies as a delta of the record's own bodies (no other record's row depends on it),
    // or for a record stored before those, in its own column.
    const kept = derived.sharegpt !== null && keepsShareGptRow(derived.converterVersion) ? derived.sharegpt : null;
    const bodies = kept === null ? undefined : (await this.#decodeBodies(this.#pool, [id])).get(id);
    if (kept === null) await this.#pool.query('UPDATE exchange_bodies SET sharegpt_bytes = NULL WHERE exchange_id = $1 AND sharegpt_bytes IS NOT NULL', [id]);
    else if (bodies !== undefined) {
      await this.#pool.query('UPDATE exchange_bodies SET sharegpt_bytes = $1 WHERE exchange_id = $2', [
        encodeShareGpt(kept, { request: bodies.requestUtf8, response: bodies.responseUtf8 }),
        id,
      ]);
    }
    const result = await this.#pool.query(
      `UPDATE exchanges SET sharegpt = $1, converter_version = $2, turn_count = $3, has_tools = $4, preview = $5,
        function_call_only = $6, search_vector = array_to_tsvector($7::text[]), response_reasoning = $8 WHERE id = $9`,
      [
        kept === null || bodies !== undefined ? null : encodeJson(kept),
        derived.converterVersion,
        derived.turnCount,
        derived.hasTools,
        toPgText(derived.preview),
        derived.functionCallOnly,
        indexLexemes(derived.searchText),
        derived.responseReasoning,
        id,
      ],
    );
    return (result.rowCount ?? 0) > 0;
  }

  // Deleting a record deletes its annotation and tags too: foreign keys ON DELETE CASCADE (schema.ts).
  async delete(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return this.#deleteMatching('id = ANY($1::text[])', [[...new Set(ids)]]);
  }

  async deleteWhere(filter: ListFilter): Promise<number> {
    const condition = filterToSql(filter);
    return this.#deleteMatching(condition.where, condition.params);
  }

  /**
   * Deletes the records matching `where` (over `exchanges`), after storing whole the request
   * bodies of the records stored against them (record-bodies.ts): decoding never needs a row
   * that is gone. Under the write lock, so no batch stores a record against one being deleted.
   */
  async #deleteMatching(where: string, params: unknown[]): Promise<number> {
    let removed = 0;
    await this.#transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [WRITE_LOCK]);
      const dependants = (
        await client.query<{ exchange_id: string }>(
          `SELECT exchange_id FROM exchange_bodies
           WHERE base_id IN (SELECT id FROM exchanges WHERE ${where}) AND exchange_id NOT IN (SELECT id FROM exchanges WHERE ${where})`,
          params,
        )
      ).rows.map((row) => row.exchange_id);
      if (dependants.length > 0) {
        const decoded = await this.#decodeBodies(client, dependants);
        const rewritten = [...decoded];
        await client.query(
          `UPDATE exchange_bodies SET request_bytes = k.bytes, base_id = NULL, chain_depth = 0
           FROM unnest($1::text[], $2::bytea[]) AS k(id, bytes) WHERE exchange_bodies.exchange_id = k.id COLLATE "C"`,
          [rewritten.map(([id]) => id), rewritten.map(([, bodies]) => asKeyframe(bodies.requestUtf8).bytes)],
        );
      }
      const deleted = await client.query<{ id: string }>(`DELETE FROM exchanges WHERE ${where} RETURNING id`, params);
      for (const row of deleted.rows) {
        this.#written.delete(row.id);
        this.#read.delete(row.id);
      }
      removed = deleted.rowCount ?? 0;
    });
    return removed;
  }

  /** A batch's bases that this instance did not cache: each child's stored parent, decoded (reads per batch, never per record). */
  async #readBases(records: readonly ExchangeRecord[]): Promise<Map<string, RequestBase>> {
    const out = new Map<string, RequestBase>();
    try {
      const parents = await this.#pool.query<{ child_id: string; id: string }>(
        `SELECT wanted.child_id, parent.id
         FROM unnest($1::text[], $2::text[]) AS wanted(parent_key, child_id)
         CROSS JOIN LATERAL (
           SELECT id FROM exchanges WHERE self_key = wanted.parent_key AND id < wanted.child_id COLLATE "C" ORDER BY id DESC LIMIT 1
         ) AS parent`,
        [records.map((record) => toPgText(record.parentKey!)), records.map((record) => record.id)],
      );
      if (parents.rows.length === 0) return out;
      const decoded = await this.#decodeBodies(this.#pool, [...new Set(parents.rows.map((row) => row.id))]);
      for (const row of parents.rows) {
        const bodies = decoded.get(row.id);
        if (bodies !== undefined) out.set(row.child_id, { id: row.id, depth: bodies.depth, request: bodies.requestUtf8 });
      }
    } catch (error) {
      // A base that cannot be read only costs the delta (the body is stored whole); a database
      // that is down fails the insert itself, just after.
      if (isUnavailable(error)) throw error;
    }
    return out;
  }

  /** Decoded bodies of the ids stored in exchange_bodies (older records have none: their bodies are in `exchanges`). */
  async #decodeBodies(client: Queryable, ids: readonly string[]): Promise<Map<string, DecodedRecordBodies>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await decodeRowsAsync(ids, this.#read, async (wanted) =>
          (await client.query<StoredBodyRow>(wanted.chains ? READ_CHAINS_SQL : READ_BODIES_SQL, [wanted.ids])).rows.map(bodyRowOf),
        );
      } catch (error) {
        // A base deleted between two reads of a chain: its dependant was stored whole in the
        // delete's transaction, so reading again from the start finds it.
        if (attempt >= DECODE_ATTEMPTS || !/base .* is missing/u.test((error as Error).message)) throw error;
      }
    }
  }

  /** Full rows with their bodies: from exchange_bodies when the row's own body columns are empty (migration 5). */
  async #withBodies(rows: readonly FullRow[]): Promise<StoredExchange[]> {
    const elsewhere = rows.filter((row) => row.request_body.length === 0).map((row) => row.id);
    const bodies = elsewhere.length === 0 ? new Map<string, DecodedRecordBodies>() : await this.#decodeBodies(this.#pool, elsewhere);
    // A row whose bodies are gone was deleted after the page was read: it is left out.
    return rows.filter((row) => row.request_body.length > 0 || bodies.has(row.id)).map((row) => exchangeFromRow(row, bodies.get(row.id)));
  }

  async count(filter: ListFilter = {}): Promise<number> {
    const rollup = pgRollupFilter(filter);
    if (rollup === null) return this.#countRows(filter);
    if (filter.throughId === undefined) {
      const result = await this.#pool.query<{ n: number }>(
        `SELECT COALESCE(SUM(requests), 0) AS n FROM ${rollup.table} WHERE ${rollup.where}`,
        rollup.params,
      );
      return result.rows[0]!.n;
    }
    // The rollups count every id; take off the few matching records newer than throughId (it is
    // normally the newest id the user saw: a short range scan of the primary key). One statement,
    // so one snapshot: a write between the two reads cannot be counted twice or missed.
    const { throughId, ...rest } = filter;
    const newer = filterToSql(rest, rollup.params.length + 1);
    const result = await this.#pool.query<{ n: number }>(
      `SELECT (SELECT COALESCE(SUM(requests), 0) FROM ${rollup.table} WHERE ${rollup.where})
        - (SELECT COUNT(*) FROM exchanges WHERE ${newer.where} AND id > $${rollup.params.length + newer.params.length + 1}) AS n`,
      [...rollup.params, ...newer.params, throughId],
    );
    return result.rows[0]!.n;
  }

  async #countRows(filter: ListFilter): Promise<number> {
    const condition = filterToSql(filter);
    const result = await this.#pool.query<{ n: number }>(`SELECT COUNT(*) AS n FROM exchanges WHERE ${condition.where}`, condition.params);
    return result.rows[0]!.n;
  }

  async countUpTo(filter: ListFilter, cap: number): Promise<{ count: number; capped: boolean }> {
    // Filters the rollups answer are counted exactly, however many records match.
    if (pgRollupFilter(filter) !== null) return { count: await this.count(filter), capped: false };
    const limit = Math.max(0, Math.floor(cap));
    const condition = filterToSql(filter);
    // Stops reading at cap + 1 matches: one more than the cap says whether there are more.
    const result = await this.#pool.query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM (SELECT 1 FROM exchanges WHERE ${condition.where} LIMIT $${condition.params.length + 1}) AS matches`,
      [...condition.params, limit + 1],
    );
    const counted = result.rows[0]!.n;
    return counted > limit ? { count: limit, capped: true } : { count: counted, capped: false };
  }

  async countThreads(filter: ListFilter = {}): Promise<number> {
    const condition = filterToSql(filter);
    const result = await this.#pool.query<{ n: number }>(
      `SELECT COUNT(DISTINCT thread_id) AS n FROM exchanges WHERE ${condition.where}`,
      condition.params,
    );
    return result.rows[0]!.n;
  }

  async stats(): Promise<StoreStats> {
    const result = await this.#pool.query<{ review_state: ReviewState; n: number }>(
      'SELECT review_state, SUM(requests) AS n FROM exchange_totals GROUP BY review_state',
    );
    const byReviewState: Record<ReviewState, number> = { pending: 0, confirmed: 0, rejected: 0 };
    for (const row of result.rows) byReviewState[row.review_state] = row.n;
    return { records: result.rows.reduce((sum, row) => sum + row.n, 0), byReviewState };
  }

  async aggregate(filter: ListFilter, options: AggregateOptions): Promise<StoreAggregates> {
    const rollup = pgRollupFilter(filter);
    if (rollup === null || filter.throughId !== undefined) return this.#aggregateRows(filter, options);
    // Several reads, one snapshot: a batch committed between two of them is in all or none.
    return this.#readSnapshot((client) => this.#aggregateRollups(client, filter, rollup, options));
  }

  /** As aggregate, from the rollups (and latency_counts over everything); see rollup-filter.ts. */
  async #aggregateRollups(client: Queryable, filter: ListFilter, rollup: PgRollupCondition, options: AggregateOptions): Promise<StoreAggregates> {
    const where = `WHERE ${rollup.where}`;
    const groupColumns =
      'SUM(requests) AS requests, SUM(errors) AS errors, SUM(input_tokens) AS "inputTokens", SUM(output_tokens) AS "outputTokens"';
    const totals = (
      await client.query<AggregateTotals>(
        `SELECT COALESCE(SUM(requests), 0) AS requests, COALESCE(SUM(errors), 0) AS errors,
          COALESCE(SUM(input_tokens), 0) AS "inputTokens", COALESCE(SUM(output_tokens), 0) AS "outputTokens",
          COALESCE(SUM(requests) FILTER (WHERE review_state = 'pending'), 0) AS pending,
          COALESCE(SUM(requests) FILTER (WHERE review_state = 'confirmed'), 0) AS confirmed,
          COALESCE(SUM(requests) FILTER (WHERE review_state = 'rejected'), 0) AS rejected,
          COALESCE(SUM(reasoning_tokens), 0) AS "reasoningTokens",
          COALESCE(SUM(cached_input_tokens), 0) AS "cachedInputTokens",
          COALESCE(SUM(total_tokens), 0) AS "totalTokens"
        FROM ${rollup.table} ${where}`,
        rollup.params,
      )
    ).rows[0]!;
    const bucketMs = Math.max(1_000, Math.floor(options.bucketMs));
    const offsetMs = Math.floor(options.offsetMs ?? 0);
    const next = rollup.params.length + 1;
    // Whole-hour buckets at a whole-hour offset are unions of rollup buckets; others (a 5-minute
    // chart, a UTC+5:30 day) are counted from the records.
    const overTime =
      bucketMs % ROLLUP_BUCKET_MS === 0 && offsetMs % ROLLUP_BUCKET_MS === 0
        ? (
            await client.query<TimeBucket>(
              `SELECT ((bucket_start + $${next}::bigint) / $${next + 1}::bigint) * $${next + 1}::bigint - $${next}::bigint AS start, ${groupColumns}
              FROM exchange_rollups ${where} GROUP BY 1 ORDER BY 1`,
              [...rollup.params, offsetMs, bucketMs],
            )
          ).rows
        : await this.#overTimeRows(client, filterToSql(filter), bucketMs, offsetMs);
    const topN = Math.max(1, Math.floor(options.topN ?? 20));
    // '' is a rollup's "no model": in the "C" collation it sorts first among equal counts, where
    // the row-based query puts NULL.
    const groupBy = async (column: 'model' | 'domain'): Promise<KeyedGroup[]> =>
      (
        await client.query<KeyedGroup>(
          `SELECT ${column === 'model' ? "NULLIF(model, '')" : column} AS key, ${groupColumns} FROM ${rollup.table} ${where}
          GROUP BY ${column} ORDER BY requests DESC, ${column} COLLATE "C" ASC LIMIT $${next}`,
          [...rollup.params, topN],
        )
      ).rows.map((row) => ({ ...row, key: fromPgText(row.key) }));
    const byModel = await groupBy('model');
    const byDomain = await groupBy('domain');
    const everything = rollup.params.length === 0;
    const condition = filterToSql(filter);
    const durationMs = everything ? await this.#percentilesFromCounts(client, 'duration_ms') : await this.#percentiles('duration_ms', condition, client);
    const ttfbMs = everything ? await this.#percentilesFromCounts(client, 'ttfb_ms') : await this.#percentiles('ttfb_ms', condition, client);
    return { ...aggregateFromTotals(totals), overTime, byModel, byDomain, durationMs, ttfbMs };
  }

  /** Nearest-rank percentiles over every record, from latency_counts: one ordered pass over the distinct values. */
  async #percentilesFromCounts(client: Queryable, metric: 'duration_ms' | 'ttfb_ms'): Promise<Percentiles> {
    // The rank as percentile_disc computes it (ceil(fraction * n) in double precision, at least 1).
    const row = (
      await client.query<Record<string, number | null>>(
        `SELECT ${PERCENTILES.map((fraction, index) => `MIN(value) FILTER (WHERE cumulative >= GREATEST(1, CEIL(${fraction}::float8 * total::float8))) AS p${index}`).join(', ')}
        FROM (SELECT value, SUM(count) OVER (ORDER BY value) AS cumulative, SUM(count) OVER () AS total FROM latency_counts WHERE metric = $1) AS counted`,
        [metric],
      )
    ).rows[0];
    const at = (index: number): number | null => row?.[`p${index}`] ?? null;
    return { p50: at(0), p90: at(1), p95: at(2), p99: at(3), max: at(4) };
  }

  async #overTimeRows(client: Queryable, condition: PgCondition, bucketMs: number, offsetMs: number): Promise<TimeBucket[]> {
    const next = condition.params.length + 1;
    return (
      await client.query<TimeBucket>(
        `SELECT ((started_at + $${next}::bigint) / $${next + 1}::bigint) * $${next + 1}::bigint - $${next}::bigint AS start, ${ROW_GROUP_COLUMNS}
        FROM exchanges WHERE ${condition.where} GROUP BY 1 ORDER BY 1`,
        [...condition.params, offsetMs, bucketMs],
      )
    ).rows;
  }

  /** As aggregate, counted from the records themselves (filters the rollups cannot answer). */
  async #aggregateRows(filter: ListFilter, options: AggregateOptions): Promise<StoreAggregates> {
    const condition = filterToSql(filter);
    const where = `WHERE ${condition.where}`;
    const totals = (
      await this.#pool.query<AggregateTotals>(
        `SELECT ${ROW_GROUP_COLUMNS},
          COUNT(*) FILTER (WHERE review_state = 'pending') AS pending,
          COUNT(*) FILTER (WHERE review_state = 'confirmed') AS confirmed,
          COUNT(*) FILTER (WHERE review_state = 'rejected') AS rejected,
          COALESCE(SUM(reasoning_tokens), 0) AS "reasoningTokens",
          COALESCE(SUM(cached_input_tokens), 0) AS "cachedInputTokens",
          COALESCE(SUM(total_tokens), 0) AS "totalTokens"
        FROM exchanges ${where}`,
        condition.params,
      )
    ).rows[0]!;
    const bucketMs = Math.max(1_000, Math.floor(options.bucketMs));
    const offsetMs = Math.floor(options.offsetMs ?? 0);
    const next = condition.params.length + 1;
    const topN = Math.max(1, Math.floor(options.topN ?? 20));
    // NULLS FIRST and the "C" collation: the same order as SQLite (NULL lowest, bytewise text).
    const groupBy = async (column: 'model' | 'domain'): Promise<KeyedGroup[]> =>
      (
        await this.#pool.query<KeyedGroup>(
          `SELECT ${column} AS key, ${ROW_GROUP_COLUMNS} FROM exchanges ${where} GROUP BY ${column}
          ORDER BY requests DESC, ${column} COLLATE "C" ASC NULLS FIRST LIMIT $${next}`,
          [...condition.params, topN],
        )
      ).rows.map((row) => ({ ...row, key: fromPgText(row.key) }));
    const [overTime, byModel, byDomain, durationMs, ttfbMs] = await Promise.all([
      this.#overTimeRows(this.#pool, condition, bucketMs, offsetMs),
      groupBy('model'),
      groupBy('domain'),
      this.#percentiles('duration_ms', condition),
      this.#percentiles('ttfb_ms', condition),
    ]);
    return { ...aggregateFromTotals(totals), overTime, byModel, byDomain, durationMs, ttfbMs };
  }

  async facets(): Promise<StoreFacets> {
    // From the all-time rollup rows (a few): '' is their "none".
    const of = async (column: 'model' | 'domain' | 'client') =>
      (
        await this.#pool.query<{ value: string; count: number }>(
          `SELECT ${column} AS value, SUM(requests) AS count FROM exchange_totals WHERE ${column} <> ''
          GROUP BY ${column} ORDER BY count DESC, ${column} COLLATE "C" LIMIT 500`,
        )
      ).rows.map((row) => ({ value: fromPgText(row.value), count: row.count }));
    const [models, domains, clients] = await Promise.all([of('model'), of('domain'), of('client')]);
    return { models, domains, clients };
  }

  get #scans(): ReturnType<typeof createPostgresScanTables> {
    return (this.#scanTables ??= createPostgresScanTables(this.#pool));
  }

  async scanQueue(options: { before?: string; after?: string; window: number; scannerVersion: string }): Promise<ScanQueuePage> {
    return this.#scans.scanQueue(options);
  }

  async saveScans(scans: readonly RecordScan[], now: number): Promise<void> {
    await this.#scans.saveScans(scans, now);
  }

  async scansOf(ids: readonly string[]): Promise<Map<string, ScanSummary>> {
    return this.#scans.scansOf(ids);
  }

  async nearDuplicateCandidates(id: string, limit: number) {
    return this.#scans.nearDuplicateCandidates(id, limit);
  }

  async ping(): Promise<boolean> {
    if (this.#closed) return false;
    // /health must answer quickly even when the server is unreachable (a connect can take the
    // whole connection timeout): after 1.5 s the answer is "not reachable".
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
    });
    const query = this.#pool.query('SELECT 1').then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([query, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }

  /** Nearest-rank percentiles (percentile_disc is exactly that) of one column over the filter. */
  async #percentiles(column: 'duration_ms' | 'ttfb_ms', condition: PgCondition, client: Queryable = this.#pool): Promise<Percentiles> {
    const result = await client.query<{ values: number[] | null }>(
      `SELECT percentile_disc(ARRAY[${PERCENTILES.join(', ')}]::float8[]) WITHIN GROUP (ORDER BY ${column})::float8[] AS values
      FROM exchanges WHERE ${condition.where} AND ${column} IS NOT NULL`,
      condition.params,
    );
    const values = result.rows[0]?.values ?? null;
    const at = (index: number): number | null => (values === null ? null : (values[index] ?? null));
    return { p50: at(0), p90: at(1), p95: at(2), p99: at(3), max: at(4) };
  }

  async #page<T>(filter: ListFilter, options: ListOptions, selectList: string, fromRow: (row: unknown) => T): Promise<ListPage<T>> {
    const limit = Math.max(1, Math.floor(options.limit));
    const condition = filterToSql(filter);
    const ascending = options.order === 'asc';
    const cursorValue = ascending ? options.after : options.before;
    const params = [...condition.params];
    let cursor = '';
    if (cursorValue !== undefined) {
      params.push(cursorValue);
      cursor = `AND id ${ascending ? '>' : '<'} $${params.length}`;
    }
    params.push(limit + 1);
    const rows =
      hasSearch(filter) && !ascending
        ? await this.#searchPage(condition.where, cursor, params, selectList)
        : (
            await this.#pool.query<{ id: string }>(
              `SELECT ${selectList} FROM exchanges WHERE ${condition.where} ${cursor} ORDER BY id ${ascending ? 'ASC' : 'DESC'} LIMIT $${params.length}`,
              params,
            )
          ).rows;
    const hasMore = rows.length > limit;
    const items = rows.slice(0, limit);
    return { items: items.map(fromRow), nextCursor: hasMore ? items[items.length - 1]!.id : null };
  }

  /**
   * A newest-first page of a full-text search that stops early (issue 13). The planner cannot
   * tell a rare word from a common one well enough (a prefix query gets a fixed 0.5% estimate),
   * and each wrong guess costs a full pass: walking the primary key newest first and testing
   * every row finds a common word's page at once but reads the whole table for a rare word,
   * while the GIN index finds a rare word's few matches at once but collects and sorts every
   * match of a common one. So: first the newest searchRecentRows rows by the primary key (bounded
   * work; a word in more than 1% of recent records fills its page here), then, if the page is
   * not full, every match from the GIN index, sorted (few, since the word is rare among recent
   * records). Measured in the README (PostgreSQL search). `params` ends with the row limit.
   */
  async #searchPage(where: string, cursor: string, params: unknown[], selectList: string): Promise<Array<{ id: string }>> {
    const rowLimit = `$${params.length}`;
    const recent = (
      await this.#pool.query<{ id: string }>(
        `SELECT ${selectList} FROM (SELECT * FROM exchanges WHERE TRUE ${cursor} ORDER BY id DESC LIMIT $${params.length + 1}) AS exchanges
        WHERE ${where} ORDER BY id DESC LIMIT ${rowLimit}`,
        [...params, this.#searchRecentRows],
      )
    ).rows;
    if (recent.length === params[params.length - 1]) return recent;
    // MATERIALIZED: the matches are collected as such (the GIN index, or a scan when the planner
    // knows the word is everywhere) instead of walking the primary key to meet them in order.
    return (
      await this.#pool.query<{ id: string }>(
        `WITH matches AS MATERIALIZED (SELECT id FROM exchanges WHERE ${where} ${cursor})
        SELECT ${selectList} FROM exchanges WHERE id IN (SELECT id FROM matches ORDER BY id DESC LIMIT ${rowLimit}) ORDER BY id DESC`,
        params,
      )
    ).rows;
  }

  /**
   * A review-state change or a delete: its rollup triggers lock rollup rows, so it takes the
   * write lock the insert batches take. Without it, a batch (rollup rows locked by its insert,
   * then records locked by #adoptOrphans) and a review (records locked, then rollup rows) can
   * deadlock; with it, every transaction that changes rollups runs alone. Returns rows changed.
   */
  async #rollupWrite(sql: string, params: unknown[]): Promise<number> {
    return this.#transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [WRITE_LOCK]);
      return (await client.query(sql, params)).rowCount ?? 0;
    });
  }

  /** Runs reads in one REPEATABLE READ snapshot on one connection. */
  async #readSnapshot<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.#transaction(work, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  async #transaction<T>(work: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    const client = await this.#pool.connect();
    let broken = false;
    try {
      await client.query(begin);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      // A connection that failed mid-transaction is not returned to the pool.
      client.release(broken);
    }
  }
}
