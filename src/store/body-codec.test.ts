import { brotliCompressSync, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeBody, decodeBytes, decodeJson, encodeBody, encodeBytes, encodeJson } from './body-codec.js';

describe('body codec', () => {
  it('stores tiny values raw and the rest compressed, round-tripping unicode', () => {
    const small = encodeBody('{"hi":"✓"}');
    expect(small[0]).toBe(0x00);
    expect(decodeBody(small)).toBe('{"hi":"✓"}');
    const text = JSON.stringify({ messages: Array.from({ length: 40 }, (_unused, index) => ({ role: 'user', content: `message ${index}: 请解释向量数据库 🐘` })) });
    const large = encodeBody(text);
    expect(large[0]).toBe(0x02);
    expect(large.length).toBeLessThan(Buffer.byteLength(text) / 3);
    expect(decodeBody(large)).toBe(text);
  });

  it('compresses a short chat body of a few hundred bytes (kept raw below 1 KB before) and reads it back', () => {
    const text = JSON.stringify({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You answer questions about the stream parser. Keep answers short.' },
        { role: 'user', content: 'please explain the retry backoff of the stream parser, and where the parser handles the timeout 🐘' },
      ],
    });
    expect(Buffer.byteLength(text)).toBeLessThan(1024);
    const encoded = encodeBody(text);
    expect(encoded[0]).toBe(0x02);
    expect(encoded.length).toBeLessThan(Buffer.byteLength(text) * 0.9);
    expect(decodeBody(encoded)).toBe(text);
  });

  it('still reads a value of a few hundred bytes stored raw by the earlier threshold', () => {
    const text = 'a short chat body kept raw, as values under 1 KB were. '.repeat(8);
    expect(decodeBody(Buffer.concat([Buffer.from([0x00]), Buffer.from(text)]))).toBe(text);
  });

  it('compresses against a context the reader holds: smaller than alone, and unreadable without it', () => {
    const history = Buffer.from(
      JSON.stringify({ messages: Array.from({ length: 30 }, (_unused, index) => ({ role: 'tool', content: `// file ${index}.ts\n  export function handler${index}(socket, buffer) { return retry(backoff(${index})); }` })) }),
    );
    const answer = Buffer.from('{"role":"assistant","content":"handler7 and handler12 call retry(backoff(7)) on the socket buffer: export function handler7(socket, buffer)"}');
    const alone = encodeBytes(answer);
    const against = encodeBytes(answer, history);
    expect(against[0]).toBe(0x03);
    expect(against.length).toBeLessThan(alone.length * 0.8);
    expect(decodeBytes(against, history).equals(answer)).toBe(true);
    expect(() => decodeBytes(against)).toThrow(/without that context/);
    // A context only matters to values written with one: an empty context compresses alone.
    expect(encodeBytes(answer, Buffer.alloc(0))[0]).toBe(0x02);
    expect(decodeBytes(alone, history).equals(answer)).toBe(true);
  });

  it('uses only the last 16 KB of a long context, as the reader does', () => {
    const tail = Buffer.from('the tail of a long history names handler42 and the retry backoff. '.repeat(40));
    const head = Buffer.alloc(64 * 1024, 0x61);
    const value = Buffer.from('handler42 and the retry backoff, named in the tail of a long history. '.repeat(3));
    const encoded = encodeBytes(value, Buffer.concat([head, tail]));
    // Another head of the same length: the bytes before the last 16 KB are not part of the dictionary.
    expect(decodeBytes(encoded, Buffer.concat([Buffer.alloc(64 * 1024, 0x62), tail])).equals(value)).toBe(true);
  });

  it('keeps incompressible input raw', () => {
    const random = Buffer.from(Array.from({ length: 4096 }, (_unused, index) => (index * 7919 + 13) % 251)).toString('base64');
    const encoded = encodeBody(random);
    expect(encoded.length).toBeLessThanOrEqual(Buffer.byteLength(random) + 1);
    expect(decodeBody(encoded)).toBe(random);
  });

  it('still reads values written by the earlier encoders (deflate; brotli of a splice middle or response)', () => {
    const brotli = 'a response stored before contexts '.repeat(10);
    expect(decodeBytes(Buffer.concat([Buffer.from([0x02]), brotliCompressSync(Buffer.from(brotli))]), Buffer.from('any context')).toString()).toBe(brotli);
    const text = 'an older record '.repeat(200);
    const older = Buffer.concat([Buffer.from([0x01]), deflateRawSync(Buffer.from(text), { level: 1 })]);
    expect(decodeBody(older)).toBe(text);
  });

  it('refuses an unknown encoding tag with a message', () => {
    expect(() => decodeBody(Buffer.from([0x09, 1, 2]))).toThrow(/newer version/);
    expect(decodeJson(encodeJson({ a: [1, 'b'] }))).toEqual({ a: [1, 'b'] });
  });
});
