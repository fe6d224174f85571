// ListFilter -> a WHERE clause over `exchange_rollups` or `exchange_totals` (rollup-schema.ts),
// when the rollups answer the filter exactly: review state, model, domain, API kind, client and a
// time range on whole rollup buckets. null otherwise (search, flags, errors, a range cutting
// through an hour): the caller then reads `exchanges`. `throughId` is left to the caller (see
// postgres-store.ts count). As SQLite's rollup-filter.ts, with the client in the key.
import { rollupsAnswer } from '../rollup-scope.js';
import type { ListFilter } from '../store.js';
import type { PgCondition } from './filter-to-sql.js';
import { toPgText } from './pg-text.js';

const ANSWERABLE = new Set<keyof ListFilter>(['reviewState', 'model', 'domain', 'apiKind', 'client', 'since', 'until', 'throughId']);

export interface PgRollupCondition extends PgCondition {
  /** exchange_totals without a time range (a few rows), else the hourly exchange_rollups. */
  table: 'exchange_totals' | 'exchange_rollups';
}

/** `firstParam`: the number of the first placeholder. */
export function pgRollupFilter(filter: ListFilter, firstParam = 1): PgRollupCondition | null {
  if (!rollupsAnswer(filter, ANSWERABLE)) return null;
  const clauses: string[] = [];
  const params: unknown[] = [];
  const bind = (value: unknown): string => {
    params.push(value);
    return `$${firstParam + params.length - 1}`;
  };
  if (filter.reviewState !== undefined) clauses.push(`review_state = ${bind(filter.reviewState)}`);
  // '' is how a rollup row says "none"; a record's model or client is never the empty string.
  if (filter.model !== undefined) clauses.push(`model = ${bind(toPgText(filter.model))} AND model <> ''`);
  if (filter.domain !== undefined) clauses.push(`domain = ${bind(toPgText(filter.domain))}`);
  if (filter.apiKind !== undefined) clauses.push(`api_kind = ${bind(filter.apiKind)}`);
  if (filter.client !== undefined) clauses.push(`client = ${bind(toPgText(filter.client))} AND client <> ''`);
  if (filter.since !== undefined) clauses.push(`bucket_start >= ${bind(filter.since)}`);
  if (filter.until !== undefined) clauses.push(`bucket_start < ${bind(filter.until)}`);
  const table = filter.since === undefined && filter.until === undefined ? 'exchange_totals' : 'exchange_rollups';
  return { where: clauses.length === 0 ? 'TRUE' : clauses.join(' AND '), params, table };
}
