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

/** fossil's 32-bit checksum: the sum of the big-endian 32-bit words, the tail zero-padded. */
export function fossilChecksum(bytes: Buffer): number {
  let sum = 0;
  const whole = bytes.length - (bytes.length % 4);
  for (let index = 0; index < whole; index += 4) sum = (sum + bytes.readUInt32BE(index)) >>> 0;
  let tail = 0;
  for (let index = whole; index < bytes.length; index++) tail += bytes[index]! * 2 ** (8 * (3 - (index - whole)));
  return (sum + tail) >>> 0;
}
