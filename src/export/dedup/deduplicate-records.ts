// Duplicate records, decided one record at a time as the export streams (the first of a group,
// the oldest, is kept; the others are left out with reason `duplicate` or `near-duplicate`):
//   exact: the same conversation after normalising whitespace and tool-call ids (sha-256 of the
//          normalised row, everything included: system prompt, tools, every turn);
//   near:  MinHash over word shingles of the turns (minhash.ts) at or above the threshold. The
//          system prompt and the tool schemas are left out here: an agent sends the same long
//          instructions with every task, which would make all its tasks look alike.
// Memory: one hash per kept record, plus one signature and its band keys in `near` mode.
import { createHash } from 'node:crypto';
import { bandKeys, shingleHashes, signatureOf, similarity, wordsOf } from './minhash.js';

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

interface Representative {
  id: string;
  signature: Uint32Array;
}

export class Deduplicator {
  readonly #options: DedupOptions;
  readonly #exact = new Map<string, string>();
  readonly #representatives: Representative[] = [];
  readonly #buckets = new Map<number, number[]>();
  readonly #groups = new Map<string, Array<{ id: string; kind: 'exact' | 'near' }>>();

  constructor(options: DedupOptions) {
    if (!(options.threshold > 0 && options.threshold <= 1)) throw new RangeError('dedup threshold must be in (0, 1]');
    this.#options = options;
  }

  /** Null when the record is new (and now known); else which kept record it duplicates. */
  check(id: string, format: string, row: unknown): DuplicateVerdict | null {
    if (this.#options.mode === 'off') return null;
    const key = createHash('sha256').update(normalisedRow(format, row)).digest('base64');
    const same = this.#exact.get(key);
    if (same !== undefined) return this.#remember(id, { kind: 'exact', of: same, similarity: 1 });
    this.#exact.set(key, id);
    if (this.#options.mode !== 'near') return null;

    const shingles = shingleHashes(wordsOf(turnText(format, row)));
    if (shingles.length === 0) return null;
    const signature = signatureOf(shingles);
    const keys = bandKeys(signature);
    let best: { index: number; similarity: number } | null = null;
    const seen = new Set<number>();
    for (const bucketKey of keys) {
      for (const index of this.#buckets.get(bucketKey) ?? []) {
        if (seen.has(index)) continue;
        seen.add(index);
        const estimate = similarity(signature, this.#representatives[index]!.signature);
        if (estimate >= this.#options.threshold && (best === null || estimate > best.similarity)) best = { index, similarity: estimate };
      }
    }
    if (best !== null) {
      const kept = this.#representatives[best.index]!.id;
      // Its own text says the same as the kept one: remember it under the kept id for exact checks too.
      this.#exact.set(key, kept);
      return this.#remember(id, { kind: 'near', of: kept, similarity: best.similarity });
    }
    const index = this.#representatives.push({ id, signature }) - 1;
    for (const bucketKey of keys) {
      const bucket = this.#buckets.get(bucketKey);
      if (bucket === undefined) this.#buckets.set(bucketKey, [index]);
      else bucket.push(index);
    }
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
  const normalise = (value: unknown, key: string | null): unknown => {
    if (typeof value === 'string') {
      if (format !== 'sharegpt' && (key === 'id' || key === 'tool_call_id')) return idOf(value);
      return value.replace(/\s+/g, ' ').trim();
    }
    if (Array.isArray(value)) return value.map((entry) => normalise(entry, null));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([entryKey, entry]) => [entryKey, normalise(entry, entryKey)]));
    }
    return value;
  };
  return JSON.stringify(normalise(row, null));
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
