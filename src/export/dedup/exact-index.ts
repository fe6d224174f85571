// The exact-duplicate pass's memory (deduplicate-records.ts): 64-bit fingerprints of the normalised
// rows (the first 8 bytes of their sha-256) in an open-addressing table of typed arrays, each with
// the number of the kept record it belongs to; the kept records' ids are kept once each, as the
// 26-byte ULIDs they are (any other id as a string). About 50 bytes per distinct conversation,
// where a Map of base64 digests to id strings took some 150. Two different conversations share a
// fingerprint with a probability of about n²/2^65 (1e-8 at a million).
//
// Past `memoryEntries` distinct conversations (EXACT_IN_MEMORY: about 6.5 MB) the new ones go to a
// private temporary SQLite database instead (SpilledFingerprints: 2 MB of page cache, the rest in
// SQLite's temporary file, deleted when it closes), so the export's memory stops growing with the
// data: the table in memory held 30 MB more at a million records than at 100,000. A lookup then
// asks the table, then the database (a primary-key probe, a few µs).
import Database from 'better-sqlite3';

/** Distinct conversations kept in memory before the rest go to disk. */
export const EXACT_IN_MEMORY = 1 << 17;

export class ExactIndex {
  readonly #memory: FingerprintTable;
  readonly #memoryEntries: number;
  #spilled: SpilledFingerprints | null = null;

  constructor(memoryEntries = EXACT_IN_MEMORY) {
    if (!(Number.isInteger(memoryEntries) && memoryEntries > 0)) throw new RangeError('ExactIndex memoryEntries must be a positive integer');
    this.#memoryEntries = memoryEntries;
    this.#memory = new FingerprintTable();
  }

  /** Distinct conversations known (in memory and on disk). */
  get size(): number {
    return this.#memory.size + (this.#spilled?.size ?? 0);
  }

  /** Whether some conversations went to disk. */
  get spilled(): boolean {
    return this.#spilled !== null;
  }

  /** The kept id for this digest, or undefined. */
  get(digest: Buffer): string | undefined {
    return this.#memory.get(digest) ?? this.#spilled?.get(digest);
  }

  /** Remembers that this digest belongs to `id` (a new kept record or an earlier one). */
  set(digest: Buffer, id: string): void {
    if (this.#memory.has(digest)) return this.#memory.set(digest, id);
    if (this.#spilled === null && this.#memory.size < this.#memoryEntries) return this.#memory.set(digest, id);
    this.#spilled ??= new SpilledFingerprints();
    this.#spilled.set(digest, id);
  }

  /** Closes (and so deletes) the database of spilled fingerprints; the index is not used after. */
  close(): void {
    this.#spilled?.close();
  }
}

/** Fingerprints past the memory budget, in a private temporary database (deleted on close). */
class SpilledFingerprints {
  readonly #db: Database.Database;
  readonly #insert: Database.Statement<[bigint, string]>;
  readonly #select: Database.Statement<[bigint], string>;
  #size = 0;
  #uncommitted = 0;

  constructor() {
    // An empty name: SQLite's private temporary database, on disk past its page cache.
    this.#db = new Database('');
    this.#db.pragma('journal_mode = OFF');
    this.#db.pragma('synchronous = OFF');
    this.#db.pragma('cache_size = -2048');
    this.#db.exec('CREATE TABLE kept (fingerprint INTEGER PRIMARY KEY, id TEXT NOT NULL)');
    this.#insert = this.#db.prepare('INSERT OR REPLACE INTO kept (fingerprint, id) VALUES (?, ?)');
    this.#select = this.#db.prepare<[bigint], string>('SELECT id FROM kept WHERE fingerprint = ?').pluck();
    // One transaction per COMMIT_EVERY inserts: a transaction per insert costs ten times as much.
    this.#db.exec('BEGIN');
  }

  get size(): number {
    return this.#size;
  }

  get(digest: Buffer): string | undefined {
    return this.#select.get(digest.readBigInt64BE(0));
  }

  set(digest: Buffer, id: string): void {
    const fingerprint = digest.readBigInt64BE(0);
    if (this.#select.get(fingerprint) === undefined) this.#size += 1;
    this.#insert.run(fingerprint, id);
    this.#uncommitted += 1;
    if (this.#uncommitted >= COMMIT_EVERY) {
      this.#db.exec('COMMIT; BEGIN');
      this.#uncommitted = 0;
    }
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}

const COMMIT_EVERY = 4_096;

/** The in-memory part: open addressing over typed arrays. */
class FingerprintTable {
  #keysHigh = new Uint32Array(1 << 12);
  #keysLow = new Uint32Array(1 << 12);
  /** Per slot: 1 + the kept record's number, or 0 for an empty slot. */
  #values = new Int32Array(1 << 12);
  #size = 0;
  readonly #ids = new KeptIds();

  get size(): number {
    return this.#size;
  }

  has(digest: Buffer): boolean {
    return this.#values[this.#find(digest.readUInt32BE(0), digest.readUInt32BE(4))] !== 0;
  }

  /** The kept id for this digest, or undefined. */
  get(digest: Buffer): string | undefined {
    const slot = this.#find(digest.readUInt32BE(0), digest.readUInt32BE(4));
    const value = this.#values[slot]!;
    return value === 0 ? undefined : this.#ids.at(value - 1);
  }

  /** Remembers that this digest belongs to `id` (a new kept record or an earlier one). */
  set(digest: Buffer, id: string): void {
    const high = digest.readUInt32BE(0);
    const low = digest.readUInt32BE(4);
    let slot = this.#find(high, low);
    if (this.#values[slot] === 0) {
      if ((this.#size + 1) * 2 > this.#values.length) {
        this.#rehash();
        slot = this.#find(high, low);
      }
      this.#size += 1;
    }
    this.#keysHigh[slot] = high;
    this.#keysLow[slot] = low;
    this.#values[slot] = this.#ids.numberOf(id) + 1;
  }

  #find(high: number, low: number): number {
    const mask = this.#values.length - 1;
    let slot = (low ^ Math.imul(high, 0x9e3779b1)) & mask;
    while (this.#values[slot] !== 0 && (this.#keysHigh[slot] !== high || this.#keysLow[slot] !== low)) slot = (slot + 1) & mask;
    return slot;
  }

  #rehash(): void {
    const [high, low, values] = [this.#keysHigh, this.#keysLow, this.#values];
    const length = values.length * 2;
    this.#keysHigh = new Uint32Array(length);
    this.#keysLow = new Uint32Array(length);
    this.#values = new Int32Array(length);
    for (let slot = 0; slot < values.length; slot += 1) {
      if (values[slot] === 0) continue;
      const target = this.#find(high[slot]!, low[slot]!);
      this.#keysHigh[target] = high[slot]!;
      this.#keysLow[target] = low[slot]!;
      this.#values[target] = values[slot]!;
    }
  }
}

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** Kept ids by number: ULIDs packed 26 bytes each, anything else as a string. */
class KeptIds {
  #packed = Buffer.alloc(26 * 1_024);
  #count = 0;
  #last: string | null = null;
  readonly #others = new Map<number, string>();

  /** The number of `id`: the last one added when it is the same, else a new one. */
  numberOf(id: string): number {
    if (id === this.#last) return this.#count - 1;
    const number = this.#count;
    if ((number + 1) * 26 > this.#packed.length) {
      const next = Buffer.alloc(this.#packed.length * 2);
      this.#packed.copy(next);
      this.#packed = next;
    }
    if (ULID.test(id)) this.#packed.write(id, number * 26, 'latin1');
    else this.#others.set(number, id);
    this.#count += 1;
    this.#last = id;
    return number;
  }

  at(number: number): string {
    return this.#others.get(number) ?? this.#packed.toString('latin1', number * 26, number * 26 + 26);
  }
}
