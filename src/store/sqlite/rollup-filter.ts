// ListFilter -> a WHERE clause over `exchange_rollups` or `exchange_totals` (migration 3), when the rollups can answer
// the filter exactly: only review state, model, domain, API kind and a time range on whole rollup
// buckets. null otherwise (search, flags, errors, a range cutting through an hour): the caller
// then reads `exchanges` itself. `throughId` is left to the caller (see sqlite-store.ts count).
import { rollupsAnswer } from '../rollup-scope.js';
import type { ListFilter } from '../store.js';
import type { SqlCondition } from './filter-to-sql.js';

const ANSWERABLE = new Set<keyof ListFilter>(['reviewState', 'model', 'domain', 'apiKind', 'since', 'until', 'throughId']);

export interface RollupCondition extends SqlCondition {
  /** exchange_totals without a time range (a few rows), else the hourly exchange_rollups. */
  table: 'exchange_totals' | 'exchange_rollups';
}

export function rollupFilter(filter: ListFilter): RollupCondition | null {
  if (!rollupsAnswer(filter, ANSWERABLE)) return null;
  const clauses: string[] = [];
  const params: Array<string | number> = [];
  if (filter.reviewState !== undefined) {
    clauses.push('review_state = ?');
    params.push(filter.reviewState);
  }
  if (filter.model !== undefined) {
    // '' is how a rollup row says "no model"; a record's model is never the empty string.
    clauses.push("model = ? AND model <> ''");
    params.push(filter.model);
  }
  if (filter.domain !== undefined) {
    clauses.push('domain = ?');
    params.push(filter.domain);
  }
  if (filter.apiKind !== undefined) {
    clauses.push('api_kind = ?');
    params.push(filter.apiKind);
  }
  if (filter.since !== undefined) {
    clauses.push('bucket_start >= ?');
    params.push(filter.since);
  }
  if (filter.until !== undefined) {
    clauses.push('bucket_start < ?');
    params.push(filter.until);
  }
  const table = filter.since === undefined && filter.until === undefined ? 'exchange_totals' : 'exchange_rollups';
  return { where: clauses.length === 0 ? '1 = 1' : clauses.join(' AND '), params, table };
}
