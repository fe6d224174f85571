// The LSH index of the near-duplicate pass (deduplicate-records.ts), in bounded memory: the last
// `capacity` kept signatures, in typed arrays that grow on demand up to that capacity and are then
// reused as a ring (the oldest representative leaves when a new one comes). Per band, a table of
// chain heads indexed by the band's hash, and per entry and band a link to the previous entry in
// the same slot: a lookup walks the chains of its bands newest first and stops at the first entry
// that has left the window (links only point back in time). At the default capacity this is
// about 28 MB whatever the number of records, where a Map of arrays per band key grew by some
// 2 KB per record.
import { BANDS, PERMUTATIONS, ROWS } from './minhash.js';

const SLOT_BITS = 15;
const SLOTS = 1 << SLOT_BITS;
const SLOT_MASK = SLOTS - 1;

/** Kept representatives a new record is compared with: near-duplicates further apart are not found. */
export const NEAR_WINDOW = 32_768;

/** One 32-bit hash per band of ROWS signature values (the band number mixed in). */
export function bandHashes(signature: Uint32Array): Uint32Array {
  const hashes = new Uint32Array(BANDS);
  for (let band = 0; band < BANDS; band += 1) {
    let h = Math.imul(band + 1, 0x9e3779b1);
    for (let row = 0; row < ROWS; row += 1) {
      h ^= signature[band * ROWS + row]!;
      h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
      h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
      h ^= h >>> 16;
    }
    hashes[band] = h >>> 0;
  }
  return hashes;
}

export class NearIndex {
  readonly #capacity: number;
  /** Entries added so far; entry `n` lives at position n % capacity while n > added - capacity. */
  #added = 0;
  #allocated = 0;
  #ids: string[] = [];
  #signatures = new Uint32Array(0);
  #bands = new Uint32Array(0);
  /** Per entry and band: the entry number before it in the same slot, or -1. */
  #links = new Int32Array(0);
  /** Per band and slot: the newest entry number, or -1. */
  readonly #heads: Int32Array;
  /** Per position: the lookup that last saw it (each candidate is compared once per lookup). */
  #stamps = new Int32Array(0);
  #lookups = 0;

  constructor(capacity = NEAR_WINDOW) {
    if (!(Number.isInteger(capacity) && capacity > 0)) throw new RangeError('NearIndex capacity must be a positive integer');
    this.#capacity = capacity;
    this.#heads = new Int32Array(BANDS * SLOTS).fill(-1);
  }

  get size(): number {
    return Math.min(this.#added, this.#capacity);
  }

  /**
   * The most similar representative at or above `threshold` that shares a band with `signature`
   * (the first added wins a tie), or null.
   */
  best(signature: Uint32Array, bands: Uint32Array, threshold: number, similarity: (a: Uint32Array, b: Uint32Array) => number): { id: string; similarity: number } | null {
    this.#lookups += 1;
    const stamp = this.#lookups;
    const oldest = this.#added - this.#capacity;
    let best: { entry: number; similarity: number } | null = null;
    for (let band = 0; band < BANDS; band += 1) {
      const key = bands[band]!;
      let entry = this.#heads[band * SLOTS + (key & SLOT_MASK)]!;
      while (entry >= 0 && entry >= oldest) {
        const position = entry % this.#capacity;
        if (this.#bands[position * BANDS + band] === key && this.#stamps[position] !== stamp) {
          this.#stamps[position] = stamp;
          const estimate = similarity(signature, this.#signatures.subarray(position * PERMUTATIONS, (position + 1) * PERMUTATIONS));
          if (estimate >= threshold && (best === null || estimate > best.similarity || (estimate === best.similarity && entry < best.entry))) {
            best = { entry, similarity: estimate };
          }
        }
        entry = this.#links[position * BANDS + band]!;
      }
    }
    return best === null ? null : { id: this.#ids[best.entry % this.#capacity]!, similarity: best.similarity };
  }

  add(id: string, signature: Uint32Array, bands: Uint32Array): void {
    const entry = this.#added;
    const position = entry % this.#capacity;
    if (position >= this.#allocated) this.#grow();
    this.#ids[position] = id;
    this.#signatures.set(signature, position * PERMUTATIONS);
    this.#bands.set(bands, position * BANDS);
    for (let band = 0; band < BANDS; band += 1) {
      const slot = band * SLOTS + (bands[band]! & SLOT_MASK);
      this.#links[position * BANDS + band] = this.#heads[slot]!;
      this.#heads[slot] = entry;
    }
    this.#stamps[position] = 0;
    this.#added += 1;
  }

  #grow(): void {
    const size = Math.min(this.#capacity, Math.max(1_024, this.#allocated * 2));
    const grow = <T extends Uint32Array | Int32Array>(old: T, make: (length: number) => T, per: number): T => {
      const next = make(size * per);
      next.set(old);
      return next;
    };
    this.#signatures = grow(this.#signatures, (length) => new Uint32Array(length), PERMUTATIONS);
    this.#bands = grow(this.#bands, (length) => new Uint32Array(length), BANDS);
    this.#links = grow(this.#links, (length) => new Int32Array(length), BANDS);
    this.#stamps = grow(this.#stamps, (length) => new Int32Array(length), 1);
    this.#allocated = size;
  }
}
