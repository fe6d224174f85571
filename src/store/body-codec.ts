// Compresses the large text columns (request/response bodies, ShareGPT JSON, search text) into
// bytes and back. Every value starts with one tag byte naming its encoding, so the encoder can
// change (or skip compression for tiny values) without migrating stored rows:
//   0x00 raw UTF-8 · 0x01 raw deflate (RFC 1951) · 0x02 brotli (RFC 7932);
//   0x03 raw deflate with a preset dictionary (zlib's deflateSetDictionary): the last
//        CONTEXT_DICTIONARY_BYTES of a context the caller holds when it writes and reads the value
//        (the bytes a splice's middle follows, the request a response answers);
//   0x10-0x1f: deltas against another body, written and read by store/record-bodies.ts.
// The writer's dominant cost is compression (it runs on every record; reads are rare). Measured on
// the test factory's records (bodies of 0.3-2 KB of prose and JSON), per record: deflate level 1
// 95-105 µs for 50% of the size, brotli quality 1 70 µs for 54%, brotli quality 0 55 µs for 58%.
// Brotli quality 1 is written for a value without context; deflate (the earlier encoder) is still read.
// With a context, deflate wins: Node's brotli takes no custom dictionary, and much of what a
// response or a splice's middle says is already in the history it follows (tool names, paths,
// the words of the task). On the bench mix (first 10k records), against brotli quality 1 without
// context: a splice's middle 474 -> 298 bytes per record, a response 345 -> 236; encoding all the
// bodies of a record went from 60-115 to 95-130 µs (this machine is shared: runs vary that much).
// Level 3 would take 11 bytes more off for about 15 µs more; level 6, 32 more for 80 µs more.
// (The bench draws its words from a 100-word list, which flatters any context; real tool results
// bring more new text. The skeleton a response shares with its request is real anyway.)
import { brotliCompressSync, brotliDecompressSync, constants, deflateRawSync, inflateRawSync } from 'node:zlib';

const TAG_RAW = 0x00;
const TAG_DEFLATE_RAW = 0x01;
const TAG_BROTLI = 0x02;
const TAG_DEFLATE_CONTEXT = 0x03;

/**
 * Below this many bytes a value is kept raw. Every compression call costs a zlib stream setup
 * (10-15 µs on this machine whatever the size), which is what the earlier threshold of 1024 was
 * avoiding. Re-measured on the bench mix (20k records): the request bodies stored whole
 * (keyframes of short chats, 110-1000 bytes, a third of the records) took 88 bytes per record
 * raw and 60 compressed from 128 bytes up, for about 4 µs per record; below 128 bytes brotli
 * saves about 5 bytes a value, not worth a call.
 */
const MIN_COMPRESS_BYTES = 128;

/**
 * How much of a context (the tail) is the preset dictionary of a TAG_DEFLATE_CONTEXT value.
 * Fixed: the values stored depend on it, so changing it needs a new tag. Measured on the bench
 * mix: 4 KB to 32 KB were within 5% in size; 16 KB kept a whole tool result or two in view.
 */
export const CONTEXT_DICTIONARY_BYTES = 16 * 1024;

/** deflate level of TAG_DEFLATE_CONTEXT values (read back whatever the level). */
const CONTEXT_DEFLATE_LEVEL = 1;

export function encodeBody(text: string): Buffer {
  return encodeBytes(Buffer.from(text, 'utf8'));
}

/**
 * As encodeBody, for bytes that need not be whole UTF-8 text (a slice of a body, a delta).
 * `context`: bytes the reader will hold when it decodes this value (decodeBytes' `context`),
 * whose tail primes the compressor; a value written with a non-empty context cannot be read
 * without it.
 */
export function encodeBytes(utf8: Buffer, context?: Buffer): Buffer {
  if (utf8.length < MIN_COMPRESS_BYTES) return withTag(TAG_RAW, utf8);
  if (context !== undefined && context.length > 0) {
    const compressed = deflateRawSync(utf8, { level: CONTEXT_DEFLATE_LEVEL, dictionary: dictionaryOf(context) });
    if (compressed.length >= utf8.length) return withTag(TAG_RAW, utf8);
    return withTag(TAG_DEFLATE_CONTEXT, compressed);
  }
  const compressed = brotliCompressSync(utf8, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 1, [constants.BROTLI_PARAM_SIZE_HINT]: utf8.length },
  });
  // Incompressible input (already-compressed base64, random ids): keep the smaller form.
  if (compressed.length >= utf8.length) return withTag(TAG_RAW, utf8);
  return withTag(TAG_BROTLI, compressed);
}

export function decodeBody(bytes: Uint8Array): string {
  return decodeBytes(bytes).toString('utf8');
}

/** The bytes encodeBytes (or encodeBody) was given; `context` as encodeBytes was given it. */
export function decodeBytes(bytes: Uint8Array, context?: Buffer): Buffer {
  if (bytes.length === 0) throw new Error('body-codec: empty value (a stored body always has a tag byte)');
  const payload = Buffer.from(bytes.buffer, bytes.byteOffset + 1, bytes.length - 1);
  switch (bytes[0]) {
    case TAG_RAW:
      return payload;
    case TAG_DEFLATE_RAW:
      return inflateRawSync(payload);
    case TAG_BROTLI:
      return brotliDecompressSync(payload);
    case TAG_DEFLATE_CONTEXT:
      if (context === undefined || context.length === 0) {
        throw new Error('body-codec: a value compressed against its context (tag 3) read without that context');
      }
      return inflateRawSync(payload, { dictionary: dictionaryOf(context) });
    default:
      throw new Error(
        isDeltaTag(bytes[0]!)
          ? `body-codec: value tagged ${String(bytes[0])} is a delta of another body; decode it with store/record-bodies.ts`
          : `body-codec: unknown encoding tag ${String(bytes[0])}; the database was written by a newer version`,
      );
  }
}

/** Whether a value was compressed against a context (decodeBytes needs it). */
export function usesContext(bytes: Uint8Array): boolean {
  return bytes[0] === TAG_DEFLATE_CONTEXT;
}

function dictionaryOf(context: Buffer): Buffer {
  return context.length <= CONTEXT_DICTIONARY_BYTES ? context : context.subarray(context.length - CONTEXT_DICTIONARY_BYTES);
}

/** Tags 0x10 and up are deltas (store/record-bodies.ts): decoding them needs the body they are a delta of. */
export function isDeltaTag(tag: number): boolean {
  return tag >= 0x10 && tag < 0x20;
}

export function encodeJson(value: unknown): Buffer {
  return encodeBody(JSON.stringify(value));
}

export function decodeJson<T>(bytes: Uint8Array): T {
  return JSON.parse(decodeBody(bytes)) as T;
}

function withTag(tag: number, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(payload.length + 1);
  out[0] = tag;
  payload.copy(out, 1);
  return out;
}
