// The rollups of the PostgreSQL store (schema.ts migration 7): the same tables as SQLite's
// migration 3 (store/schema/migrations.ts), plus the client in the key, kept right by
// statement-level triggers with transition tables: one INSERT ... SELECT ... GROUP BY ... ON
// CONFLICT DO UPDATE per rollup table and statement, so a batch of 1,000 records costs one upsert
// per key it touches, not 1,000 row triggers. ON CONFLICT DO UPDATE adds to a row atomically
// whichever instance writes (no lost update); keys are upserted in key order, so two statements
// that touch the same rollup rows lock them in the same order.
//
// exchange_rollups: counts and token sums per hour x model x domain x API kind x client x review
// state; exchange_totals: the same over all time (a few rows: stats, facets, totals);
// latency_counts: how many records have each exact duration / time to first byte, for exact
// nearest-rank percentiles over everything. '' stands for "no model" / "no client" in a key.
import { ROLLUP_BUCKET_MS } from '../schema/migrations.js';

export interface RollupTable {
  name: 'exchange_rollups' | 'exchange_totals';
  hourly: boolean;
}

export const ROLLUP_TABLES: readonly RollupTable[] = [
  { name: 'exchange_rollups', hourly: true },
  { name: 'exchange_totals', hourly: false },
];

/** Key columns and how each is computed from a row of `exchanges` aliased `r`. */
const KEY_COLUMNS: ReadonlyArray<[string, (row: string) => string]> = [
  ['bucket_start', (row) => `${row}.started_at - ${row}.started_at % ${ROLLUP_BUCKET_MS}`],
  ['model', (row) => `COALESCE(${row}.model, '')`],
  ['domain', (row) => `${row}.domain`],
  ['api_kind', (row) => `${row}.api_kind`],
  ['client', (row) => `COALESCE(${row}.client, '')`],
  ['review_state', (row) => `${row}.review_state`],
];

/** The measures a rollup row sums. */
export const ROLLUP_MEASURES: ReadonlyArray<[string, (row: string) => string]> = [
  ['requests', () => '1'],
  ['errors', (row) => `(${row}.error_class IS NOT NULL)::int`],
  ['input_tokens', (row) => `COALESCE(${row}.input_tokens, 0)`],
  ['output_tokens', (row) => `COALESCE(${row}.output_tokens, 0)`],
  ['total_tokens', (row) => `COALESCE(${row}.total_tokens, 0)`],
  ['reasoning_tokens', (row) => `COALESCE(${row}.reasoning_tokens, 0)`],
  ['cached_input_tokens', (row) => `COALESCE(${row}.cached_input_tokens, 0)`],
];

const LATENCY_METRICS = ['duration_ms', 'ttfb_ms'] as const;

/** The columns of `exchanges` the rollups read: an update that changes none of them changes no rollup. */
const SOURCE_COLUMNS = [
  'started_at',
  'model',
  'domain',
  'api_kind',
  'client',
  'review_state',
  'error_class',
  'input_tokens',
  'output_tokens',
  'total_tokens',
  'reasoning_tokens',
  'cached_input_tokens',
  ...LATENCY_METRICS,
];

export const keyColumnsOf = (table: RollupTable): string[] =>
  KEY_COLUMNS.map(([column]) => column).filter((column) => table.hourly || column !== 'bucket_start');

/** One signed delta row per source row: the key, the measures, the latencies and `sign` (+1 / -1). */
function deltaColumns(row: string, sign: 1 | -1): string {
  return [
    ...KEY_COLUMNS.map(([column, of]) => `${of(row)} AS ${column}`),
    ...ROLLUP_MEASURES.map(([column, of]) => `${of(row)} AS ${column}`),
    ...LATENCY_METRICS.map((metric) => `${row}.${metric} AS ${metric}`),
    `${sign} AS sign`,
  ].join(', ');
}

/** The deltas of one trigger event, as a query over its transition tables. */
type Event = 'INSERT' | 'DELETE' | 'UPDATE';
function deltasOf(event: Event): string {
  if (event === 'INSERT') return `SELECT ${deltaColumns('r', 1)} FROM inserted AS r`;
  if (event === 'DELETE') return `SELECT ${deltaColumns('r', -1)} FROM removed AS r`;
  // Only rows whose rollup inputs changed (review state, in practice): thread adoption,
  // updateDerived and edits change none, and cost a join of their few rows.
  const changed = `FROM before_rows AS o JOIN after_rows AS n ON n.id = o.id
    WHERE ROW(${SOURCE_COLUMNS.map((column) => `o.${column}`).join(', ')}) IS DISTINCT FROM ROW(${SOURCE_COLUMNS.map((column) => `n.${column}`).join(', ')})`;
  return `SELECT ${deltaColumns('o', -1)} ${changed} UNION ALL SELECT ${deltaColumns('n', 1)} ${changed}`;
}

/** Statements (each ending in `;`) applying one event's deltas to every rollup table. */
function applyDeltas(event: Event): string {
  const deltas = `WITH d AS (${deltasOf(event)})`;
  const statements: string[] = [];
  for (const table of ROLLUP_TABLES) {
    const keys = keyColumnsOf(table).join(', ');
    const sums = ROLLUP_MEASURES.map(([column]) => `SUM(sign * ${column})`);
    statements.push(
      `${deltas} INSERT INTO ${table.name} (${keys}, ${ROLLUP_MEASURES.map(([column]) => column).join(', ')})
      SELECT ${keys}, ${sums.join(', ')} FROM d GROUP BY ${keys}
      HAVING ${sums.map((sum) => `${sum} <> 0`).join(' OR ')}
      ORDER BY ${keys}
      ON CONFLICT (${keys}) DO UPDATE SET ${ROLLUP_MEASURES.map(([column]) => `${column} = ${table.name}.${column} + excluded.${column}`).join(', ')};`,
    );
    // An emptied rollup row goes, so facets never offer a model that no longer has a record.
    if (event !== 'INSERT') {
      statements.push(
        `${deltas} DELETE FROM ${table.name} AS t USING (SELECT DISTINCT ${keys} FROM d WHERE sign < 0) AS k
        WHERE ${keyColumnsOf(table).map((column) => `t.${column} = k.${column}`).join(' AND ')} AND t.requests = 0;`,
      );
    }
  }
  for (const metric of LATENCY_METRICS) {
    statements.push(
      `${deltas} INSERT INTO latency_counts (metric, value, count)
      SELECT '${metric}', ${metric}, SUM(sign) FROM d WHERE ${metric} IS NOT NULL GROUP BY ${metric} HAVING SUM(sign) <> 0 ORDER BY ${metric}
      ON CONFLICT (metric, value) DO UPDATE SET count = latency_counts.count + excluded.count;`,
    );
    if (event !== 'INSERT') {
      statements.push(
        `${deltas} DELETE FROM latency_counts AS t USING (SELECT DISTINCT ${metric} AS value FROM d WHERE sign < 0 AND ${metric} IS NOT NULL) AS k
        WHERE t.metric = '${metric}' AND t.value = k.value AND t.count = 0;`,
      );
    }
  }
  return statements.join('\n');
}

const TRIGGERS: ReadonlyArray<{ name: string; event: Event; referencing: string }> = [
  { name: 'exchanges_rollup_insert', event: 'INSERT', referencing: 'NEW TABLE AS inserted' },
  { name: 'exchanges_rollup_delete', event: 'DELETE', referencing: 'OLD TABLE AS removed' },
  // Transition tables cannot go with a column list (UPDATE OF review_state): every UPDATE fires
  // it, and deltasOf('UPDATE') keeps the rows whose rollup inputs changed.
  { name: 'exchanges_rollup_update', event: 'UPDATE', referencing: 'OLD TABLE AS before_rows NEW TABLE AS after_rows' },
];

/** Migration 7's statements: the tables, filled from the rows already stored, and the triggers. */
export function rollupMigrationStatements(): string[] {
  const fill = (table: RollupTable): string => {
    const keys = keyColumnsOf(table).join(', ');
    return `WITH d AS (SELECT ${deltaColumns('r', 1)} FROM exchanges AS r)
      INSERT INTO ${table.name} (${keys}, ${ROLLUP_MEASURES.map(([column]) => column).join(', ')})
      SELECT ${keys}, ${ROLLUP_MEASURES.map(([column]) => `SUM(${column})`).join(', ')} FROM d GROUP BY ${keys}`;
  };
  return [
    // No insert, review or delete between the fill and the triggers' creation (other instances
    // wait, then go on with the triggers in place).
    'LOCK TABLE exchanges IN SHARE ROW EXCLUSIVE MODE',
    ...ROLLUP_TABLES.flatMap((table) => [
      `CREATE TABLE ${table.name} (
        ${keyColumnsOf(table)
          .map((column) => `${column} ${column === 'bucket_start' ? 'BIGINT' : 'TEXT'} NOT NULL`)
          .join(',\n        ')},
        ${ROLLUP_MEASURES.map(([column]) => `${column} BIGINT NOT NULL`).join(',\n        ')},
        PRIMARY KEY (${keyColumnsOf(table).join(', ')})
      )`,
      fill(table),
    ]),
    // Durations are stored to the microsecond (DOUBLE PRECISION), so the value column is too.
    'CREATE TABLE latency_counts (metric TEXT NOT NULL, value DOUBLE PRECISION NOT NULL, count BIGINT NOT NULL, PRIMARY KEY (metric, value))',
    ...LATENCY_METRICS.map(
      (metric) =>
        `INSERT INTO latency_counts (metric, value, count) SELECT '${metric}', ${metric}, COUNT(*) FROM exchanges WHERE ${metric} IS NOT NULL GROUP BY ${metric}`,
    ),
    ...TRIGGERS.flatMap(({ name, event, referencing }) => [
      `CREATE FUNCTION ${name}_fn() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN\n${applyDeltas(event)}\nRETURN NULL; END $$`,
      `CREATE TRIGGER ${name} AFTER ${event} ON exchanges REFERENCING ${referencing} FOR EACH STATEMENT EXECUTE FUNCTION ${name}_fn()`,
    ]),
    // TRUNCATE fires no delete trigger: empty the rollups with the records.
    `CREATE FUNCTION exchanges_rollup_truncate_fn() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
      DELETE FROM exchange_rollups; DELETE FROM exchange_totals; DELETE FROM latency_counts; RETURN NULL; END $$`,
    'CREATE TRIGGER exchanges_rollup_truncate AFTER TRUNCATE ON exchanges FOR EACH STATEMENT EXECUTE FUNCTION exchanges_rollup_truncate_fn()',
  ];
}
