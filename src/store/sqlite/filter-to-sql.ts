// ListFilter -> an SQLite WHERE clause with positional parameters.
import type { ListFilter } from '../store.js';

export interface SqlCondition {
  /** `1 = 1` when the filter is empty, so callers can always append `AND ...`. */
  where: string;
  params: Array<string | number>;
}

/** Splits text into index terms exactly as the FTS5 tokenizer does. */
export type Tokenize = (text: string) => string[];

/** A search input as an FTS5 MATCH expression (to-fts5-query.ts); null when nothing can match. */
export type SearchQuery = (text: string) => string | null;

/**
 * `table`: the name or alias the columns are qualified with (default: unqualified, `exchanges`).
 * bestOfThread compares each record with the others of its thread (alias `better`) under the same
 * filter; the expressions match the index exchanges_thread_best (migration 4) so each comparison
 * reads that index, not the rows.
 */
export function filterToSql(filter: ListFilter, searchQuery: SearchQuery, table?: string): SqlCondition {
  const clauses: string[] = [];
  const params: Array<string | number> = [];
  const prefix = table === undefined ? '' : `${table}.`;
  const equals = (column: string, value: string | number): void => {
    clauses.push(`${prefix}${column} = ?`);
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
  if (filter.models !== undefined) {
    if (filter.models.length === 0) clauses.push('0 = 1');
    else {
      clauses.push(`${prefix}model IN (${filter.models.map(() => '?').join(', ')})`);
      params.push(...filter.models);
    }
  }
  if (filter.since !== undefined) {
    clauses.push(`${prefix}started_at >= ?`);
    params.push(filter.since);
  }
  if (filter.until !== undefined) {
    clauses.push(`${prefix}started_at < ?`);
    params.push(filter.until);
  }
  if (filter.hasError !== undefined) clauses.push(filter.hasError ? `${prefix}error_class IS NOT NULL` : `${prefix}error_class IS NULL`);
  if (filter.functionCallOnly !== undefined) {
    clauses.push(`${prefix}id ${filter.functionCallOnly ? 'IN' : 'NOT IN'} (SELECT id FROM function_call_only_exchanges)`);
  }
  if (filter.sideCall !== undefined) {
    clauses.push(`id ${filter.sideCall ? 'IN' : 'NOT IN'} (SELECT id FROM exchange_clients WHERE side_call IS NOT NULL)`);
  }
  if (filter.client !== undefined) {
    clauses.push('id IN (SELECT id FROM exchange_clients WHERE client = ?)');
    params.push(filter.client);
  }
  if (filter.findings !== undefined) clauses.push(findingsClause(filter.findings, table ?? 'exchanges'));
  if (filter.throughId !== undefined) {
    clauses.push(`${prefix}id <= ?`);
    params.push(filter.throughId);
  }
  if (filter.search !== undefined && filter.search.trim() !== '') {
    const query = searchQuery(filter.search);
    if (query === null) clauses.push('0 = 1');
    else {
      clauses.push(`${prefix}search_rowid IN (SELECT rowid FROM exchanges_fts WHERE exchanges_fts MATCH ?)`);
      params.push(query);
    }
  }
  if (filter.bestOfThread === true) {
    const self = table ?? 'exchanges';
    const { bestOfThread: _self, ...rest } = filter;
    const others = filterToSql(rest, searchQuery, 'better');
    const rank = (alias: string) => `(${alias}.error_class IS NULL AND NOT ${alias}.incomplete), ${alias}.turn_count, ${alias}.id`;
    clauses.push(
      `NOT EXISTS (SELECT 1 FROM exchanges AS better WHERE better.thread_id = ${self}.thread_id AND (${rank('better')}) > (${rank(self)}) AND ${others.where})`,
    );
    params.push(...others.params);
  }
  if (filter.threadLeaves === true) {
    // Same rule as the PostgreSQL store (postgres/filter-to-sql.ts), documented at
    // ListFilter.threadLeaves. The child probes read the index exchanges_parent_id (migration 9;
    // partial since migration 15: a probe by `parent_id =` can use it),
    // the thread probe exchanges_thread_best (migration 4).
    const self = table ?? 'exchanges';
    const { threadLeaves: _leaves, ...rest } = filter;
    const complete = (alias: string) => `(${alias}.error_class IS NULL AND NOT ${alias}.incomplete)`;
    const rank = (alias: string) => `${complete(alias)}, ${alias}.turn_count, ${alias}.id`;
    const child = filterToSql(rest, searchQuery, 'child');
    const grandchild = filterToSql(rest, searchQuery, 'grandchild');
    const better = filterToSql(rest, searchQuery, 'better');
    clauses.push(
      `((${complete(self)} AND NOT EXISTS (SELECT 1 FROM exchanges AS child WHERE child.parent_id = ${self}.id AND ${child.where} AND (${complete('child')} OR ` +
        `EXISTS (SELECT 1 FROM exchanges AS grandchild WHERE grandchild.parent_id = child.id AND ${complete('grandchild')} AND ${grandchild.where})))) ` +
        `OR (NOT ${complete(self)} AND NOT EXISTS (SELECT 1 FROM exchanges AS better WHERE better.thread_id = ${self}.thread_id AND (${rank('better')}) > (${rank(self)}) AND ${better.where})))`,
    );
    params.push(...child.params, ...grandchild.params, ...better.params);
  }
  return { where: clauses.length === 0 ? '1 = 1' : clauses.join(' AND '), params };
}

/**
 * ListFilter.findings over exchange_findings (migration 8). The rare ones read a partial index
 * (a few ids); `none`, most records, is a primary-key probe per row read, so a page stops early.
 */
function findingsClause(findings: NonNullable<ListFilter['findings']>, table: string): string {
  switch (findings) {
    case 'secrets':
      return `${table}.id IN (SELECT id FROM exchange_findings WHERE secrets > 0)`;
    case 'personal':
      return `${table}.id IN (SELECT id FROM exchange_findings WHERE personal > 0)`;
    case 'any':
      return `${table}.id IN (SELECT id FROM exchange_findings WHERE secrets > 0 OR personal > 0)`;
    case 'none':
      return `EXISTS (SELECT 1 FROM exchange_findings f WHERE f.id = ${table}.id AND f.secrets = 0 AND f.personal = 0)`;
    case 'unscanned':
      return `NOT EXISTS (SELECT 1 FROM exchange_findings f WHERE f.id = ${table}.id)`;
  }
}
