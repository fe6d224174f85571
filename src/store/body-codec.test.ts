import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeBody, decodeJson, encodeBody, encodeJson } from './body-codec.js';

describe('body codec', () => {
  it('stores small values raw and large ones compressed, round-tripping unicode', () => {
    const small = encodeBody('{"hi":"✓"}');
    expect(small[0]).toBe(0x00);
    expect(decodeBody(small)).toBe('{"hi":"✓"}');
    const text = JSON.stringify({ messages: Array.from({ length: 40 }, (_unused, index) => ({ role: 'user', content: `message ${index}: 请解释向量数据库 🐘` })) });
    const large = encodeBody(text);
    expect(large[0]).toBe(0x02);
    expect(large.length).toBeLessThan(Buffer.byteLength(text) / 3);
    expect(decodeBody(large)).toBe(text);
  });

  it('keeps incompressible input raw', () => {
    const random = Buffer.from(Array.from({ length: 4096 }, (_unused, index) => (index * 7919 + 13) % 251)).toString('base64');
    const encoded = encodeBody(random);
    expect(encoded.length).toBeLessThanOrEqual(Buffer.byteLength(random) + 1);
    expect(decodeBody(encoded)).toBe(random);
  });

  it('still reads values written by the earlier deflate encoder', () => {
    const text = 'an older record '.repeat(200);
    const older = Buffer.concat([Buffer.from([0x01]), deflateRawSync(Buffer.from(text), { level: 1 })]);
    expect(decodeBody(older)).toBe(text);
  });

  it('refuses an unknown encoding tag with a message', () => {
    expect(() => decodeBody(Buffer.from([0x09, 1, 2]))).toThrow(/newer version/);
    expect(decodeJson(encodeJson({ a: [1, 'b'] }))).toEqual({ a: [1, 'b'] });
  });
});
