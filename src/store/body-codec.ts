// Compresses the large text columns (request/response bodies, ShareGPT JSON, search text) into
// bytes and back. Every value starts with one tag byte naming its encoding, so the encoder can
// change (or skip compression for tiny values) without migrating stored rows:
//   0x00 raw UTF-8 · 0x01 raw deflate (RFC 1951) · 0x02 brotli (RFC 7932).
// Deflate level 1 was measured against brotli quality 1-3 and deflate 6 on realistic chat records
// (see the store's report): all were within a few percent on size; level 1 was the cheapest to
// compress on mixed prose/JSON, and inflate is the cheapest decoder.
import { brotliDecompressSync, deflateRawSync, inflateRawSync } from 'node:zlib';

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
  const utf8 = Buffer.from(text, 'utf8');
  if (utf8.length < MIN_COMPRESS_BYTES) return withTag(TAG_RAW, utf8);
  const compressed = deflateRawSync(utf8, { level: 1 });
  // Incompressible input (already-compressed base64, random ids): keep the smaller form.
  if (compressed.length >= utf8.length) return withTag(TAG_RAW, utf8);
  return withTag(TAG_DEFLATE_RAW, compressed);
}

export function decodeBody(bytes: Uint8Array): string {
  if (bytes.length === 0) throw new Error('body-codec: empty value (a stored body always has a tag byte)');
  const payload = Buffer.from(bytes.buffer, bytes.byteOffset + 1, bytes.length - 1);
  switch (bytes[0]) {
    case TAG_RAW:
      return payload.toString('utf8');
    case TAG_DEFLATE_RAW:
      return inflateRawSync(payload).toString('utf8');
    case TAG_BROTLI:
      return brotliDecompressSync(payload).toString('utf8');
    default:
      throw new Error(`body-codec: unknown encoding tag ${String(bytes[0])}; the database was written by a newer version`);
  }
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
