// A compressed request body (Codex signed in with ChatGPT sends `Content-Encoding: zstd`; any
// client may send gzip, deflate or br) decoded for the record. The proxy forwards the bytes as they
// came; this runs on the recording side, after the exchange ended. Decoding is capped (a small
// body can expand a thousandfold): past the cap, or when the bytes are not what the header says,
// the record keeps the body as received (base64) and says why, so the exchange is never dropped.
// Node 20's zlib has no zstd: fzstd decodes it (RFC 8878 frames, streamed so the cap holds).
import { Decompress } from 'fzstd';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

/** Decoded request bodies larger than this are not decoded (the record keeps them encoded). */
export const MAX_DECODED_REQUEST_BYTES = 64 * 1024 * 1024;

export type DecodedRequestBody =
  | { ok: true; body: Buffer }
  | { ok: false; error: { class: 'request_decode_failed'; message: string } };

/** `encoding` is the request's Content-Encoding header value (a list is decoded last-applied first). */
export function decodeRequestBody(body: Buffer, encoding: string | undefined, maxBytes = MAX_DECODED_REQUEST_BYTES): DecodedRequestBody {
  const codings = (encoding ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  let bytes = body;
  // RFC 9110 §8.4: codings are listed in the order they were applied.
  for (const coding of codings.reverse()) {
    try {
      bytes = decodeOne(bytes, coding, maxBytes);
    } catch (error) {
      return { ok: false, error: { class: 'request_decode_failed', message: `request body (content-encoding ${encoding}) could not be decoded (${coding}: ${(error as Error).message}); recorded as received, base64` } };
    }
  }
  return { ok: true, body: bytes };
}

function decodeOne(bytes: Buffer, coding: string, maxBytes: number): Buffer {
  switch (coding) {
    case 'zstd':
      return decodeZstd(bytes, maxBytes);
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(bytes, { maxOutputLength: maxBytes });
    case 'deflate':
      return inflateSync(bytes, { maxOutputLength: maxBytes });
    case 'br':
      return brotliDecompressSync(bytes, { maxOutputLength: maxBytes });
    default:
      throw new Error('unknown content-coding');
  }
}

function decodeZstd(bytes: Buffer, maxBytes: number): Buffer {
  const parts: Uint8Array[] = [];
  let length = 0;
  let ended = false;
  const decoder = new Decompress((data, final) => {
    length += data.length;
    if (length > maxBytes) throw new Error(`decoded body larger than ${maxBytes} bytes`);
    // fzstd may reuse its window buffer between calls: keep a copy.
    parts.push(data.slice());
    if (final === true) ended = true;
  });
  decoder.push(bytes, true);
  if (!ended && length === 0) throw new Error('no zstd frame');
  return Buffer.concat(parts, length);
}
