// ListFilter -> an SQLite WHERE clause with positional parameters.
import type { ListFilter } from '../store.js';
import { toFts5Query } from './to-fts5-query.js';

export interface SqlCondition {
  /** `1 = 1` when the filter is empty, so callers can always append `AND ...`. */
  where: string;
  params: Array<string | number>;
}

/** Splits text into index terms exactly as the FTS5 tokenizer does. */
export type Tokenize = (text: string) => string[];

export function filterToSql(filter: ListFilter, tokenize: Tokenize): SqlCondition {
  const clauses: string[] = [];
  const params: Array<string | number> = [];
  const equals = (column: string, value: string | number): void => {
    clauses.push(`${column} = ?`);
    params.push(value);
  };
  if (filter.reviewState !== undefined) equals('review_state', filter.reviewState);
  if (filter.model !== undefined) equals('model', filter.model);
  if (filter.domain !== undefined) equals('domain', filter.domain);
  if (filter.apiKind !== undefined) equals('api_kind', filter.apiKind);
  if (filter.threadId !== undefined) equals('thread_id', filter.threadId);
  if (filter.tag !== undefined) {
    clauses.push('id IN (SELECT exchange_id FROM annotation_tags WHERE tag = ?)');
    params.push(filter.tag);
  }
  if (filter.hasTools !== undefined) equals('has_tools', filter.hasTools ? 1 : 0);
  if (filter.since !== undefined) {
    clauses.push('started_at >= ?');
    params.push(filter.since);
  }
  if (filter.until !== undefined) {
    clauses.push('started_at < ?');
    params.push(filter.until);
  }
  if (filter.hasError !== undefined) clauses.push(filter.hasError ? 'error_class IS NOT NULL' : 'error_class IS NULL');
  if (filter.functionCallOnly !== undefined) {
    clauses.push(`id ${filter.functionCallOnly ? 'IN' : 'NOT IN'} (SELECT id FROM function_call_only_exchanges)`);
  }
  if (filter.throughId !== undefined) {
    clauses.push('id <= ?');
    params.push(filter.throughId);
  }
  if (filter.search !== undefined && filter.search.trim() !== '') {
    const query = toFts5Query(tokenize(filter.search));
    if (query === null) clauses.push('0 = 1');
    else {
      clauses.push('search_rowid IN (SELECT rowid FROM exchanges_fts WHERE exchanges_fts MATCH ?)');
      params.push(query);
    }
  }
  return { where: clauses.length === 0 ? '1 = 1' : clauses.join(' AND '), params };
}
