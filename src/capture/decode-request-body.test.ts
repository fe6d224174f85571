import { readFileSync } from 'node:fs';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeRequestBody } from './decode-request-body.js';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url));
// Made with the zstd CLI (`zstd -3`): a real compressed frame (Huffman/FSE blocks), not a raw block.
const zstdBody = fixture('codex-responses-request.json.zst');
const plainBody = fixture('codex-responses-request.json');

describe('decodeRequestBody', () => {
  it('decodes a zstd body made by the zstd CLI', () => {
    expect(zstdBody.subarray(0, 4)).toEqual(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]));
    const decoded = decodeRequestBody(zstdBody, 'zstd');
    expect(decoded.ok && decoded.body.equals(plainBody)).toBe(true);
  });

  it('decodes gzip, deflate and br, and a list of codings in the order applied', () => {
    for (const [encoding, bytes] of [['gzip', gzipSync(plainBody)], ['deflate', deflateSync(plainBody)], ['br', brotliCompressSync(plainBody)], ['GZip ', gzipSync(plainBody)]] as const) {
      const decoded = decodeRequestBody(bytes, encoding);
      expect(decoded.ok && decoded.body.equals(plainBody), encoding).toBe(true);
    }
    const twice = decodeRequestBody(brotliCompressSync(gzipSync(plainBody)), 'gzip, br');
    expect(twice.ok && twice.body.equals(plainBody)).toBe(true);
  });

  it('passes a body without a coding (or identity) through as the same bytes', () => {
    const decoded = decodeRequestBody(plainBody, 'identity');
    expect(decoded.ok && decoded.body).toBe(plainBody);
  });

  it('says why when the bytes are not what the header says, or the coding is unknown', () => {
    expect(decodeRequestBody(plainBody, 'zstd')).toMatchObject({ ok: false, error: { class: 'request_decode_failed', message: expect.stringContaining('content-encoding zstd') } });
    expect(decodeRequestBody(zstdBody.subarray(0, 40), 'zstd')).toMatchObject({ ok: false, error: { class: 'request_decode_failed' } });
    expect(decodeRequestBody(plainBody, 'gzip')).toMatchObject({ ok: false });
    expect(decodeRequestBody(plainBody, 'compress')).toMatchObject({ ok: false, error: { message: expect.stringContaining('unknown content-coding') } });
  });

  it('stops decoding past the cap instead of expanding a small body without bound', () => {
    expect(decodeRequestBody(zstdBody, 'zstd', 100)).toMatchObject({ ok: false, error: { message: expect.stringContaining('larger than 100 bytes') } });
    expect(decodeRequestBody(gzipSync(plainBody), 'gzip', 100)).toMatchObject({ ok: false });
  });
});
