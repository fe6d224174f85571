// Duplicate records, decided one record at a time as the export streams (the first of a group,
// the oldest, is kept; the others are left out with reason `duplicate` or `near-duplicate`):
//   exact: the same conversation after normalising whitespace and tool-call ids (sha-256 of the
//          normalised row, everything included: system prompt, tools, every turn);
//   near:  MinHash over word shingles of the turns (minhash.ts) at or above the threshold. The
//          system prompt and the tool schemas are left out here: an agent sends the same long
//          instructions with every task, which would make all its tasks look alike.
// Memory: about 50 bytes per distinct conversation for the exact pass up to EXACT_IN_MEMORY of them,
// the rest in a temporary database (exact-index.ts), and for the
// near pass the signatures of the last NEAR_WINDOW kept records only (near-index.ts: a fixed
// ceiling of about 28 MB), so a near-duplicate is found when its kept record is among the last
// 32,768 kept ones (retries and re-runs of a task come close together in id order). Removed
// records are listed per group for the report.
import { createHash } from 'node:crypto';
import { EXACT_IN_MEMORY, ExactIndex } from './exact-index.js';
import { shingleHashes, signatureOf, similarity, wordsOf } from './minhash.js';
import { bandHashes, NEAR_WINDOW, NearIndex } from './near-index.js';

export type DedupMode = 'off' | 'exact' | 'near';

export interface DedupOptions {
  mode: DedupMode;
  /** Estimated Jaccard similarity from which two conversations are near-duplicates (0-1). */
  threshold: number;
}

export const DEFAULT_DEDUP: DedupOptions = { mode: 'near', threshold: 0.8 };

export interface DuplicateVerdict {
  kind: 'exact' | 'near';
  /** The kept record of the group. */
  of: string;
  similarity: number;
}

export interface DedupReport {
  mode: DedupMode;
  threshold: number;
  /** Groups with at least one record left out. */
  groups: number;
  removed: { exact: number; near: number };
  /** Group size (kept record included) -> number of groups. */
  groupSizes: Record<string, number>;
  /** At most MAX_LISTED groups, largest first. */
  list: Array<{ kept: string; removed: Array<{ id: string; kind: 'exact' | 'near' }> }>;
}

export const DEDUP_REASONS = {
  duplicate: 'the same conversation (whitespace and tool-call ids aside) as an earlier record, which is exported',
  'near-duplicate': 'a near-duplicate (MinHash over word shingles at or above the threshold) of an earlier record, which is exported',
} as const;

const MAX_LISTED = 1_000;

export class Deduplicator {
  readonly #options: DedupOptions;
  readonly #exact: ExactIndex;
  readonly #near: NearIndex;
  readonly #groups = new Map<string, Array<{ id: string; kind: 'exact' | 'near' }>>();

  /** `nearWindow`, `exactInMemory`: near-index.ts and exact-index.ts (tests make them small). */
  constructor(options: DedupOptions, nearWindow = NEAR_WINDOW, exactInMemory = EXACT_IN_MEMORY) {
    if (!(options.threshold > 0 && options.threshold <= 1)) throw new RangeError('dedup threshold must be in (0, 1]');
    this.#options = options;
    this.#near = new NearIndex(nearWindow);
    this.#exact = new ExactIndex(exactInMemory);
  }

  /** Lets go of the fingerprints that went to disk (exact-index.ts); the deduplicator is not used after. */
  close(): void {
    this.#exact.close();
  }

  /** Null when the record is new (and now known); else which kept record it duplicates. */
  check(id: string, format: string, row: unknown): DuplicateVerdict | null {
    if (this.#options.mode === 'off') return null;
    const key = createHash('sha256').update(normalisedRow(format, row)).digest();
    const same = this.#exact.get(key);
    if (same !== undefined) return this.#remember(id, { kind: 'exact', of: same, similarity: 1 });
    if (this.#options.mode !== 'near') {
      this.#exact.set(key, id);
      return null;
    }

    const shingles = shingleHashes(wordsOf(turnText(format, row)));
    if (shingles.length === 0) {
      this.#exact.set(key, id);
      return null;
    }
    const signature = signatureOf(shingles);
    const bands = bandHashes(signature);
    const best = this.#near.best(signature, bands, this.#options.threshold, similarity);
    if (best !== null) {
      // Its own text says the same as the kept one: remember it under the kept id for exact checks too.
      this.#exact.set(key, best.id);
      return this.#remember(id, { kind: 'near', of: best.id, similarity: best.similarity });
    }
    this.#exact.set(key, id);
    this.#near.add(id, signature, bands);
    return null;
  }

  #remember(id: string, verdict: DuplicateVerdict): DuplicateVerdict {
    const members = this.#groups.get(verdict.of);
    if (members === undefined) this.#groups.set(verdict.of, [{ id, kind: verdict.kind }]);
    else members.push({ id, kind: verdict.kind });
    return verdict;
  }

  report(): DedupReport {
    const groupSizes: Record<string, number> = {};
    const removed = { exact: 0, near: 0 };
    for (const members of this.#groups.values()) {
      const size = String(members.length + 1);
      groupSizes[size] = (groupSizes[size] ?? 0) + 1;
      for (const member of members) removed[member.kind] += 1;
    }
    const list = [...this.#groups.entries()]
      .sort(([a, x], [b, y]) => y.length - x.length || a.localeCompare(b))
      .slice(0, MAX_LISTED)
      .map(([kept, members]) => ({ kept, removed: members }));
    return { mode: this.#options.mode, threshold: this.#options.threshold, groups: this.#groups.size, removed, groupSizes, list };
  }
}

/**
 * The row as one string, whitespace runs collapsed and trimmed in every string, tool-call ids
 * replaced by their order of appearance (providers generate new ids for the same calls).
 */
export function normalisedRow(format: string, row: unknown): string {
  const ids = new Map<string, string>();
  const idOf = (value: string): string => {
    let id = ids.get(value);
    if (id === undefined) {
      id = `call_${ids.size}`;
      ids.set(value, id);
    }
    return id;
  };
  // A replacer, not a normalised copy: JSON.stringify walks the row once and builds no objects
  // (the copy was a third of the exact pass). Array entries come with their index as the key.
  return JSON.stringify(row, (key: string, value: unknown) => {
    if (typeof value !== 'string') return value;
    if (format !== 'sharegpt' && (key === 'id' || key === 'tool_call_id')) return idOf(value);
    return value.replace(/\s+/g, ' ').trim();
  });
}

/** The turns' text without the system prompt and the tool schemas. */
export function turnText(format: string, row: unknown): string {
  if (typeof row !== 'object' || row === null) return '';
  const parts: string[] = [];
  if (format === 'sharegpt') {
    const turns = (row as { conversations?: unknown }).conversations;
    if (Array.isArray(turns)) for (const turn of turns) if (typeof turn?.value === 'string') parts.push(turn.value as string);
  } else {
    const messages = (row as { messages?: unknown }).messages;
    if (Array.isArray(messages)) {
      for (const message of messages as Array<Record<string, unknown>>) {
        if (message['role'] === 'system') continue;
        const content = message['content'];
        if (typeof content === 'string') parts.push(content);
        else if (Array.isArray(content)) for (const part of content) if (typeof part?.text === 'string') parts.push(part.text as string);
        for (const call of Array.isArray(message['tool_calls']) ? (message['tool_calls'] as Array<{ function?: { name?: unknown; arguments?: unknown } }>) : []) {
          parts.push(`${String(call.function?.name ?? '')} ${String(call.function?.arguments ?? '')}`);
        }
      }
    }
  }
  return parts.join('\n');
}
