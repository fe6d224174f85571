// Duplicates seeded at known rates: 40 distinct conversations, 8 exact copies (whitespace and
// call ids changed), 6 near-duplicates (a few words changed in a long conversation), 1 copy of a
// near-duplicate. The groups come out as seeded, in every mode.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../privacy/__fixtures__/seeded-values.js';
import { Deduplicator, normalisedRow } from './deduplicate-records.js';
import { jaccard, shingleHashes, signatureOf, similarity, wordsOf } from './minhash.js';
import { NEAR_WINDOW } from './near-index.js';
import { ExactIndex } from './exact-index.js';
import { createHash } from 'node:crypto';

const WORDS = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon phi chi psi omega red green blue cyan magenta yellow black white river mountain forest desert ocean island valley canyon glacier meadow'.split(' ');

function prose(seed: number, words: number): string {
  const random = seededRandom(seed);
  return Array.from({ length: words }, () => WORDS[Math.floor(random() * WORDS.length)]!).join(' ');
}

function openAiRow(seed: number, answer = prose(seed * 7 + 1, 120), callId = `call_${seed}`): unknown {
  return {
    messages: [
      { role: 'system', content: 'You are a helpful agent with a very long and very common system prompt.' },
      { role: 'user', content: prose(seed, 40) },
      { role: 'assistant', content: '', tool_calls: [{ id: callId, type: 'function', function: { name: 'search', arguments: `{"q":"${prose(seed + 99, 3)}"}` } }] },
      { role: 'tool', tool_call_id: callId, content: prose(seed + 500, 60) },
      { role: 'assistant', content: answer },
    ],
  };
}

/** The same row with extra spaces and line breaks and fresh call ids. */
function respaced(row: unknown): unknown {
  const text = JSON.stringify(row).replace(/ /g, '  ').replace(/call_(\d+)/g, 'call_X$1Y');
  return JSON.parse(text.replace(/"content":"([a-z])/g, '"content":"\\n  $1')) as unknown;
}

/** A few words of the answer changed: high similarity, not equal. */
function edited(seed: number, variant = 0): unknown {
  const words = prose(seed * 7 + 1, 120).split(' ');
  words[10 + variant * 20] = 'CHANGED';
  words[70 + variant * 20] = 'EDITED';
  return openAiRow(seed, words.join(' '));
}

describe('Deduplicator', () => {
  const originals = Array.from({ length: 40 }, (_, index) => ({ id: `r${String(index).padStart(3, '0')}`, row: openAiRow(index) }));
  const exact = [0, 3, 3, 7, 11, 20, 20, 20].map((of, index) => ({ id: `x${index}`, of: `r${String(of).padStart(3, '0')}`, row: respaced(openAiRow(of)) }));
  const near = [[1, 0], [5, 0], [5, 1], [9, 0], [30, 0], [31, 0]].map(([of, variant], index) => ({
    id: `n${index}`,
    of: `r${String(of).padStart(3, '0')}`,
    row: edited(of!, variant),
  }));
  const copyOfNear = { id: 'c0', of: 'r001', row: respaced(edited(1)) };
  const stream = [...originals, ...exact, ...near, copyOfNear];

  it('near: groups exact copies and near-duplicates with the first record, as seeded', () => {
    const dedup = new Deduplicator({ mode: 'near', threshold: 0.8 });
    const verdicts = new Map(stream.map(({ id, row }) => [id, dedup.check(id, 'openai-messages', row)]));
    for (const { id } of originals) expect(verdicts.get(id), id).toBeNull();
    for (const { id, of } of exact) expect(verdicts.get(id)).toMatchObject({ kind: 'exact', of });
    for (const { id, of } of near) expect(verdicts.get(id)).toMatchObject({ kind: 'near', of });
    // A copy of a near-duplicate joins the group of its kept record.
    expect(verdicts.get('c0')).toMatchObject({ kind: 'exact', of: 'r001' });

    const report = dedup.report();
    expect(report).toMatchObject({ mode: 'near', groups: 10, removed: { exact: 9, near: 6 } });
    // r020: 3 copies -> size 4; r003, r005: size 3; r001: near + copy -> size 3; the rest size 2.
    expect(report.groupSizes).toEqual({ '2': 6, '3': 3, '4': 1 });
    expect(report.list[0]).toEqual({ kept: 'r020', removed: [{ id: 'x5', kind: 'exact' }, { id: 'x6', kind: 'exact' }, { id: 'x7', kind: 'exact' }] });
  });

  it('gives the same verdicts when the exact fingerprints go to disk past a few in memory', () => {
    const inMemory = new Deduplicator({ mode: 'near', threshold: 0.8 });
    // Four in memory: every original after the fourth, and every copy of it, is looked up on disk.
    const spilling = new Deduplicator({ mode: 'near', threshold: 0.8 }, NEAR_WINDOW, 4);
    try {
      for (const { id, row } of stream) expect(spilling.check(id, 'openai-messages', row), id).toEqual(inMemory.check(id, 'openai-messages', row));
      expect(spilling.report()).toEqual(inMemory.report());
    } finally {
      spilling.close();
      inMemory.close();
    }
  });

  it('exact: leaves the near-duplicates in; off: leaves everything in', () => {
    const exactOnly = new Deduplicator({ mode: 'exact', threshold: 0.8 });
    const removed = stream.filter(({ id, row }) => exactOnly.check(id, 'openai-messages', row) !== null).map(({ id }) => id);
    expect(removed).toEqual([...exact.map(({ id }) => id), 'c0']);
    expect(exactOnly.report()).toMatchObject({ groups: 6, removed: { exact: 8 + 1, near: 0 } });
    const off = new Deduplicator({ mode: 'off', threshold: 0.8 });
    expect(stream.filter(({ id, row }) => off.check(id, 'openai-messages', row) !== null)).toEqual([]);
  });

  it('a higher threshold leaves near-duplicates in', () => {
    const strict = new Deduplicator({ mode: 'near', threshold: 1 });
    for (const { id, row } of originals) strict.check(id, 'openai-messages', row);
    for (const { id, row } of near) expect(strict.check(id, 'openai-messages', row)).toBeNull();
  });

  it('ignores the system prompt for near-duplicates but not for exact ones', () => {
    const dedup = new Deduplicator({ mode: 'near', threshold: 0.8 });
    const row = openAiRow(1) as { messages: Array<{ role: string; content: string }> };
    const otherSystem = structuredClone(row);
    otherSystem.messages[0]!.content = 'A different system prompt entirely.';
    expect(dedup.check('a', 'openai-messages', row)).toBeNull();
    expect(dedup.check('b', 'openai-messages', otherSystem)).toMatchObject({ kind: 'near', of: 'a' });
  });

  it('normalises whitespace and call ids only', () => {
    expect(normalisedRow('openai-messages', respaced(openAiRow(3)))).toBe(normalisedRow('openai-messages', openAiRow(3)));
    expect(normalisedRow('openai-messages', openAiRow(3))).not.toBe(normalisedRow('openai-messages', openAiRow(4)));
  });
});

describe('MinHash', () => {
  it('estimates Jaccard similarity within a few points', () => {
    for (const seed of [1, 2, 3]) {
      const a = shingleHashes(wordsOf(prose(seed, 300)));
      const words = prose(seed, 300).split(' ');
      for (let index = 0; index < 300; index += 25) words[index] = `w${index}`;
      const b = shingleHashes(wordsOf(words.join(' ')));
      expect(Math.abs(similarity(signatureOf(a), signatureOf(b)) - jaccard(a, b))).toBeLessThan(0.12);
    }
  });

  it('estimates it for texts with fewer shingles than bins too (densified bins)', () => {
    // 40 words: 36 shingles for 128 bins, so most bins are filled by densification.
    let worst = 0;
    for (const seed of [4, 5, 6, 7, 8, 9]) {
      const words = prose(seed, 40).split(' ');
      const a = shingleHashes(wordsOf(words.join(' ')));
      words[20] = 'changed';
      const b = shingleHashes(wordsOf(words.join(' ')));
      worst = Math.max(worst, Math.abs(similarity(signatureOf(a), signatureOf(b)) - jaccard(a, b)));
      expect(similarity(signatureOf(a), signatureOf(a))).toBe(1);
    }
    expect(worst).toBeLessThan(0.2);
    // Unrelated texts of the same length share next to nothing.
    const x = signatureOf(shingleHashes(wordsOf(prose(10, 40))));
    const y = signatureOf(shingleHashes(wordsOf(prose(11, 40))));
    expect(similarity(x, y)).toBeLessThan(0.2);
  });

  it('costs one hash per shingle: a signature has no empty bin and depends on the set, not on repeats or order', () => {
    const words = wordsOf(prose(12, 200));
    const once = shingleHashes(words);
    const twice = Uint32Array.from([...once, ...once].reverse());
    expect(signatureOf(twice)).toEqual(signatureOf(once));
    expect(signatureOf(Uint32Array.of(42)).every((value) => value !== 0xffffffff)).toBe(true);
  });
});

describe('Deduplicator memory', () => {
  it('hashes shingles as FNV-1a of the words joined by spaces', () => {
    const words = wordsOf(prose(8, 12));
    const fnv = (text: string) => {
      let h = 0x811c9dc5;
      for (let index = 0; index < text.length; index += 1) h = Math.imul(h ^ text.charCodeAt(index), 0x01000193);
      return h >>> 0;
    };
    const expected = new Set(Array.from({ length: words.length - 4 }, (_, start) => fnv(words.slice(start, start + 5).join(' '))));
    expect(new Set(shingleHashes(words))).toEqual(expected);
  });

  it('finds near-duplicates within its window of kept records, and forgets the ones that left it', () => {
    const dedup = new Deduplicator({ mode: 'near', threshold: 0.8 }, 8);
    expect(dedup.check('old', 'openai-messages', openAiRow(1))).toBeNull();
    for (let index = 2; index < 10; index += 1) expect(dedup.check(`r${index}`, 'openai-messages', openAiRow(index))).toBeNull();
    // r2..r9 fill the window of 8: the first record has left it, its near-duplicate is not found.
    expect(dedup.check('late', 'openai-messages', edited(1))).toBeNull();
    // r9 is still in the window.
    expect(dedup.check('recent', 'openai-messages', edited(9))).toMatchObject({ kind: 'near', of: 'r9' });
    // Exact copies are found whatever the window.
    expect(dedup.check('copy', 'openai-messages', respaced(openAiRow(1)))).toMatchObject({ kind: 'exact', of: 'old' });
  });

  it('keeps ULID ids and other ids apart in its exact table', () => {
    const dedup = new Deduplicator({ mode: 'exact', threshold: 0.8 });
    const ulid = '01JD0000000000000000000000';
    expect(dedup.check(ulid, 'openai-messages', openAiRow(1))).toBeNull();
    expect(dedup.check('plain-id', 'openai-messages', openAiRow(2))).toBeNull();
    for (let index = 3; index < 3_000; index += 1) dedup.check(`id-${index}`, 'openai-messages', openAiRow(index));
    expect(dedup.check('again-1', 'openai-messages', openAiRow(1))).toMatchObject({ of: ulid });
    expect(dedup.check('again-2', 'openai-messages', openAiRow(2))).toMatchObject({ of: 'plain-id' });
    expect(dedup.check('again-2999', 'openai-messages', openAiRow(2999))).toMatchObject({ of: 'id-2999' });
  });
});

describe('ExactIndex past its memory budget', () => {
  it('keeps the first fingerprints in memory and the rest on disk, and finds every one', () => {
    const digest = (n: number) => createHash('sha256').update(`conversation ${n}`).digest();
    const index = new ExactIndex(100);
    try {
      for (let n = 0; n < 1_000; n++) index.set(digest(n), `01K0000000000000000000${String(n).padStart(4, '0')}`);
      expect(index.spilled).toBe(true);
      expect(index.size).toBe(1_000);
      for (const n of [0, 99, 100, 999]) expect(index.get(digest(n))).toBe(`01K0000000000000000000${String(n).padStart(4, '0')}`);
      expect(index.get(digest(1_000))).toBeUndefined();
      // A fingerprint in memory is updated in place: it does not go to disk a second time.
      index.set(digest(5), 'other-id');
      expect(index.get(digest(5))).toBe('other-id');
      expect(index.size).toBe(1_000);
    } finally {
      index.close();
    }
    const small = new ExactIndex(100);
    small.set(digest(1), 'a');
    expect(small.spilled).toBe(false);
    small.close();
  });
});
