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

/**
 * How good a record is as its thread's representative (ListFilter.bestOfThread), as a row value
 * compared with `>`: complete (no error, not cut off; false < true), then turns, then id. The
 * same expressions as the index exchanges_thread_best (schema.ts migration 3).
 */
const rankOf = (alias: string): string => `${completeOf(alias)}, ${alias}.turn_count, ${alias}.id`;

/** A record with an answer to train on: no error, not cut off. */
const completeOf = (alias: string): string => `(${alias}.error_class IS NULL AND NOT ${alias}.incomplete)`;

/** `firstParam`: the number of the first placeholder (when the caller binds parameters before these). */
export function filterToSql(filter: ListFilter, firstParam = 1): PgCondition {
  const params: unknown[] = [];
  const bind = (value: unknown): string => {
    params.push(value);
    return `$${firstParam + params.length - 1}`;
  };
  return { where: clausesOf(filter, 'exchanges', bind), params };
}

/** The clauses over the columns of `table` (a table name or alias), binding values through `bind`. */
function clausesOf(filter: ListFilter, table: string, bind: (value: unknown) => string): string {
  const clauses: string[] = [];
  const column = (name: string): string => `${table}.${name}`;
  if (filter.reviewState !== undefined) clauses.push(`${column('review_state')} = ${bind(filter.reviewState)}`);
  if (filter.model !== undefined) clauses.push(`${column('model')} = ${bind(toPgText(filter.model))}`);
  if (filter.models !== undefined) {
    clauses.push(filter.models.length === 0 ? 'FALSE' : `${column('model')} = ANY(${bind(filter.models.map((model) => toPgText(model)))}::text[])`);
  }
  if (filter.domain !== undefined) clauses.push(`${column('domain')} = ${bind(toPgText(filter.domain))}`);
  if (filter.apiKind !== undefined) clauses.push(`${column('api_kind')} = ${bind(filter.apiKind)}`);
  if (filter.threadId !== undefined) clauses.push(`${column('thread_id')} = ${bind(filter.threadId)}`);
  if (filter.tag !== undefined) {
    clauses.push(`${column('id')} IN (SELECT exchange_id FROM annotation_tags WHERE tag = ${bind(toPgText(filter.tag))})`);
  }
  if (filter.hasTools !== undefined) clauses.push(`${column('has_tools')} = ${bind(filter.hasTools)}`);
  if (filter.since !== undefined) clauses.push(`${column('started_at')} >= ${bind(filter.since)}`);
  if (filter.until !== undefined) clauses.push(`${column('started_at')} < ${bind(filter.until)}`);
  if (filter.hasError !== undefined) clauses.push(`${column('error_class')} ${filter.hasError ? 'IS NOT NULL' : 'IS NULL'}`);
  if (filter.functionCallOnly !== undefined) {
    clauses.push(
      `COALESCE(${column('edited_function_call_only')}, ${column('function_call_only')}) = ${bind(filter.functionCallOnly)}`,
    );
  }
  if (filter.sideCall !== undefined) clauses.push(`${column('side_call')} ${filter.sideCall ? 'IS NOT NULL' : 'IS NULL'}`);
  if (filter.client !== undefined) clauses.push(`${column('client')} = ${bind(toPgText(filter.client))}`);
  if (filter.findings !== undefined) clauses.push(findingsClause(filter.findings, table));
  if (filter.throughId !== undefined) clauses.push(`${column('id')} <= ${bind(filter.throughId)}`);
  if (filter.search !== undefined && filter.search.trim() !== '') {
    const query = toTsQuery(filter.search);
    clauses.push(query === null ? 'FALSE' : `${column('search_vector')} @@ ${bind(query)}::tsquery`);
  }
  if (filter.bestOfThread === true) {
    // The best is judged among the records matching the rest of the filter: a better record of
    // the same thread that the filter excludes does not hide this one.
    const { bestOfThread: _best, ...rest } = filter;
    const better = `better_${table}`;
    clauses.push(
      `NOT EXISTS (SELECT 1 FROM exchanges AS ${better} WHERE ${better}.thread_id = ${column('thread_id')}
        AND (${rankOf(better)}) > (${rankOf(table)}) AND ${clausesOf(rest, better, bind)})`,
    );
  }
  if (filter.threadLeaves === true) {
    // ListFilter.threadLeaves, the same rule as the SQLite store (sqlite/filter-to-sql.ts). The
    // child probes read the index exchanges_parent_id (schema.ts migration 8), the thread probe
    // exchanges_thread_best.
    const { threadLeaves: _leaves, ...rest } = filter;
    const child = `child_${table}`;
    const grandchild = `grandchild_${table}`;
    const better = `better_${table}`;
    clauses.push(
      `((${completeOf(table)} AND NOT EXISTS (SELECT 1 FROM exchanges AS ${child} WHERE ${child}.parent_id = ${column('id')}
          AND ${clausesOf(rest, child, bind)} AND (${completeOf(child)} OR EXISTS (SELECT 1 FROM exchanges AS ${grandchild}
            WHERE ${grandchild}.parent_id = ${child}.id AND ${completeOf(grandchild)} AND ${clausesOf(rest, grandchild, bind)}))))
        OR (NOT ${completeOf(table)} AND NOT EXISTS (SELECT 1 FROM exchanges AS ${better} WHERE ${better}.thread_id = ${column('thread_id')}
          AND (${rankOf(better)}) > (${rankOf(table)}) AND ${clausesOf(rest, better, bind)})))`,
    );
  }
  return clauses.length === 0 ? 'TRUE' : clauses.join(' AND ');
}

/**
 * ListFilter.findings over exchange_findings (schema.ts migration 6): the rare ones read a partial
 * index, `none` (most records) is a primary-key probe per row, `unscanned` an anti-join.
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
