// Applying copy/insert deltas in fossil's format (https://fossil-scm.org/home/doc/tip/www/delta_format.wiki):
// `size\n`, then `count@offset,` (copy from the origin) and `count:bytes` (insert), ended by
// `checksum;`. The deltas are written by the fossil-delta package (createDelta); they are read
// here because its applyDelta pushes every output byte into a JavaScript array (measured: 1.3 ms
// for a 15 KB ShareGPT row), where this copies with Buffer methods (a few tens of µs). An encoder
// written the same way (native comparisons, then plain loops) measured 1.5-2x slower than
// fossil-delta's on the bench's records, so it was not kept.

const DIGIT_VALUES = (() => {
  const values = new Int8Array(128).fill(-1);
  const digits = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~';
  for (let index = 0; index < digits.length; index++) values[digits.charCodeAt(index)] = index;
  return values;
})();

/**
 * Applies a fossil-format delta, with Buffer copies. The checksum is verified: a wrong origin
 * fails here instead of producing plausible but wrong bytes.
 */
export function applyCopyDelta(origin: Buffer, delta: Buffer): Buffer {
  let position = 0;
  const readInt = (): number => {
    let value = 0;
    for (;;) {
      const byte = delta[position];
      const digit = byte === undefined || byte > 0x7f ? -1 : DIGIT_VALUES[byte]!;
      if (digit < 0) return value;
      value = value * 64 + digit;
      position++;
    }
  };
  const fail = (what: string): never => {
    throw new Error(`copy-delta: corrupt delta (${what})`);
  };
  const size = readInt();
  if (delta[position++] !== 0x0a) fail('size');
  const out = Buffer.allocUnsafe(size);
  let written = 0;
  while (position < delta.length) {
    const count = readInt();
    const command = delta[position++];
    if (command === 0x40 /* @ */) {
      const offset = readInt();
      if (delta[position++] !== 0x2c) fail('copy');
      if (offset + count > origin.length || written + count > size) fail('copy range');
      origin.copy(out, written, offset, offset + count);
      written += count;
    } else if (command === 0x3a /* : */) {
      if (position + count > delta.length || written + count > size) fail('insert range');
      delta.copy(out, written, position, position + count);
      written += count;
      position += count;
    } else if (command === 0x3b /* ; */) {
      if (written !== size) fail('size mismatch');
      if (fossilChecksum(out) !== count) fail('checksum');
      return out;
    } else fail('operator');
  }
  return fail('unterminated');
}

/**
 * fossil's 32-bit checksum: the sum of the big-endian 32-bit words, the tail zero-padded. Summed
 * per byte lane over native 32-bit words (a ShareGPT row is read back per exported record: the
 * word-by-word readUInt32BE loop was 3% of an export), then the lanes shifted into place.
 */
export function fossilChecksum(bytes: Buffer): number {
  const whole = bytes.length - (bytes.length % 4);
  let lane0 = 0;
  let lane1 = 0;
  let lane2 = 0;
  let lane3 = 0;
  if (bytes.byteOffset % 4 === 0) {
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, whole / 4);
    // Lanes in memory order (byte 0 of each word is the most significant of fossil's word). Each
    // lane sum stays exact below 2^53: 255 per word.
    for (let index = 0; index < words.length; index++) {
      const word = words[index]!;
      const first = LITTLE_ENDIAN ? word & 0xff : word >>> 24;
      const second = LITTLE_ENDIAN ? (word >>> 8) & 0xff : (word >>> 16) & 0xff;
      const third = LITTLE_ENDIAN ? (word >>> 16) & 0xff : (word >>> 8) & 0xff;
      const fourth = LITTLE_ENDIAN ? word >>> 24 : word & 0xff;
      lane0 += first;
      lane1 += second;
      lane2 += third;
      lane3 += fourth;
    }
  } else {
    for (let index = 0; index < whole; index += 4) {
      lane0 += bytes[index]!;
      lane1 += bytes[index + 1]!;
      lane2 += bytes[index + 2]!;
      lane3 += bytes[index + 3]!;
    }
  }
  for (let index = whole; index < bytes.length; index++) {
    const value = bytes[index]!;
    const lane = index - whole;
    if (lane === 0) lane0 += value;
    else if (lane === 1) lane1 += value;
    else lane2 += value;
  }
  // (lane0 << 24) + (lane1 << 16) + (lane2 << 8) + lane3, modulo 2^32.
  const sum = (lane0 % 256) * 16_777_216 + (lane1 % 65_536) * 65_536 + (lane2 % 16_777_216) * 256 + (lane3 % 4_294_967_296);
  return sum % 4_294_967_296;
}

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
