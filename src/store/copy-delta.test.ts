import { applyDelta, createDelta } from 'fossil-delta';
import { describe, expect, it } from 'vitest';
import { applyCopyDelta, fossilChecksum } from './copy-delta.js';

const createCopyDelta = (origin: Buffer, target: Buffer): Buffer => Buffer.from(createDelta(origin, target));

function seeded(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4_294_967_296;
  };
}

const WORDS = ['from', 'value', '"human"', 'é', '请', '🐘', '\\n', 'retry', 'backoff', '{', '}', ' '];

function text(random: () => number, length: number): string {
  let out = '';
  while (out.length < length) out += WORDS[Math.floor(random() * WORDS.length)];
  return out;
}

/** A target made of pieces of the origin (in any order) and new text, as a ShareGPT row is of its bodies. */
function reshaped(random: () => number, origin: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let piece = 0; piece < 20; piece++) {
    if (random() < 0.6 && origin.length > 0) {
      const start = Math.floor(random() * origin.length);
      parts.push(origin.subarray(start, Math.min(origin.length, start + Math.floor(random() * 2_000))));
    } else parts.push(Buffer.from(text(random, Math.floor(random() * 60))));
  }
  return Buffer.concat(parts);
}

describe('applying fossil-format deltas', () => {
  it('reads back what fossil-delta writes, as fossil-delta reads it, over random origins and targets', () => {
    const random = seeded(3);
    for (let round = 0; round < 200; round++) {
      const origin = Buffer.from(text(random, Math.floor(random() * 8_000)));
      const target = round % 10 === 0 ? Buffer.from(text(random, 500)) : reshaped(random, origin);
      const delta = createCopyDelta(origin, target);
      expect(applyCopyDelta(origin, delta).equals(target)).toBe(true);
      expect(Buffer.from(applyDelta(origin, delta)).equals(target)).toBe(true);
    }
  });

  it('handles a target made of the origin, and tiny inputs', () => {
    const random = seeded(9);
    const origin = Buffer.from(text(random, 20_000));
    const target = Buffer.concat([Buffer.from('{"conversations":['), origin.subarray(100, 9_000), Buffer.from('},{'), origin.subarray(9_500, 19_000)]);
    expect(applyCopyDelta(origin, createCopyDelta(origin, target)).equals(target)).toBe(true);
    for (const [from, to] of [['', ''], ['', 'abc'], ['abc', ''], ['short', 'short']]) {
      const delta = createCopyDelta(Buffer.from(from!), Buffer.from(to!));
      expect(applyCopyDelta(Buffer.from(from!), delta).toString()).toBe(to);
    }
  });

  it("computes fossil's checksum (big-endian words, zero-padded tail) at any length and alignment", () => {
    const reference = (bytes: Buffer): number => {
      let sum = 0;
      for (let index = 0; index < bytes.length; index += 4) {
        const word = ((bytes[index] ?? 0) * 2 ** 24) + ((bytes[index + 1] ?? 0) << 16) + ((bytes[index + 2] ?? 0) << 8) + (bytes[index + 3] ?? 0);
        sum = (sum + word) % 2 ** 32;
      }
      return sum;
    };
    const backing = Buffer.alloc(70_003);
    for (let index = 0; index < backing.length; index++) backing[index] = (index * 7919 + (index >> 3)) & 0xff;
    for (const [offset, length] of [[0, 0], [0, 1], [0, 3], [0, 4], [1, 7], [2, 4098], [3, 65_537], [0, 70_000], [4, 69_999]] as const) {
      const bytes = backing.subarray(offset, offset + length);
      expect(fossilChecksum(bytes)).toBe(reference(bytes));
    }
    expect(fossilChecksum(Buffer.alloc(80_000, 0xff))).toBe(reference(Buffer.alloc(80_000, 0xff)));
  });

  it('fails on a wrong origin (checksum) or a damaged delta', () => {
    const random = seeded(11);
    const origin = Buffer.from(text(random, 4_000));
    const target = reshaped(random, origin);
    const delta = createCopyDelta(origin, target);
    const other = Buffer.from(origin);
    other.fill(0x21, 0, origin.length);
    expect(() => applyCopyDelta(other, delta)).toThrow(/corrupt delta \(checksum\)/);
    expect(() => applyCopyDelta(Buffer.alloc(3), delta)).toThrow(/corrupt delta/);
    expect(() => applyCopyDelta(origin, delta.subarray(0, delta.length - 3))).toThrow(/corrupt delta/);
  });
});
