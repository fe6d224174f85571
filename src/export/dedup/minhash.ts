// MinHash over word shingles (Broder 1997, "On the resemblance and containment of documents") with
// LSH banding (Leskovec, Rajaraman, Ullman, Mining of Massive Datasets, ch. 3.4): a signature of
// PERMUTATIONS minimums estimates the Jaccard similarity of two shingle sets as the share of equal
// positions; BANDS bands of ROWS rows put two signatures in a common bucket with probability
// 1-(1-s^ROWS)^BANDS (s = 0.5: 0.87, s = 0.7: 0.9995), and candidates from a bucket are then
// checked against the threshold on the whole signature. Deterministic: fixed seeds, no randomness.
//
// The signature is a one-permutation hash (Li, Owen, Zhang 2012, "One Permutation Hashing") with
// optimal densification (Shrivastava 2017, "Optimal Densification for Fast and Accurate Minwise
// Hashing"): each shingle's hash picks one of PERMUTATIONS bins and competes for that bin's minimum
// only, so a signature costs one hash per shingle instead of PERMUTATIONS (a long agent history has
// thousands of shingles: the 128 multiplications per shingle were a fifth of the export's CPU); bins
// no shingle fell into borrow the value of a non-empty bin chosen by a fixed probe sequence, which
// keeps equal positions an unbiased estimate of the Jaccard similarity for short texts too.

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

const BIN_SHIFT = 32 - Math.log2(PERMUTATIONS);
const EMPTY = 0xffffffff;
/** Probes of the densification before it falls back to the next non-empty bin (never reached in practice). */
const MAX_PROBES = 64;

/** Lower-cased words (letters and digits of any script); punctuation and spacing do not count. */
export function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
}

/**
 * Hashes of the SHINGLE_WORDS-word shingles in text order, repeats included (a minimum does not
 * care; `jaccard` makes sets of them), one shingle of all words when fewer: FNV-1a of the words
 * joined by single spaces, computed over the words in place (no joined string). The privacy
 * scan stores signatures made of these hashes (exchange_near_bands), so their definition cannot
 * change without a rescan: hashing each word once and combining the words' hashes measured a
 * second faster on 100k records, and was left out for that reason.
 */
export function shingleHashes(words: readonly string[], size = SHINGLE_WORDS): Uint32Array {
  if (words.length === 0) return new Uint32Array(0);
  if (words.length <= size) return Uint32Array.of(hashString(words.join(' ')));
  const hashes = new Uint32Array(words.length - size + 1);
  for (let start = 0; start + size <= words.length; start += 1) {
    let h = 0x811c9dc5;
    for (let index = start; index < start + size; index += 1) {
      if (index > start) h = Math.imul(h ^ 0x20, 0x01000193);
      const word = words[index]!;
      for (let char = 0; char < word.length; char += 1) h = Math.imul(h ^ word.charCodeAt(char), 0x01000193);
    }
    hashes[start] = h >>> 0;
  }
  return hashes;
}

/** The signature of a non-empty shingle list (an empty one has none: every bin would be empty). */
export function signatureOf(shingles: Uint32Array): Uint32Array {
  const bins = new Uint32Array(PERMUTATIONS).fill(EMPTY);
  for (const shingle of shingles) {
    const mixed = fmix32(shingle);
    const bin = mixed >>> BIN_SHIFT;
    // The value compared within a bin: a second hash, independent of the bits that chose the bin.
    const value = fmix32(mixed ^ 0x9e3779b9);
    if (value < bins[bin]!) bins[bin] = value;
  }
  const signature = bins.slice();
  for (let bin = 0; bin < PERMUTATIONS; bin += 1) {
    if (bins[bin] !== EMPTY) continue;
    let source = -1;
    for (let probe = 1; probe <= MAX_PROBES && source === -1; probe += 1) {
      const candidate = fmix32(Math.imul(bin + 1, 0x9e3779b1) ^ Math.imul(probe, 0x85ebca6b)) >>> BIN_SHIFT;
      if (bins[candidate] !== EMPTY) source = candidate;
    }
    for (let step = 1; source === -1 && step < PERMUTATIONS; step += 1) {
      const candidate = (bin + step) % PERMUTATIONS;
      if (bins[candidate] !== EMPTY) source = candidate;
    }
    if (source !== -1) signature[bin] = bins[source]!;
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
