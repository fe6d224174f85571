// How a record's bodies are stored so that an agent session costs about what each call adds, not
// its whole history again (issue 13, "store each message once"). Pure and store-neutral: the SQLite
// and PostgreSQL stores keep the bytes this module writes in their `exchange_bodies` side table and
// give back to it what it needs to read them.
//
// - The request body is stored as a splice of its base's request body (normally the record's
//   thread parent, which it repeats and extends): the length of the prefix and of the suffix the
//   two share, and the bytes in between (tag TAG_SPLICE), compressed as body-codec does with the
//   shared prefix as context (its tail primes the compressor). Exact byte for byte, the body as
//   the client sent it. A prefix/suffix splice rather than a general
//   delta (fossil-delta): on the bench's agent mix it is within 10% of fossil's size (529 vs 480
//   bytes per record) at a fraction of its cost, and reading it is two copies.
// - Bases form chains (a delta of a delta...): a record whose base is at depth MAX_CHAIN_DEPTH - 1
//   is stored whole (a keyframe, depth 0), so reading one applies at most MAX_CHAIN_DEPTH - 1
//   splices. A splice that would leave out less than MIN_SPLICE_SAVING bytes is not written
//   either: keyframe.
// - The derived ShareGPT row is stored as a copy/insert delta (fossil's format: copy-delta.ts) of
//   the record's own request and response bodies (tag TAG_FOSSIL): its text is theirs, re-shaped. Its base is immutable (bodies are never
//   rewritten) and belongs to the same record, so `rebuild` can replace the row freely and no other
//   row's ShareGPT depends on it.
// - The response body is new content: compressed with the record's own request body as context
//   (body-codec; a response repeats the model, tool names and words of the history it answers).
//
// Deleting a base: a store re-encodes the base's dependants as keyframes in the delete's
// transaction, before removing it (see the stores' delete paths), so decoding never needs a row
// that is gone. Records stored before this layout keep their bodies where they were (the old
// `exchanges` columns) and are read from there.
import type { ShareGptRow } from '../training/sharegpt-types.js';
import { CONTEXT_DICTIONARY_BYTES, decodeBytes, encodeBytes, usesContext } from './body-codec.js';
import { createDelta } from 'fossil-delta';
import { applyCopyDelta } from './copy-delta.js';

/**
 * Longest chain of bases: a record reads back after at most MAX_CHAIN_DEPTH - 1 splices. A
 * keyframe of a session costs its whole history at that point, so over N calls keyframes cost
 * about N / (2 * MAX_CHAIN_DEPTH) times what the splices cost: 16 made the keyframe at call 16
 * of the bench's 20-call sessions a sixth of the database (300 bytes per record); a splice reads
 * back in a copy of the body, so even 63 of them cost a read well under a millisecond, and the
 * stores read a chain in one query (body-chains.ts).
 */
export const MAX_CHAIN_DEPTH = 64;

/**
 * A splice is written when it leaves out at least this many bytes of the body. Measured: a rule
 * of "saves half" stored the first calls of every session whole (their parent is short).
 */
const MIN_SPLICE_SAVING = 256;

const TAG_SPLICE = 0x10;
const TAG_FOSSIL = 0x11;

/** The decoded request body of a stored record that a new record can be stored against. */
export interface RequestBase {
  id: string;
  /** 0 for a keyframe; its own base's depth + 1 for a splice. */
  depth: number;
  request: Buffer;
}

export interface EncodedRequest {
  bytes: Buffer;
  /** The record whose request body these bytes are a splice of; null for a keyframe. */
  baseId: string | null;
  depth: number;
}

/** The request body (UTF-8 bytes as received), against `base` when that is worth it. */
export function encodeRequest(request: Buffer, base: RequestBase | null): EncodedRequest {
  if (base !== null && base.depth + 1 < MAX_CHAIN_DEPTH) {
    const prefix = commonPrefix(base.request, request);
    const suffix = commonSuffix(base.request, request, prefix);
    const middle = request.subarray(prefix, request.length - suffix);
    if (prefix + suffix >= MIN_SPLICE_SAVING) {
      const head = Buffer.concat([Buffer.from([TAG_SPLICE]), varint(prefix), varint(suffix)]);
      // The middle is compressed against the prefix before it (its context, which the reader has
      // from the base): most of what a call adds (a tool's result, an answer) echoes its history.
      return { bytes: Buffer.concat([head, encodeBytes(middle, request.subarray(0, prefix))]), baseId: base.id, depth: base.depth + 1 };
    }
  }
  return { bytes: encodeBytes(request), baseId: null, depth: 0 };
}

/** The request body `encodeRequest` was given; `base` is the base's decoded request (null for a keyframe). */
export function decodeRequest(bytes: Uint8Array, base: Buffer | null): Buffer {
  if (bytes[0] !== TAG_SPLICE) return decodeBytes(bytes);
  if (base === null) throw new Error('record-bodies: a spliced request body read without its base');
  return Buffer.concat(spliced([base], bytes));
}

/**
 * A spliced body as pieces of its base's pieces and its own middle, copied nowhere: a chain is
 * decoded down to its last body by views, and only that body is copied out (a leaf 20 steps into
 * a session used to copy every step's whole body on the way).
 */
function spliced(base: readonly Buffer[], bytes: Uint8Array): Buffer[] {
  const reader = { bytes, position: 1 };
  const prefix = readVarint(reader);
  const suffix = readVarint(reader);
  const length = base.reduce((sum, piece) => sum + piece.length, 0);
  if (prefix + suffix > length) throw new Error('record-bodies: a spliced request body does not fit its base');
  const stored = bytes.subarray(reader.position);
  // The middle was compressed against the prefix it follows (its tail: body-codec's dictionary).
  const context = usesContext(stored) ? Buffer.concat(piecesBetween(base, Math.max(0, prefix - CONTEXT_DICTIONARY_BYTES), prefix)) : undefined;
  const middle = decodeBytes(stored, context);
  return [...piecesBetween(base, 0, prefix), middle, ...piecesBetween(base, length - suffix, length)];
}

/** Views of the bytes from `start` to `end` of the pieces laid end to end. */
function piecesBetween(pieces: readonly Buffer[], start: number, end: number): Buffer[] {
  const out: Buffer[] = [];
  let offset = 0;
  for (const piece of pieces) {
    const from = Math.max(start, offset);
    const to = Math.min(end, offset + piece.length);
    if (from < to) out.push(piece.subarray(from - offset, to - offset));
    offset += piece.length;
    if (offset >= end) break;
  }
  return out;
}

/** Whether stored request bytes need their base to be read. */
export function needsBase(bytes: Uint8Array): boolean {
  return bytes[0] === TAG_SPLICE;
}

/** The two bodies a ShareGPT row is stored against (its own record's, decoded). */
export interface ShareGptOrigin {
  request: Buffer;
  response: Buffer;
}

export function encodeShareGpt(row: ShareGptRow, origin: ShareGptOrigin): Buffer {
  const target = Buffer.from(JSON.stringify(row), 'utf8');
  const delta = Buffer.from(createDelta(originBytes(origin), target));
  if (delta.length >= target.length) return encodeBytes(target);
  return Buffer.concat([Buffer.from([TAG_FOSSIL]), encodeBytes(delta)]);
}

export function decodeShareGpt(bytes: Uint8Array, origin: ShareGptOrigin): ShareGptRow {
  if (bytes[0] !== TAG_FOSSIL) return JSON.parse(decodeBytes(bytes).toString('utf8')) as ShareGptRow;
  const delta = decodeBytes(bytes.subarray(1));
  const text = applyCopyDelta(originBytes(origin), delta);
  return JSON.parse(text.toString('utf8')) as ShareGptRow;
}

function originBytes(origin: ShareGptOrigin): Buffer {
  return Buffer.concat([origin.request, Buffer.from([0x0a]), origin.response]);
}

/** A stored row of `exchange_bodies`, as far as resolving request bodies goes. */
export interface StoredRequest {
  baseId: string | null;
  request: Buffer;
}

/**
 * What reading the request bodies of `wanted` still needs: the ids of stored rows not yet read
 * (`rows`) nor decoded before (`cache`), and the cached bodies the chains end on (held here, so
 * the cache may evict them meanwhile). A store reads `missing` and asks again until it is empty.
 */
export function planChains(
  wanted: Iterable<string>,
  rows: ReadonlyMap<string, StoredRequest>,
  cache: RequestCache,
): { missing: string[]; known: Map<string, Buffer> } {
  const missing = new Set<string>();
  const known = new Map<string, Buffer>();
  for (const id of wanted) {
    let current: string | null = id;
    for (let steps = 0; current !== null; steps++) {
      if (steps > MAX_CHAIN_DEPTH * 4) throw new Error('record-bodies: a chain of request bodies does not end');
      const cached = known.get(current) ?? cache.get(current);
      if (cached !== undefined) {
        known.set(current, cached);
        break;
      }
      const row = rows.get(current);
      if (row === undefined) {
        missing.add(current);
        break;
      }
      current = needsBase(row.request) ? row.baseId : null;
    }
  }
  return { missing: [...missing], known };
}

/**
 * Decodes the request body of each id in `wanted` from `rows` (the stored rows read for it and
 * its chain) and `known` (bodies decoded before: planChains). The wanted bodies are put in
 * `cache`, so a thread read in order decodes each base once (each step is the next one's base).
 * The bases decoded on the way down a chain are let go as soon as its body is decoded: the leaves
 * of many sessions (an export's selection) would otherwise hold every step of every session of a
 * batch at once, and push the cache's useful entries out for bodies no one reads again.
 */
export function resolveRequests(
  wanted: Iterable<string>,
  rows: ReadonlyMap<string, StoredRequest>,
  known: Map<string, Buffer>,
  cache: RequestCache,
): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const wantedIds = new Set(wanted);
  for (const id of wantedIds) {
    // Walk down to the first body already decoded (or a keyframe), then decode back up.
    const path: string[] = [];
    let current: string | null = id;
    while (current !== null && !known.has(current)) {
      const row = rows.get(current);
      if (row === undefined) throw new Error(`record-bodies: the base ${current} of a stored request body is missing`);
      path.push(current);
      if (path.length > MAX_CHAIN_DEPTH * 4) throw new Error('record-bodies: a chain of request bodies does not end');
      current = needsBase(row.request) ? row.baseId : null;
    }
    let pieces: Buffer[] = [];
    for (let index = path.length - 1; index >= 0; index--) {
      const row = rows.get(path[index]!)!;
      if (!needsBase(row.request)) pieces = [decodeBytes(row.request)];
      else pieces = spliced(index === path.length - 1 ? [known.get(row.baseId!)!] : pieces, row.request);
      // Another wanted body may continue this one (the next step of a thread): kept while this call runs.
      if (wantedIds.has(path[index]!)) {
        const body = Buffer.concat(pieces);
        known.set(path[index]!, body);
        pieces = [body];
      }
    }
    const body = known.get(id)!;
    cache.set(id, body);
    out.set(id, body);
  }
  return out;
}

/**
 * What an entry costs beyond its bytes (the Buffer object, its backing store's header, two map
 * entries and the id): measured, small chat bodies cost about three times their length, so a
 * budget counting bytes alone held several times its size.
 */
const ENTRY_OVERHEAD_BYTES = 320;
const costOf = (body: Buffer): number => body.length + ENTRY_OVERHEAD_BYTES;

function copyExact(body: Buffer): Buffer {
  const copy = Buffer.allocUnsafeSlow(body.length);
  body.copy(copy);
  return copy;
}

/**
 * Decoded request bodies by record id, least recently used first out, within a byte budget. The
 * writer keeps the bodies it stored (the next call of a session is stored against them) and finds
 * them by thread key; readers keep the bases they decoded.
 */
export class RequestCache {
  readonly #maxBytes: number;
  readonly #entries = new Map<string, Buffer>();
  readonly #depths = new Map<string, number>();
  /** Latest id stored with each selfKey (what a child's parentKey names). */
  readonly #bySelfKey = new Map<string, string>();
  #bytes = 0;

  constructor(maxBytes = 8 * 1024 * 1024) {
    this.#maxBytes = maxBytes;
  }

  get(id: string): Buffer | undefined {
    const body = this.#entries.get(id);
    if (body !== undefined) {
      this.#entries.delete(id);
      this.#entries.set(id, body);
    }
    return body;
  }

  set(id: string, body: Buffer, depth?: number): void {
    const previous = this.#entries.get(id);
    if (previous !== undefined) {
      this.#bytes -= costOf(previous);
      this.#entries.delete(id);
    }
    // A view into a larger buffer (a slice of Node's 8 KB allocation pool, or the request half of
    // a recorded exchange's bytes) would keep the whole of it alive for as long as the entry
    // lives: the cache keeps an exact-size copy of its own.
    const owned = body.byteLength === body.buffer.byteLength ? body : copyExact(body);
    this.#entries.set(id, owned);
    if (depth !== undefined) this.#depths.set(id, depth);
    this.#bytes += costOf(owned);
    while (this.#bytes > this.#maxBytes && this.#entries.size > 1) {
      const [oldest, oldBody] = this.#entries.entries().next().value as [string, Buffer];
      this.#entries.delete(oldest);
      this.#depths.delete(oldest);
      this.#bytes -= costOf(oldBody);
    }
  }

  /**
   * Remembers a stored record as the latest with its selfKey (a child's base candidate). Only
   * such a body can be a base found here (baseFor looks a parentKey up to the latest id with that
   * selfKey), so a record without a selfKey is not kept, and the body of the record that held the
   * key before is let go: a stream of calls that all end the same way (retries, a bench, the same
   * probe) kept thousands of copies of one body that nothing would ever be stored against.
   */
  stored(id: string, selfKey: string | null, body: Buffer, depth: number): void {
    if (selfKey === null) return;
    const previous = this.#bySelfKey.get(selfKey);
    if (previous !== undefined && previous !== id) this.delete(previous);
    this.set(id, body, depth);
    this.#bySelfKey.delete(selfKey);
    this.#bySelfKey.set(selfKey, id);
    // Bounded like the bodies: a key whose body was evicted is useless anyway.
    if (this.#bySelfKey.size > this.#entries.size * 2 + 1_024) {
      const oldest = this.#bySelfKey.keys().next().value as string;
      this.#bySelfKey.delete(oldest);
    }
  }

  /** The base a record with this parentKey (and id) can be stored against, when cached. */
  baseFor(parentKey: string | null, id: string): RequestBase | null {
    if (parentKey === null) return null;
    const baseId = this.#bySelfKey.get(parentKey);
    if (baseId === undefined || baseId >= id) return null;
    const depth = this.#depths.get(baseId);
    const request = this.get(baseId);
    if (depth === undefined || request === undefined) return null;
    return { id: baseId, depth, request };
  }

  delete(id: string): void {
    const body = this.#entries.get(id);
    if (body === undefined) return;
    this.#entries.delete(id);
    this.#depths.delete(id);
    this.#bytes -= costOf(body);
  }

  /** Bytes the entries count against the budget (their lengths and per-entry cost). */
  bytes(): number {
    return this.#bytes;
  }

  /** Bodies held. */
  size(): number {
    return this.#entries.size;
  }
}

/** Length of the longest common prefix (binary search over native comparisons). */
function commonPrefix(a: Buffer, b: Buffer): number {
  let low = 0;
  let high = Math.min(a.length, b.length);
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if (a.compare(b, low, middle, low, middle) === 0) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** Length of the longest common suffix that does not overlap `prefix` bytes in either. */
function commonSuffix(a: Buffer, b: Buffer, prefix: number): number {
  let low = 0;
  let high = Math.min(a.length, b.length) - prefix;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if (a.compare(b, b.length - middle, b.length - low, a.length - middle, a.length - low) === 0) low = middle;
    else high = middle - 1;
  }
  return low;
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

function readVarint(reader: { bytes: Uint8Array; position: number }): number {
  let value = 0;
  let scale = 1;
  for (;;) {
    const byte = reader.bytes[reader.position++];
    if (byte === undefined) throw new Error('record-bodies: truncated length');
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return value;
    scale *= 0x80;
  }
}

