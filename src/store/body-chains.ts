// What both stores do with record-bodies.ts around their own queries: encode a batch against the
// bases the writer remembers (or the store reads), and decode stored rows by reading their chains
// of bases round by round. Store-neutral: the stores pass in how to read rows of `exchange_bodies`
// (synchronously for SQLite, which must do it inside a write transaction, asynchronously for
// PostgreSQL); the walking is written once, as a generator both drive.
import { keepsShareGptRow } from '../capture/derive-stored.js';
import { encodeBytes, decodeBytes } from './body-codec.js';
import type { ExchangeRecord } from './exchange-record.js';
import {
  type EncodedRequest,
  type RequestBase,
  RequestCache,
  decodeShareGpt,
  encodeShareGpt,
  encodeRequest,
  planChains,
  resolveRequests,
} from './record-bodies.js';
import type { ShareGptRow } from '../training/sharegpt-types.js';

/** A row of `exchange_bodies`. */
export interface BodyRow {
  exchangeId: string;
  baseId: string | null;
  depth: number;
  request: Buffer;
  response: Buffer;
  sharegpt: Buffer | null;
}

export interface EncodedRecordBodies {
  request: EncodedRequest;
  requestUtf8: Buffer;
  response: Buffer;
  responseUtf8: Buffer;
  sharegpt: Buffer | null;
}

export interface DecodedRecordBodies {
  requestBody: string;
  responseBody: string;
  sharegpt: ShareGptRow | null;
  /** The request body's bytes, for re-encoding it (a keyframe) without reading it again. */
  requestUtf8: Buffer;
  responseUtf8: Buffer;
  /** The stored row's chain depth (what a child stored against it adds one to). */
  depth: number;
}

/**
 * The records of a batch whose base must be read from the store: they have a parent key, and
 * neither the cache nor an earlier record of the batch holds a record with that self key.
 */
export function basesToRead(records: readonly ExchangeRecord[], cache: RequestCache): ExchangeRecord[] {
  const inBatch = new Set<string>();
  const out: ExchangeRecord[] = [];
  for (const record of records) {
    if (record.parentKey !== null && !inBatch.has(record.parentKey) && cache.baseFor(record.parentKey, record.id) === null) {
      out.push(record);
    }
    if (record.selfKey !== null) inBatch.add(record.selfKey);
  }
  return out;
}

/**
 * Encodes a batch in order, each record against its cached base (an earlier record of the batch
 * included) or the one the store read (`readBases`, by the child's id). Each record becomes the
 * cached base for its own children.
 */
export function encodeBatch(
  records: readonly ExchangeRecord[],
  cache: RequestCache,
  readBases: ReadonlyMap<string, RequestBase>,
): EncodedRecordBodies[] {
  return records.map((record) => {
    const requestUtf8 = Buffer.from(record.requestBody, 'utf8');
    const responseUtf8 = Buffer.from(record.responseBody, 'utf8');
    const base = cache.baseFor(record.parentKey, record.id) ?? readBases.get(record.id) ?? null;
    const request = encodeRequest(requestUtf8, base);
    cache.stored(record.id, record.selfKey, requestUtf8, request.depth);
    return {
      request,
      requestUtf8,
      response: encodeBytes(responseUtf8, requestUtf8),
      responseUtf8,
      sharegpt:
        record.sharegpt === null || !keepsShareGptRow(record.converterVersion)
          ? null
          : encodeShareGpt(record.sharegpt, { request: requestUtf8, response: responseUtf8 }),
    };
  });
}

/** A keyframe of the request body, for a record whose base turned out to be gone. */
export function asKeyframe(requestUtf8: Buffer): EncodedRequest {
  return encodeRequest(requestUtf8, null);
}

/**
 * Yields the ids of `exchange_bodies` rows to read (the driver sends back the rows found), until
 * it can return the decoded bodies of every id in `ids` that has a row. Reads only what the cache
 * does not already hold, so a thread read in id order reads each row once.
 */
export function* decodeRows(ids: readonly string[], cache: RequestCache): Generator<BodyRead, Map<string, DecodedRecordBodies>, BodyRow[]> {
  const rows = new Map<string, BodyRow>();
  // The wanted rows themselves (their response and ShareGPT bytes are needed even when the
  // request body is cached).
  const first = yield { ids: [...new Set(ids)], chains: false };
  for (const row of first) rows.set(row.exchangeId, row);
  const present = ids.filter((id) => rows.has(id));
  let plan = planChains(present, rows, cache);
  // Then the bases the cache lacks, each with its whole chain (one query): normally none, as a
  // thread read in id order finds its bases cached.
  while (plan.missing.length > 0) {
    const found = yield { ids: plan.missing, chains: true };
    let added = 0;
    for (const row of found) {
      if (rows.has(row.exchangeId)) continue;
      rows.set(row.exchangeId, row);
      added++;
    }
    if (added === 0) throw new Error(`body-chains: the base ${plan.missing[0]} of a stored request body is missing`);
    plan = planChains(present, rows, cache);
  }
  const requests = resolveRequests(present, rows, plan.known, cache);
  const out = new Map<string, DecodedRecordBodies>();
  for (const id of present) {
    const row = rows.get(id)!;
    const requestUtf8 = requests.get(id)!;
    const responseUtf8 = decodeBytes(row.response, requestUtf8);
    out.set(id, {
      requestBody: requestUtf8.toString('utf8'),
      responseBody: responseUtf8.toString('utf8'),
      sharegpt: row.sharegpt === null ? null : decodeShareGpt(row.sharegpt, { request: requestUtf8, response: responseUtf8 }),
      requestUtf8,
      responseUtf8,
      depth: row.depth,
    });
  }
  return out;
}

/**
 * A read decodeRows asks for: the rows of `ids`, or (`chains`) those rows and every base down
 * their chains, request columns only (response and ShareGPT bytes may be left empty).
 */
export interface BodyRead {
  ids: string[];
  chains: boolean;
}

/** Runs decodeRows with a synchronous reader (SQLite). */
export function decodeRowsSync(ids: readonly string[], cache: RequestCache, read: (wanted: BodyRead) => BodyRow[]): Map<string, DecodedRecordBodies> {
  const walk = decodeRows(ids, cache);
  let step = walk.next();
  while (step.done !== true) step = walk.next(step.value.ids.length === 0 ? [] : read(step.value));
  return step.value;
}

/** Runs decodeRows with an asynchronous reader (PostgreSQL: one query per round). */
export async function decodeRowsAsync(
  ids: readonly string[],
  cache: RequestCache,
  read: (wanted: BodyRead) => Promise<BodyRow[]>,
): Promise<Map<string, DecodedRecordBodies>> {
  const walk = decodeRows(ids, cache);
  let step = walk.next();
  while (step.done !== true) step = walk.next(step.value.ids.length === 0 ? [] : await read(step.value));
  return step.value;
}

export { RequestCache };

/**
 * The SQL of a chain read (BodyRead.chains): the rows of the ids in `idsList` and, following
 * base_id, every base down to a keyframe. Portable (SQLite and PostgreSQL), given how each binds
 * a list of ids (`idsList` is the SQL of that list, e.g. `SELECT value FROM json_each(?)`).
 */
export function chainReadSql(idsList: string): string {
  return `WITH RECURSIVE chain (exchange_id, base_id, chain_depth, request_bytes) AS (
    SELECT exchange_id, base_id, chain_depth, request_bytes FROM exchange_bodies WHERE exchange_id IN (${idsList})
    UNION
    SELECT b.exchange_id, b.base_id, b.chain_depth, b.request_bytes FROM exchange_bodies AS b JOIN chain AS c ON b.exchange_id = c.base_id
  ) SELECT exchange_id, base_id, chain_depth, request_bytes FROM chain`;
}
