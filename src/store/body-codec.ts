// Compresses the large text columns (request/response bodies, ShareGPT JSON, search text) into
// bytes and back. Every value starts with one tag byte naming its encoding, so the encoder can
// change (or skip compression for tiny values) without migrating stored rows:
//   0x00 raw UTF-8 · 0x01 raw deflate (RFC 1951) · 0x02 brotli (RFC 7932);
//   0x10-0x1f: deltas against another body, written and read by store/record-bodies.ts.
// The writer's dominant cost is compression (it runs on every record; reads are rare). Measured on
// the test factory's records (bodies of 0.3-2 KB of prose and JSON), per record: deflate level 1
// 95-105 µs for 50% of the size, brotli quality 1 70 µs for 54%, brotli quality 0 55 µs for 58%.
// Brotli quality 1 is written; deflate (the earlier encoder) is still read.
import { brotliCompressSync, brotliDecompressSync, constants, inflateRawSync } from 'node:zlib';

const TAG_RAW = 0x00;
const TAG_DEFLATE_RAW = 0x01;
const TAG_BROTLI = 0x02;

/**
 * Below this many bytes compression saves a few hundred bytes at most and costs a zlib stream
 * setup (about 10 µs a call, four calls a record): measured, it was two thirds of the writer's
 * time for ordinary chat records. The records that grow storage (agent sessions resending long
 * histories) are far above it.
 */
const MIN_COMPRESS_BYTES = 1024;

export function encodeBody(text: string): Buffer {
  return encodeBytes(Buffer.from(text, 'utf8'));
}

/**
 * As encodeBody, for bytes that need not be whole UTF-8 text (a slice of a body, a delta).
 * `minCompressBytes`: below it the bytes are kept raw (default MIN_COMPRESS_BYTES).
 */
export function encodeBytes(utf8: Buffer, minCompressBytes = MIN_COMPRESS_BYTES): Buffer {
  if (utf8.length < minCompressBytes) return withTag(TAG_RAW, utf8);
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

/** The bytes encodeBytes (or encodeBody) was given. */
export function decodeBytes(bytes: Uint8Array): Buffer {
  if (bytes.length === 0) throw new Error('body-codec: empty value (a stored body always has a tag byte)');
  const payload = Buffer.from(bytes.buffer, bytes.byteOffset + 1, bytes.length - 1);
  switch (bytes[0]) {
    case TAG_RAW:
      return payload;
    case TAG_DEFLATE_RAW:
      return inflateRawSync(payload);
    case TAG_BROTLI:
      return brotliDecompressSync(payload);
    default:
      throw new Error(
        isDeltaTag(bytes[0]!)
          ? `body-codec: value tagged ${String(bytes[0])} is a delta of another body; decode it with store/record-bodies.ts`
          : `body-codec: unknown encoding tag ${String(bytes[0])}; the database was written by a newer version`,
      );
  }
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
