// How an exchange maps onto a row of `exchanges` in PostgreSQL: the column lists, the values an
// insert binds, and the row -> StoredExchange / ExchangeSummary conversions. Bodies of new
// records go to `exchange_bodies` (record-bodies.ts, migration 5; the same bytes as in SQLite) and
// leave the `exchanges` body columns empty; older records' bodies are read from those columns.
// Text goes through pg-text (no U+0000 in PostgreSQL text).
import type { Usage } from '../../conversation/model.js';
import type { ShareGptRow } from '../../training/sharegpt-types.js';
import type { WireFormatId } from '../../wire/wire-format.js';
import { decodeBody, decodeJson } from '../body-codec.js';
import type { EncodedRecordBodies } from '../body-chains.js';
import type { ApiKind, ExchangeRecord, ReviewState, StoredExchange } from '../exchange-record.js';
import type { ExchangeSummary } from '../store.js';
import { EXCHANGE_META_COLUMNS, usageColumns, usageKeys } from '../schema/exchange-columns.js';
import { FUNCTION_CALL_ONLY_SQL } from './filter-to-sql.js';
import { fromPgText, toPgText } from './pg-text.js';
import { indexLexemes } from './search-terms.js';

const metaColumns = [...EXCHANGE_META_COLUMNS, 'client', 'client_version', 'side_call'];

/** Columns an insert writes, in the order of `insertValues`; `search_vector` is bound as text[]. */
export const insertColumns = [
  ...metaColumns,
  'preview',
  'function_call_only',
  'edited_function_call_only',
  'search_vector',
  'request_body',
  'response_body',
  'sharegpt',
  'edited_sharegpt',
];
/** SQL for one bound value of an insert column (the search vector is built from a lexeme array). */
export const insertPlaceholder = (column: string, param: string): string =>
  column === 'search_vector' ? `array_to_tsvector(${param}::text[])` : param;

export const fullSelectList = [...metaColumns, 'request_body', 'response_body', 'sharegpt', 'edited_sharegpt'].join(', ');

export const summarySelectList = [
  ...metaColumns,
  'preview',
  '(edited_sharegpt IS NOT NULL) AS edited',
  `${FUNCTION_CALL_ONLY_SQL} AS function_call_only`,
].join(', ');

/** A record ready to insert: everything costly (compression, word splitting) done before the transaction. */
export interface PreparedRecord {
  record: ExchangeRecord;
  bodies: EncodedRecordBodies;
  lexemes: string[];
}

export function prepareRecord(record: ExchangeRecord, bodies: EncodedRecordBodies): PreparedRecord {
  return { record, bodies, lexemes: indexLexemes(record.searchText) };
}

/** What a new record's `exchanges` body columns hold: nothing (its bodies are in exchange_bodies). */
export const BODY_ELSEWHERE = Buffer.alloc(0);

/**
 * The values of one inserted row. Review state and edit fields are parameters too, so `migrate`
 * can copy a reviewed, edited record as it is (`stored`); a new record is pending and unedited.
 */
export function insertValues(
  prepared: PreparedRecord,
  link: { parentId: string | null; threadId: string },
  stored?: { reviewState: ReviewState; reviewedAt: number | null; editedSharegpt: Buffer | null; editedFunctionCallOnly: boolean | null },
): unknown[] {
  const { record } = prepared;
  const usage = record.usage;
  return [
    record.id,
    record.startedAt,
    toPgText(record.domain),
    toPgText(record.method),
    toPgText(record.path),
    record.apiKind,
    record.wireFormat,
    toPgText(record.model),
    toPgText(record.upstreamProvider),
    record.streamed,
    record.status,
    record.durationMs,
    record.ttfbMs,
    ...usageKeys.map((key) => usage?.[key] ?? null),
    toPgText(record.error?.class ?? null),
    toPgText(record.error?.message ?? null),
    record.incomplete,
    record.requestIsJson,
    record.converterVersion,
    toPgText(record.parentKey),
    toPgText(record.selfKey),
    link.parentId,
    link.threadId,
    record.turnCount,
    record.hasTools,
    stored?.reviewState ?? 'pending',
    stored?.reviewedAt ?? null,
    record.responseReasoning ?? null,
    toPgText(record.client ?? null),
    toPgText(record.clientVersion ?? null),
    toPgText(record.sideCall ?? null),
    toPgText(record.preview),
    record.functionCallOnly,
    stored?.editedFunctionCallOnly ?? null,
    prepared.lexemes,
    BODY_ELSEWHERE,
    BODY_ELSEWHERE,
    null,
    stored?.editedSharegpt ?? null,
  ];
}

interface MetaRow {
  client: string | null;
  client_version: string | null;
  side_call: string | null;
  id: string;
  started_at: number;
  domain: string;
  method: string;
  path: string;
  api_kind: ApiKind;
  wire_format: WireFormatId | 'other';
  model: string | null;
  upstream_provider: string | null;
  streamed: boolean;
  status: number;
  duration_ms: number;
  ttfb_ms: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  total_tokens: number | null;
  reasoning_tokens: number | null;
  cached_input_tokens: number | null;
  error_class: string | null;
  error_message: string | null;
  incomplete: boolean;
  request_is_json: boolean;
  converter_version: number;
  parent_key: string | null;
  self_key: string | null;
  parent_id: string | null;
  thread_id: string;
  turn_count: number;
  has_tools: boolean;
  review_state: ReviewState;
  reviewed_at: number | null;
  response_reasoning: boolean | null;
}

export interface FullRow extends MetaRow {
  request_body: Buffer;
  response_body: Buffer;
  sharegpt: Buffer | null;
  edited_sharegpt: Buffer | null;
}

export interface SummaryRow extends MetaRow {
  preview: string;
  edited: boolean;
  function_call_only: boolean;
}

type Meta = Omit<ExchangeSummary, 'preview' | 'edited' | 'functionCallOnly'>;

function metaFromRow(row: MetaRow): Meta {
  return {
    id: row.id,
    startedAt: row.started_at,
    domain: fromPgText(row.domain),
    method: fromPgText(row.method),
    path: fromPgText(row.path),
    apiKind: row.api_kind,
    wireFormat: row.wire_format,
    model: fromPgText(row.model),
    upstreamProvider: fromPgText(row.upstream_provider),
    streamed: row.streamed,
    status: row.status,
    durationMs: row.duration_ms,
    ttfbMs: row.ttfb_ms,
    usage: usageFromRow(row),
    error: row.error_class === null ? null : { class: fromPgText(row.error_class), message: fromPgText(row.error_message ?? '') },
    incomplete: row.incomplete,
    requestIsJson: row.request_is_json,
    converterVersion: row.converter_version,
    parentKey: fromPgText(row.parent_key),
    selfKey: fromPgText(row.self_key),
    parentId: row.parent_id,
    threadId: row.thread_id,
    turnCount: row.turn_count,
    hasTools: row.has_tools,
    reviewState: row.review_state,
    reviewedAt: row.reviewed_at,
    // Present only when known, so a record without them reads back exactly as written.
    ...(row.client !== null ? { client: fromPgText(row.client) } : {}),
    ...(row.client_version !== null ? { clientVersion: fromPgText(row.client_version) } : {}),
    ...(row.side_call !== null ? { sideCall: row.side_call } : {}),
    ...(row.response_reasoning !== null ? { responseReasoning: row.response_reasoning } : {}),
  };
}

/** A usage whose every field is absent is read back as null (as in SQLite). */
function usageFromRow(row: MetaRow): Usage | null {
  let usage: Usage | null = null;
  for (const key of usageKeys) {
    const value = row[usageColumns[key] as keyof MetaRow] as number | null;
    if (value !== null) (usage ??= {})[key] = value;
  }
  return usage;
}

/** `bodies`: the record's bodies from exchange_bodies; absent for a record stored before it (read from its own columns). */
export function exchangeFromRow(
  row: FullRow,
  bodies?: { requestBody: string; responseBody: string; sharegpt: ShareGptRow | null },
): StoredExchange {
  return {
    ...metaFromRow(row),
    requestBody: bodies?.requestBody ?? decodeBody(row.request_body),
    responseBody: bodies?.responseBody ?? decodeBody(row.response_body),
    sharegpt: bodies !== undefined ? bodies.sharegpt : row.sharegpt === null ? null : decodeJson<ShareGptRow>(row.sharegpt),
    editedSharegpt: row.edited_sharegpt === null ? null : decodeJson<ShareGptRow>(row.edited_sharegpt),
  };
}

export function summaryFromRow(row: SummaryRow): ExchangeSummary {
  return { ...metaFromRow(row), preview: fromPgText(row.preview), edited: row.edited, functionCallOnly: row.function_call_only };
}
