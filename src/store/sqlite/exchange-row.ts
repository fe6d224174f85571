// How an exchange maps onto a row of `exchanges` in SQLite: the column lists, the parameters an
// insert binds, and the row -> StoredExchange / ExchangeSummary conversions. Flags are 0/1.
// Bodies of new records live in `exchange_bodies` (record-bodies.ts; migration 7): their
// `exchanges` body columns are left empty. Older records' bodies are still read from those columns.
import type { ApiKind, ExchangeRecord, ReviewState, StoredExchange } from '../exchange-record.js';
import type { Usage } from '../../conversation/model.js';
import type { ShareGptRow } from '../../training/sharegpt-types.js';
import type { WireFormatId } from '../../wire/wire-format.js';
import { decodeBody, decodeJson } from '../body-codec.js';
import type { EncodedRequest } from '../record-bodies.js';
import type { ExchangeSummary } from '../store.js';
import { EXCHANGE_META_COLUMNS, usageColumns, usageKeys } from '../schema/exchange-columns.js';
import { type KeyColumn, keyColumnOf, keyFromColumn } from './thread-key-column.js';

const metaColumns = EXCHANGE_META_COLUMNS;

/** Columns an insert writes, in the order of `insertParams`. */
export const insertColumns = [
  ...metaColumns.filter((column) => column !== 'review_state' && column !== 'reviewed_at'),
  'preview',
  'search_rowid',
  'request_body',
  'response_body',
  'sharegpt',
  'search_text',
];

// Client and side-call marks live in the exchange_clients side table (migration 3), for the reason
// migration 2 gives: a column appended after the bodies would make every list read walk them.
const clientColumns = ['client', 'client_version', 'side_call'].map(
  (column) => `(SELECT ec.${column} FROM exchange_clients AS ec WHERE ec.id = exchanges.id) AS ${column}`,
);

export const fullSelectList = [
  ...metaColumns,
  ...clientColumns,
  'request_body',
  'response_body',
  'sharegpt',
  'edited_sharegpt',
].join(', ');

export const summarySelectList = [
  ...metaColumns,
  ...clientColumns,
  'preview',
  '(edited_sharegpt IS NOT NULL) AS edited',
  'EXISTS (SELECT 1 FROM function_call_only_exchanges AS fco WHERE fco.id = exchanges.id) AS function_call_only',
].join(', ');

type SqlValue = string | number | bigint | Buffer | null;

/** The compressed bodies of a record: computed before the write transaction opens (record-bodies.ts). */
export interface EncodedBodies {
  request: EncodedRequest;
  /** The request body as received: what a keyframe is re-encoded from. */
  requestUtf8: Buffer;
  response: Buffer;
  sharegpt: Buffer | null;
  preview: string;
  /** Kept in the function_call_only_exchanges side table, not in `exchanges`. */
  functionCallOnly: boolean;
}

/**
 * The `search_text` column stays in the schema but holds an empty value: the words live in the
 * contentless FTS index, and keeping the text beside it cost about a fifth of the writer's time
 * (compressing it) for nothing any reader used. `rebuild` re-derives it from the bodies.
 */
export const NO_SEARCH_TEXT = Buffer.from([0x00]);

/** What a new record's `exchanges` body columns hold: nothing (its bodies are in exchange_bodies). */
export const BODY_ELSEWHERE = Buffer.alloc(0);

export function insertParams(
  record: ExchangeRecord,
  bodies: EncodedBodies,
  link: { parentId: string | null; threadId: string; searchRowid: number | bigint | null },
): SqlValue[] {
  const usage = record.usage;
  return [
    record.id,
    record.startedAt,
    record.domain,
    record.method,
    record.path,
    record.apiKind,
    record.wireFormat,
    record.model,
    record.upstreamProvider,
    flag(record.streamed),
    record.status,
    record.durationMs,
    record.ttfbMs,
    ...usageKeys.map((key) => usage?.[key] ?? null),
    record.error?.class ?? null,
    record.error?.message ?? null,
    flag(record.incomplete),
    flag(record.requestIsJson),
    record.converterVersion,
    keyColumnOf(record.parentKey),
    keyColumnOf(record.selfKey),
    link.parentId,
    link.threadId,
    record.turnCount,
    flag(record.hasTools),
    record.responseReasoning == null ? null : flag(record.responseReasoning),
    bodies.preview,
    link.searchRowid,
    BODY_ELSEWHERE,
    BODY_ELSEWHERE,
    null,
    NO_SEARCH_TEXT,
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
  streamed: number;
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
  incomplete: number;
  request_is_json: number;
  converter_version: number;
  /** Thread keys: a BLOB for a hex key, TEXT otherwise and in rows stored before migration 13. */
  parent_key: KeyColumn | null;
  self_key: KeyColumn | null;
  parent_id: string | null;
  thread_id: string;
  turn_count: number;
  has_tools: number;
  review_state: ReviewState;
  reviewed_at: number | null;
  response_reasoning: number | null;
}

export interface FullRow extends MetaRow {
  request_body: Buffer;
  response_body: Buffer;
  sharegpt: Buffer | null;
  edited_sharegpt: Buffer | null;
}

export interface SummaryRow extends MetaRow {
  preview: string;
  edited: number;
  function_call_only: number;
}

type Meta = Omit<ExchangeSummary, 'preview' | 'edited' | 'functionCallOnly'>;

function metaFromRow(row: MetaRow): Meta {
  return {
    id: row.id,
    startedAt: row.started_at,
    domain: row.domain,
    method: row.method,
    path: row.path,
    apiKind: row.api_kind,
    wireFormat: row.wire_format,
    model: row.model,
    upstreamProvider: row.upstream_provider,
    streamed: row.streamed === 1,
    status: row.status,
    durationMs: row.duration_ms,
    ttfbMs: row.ttfb_ms,
    usage: usageFromRow(row),
    error: row.error_class === null ? null : { class: row.error_class, message: row.error_message ?? '' },
    incomplete: row.incomplete === 1,
    requestIsJson: row.request_is_json === 1,
    converterVersion: row.converter_version,
    parentKey: keyFromColumn(row.parent_key),
    selfKey: keyFromColumn(row.self_key),
    parentId: row.parent_id,
    threadId: row.thread_id,
    turnCount: row.turn_count,
    hasTools: row.has_tools === 1,
    reviewState: row.review_state,
    reviewedAt: row.reviewed_at,
    // Present only when known, so a record without them reads back exactly as written.
    ...(row.client !== null ? { client: row.client } : {}),
    ...(row.client_version !== null ? { clientVersion: row.client_version } : {}),
    ...(row.side_call !== null ? { sideCall: row.side_call } : {}),
    ...(row.response_reasoning !== null ? { responseReasoning: row.response_reasoning === 1 } : {}),
  };
}

/** A usage whose every field is absent is read back as null (there is nothing to tell them apart). */
function usageFromRow(row: MetaRow): Usage | null {
  let usage: Usage | null = null;
  for (const key of usageKeys) {
    const value = row[usageColumns[key] as keyof MetaRow] as number | null;
    if (value !== null) (usage ??= {})[key] = value;
  }
  return usage;
}

/** A record's bodies read from exchange_bodies (record-bodies.ts). */
export interface DecodedBodies {
  requestBody: string;
  responseBody: string;
  sharegpt: ShareGptRow | null;
}

/** `bodies`: the record's bodies from exchange_bodies; absent for a record stored before it (read from its own columns). */
export function exchangeFromRow(row: FullRow, bodies?: DecodedBodies): StoredExchange {
  return {
    ...metaFromRow(row),
    requestBody: bodies?.requestBody ?? decodeBody(row.request_body),
    responseBody: bodies?.responseBody ?? decodeBody(row.response_body),
    sharegpt: bodies !== undefined ? bodies.sharegpt : row.sharegpt === null ? null : decodeJson<ShareGptRow>(row.sharegpt),
    editedSharegpt: row.edited_sharegpt === null ? null : decodeJson<ShareGptRow>(row.edited_sharegpt),
  };
}

export function summaryFromRow(row: SummaryRow): ExchangeSummary {
  return {
    ...metaFromRow(row),
    preview: row.preview,
    edited: row.edited === 1,
    functionCallOnly: row.function_call_only === 1,
  };
}

function flag(value: boolean): number {
  return value ? 1 : 0;
}
