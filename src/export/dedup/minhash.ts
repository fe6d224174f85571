// MinHash over word shingles (Broder 1997, "On the resemblance and containment of documents") with
// LSH banding (Leskovec, Rajaraman, Ullman, Mining of Massive Datasets, ch. 3.4): a signature of
// PERMUTATIONS minimums estimates the Jaccard similarity of two shingle sets as the share of equal
// positions; BANDS bands of ROWS rows put two signatures in a common bucket with probability
// 1-(1-s^ROWS)^BANDS (s = 0.5: 0.87, s = 0.7: 0.9995), and candidates from a bucket are then
// checked against the threshold on the whole signature. Deterministic: fixed seeds, no randomness.

export const PERMUTATIONS = 128;
export const BANDS = 32;
export const ROWS = PERMUTATIONS / BANDS;
export const SHINGLE_WORDS = 5;

/** Murmur3's 32-bit finaliser: a fast, well-mixing hash of one integer. */
function fmix32(input: number): number {
  let h = input >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over the UTF-16 code units. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    h ^= text.charCodeAt(index);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

// h_i(x) = a_i * fmix32(x) + b_i (mod 2^32), a_i odd: one mixing per shingle, then a multiply and
// an add per permutation (the cost of a signature is shingles x PERMUTATIONS).
const MULTIPLIERS = Uint32Array.from({ length: PERMUTATIONS }, (_, index) => fmix32(0x9e3779b9 + Math.imul(index + 1, 0x7f4a7c15)) | 1);
const OFFSETS = Uint32Array.from({ length: PERMUTATIONS }, (_, index) => fmix32(0x85ebca6b ^ Math.imul(index + 1, 0x27d4eb2f)));

/** Lower-cased words (letters and digits of any script); punctuation and spacing do not count. */
export function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
}

/**
 * Hashes of the distinct SHINGLE_WORDS-word shingles (one shingle of all words when fewer): FNV-1a
 * of the words joined by single spaces, computed over the words in place (no joined string).
 */
export function shingleHashes(words: readonly string[], size = SHINGLE_WORDS): Uint32Array {
  const hashes = new Set<number>();
  if (words.length === 0) return new Uint32Array(0);
  if (words.length <= size) hashes.add(hashString(words.join(' ')));
  for (let start = 0; start + size <= words.length; start += 1) {
    let h = 0x811c9dc5;
    for (let index = start; index < start + size; index += 1) {
      if (index > start) h = Math.imul(h ^ 0x20, 0x01000193);
      const word = words[index]!;
      for (let char = 0; char < word.length; char += 1) h = Math.imul(h ^ word.charCodeAt(char), 0x01000193);
    }
    hashes.add(h >>> 0);
  }
  return Uint32Array.from(hashes);
}

export function signatureOf(shingles: Uint32Array): Uint32Array {
  const signature = new Uint32Array(PERMUTATIONS).fill(0xffffffff);
  for (const shingle of shingles) {
    const mixed = fmix32(shingle);
    for (let index = 0; index < PERMUTATIONS; index += 1) {
      const value = (Math.imul(MULTIPLIERS[index]!, mixed) + OFFSETS[index]!) >>> 0;
      if (value < signature[index]!) signature[index] = value;
    }
  }
  return signature;
}

/** Estimated Jaccard similarity: the share of positions where the two signatures agree. */
export function similarity(a: Uint32Array, b: Uint32Array): number {
  let equal = 0;
  for (let index = 0; index < PERMUTATIONS; index += 1) if (a[index] === b[index]) equal += 1;
  return equal / PERMUTATIONS;
}

/** Exact Jaccard similarity of two shingle sets (tests and small inputs). */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  const left = new Set(a);
  let common = 0;
  for (const value of new Set(b)) if (left.has(value)) common += 1;
  const union = left.size + new Set(b).size - common;
  return union === 0 ? 1 : common / union;
}
