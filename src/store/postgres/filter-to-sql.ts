// ListFilter -> a PostgreSQL WHERE clause with numbered parameters ($1, $2, ...).
import type { ListFilter } from '../store.js';
import { toPgText } from './pg-text.js';
import { toTsQuery } from './search-terms.js';

export interface PgCondition {
  /** `TRUE` when the filter is empty, so callers can always append `AND ...`. */
  where: string;
  params: unknown[];
}

/** The effective function-call-only flag: the edit's when one is stored, else the derived row's. */
export const FUNCTION_CALL_ONLY_SQL = 'COALESCE(edited_function_call_only, function_call_only)';

/** `firstParam`: the number of the first placeholder (when the caller binds parameters before these). */
export function filterToSql(filter: ListFilter, firstParam = 1): PgCondition {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const bind = (value: unknown): string => {
    params.push(value);
    return `$${firstParam + params.length - 1}`;
  };
  if (filter.reviewState !== undefined) clauses.push(`review_state = ${bind(filter.reviewState)}`);
  if (filter.model !== undefined) clauses.push(`model = ${bind(toPgText(filter.model))}`);
  if (filter.domain !== undefined) clauses.push(`domain = ${bind(toPgText(filter.domain))}`);
  if (filter.apiKind !== undefined) clauses.push(`api_kind = ${bind(filter.apiKind)}`);
  if (filter.hasTools !== undefined) clauses.push(`has_tools = ${bind(filter.hasTools)}`);
  if (filter.since !== undefined) clauses.push(`started_at >= ${bind(filter.since)}`);
  if (filter.until !== undefined) clauses.push(`started_at < ${bind(filter.until)}`);
  if (filter.hasError !== undefined) clauses.push(filter.hasError ? 'error_class IS NOT NULL' : 'error_class IS NULL');
  if (filter.functionCallOnly !== undefined) clauses.push(`${FUNCTION_CALL_ONLY_SQL} = ${bind(filter.functionCallOnly)}`);
  if (filter.sideCall !== undefined) clauses.push(filter.sideCall ? 'side_call IS NOT NULL' : 'side_call IS NULL');
  if (filter.client !== undefined) clauses.push(`client = ${bind(toPgText(filter.client))}`);
  if (filter.throughId !== undefined) clauses.push(`id <= ${bind(filter.throughId)}`);
  if (filter.search !== undefined && filter.search.trim() !== '') {
    const query = toTsQuery(filter.search);
    clauses.push(query === null ? 'FALSE' : `search_vector @@ ${bind(query)}::tsquery`);
  }
  return { where: clauses.length === 0 ? 'TRUE' : clauses.join(' AND '), params };
}
