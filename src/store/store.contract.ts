// The one behaviour suite every Store backend must pass (SQLite now, PostgreSQL later). A backend's
// test file calls runStoreContract with a factory that returns a migrated store over an EMPTY
// database; `cleanup` runs after each test (after the store is closed).
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExchangeRecord, StoredExchange } from './exchange-record.js';
import type { ShareGptRow } from '../training/sharegpt-types.js';
import type { ListFilter, RecordScan, Store, StoreAggregates } from './store.js';
import { makeTestRecord, makeTestRecords, testId, withDerivedListFields } from './test-records.js';

function asStored(record: ExchangeRecord, link: Partial<StoredExchange> = {}): StoredExchange {
  const { searchText, preview, functionCallOnly, ...stored } = record;
  void searchText;
  void preview;
  void functionCallOnly;
  return {
    ...stored,
    parentId: null,
    threadId: record.id,
    reviewState: 'pending',
    reviewedAt: null,
    editedSharegpt: null,
    ...link,
  };
}

async function listAllIds(store: Store, filter: ListFilter, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let before: string | undefined;
  for (let pages = 0; pages < 10_000; pages += 1) {
    const page = await store.list(filter, before === undefined ? { limit } : { limit, before });
    ids.push(...page.items.map((item) => item.id));
    if (page.nextCursor === null) return ids;
    before = page.nextCursor;
  }
  throw new Error('pagination did not terminate');
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** xorshift32: the contract's random sequences are the same on every run and backend. */
function seededRandom(seed: number): () => number {
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

/** What ListFilter means, for the fields the aggregate recount uses. */
function matchesFilter(record: StoredExchange, filter: ListFilter): boolean {
  return (
    (filter.reviewState === undefined || record.reviewState === filter.reviewState) &&
    (filter.model === undefined || record.model === filter.model) &&
    (filter.domain === undefined || record.domain === filter.domain) &&
    (filter.apiKind === undefined || record.apiKind === filter.apiKind) &&
    (filter.since === undefined || record.startedAt >= filter.since) &&
    (filter.until === undefined || record.startedAt < filter.until) &&
    (filter.hasError === undefined || (record.error !== null) === filter.hasError) &&
    (filter.throughId === undefined || record.id <= filter.throughId)
  );
}

function facetCount(values: Array<string | null>): Array<{ value: string; count: number }> {
  const counts = new Map<string, number>();
  for (const value of values) if (value !== null) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
}

/** StoreAggregates computed from the records themselves: what every backend must answer. */
function recount(records: readonly StoredExchange[], bucketMs: number, offsetMs: number, topN: number): StoreAggregates {
  const group = (subset: readonly StoredExchange[]) => ({
    requests: subset.length,
    errors: subset.filter((record) => record.error !== null).length,
    inputTokens: subset.reduce((sum, record) => sum + (record.usage?.inputTokens ?? 0), 0),
    outputTokens: subset.reduce((sum, record) => sum + (record.usage?.outputTokens ?? 0), 0),
  });
  const groupBy = <K>(keyOf: (record: StoredExchange) => K) => {
    const groups = new Map<K, StoredExchange[]>();
    for (const record of records) {
      const key = keyOf(record);
      const list = groups.get(key);
      if (list === undefined) groups.set(key, [record]);
      else list.push(record);
    }
    return [...groups];
  };
  // Null keys (no model) sort before every string among equal counts.
  const keyed = (keyOf: (record: StoredExchange) => string | null) =>
    groupBy(keyOf)
      .map(([key, subset]) => ({ key, ...group(subset) }))
      .sort((a, b) => b.requests - a.requests || (a.key === b.key ? 0 : a.key === null ? -1 : b.key === null ? 1 : a.key < b.key ? -1 : 1))
      .slice(0, topN);
  const percentiles = (values: number[]) => {
    values.sort((a, b) => a - b);
    const at = (fraction: number) => (values.length === 0 ? null : values[Math.max(1, Math.ceil(fraction * values.length)) - 1]!);
    return { p50: at(0.5), p90: at(0.9), p95: at(0.95), p99: at(0.99), max: at(1) };
  };
  const sum = (read: (record: StoredExchange) => number | undefined) => records.reduce((total, record) => total + (read(record) ?? 0), 0);
  const { requests, errors } = group(records);
  return {
    requests,
    errors,
    byReviewState: {
      pending: records.filter((record) => record.reviewState === 'pending').length,
      confirmed: records.filter((record) => record.reviewState === 'confirmed').length,
      rejected: records.filter((record) => record.reviewState === 'rejected').length,
    },
    tokens: {
      input: sum((record) => record.usage?.inputTokens),
      output: sum((record) => record.usage?.outputTokens),
      reasoning: sum((record) => record.usage?.reasoningTokens),
      cachedInput: sum((record) => record.usage?.cachedInputTokens),
      total: sum((record) => record.usage?.totalTokens),
    },
    overTime: groupBy((record) => Math.floor((record.startedAt + offsetMs) / bucketMs) * bucketMs - offsetMs)
      .map(([start, subset]) => ({ start, ...group(subset) }))
      .sort((a, b) => a.start - b.start),
    byModel: keyed((record) => record.model),
    byDomain: keyed((record) => record.domain),
    durationMs: percentiles(records.map((record) => record.durationMs)),
    ttfbMs: percentiles(records.flatMap((record) => (record.ttfbMs === null ? [] : [record.ttfbMs]))),
  };
}

export function runStoreContract(
  name: string,
  openStore: () => Promise<Store>,
  cleanup?: () => Promise<void> | void,
): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await openStore();
    });

    afterEach(async () => {
      await store.close();
      await cleanup?.();
    });

    describe('lifecycle', () => {
      it('starts empty, answers ping, and migrates idempotently', async () => {
        await store.migrate();
        await store.migrate();
        expect(await store.ping()).toBe(true);
        expect(await store.count()).toBe(0);
        expect(await store.stats()).toEqual({ records: 0, byReviewState: { pending: 0, confirmed: 0, rejected: 0 } });
        expect(await store.list({}, { limit: 10 })).toEqual({ items: [], nextCursor: null });
        expect(await store.get('01NOPE')).toBeNull();
      });

      it('closes idempotently and reports not alive afterwards', async () => {
        await store.close();
        await store.close();
        expect(await store.ping()).toBe(false);
      });
    });

    describe('round-trip', () => {
      it('returns every field of a typical record as written, with pending review and its own thread', async () => {
        const record = makeTestRecord({ seq: 1 });
        await store.insertBatch([record]);
        expect(await store.get(record.id)).toEqual(asStored(record));
      });

      it('reads many records at once as get reads each, bodies stored against a parent included', async () => {
        // Each request resends the one before plus a turn: stored as splices of the parent's body.
        const history = (turns: number) => JSON.stringify({ model: 'm', messages: Array.from({ length: turns }, (_, turn) => ({ role: turn % 2 === 0 ? 'user' : 'assistant', content: `turn ${turn} `.repeat(80) })) });
        const records = [1, 3, 5].map((turns, index) =>
          makeTestRecord({ seq: 40 + index, parentKey: index === 0 ? null : `many-${index - 1}`, selfKey: `many-${index}` }, { requestBody: history(turns) }),
        );
        await store.insertBatch(records);
        const ids = records.map((record) => record.id);
        const many = await store.getMany([ids[2]!, '01NOPE', ids[0]!, ids[1]!, ids[2]!]);
        expect([...many.keys()].sort()).toEqual([...ids].sort());
        for (const id of ids) expect(many.get(id)).toEqual(await store.get(id));
        expect(many.get(ids[2]!)?.requestBody).toBe(history(5));
        expect(await store.getMany([])).toEqual(new Map());
      });

      it('keeps nulls, flags, partial usage, errors and non-JSON bodies exactly', async () => {
        const record = makeTestRecord(
          { seq: 2, parentKey: null, selfKey: null },
          {
            apiKind: 'other',
            wireFormat: 'other',
            model: null,
            upstreamProvider: 'gemini',
            streamed: true,
            status: 0,
            ttfbMs: null,
            usage: { outputTokens: 7, reasoningTokens: 3, cachedInputTokens: 11 },
            error: { class: 'UpstreamReset', message: 'socket hang up after 12 bytes' },
            incomplete: true,
            requestBody: 'not json at all: a=1&b=2',
            requestIsJson: false,
            responseBody: '',
            sharegpt: null,
            converterVersion: 9,
            turnCount: 0,
            hasTools: true,
            searchText: '',
          },
        );
        await store.insertBatch([record]);
        expect(await store.get(record.id)).toEqual(asStored(record));
      });

      it('reads a usage with every field absent back as null', async () => {
        const record = makeTestRecord({ seq: 3 }, { usage: null });
        await store.insertBatch([record]);
        expect((await store.get(record.id))?.usage).toBeNull();
      });

      it('round-trips unicode (emoji, CJK, RTL, combining marks, control characters) in every text field', async () => {
        const text = 'Grüße 👩🏽‍💻 你好，世界 مرحبا e\u0301 \u0000\u0007 \u2028 "quoted" \\ backslash';
        const record = makeTestRecord(
          { seq: 4, userText: text },
          {
            domain: '例え.jp',
            path: '/v1/chat/completions?note=%E2%9C%93',
            model: 'モデル-1',
            requestBody: JSON.stringify({ messages: [{ role: 'user', content: text }] }),
            responseBody: JSON.stringify({ text }),
            searchText: text,
            error: { class: 'Ошибка', message: text },
          },
        );
        await store.insertBatch([record]);
        expect(await store.get(record.id)).toEqual(asStored(record));
      });

      it('round-trips large bodies (several MB) byte for byte', async () => {
        const bigPrompt = Array.from({ length: 40_000 }, (_, index) => `line ${index}: ${'lorem ipsum '.repeat(5)}`).join('\n');
        // Incompressible content too: a pseudo-random base64 "image".
        let seed = 12345;
        const noise = Buffer.from(
          Array.from({ length: 600_000 }, () => {
            seed = (seed * 1103515245 + 12345) % 2 ** 31;
            return seed & 0xff;
          }),
        ).toString('base64');
        const record = makeTestRecord(
          { seq: 5, userText: bigPrompt },
          {
            requestBody: JSON.stringify({ messages: [{ role: 'user', content: bigPrompt }], image: noise }),
            responseBody: JSON.stringify({ content: bigPrompt }),
          },
        );
        await store.insertBatch([record]);
        const stored = await store.get(record.id);
        expect(stored?.requestBody.length).toBe(record.requestBody.length);
        expect(stored).toEqual(asStored(record));
      });

      it('is idempotent on id: re-inserting a batch, or a duplicate within a batch, stores each id once', async () => {
        const records = makeTestRecords(5, 10).map((record) => ({ ...record, searchText: `${record.searchText} marker` }));
        await store.insertBatch(records);
        await store.insertBatch(records);
        await store.insertBatch([records[0]!, { ...records[0]!, model: 'changed' }]);
        expect(await store.count()).toBe(5);
        expect((await store.get(records[0]!.id))?.model).toBe(records[0]!.model);
        expect(await store.count({ search: 'marker' })).toBe(5);
      });

      it('accepts an empty batch', async () => {
        await store.insertBatch([]);
        expect(await store.count()).toBe(0);
      });
    });

    describe('thread linking', () => {
      function chain(firstSeq: number, length: number, keyPrefix: string): ExchangeRecord[] {
        return Array.from({ length }, (_, index) =>
          makeTestRecord({
            seq: firstSeq + index,
            parentKey: index === 0 ? null : `${keyPrefix}-${index - 1}`,
            selfKey: `${keyPrefix}-${index}`,
          }),
        );
      }

      it('links parent and child within one batch', async () => {
        const [first, second, third] = chain(100, 3, 'in-batch');
        await store.insertBatch([first!, second!, third!]);
        expect(await store.get(first!.id)).toMatchObject({ parentId: null, threadId: first!.id });
        expect(await store.get(second!.id)).toMatchObject({ parentId: first!.id, threadId: first!.id });
        expect(await store.get(third!.id)).toMatchObject({ parentId: second!.id, threadId: first!.id });
      });

      it('links parent and child across batches', async () => {
        const [first, second, third] = chain(200, 3, 'across');
        await store.insertBatch([first!]);
        await store.insertBatch([second!]);
        await store.insertBatch([third!]);
        expect(await store.get(third!.id)).toMatchObject({ parentId: second!.id, threadId: first!.id });
      });

      it('picks the latest earlier record when several share the parent key (a regenerated answer)', async () => {
        const root = makeTestRecord({ seq: 300, selfKey: 'root' });
        const first = makeTestRecord({ seq: 301, parentKey: 'root', selfKey: 'answer' });
        const regenerated = makeTestRecord({ seq: 302, parentKey: 'root', selfKey: 'answer' });
        const child = makeTestRecord({ seq: 303, parentKey: 'answer', selfKey: 'next' });
        await store.insertBatch([root, first]);
        await store.insertBatch([regenerated, child]);
        expect(await store.get(regenerated.id)).toMatchObject({ parentId: root.id, threadId: root.id });
        expect(await store.get(child.id)).toMatchObject({ parentId: regenerated.id, threadId: root.id });
      });

      it('links and reads back the 32-hex-digit keys capture makes exactly, and keeps other keys apart', async () => {
        const hexKey = (seed: number): string => createHash('sha256').update(`thread ${seed}`).digest('hex').slice(0, 32);
        const root = makeTestRecord({ seq: 350, selfKey: hexKey(0) });
        const child = makeTestRecord({ seq: 351, parentKey: hexKey(0), selfKey: hexKey(1) });
        // The same digits in capitals are another key (no record has it): nothing links to root.
        const shouting = makeTestRecord({ seq: 352, parentKey: hexKey(0).toUpperCase(), selfKey: hexKey(1).toUpperCase() });
        await store.insertBatch([root]);
        await store.insertBatch([child, shouting]);
        expect(await store.get(child.id)).toMatchObject({ parentKey: hexKey(0), selfKey: hexKey(1), parentId: root.id, threadId: root.id });
        expect(await store.get(shouting.id)).toMatchObject({ parentKey: hexKey(0).toUpperCase(), selfKey: hexKey(1).toUpperCase(), parentId: null });
        const listed = (await store.listSummaries({ threadId: root.id }, { limit: 10, order: 'asc' })).items;
        expect(listed.map((item) => [item.parentKey, item.selfKey])).toEqual([
          [null, hexKey(0)],
          [hexKey(0), hexKey(1)],
        ]);
      });

      it('never links to a newer record, and starts a thread when no parent is stored', async () => {
        const newer = makeTestRecord({ seq: 401, selfKey: 'shared' });
        const older = makeTestRecord({ seq: 400, parentKey: 'shared', selfKey: 'older' });
        const orphan = makeTestRecord({ seq: 402, parentKey: 'nobody-has-this' });
        await store.insertBatch([newer]);
        await store.insertBatch([older, orphan]);
        expect(await store.get(older.id)).toMatchObject({ parentId: null, threadId: older.id });
        expect(await store.get(orphan.id)).toMatchObject({ parentId: null, threadId: orphan.id });
      });
    });

    describe('threads', () => {
      it('filters by threadId and counts distinct threads (review issue 15)', async () => {
        const root = makeTestRecord({ seq: 500, selfKey: 'thread-a-0' });
        const step = makeTestRecord({ seq: 501, parentKey: 'thread-a-0', selfKey: 'thread-a-1' });
        const branch = makeTestRecord({ seq: 502, parentKey: 'thread-a-0', selfKey: 'thread-a-1b' });
        const other = makeTestRecord({ seq: 503, selfKey: 'thread-b-0' });
        await store.insertBatch([root, step, branch, other]);
        const inThread = (await store.listSummaries({ threadId: root.id }, { limit: 50, order: 'asc' })).items.map((item) => item.id);
        expect(inThread).toEqual([root.id, step.id, branch.id]);
        expect(await store.count({ threadId: root.id })).toBe(3);
        expect(await store.count({ threadId: other.id })).toBe(1);
        expect(await store.count({ threadId: 'no-such-thread' })).toBe(0);
        expect(await store.countThreads()).toBe(2);
        expect(await store.countThreads({ threadId: root.id })).toBe(1);
        await store.setReviewState([other.id], 'confirmed', 1);
        expect(await store.countThreads({ reviewState: 'pending' })).toBe(1);
        expect(await store.countThreads({ reviewState: 'confirmed' })).toBe(1);
        expect(await store.countThreads({ domain: 'nowhere.test' })).toBe(0);
      });

      it('lists links (id, model, parent, thread, converter, reasoning flag) in ascending id order, filtered and paged after an id', async () => {
        const root = makeTestRecord({ seq: 510, selfKey: 'links-0' }, { model: 'model-a', responseReasoning: true });
        const step = makeTestRecord({ seq: 511, parentKey: 'links-0', selfKey: 'links-1' }, { model: 'model-b', responseReasoning: false });
        const other = makeTestRecord({ seq: 512, selfKey: 'links-other' }, { model: 'model-a' });
        const last = makeTestRecord({ seq: 513, parentKey: 'links-1', selfKey: 'links-2' }, { model: 'model-a', responseReasoning: null });
        await store.insertBatch([root, step, other, last]);
        const all = await store.listLinks({}, { limit: 10 });
        expect(all).toEqual([
          { id: root.id, model: 'model-a', parentId: null, threadId: root.id, converterVersion: root.converterVersion, responseReasoning: true },
          { id: step.id, model: 'model-b', parentId: root.id, threadId: root.id, converterVersion: step.converterVersion, responseReasoning: false },
          { id: other.id, model: 'model-a', parentId: null, threadId: other.id, converterVersion: other.converterVersion },
          { id: last.id, model: 'model-a', parentId: step.id, threadId: root.id, converterVersion: last.converterVersion },
        ]);
        expect((await store.listLinks({ threadId: root.id }, { limit: 10 })).map((link) => link.id)).toEqual([root.id, step.id, last.id]);
        expect((await store.listLinks({ threadId: root.id }, { limit: 2, after: root.id })).map((link) => link.id)).toEqual([step.id, last.id]);
        expect((await store.listLinks({ model: 'model-a' }, { limit: 2 })).map((link) => link.id)).toEqual([root.id, other.id]);
        expect(await store.listLinks({}, { limit: 10, after: last.id })).toEqual([]);
      });
    });

    describe('annotations', () => {
      it('stores a note, tags and a rating per record, replaces and clears them (review issue 15)', async () => {
        const [first, second] = makeTestRecords(2, 600);
        await store.insertBatch([first!, second!]);
        expect(await store.setAnnotation(first!.id, { note: ' good tool use ', tags: ['good-tool-use', ' multi-step ', 'good-tool-use', ''], rating: 5 }, 1_000)).toBe(true);
        expect(await store.setAnnotation('no-such-id', { note: 'x', tags: [], rating: null }, 1_000)).toBe(false);
        const stored = await store.annotationsOf([first!.id, second!.id, 'no-such-id']);
        expect([...stored.keys()]).toEqual([first!.id]);
        expect(stored.get(first!.id)).toEqual({ note: 'good tool use', tags: ['good-tool-use', 'multi-step'], rating: 5, updatedAt: 1_000 });

        expect(await store.setAnnotation(first!.id, { note: '', tags: ['retry'], rating: null }, 2_000)).toBe(true);
        expect((await store.annotationsOf([first!.id])).get(first!.id)).toEqual({ note: '', tags: ['retry'], rating: null, updatedAt: 2_000 });
        await expect(store.setAnnotation(first!.id, { note: '', tags: [], rating: 6 }, 3_000)).rejects.toThrow(RangeError);

        // Empty, or null: removed.
        await store.setAnnotation(first!.id, { note: '  ', tags: [], rating: null }, 4_000);
        expect((await store.annotationsOf([first!.id])).size).toBe(0);
        await store.setAnnotation(first!.id, { note: 'again', tags: [], rating: 2 }, 5_000);
        await store.setAnnotation(first!.id, null, 6_000);
        expect((await store.annotationsOf([first!.id])).size).toBe(0);
      });

      it('filters by tag, and deleting a record deletes its annotation', async () => {
        const [first, second, third] = makeTestRecords(3, 700);
        await store.insertBatch([first!, second!, third!]);
        await store.setAnnotation(first!.id, { note: '', tags: ['good-tool-use'], rating: null }, 1);
        await store.setAnnotation(third!.id, { note: 'n', tags: ['good-tool-use', 'long'], rating: 4 }, 1);
        expect((await store.listSummaries({ tag: 'good-tool-use' }, { limit: 10 })).items.map((item) => item.id)).toEqual([third!.id, first!.id]);
        expect(await store.count({ tag: 'long' })).toBe(1);
        expect(await store.count({ tag: 'good' })).toBe(0);
        await store.delete([third!.id]);
        expect(await store.count({ tag: 'good-tool-use' })).toBe(1);
        expect((await store.annotationsOf([third!.id])).size).toBe(0);
        await store.deleteWhere({ tag: 'good-tool-use' });
        expect((await store.annotationsOf([first!.id])).size).toBe(0);
        expect(await store.count()).toBe(1);
      });
    });

    describe('filters', () => {
      const base = 1_760_000_000_000;
      const records = [
        makeTestRecord({ seq: 1, startedAt: base + 1_000 }, { model: 'm-a', domain: 'a.test', hasTools: true }),
        makeTestRecord({ seq: 2, startedAt: base + 2_000 }, { model: 'm-b', domain: 'a.test', apiKind: 'embeddings' }),
        makeTestRecord(
          { seq: 3, startedAt: base + 3_000 },
          { model: 'm-a', domain: 'b.test', error: { class: 'Timeout', message: 'upstream timed out' }, status: 504 },
        ),
        makeTestRecord({ seq: 4, startedAt: base + 4_000 }, { model: null, domain: 'b.test', hasTools: false }),
      ];
      const ids = (seqs: number[]): string[] => seqs.map((seq) => records[seq - 1]!.id).reverse();

      beforeEach(async () => {
        await store.insertBatch(records);
        await store.setReviewState([records[1]!.id], 'confirmed', base + 10_000);
        await store.setReviewState([records[3]!.id], 'rejected', base + 10_000);
      });

      const cases: Array<[string, ListFilter, number[]]> = [
        ['no filter', {}, [1, 2, 3, 4]],
        ['reviewState', { reviewState: 'pending' }, [1, 3]],
        ['model', { model: 'm-a' }, [1, 3]],
        ['domain', { domain: 'b.test' }, [3, 4]],
        ['apiKind', { apiKind: 'embeddings' }, [2]],
        ['since (inclusive)', { since: base + 2_000 }, [2, 3, 4]],
        ['until (exclusive)', { until: base + 3_000 }, [1, 2]],
        ['since and until', { since: base + 2_000, until: base + 4_000 }, [2, 3]],
        ['hasTools true', { hasTools: true }, [1]],
        ['hasTools false', { hasTools: false }, [2, 3, 4]],
        ['hasError true', { hasError: true }, [3]],
        ['hasError false', { hasError: false }, [1, 2, 4]],
        ['combined', { model: 'm-a', reviewState: 'pending', hasError: false }, [1]],
        ['nothing matches', { domain: 'c.test' }, []],
      ];
      for (const [label, filter, expected] of cases) {
        it(`filters by ${label} in list, listSummaries, count and iterate`, async () => {
          expect((await store.list(filter, { limit: 50 })).items.map((item) => item.id)).toEqual(ids(expected));
          expect((await store.listSummaries(filter, { limit: 50 })).items.map((item) => item.id)).toEqual(ids(expected));
          expect(await store.count(filter)).toBe(expected.length);
          expect((await collect(store.iterate(filter, 2))).map((item) => item.id)).toEqual(ids(expected).reverse());
        });
      }
    });

    describe('keyset pagination', () => {
      it('pages through a few hundred records newest first, each exactly once', async () => {
        const records = makeTestRecords(320, 1_000);
        for (let start = 0; start < records.length; start += 100) await store.insertBatch(records.slice(start, start + 100));
        const expected = records.map((record) => record.id).sort().reverse();
        expect(await listAllIds(store, {}, 37)).toEqual(expected);
        expect(await listAllIds(store, {}, 320)).toEqual(expected);
        expect(await listAllIds(store, {}, 1_000)).toEqual(expected);
        const filtered = records.filter((record) => record.model === 'gpt-4.1').map((record) => record.id);
        expect(await listAllIds(store, { model: 'gpt-4.1' }, 9)).toEqual(filtered.sort().reverse());
      });

      it('returns nextCursor null exactly when the page reaches the end', async () => {
        await store.insertBatch(makeTestRecords(4, 0));
        const first = await store.list({}, { limit: 2 });
        expect(first.items).toHaveLength(2);
        expect(first.nextCursor).toBe(first.items[1]!.id);
        const second = await store.list({}, { limit: 2, before: first.nextCursor! });
        expect(second.items).toHaveLength(2);
        expect(second.nextCursor).toBeNull();
      });

      it('keeps pages stable while newer records arrive', async () => {
        const records = makeTestRecords(30, 2_000);
        await store.insertBatch(records);
        const first = await store.list({}, { limit: 10 });
        await store.insertBatch(makeTestRecords(5, 3_000));
        const second = await store.list({}, { limit: 10, before: first.nextCursor! });
        const expected = records.map((record) => record.id).sort().reverse();
        expect(second.items.map((item) => item.id)).toEqual(expected.slice(10, 20));
      });
    });

    describe('summaries', () => {
      it('lists without bodies, with a collapsed ~200-character preview of the first user text and the edit flag', async () => {
        const longQuestion = `  What   is\n\nthis? ${'word '.repeat(100)}`;
        const record = makeTestRecord({ seq: 1, userText: longQuestion });
        const plain = makeTestRecord({ seq: 2, userText: 'Short question 🙂' });
        await store.insertBatch([record, plain]);
        await store.setEditedShareGpt(record.id, { ...record.sharegpt!, system: 'edited' }, false);
        const page = await store.listSummaries({}, { limit: 10 });
        expect(page.items.map((item) => item.id)).toEqual([plain.id, record.id]);
        const [plainSummary, recordSummary] = page.items;
        expect(plainSummary).toMatchObject({ preview: 'Short question 🙂', edited: false, model: plain.model });
        expect(recordSummary!.preview.startsWith('What is this? word word')).toBe(true);
        expect(recordSummary!.preview.length).toBeLessThanOrEqual(200);
        expect(recordSummary!.edited).toBe(true);
        expect(recordSummary).not.toHaveProperty('requestBody');
        expect(recordSummary).not.toHaveProperty('responseBody');
        expect(recordSummary).not.toHaveProperty('sharegpt');
        const meta: Partial<StoredExchange> = asStored(record);
        for (const body of ['requestBody', 'responseBody', 'sharegpt', 'editedSharegpt'] as const) delete meta[body];
        expect(recordSummary).toMatchObject({ ...meta, edited: true });
      });
    });

    describe('review state', () => {
      it('sets state and reviewedAt for known ids, ignores unknown ones, and counts what changed', async () => {
        const records = makeTestRecords(4, 0);
        await store.insertBatch(records);
        const [a, b, c] = records.map((record) => record.id);
        expect(await store.setReviewState([a!, b!, 'unknown-id'], 'confirmed', 1_234)).toBe(2);
        expect(await store.setReviewState([c!], 'rejected', 5_678)).toBe(1);
        expect(await store.setReviewState([], 'rejected', 5_678)).toBe(0);
        expect(await store.get(a!)).toMatchObject({ reviewState: 'confirmed', reviewedAt: 1_234 });
        expect(await store.get(c!)).toMatchObject({ reviewState: 'rejected', reviewedAt: 5_678 });
        expect(await store.stats()).toEqual({ records: 4, byReviewState: { pending: 1, confirmed: 2, rejected: 1 } });
        expect(await store.count({ reviewState: 'confirmed' })).toBe(2);
      });

      it('clears reviewedAt when a record goes back to pending', async () => {
        const record = makeTestRecord({ seq: 1 });
        await store.insertBatch([record]);
        await store.setReviewState([record.id], 'rejected', 99);
        await store.setReviewState([record.id], 'pending', 100);
        expect(await store.get(record.id)).toMatchObject({ reviewState: 'pending', reviewedAt: null });
      });
    });

    describe('edit', () => {
      it('stores, replaces and clears the edited ShareGPT row without touching the derived one', async () => {
        const record = makeTestRecord({ seq: 1 });
        await store.insertBatch([record]);
        const edited: ShareGptRow = {
          conversations: [
            { from: 'human', value: 'Edited question ✍️' },
            { from: 'gpt', value: 'Edited answer' },
          ],
          system: '',
          tools: '',
          images: ['data:image/png;base64,AAAA'],
        };
        expect(await store.setEditedShareGpt(record.id, edited, false)).toBe(true);
        expect(await store.get(record.id)).toEqual(asStored(record, { editedSharegpt: edited }));
        expect(await store.setEditedShareGpt(record.id, null, false)).toBe(true);
        expect(await store.get(record.id)).toEqual(asStored(record));
        expect(await store.setEditedShareGpt('unknown-id', edited, false)).toBe(false);
      });
    });

    describe('updateDerived', () => {
      it('replaces the derived fields and the search entry, keeping bodies, review state and edits', async () => {
        const record = makeTestRecord({ seq: 1, userText: 'walrus question' });
        await store.insertBatch([record]);
        await store.setReviewState([record.id], 'confirmed', 1_000);
        const sharegpt: ShareGptRow = { conversations: [{ from: 'human', value: 'narwhal' }, { from: 'gpt', value: 'ok' }], system: '', tools: '', images: [] };
        expect(await store.updateDerived(record.id, { sharegpt, converterVersion: 99, turnCount: 2, hasTools: true, searchText: 'narwhal ok', preview: 'narwhal', functionCallOnly: false, responseReasoning: null })).toBe(true);
        const stored = await store.get(record.id);
        expect(stored).toMatchObject({ sharegpt, converterVersion: 99, turnCount: 2, hasTools: true, reviewState: 'confirmed', requestBody: record.requestBody });
        expect((await store.listSummaries({}, { limit: 1 })).items[0]).toMatchObject({ preview: 'narwhal', functionCallOnly: false });
        expect(await store.count({ search: 'walrus' })).toBe(0);
        expect(await store.count({ search: 'narwhal' })).toBe(1);
        expect(await store.updateDerived('unknown-id', { sharegpt, converterVersion: 99, turnCount: 2, hasTools: true, searchText: '', preview: '', functionCallOnly: false, responseReasoning: null })).toBe(false);
      });

      it('keeps the response reasoning flag (true, false or unknown) through insert, get, summaries and updateDerived', async () => {
        const [withReasoning, without, unknown, legacy] = [
          makeTestRecord({ seq: 1 }, { responseReasoning: true }),
          makeTestRecord({ seq: 2 }, { responseReasoning: false }),
          makeTestRecord({ seq: 3 }, { responseReasoning: null }),
          makeTestRecord({ seq: 4 }),
        ];
        await store.insertBatch([withReasoning!, without!, unknown!, legacy!]);
        const flags = async (): Promise<Array<boolean | null | undefined>> => {
          const ids = [withReasoning!.id, without!.id, unknown!.id, legacy!.id];
          const got = await Promise.all(ids.map(async (id) => (await store.get(id))?.responseReasoning));
          const summaries = new Map((await store.listSummaries({}, { limit: 10 })).items.map((summary) => [summary.id, summary.responseReasoning]));
          // Listing and reading agree.
          expect(ids.map((id) => summaries.get(id))).toEqual(got);
          return got;
        };
        // Unknown reads back absent, as written without it (so a record reads back as it was written).
        expect(await flags()).toEqual([true, false, undefined, undefined]);
        expect(await store.get(without!.id)).toEqual(asStored(without!));
        expect(await store.get(unknown!.id)).not.toHaveProperty('responseReasoning');

        const derived = (responseReasoning: boolean | null) => ({
          sharegpt: withReasoning!.sharegpt,
          converterVersion: 99,
          turnCount: 2,
          hasTools: false,
          searchText: 'rebuilt',
          preview: 'rebuilt',
          functionCallOnly: false,
          responseReasoning,
        });
        expect(await store.updateDerived(withReasoning!.id, derived(false))).toBe(true);
        expect(await store.updateDerived(without!.id, derived(true))).toBe(true);
        expect(await store.updateDerived(unknown!.id, derived(true))).toBe(true);
        expect(await store.updateDerived(legacy!.id, derived(null))).toBe(true);
        expect(await flags()).toEqual([false, true, true, undefined]);
      });
    });

    describe('delete', () => {
      it('removes records and their search entries, counts what it removed, and leaves children grouped', async () => {
        const parent = makeTestRecord({ seq: 1, selfKey: 'p', userText: 'zebra parent question' });
        const child = makeTestRecord({ seq: 2, parentKey: 'p', selfKey: 'c', userText: 'zebra child question' });
        const other = makeTestRecord({ seq: 3, userText: 'unrelated' });
        await store.insertBatch([parent, child, other]);
        expect(await store.delete([parent.id, 'unknown-id'])).toBe(1);
        expect(await store.delete([])).toBe(0);
        expect(await store.get(parent.id)).toBeNull();
        expect(await store.count()).toBe(2);
        expect((await store.list({ search: 'zebra' }, { limit: 10 })).items.map((item) => item.id)).toEqual([child.id]);
        expect(await store.get(child.id)).toMatchObject({ parentId: parent.id, threadId: parent.id });
        expect(await store.delete([parent.id])).toBe(0);
      });

      it('lets a deleted id be inserted again', async () => {
        const record = makeTestRecord({ seq: 1, userText: 'phoenix rising' });
        await store.insertBatch([record]);
        await store.delete([record.id]);
        await store.insertBatch([record]);
        expect(await store.get(record.id)).toEqual(asStored(record));
        expect(await store.count({ search: 'phoenix' })).toBe(1);
      });
    });

    describe('full-text search', () => {
      const texts = [
        'The quick brown fox jumps over the lazy dog',
        'Un café crème, s’il vous plaît',
        'PostgreSQL vacuum tuning AND autovacuum thresholds',
        'Reverse a linked list in TypeScript',
        'quick sort versus merge sort',
        'error in foo.bar_baz(): कार्य failed',
      ];
      const records = texts.map((text, index) =>
        makeTestRecord({ seq: index + 1, userText: text }, { searchText: text, model: index % 2 === 0 ? 'even' : 'odd' }),
      );
      const idsOf = (indexes: number[]): string[] => indexes.map((index) => records[index]!.id).reverse();
      const search = async (query: string, filter: ListFilter = {}): Promise<string[]> =>
        (await store.list({ ...filter, search: query }, { limit: 50 })).items.map((item) => item.id);

      beforeEach(async () => {
        await store.insertBatch(records);
      });

      it('matches words case-insensitively, ignoring diacritics, as prefixes', async () => {
        expect(await search('QUICK')).toEqual(idsOf([0, 4]));
        expect(await search('cafe')).toEqual(idsOf([1]));
        expect(await search('postgres')).toEqual(idsOf([2]));
        expect(await search('typescr')).toEqual(idsOf([3]));
      });

      it('matches a prefix through every word it starts, however many words that is', async () => {
        // Seventy words with one prefix: more than the store expands into a list of words
        // (to-fts5-query.ts MAX_PREFIX_TERMS), and a narrower prefix of them that it does expand.
        const many = makeTestRecord({ seq: 900, userText: Array.from({ length: 70 }, (_, index) => `zqword${index}`).join(' ') });
        const one = makeTestRecord({ seq: 901, userText: 'Only zqword5x here' });
        await store.insertBatch([many, one]);
        const ids = async (query: string) => (await search(query)).filter((id) => id === many.id || id === one.id).sort();
        expect(await ids('zqword')).toEqual([many.id, one.id].sort());
        expect(await ids('zqword5')).toEqual([many.id, one.id].sort());
        expect(await ids('ZQWORD5X')).toEqual([one.id]);
        expect(await ids('zqword69 zqword5x')).toEqual([]);
        expect(await ids('zqword69 zqword6')).toEqual([many.id]);
        expect(await search('zqwordq')).toEqual([]);
        expect(await store.countUpTo({ search: 'zqword5' }, 10)).toEqual({ count: 2, capped: false });
      });

      it('finds a word indexed after the same prefix was searched', async () => {
        // The SQLite store remembers a prefix's words while the database is unchanged: a write
        // must make the next search read them again.
        const first = makeTestRecord({ seq: 910, userText: 'a zxmemoalpha here' });
        await store.insertBatch([first]);
        expect(await search('zxmemo')).toEqual([first.id]);
        const second = makeTestRecord({ seq: 911, userText: 'a zxmemobeta here' });
        await store.insertBatch([second]);
        expect((await search('zxmemo')).sort()).toEqual([first.id, second.id].sort());
        await store.delete([first.id]);
        expect(await search('zxmemo')).toEqual([second.id]);
      });

      it('splits words at punctuation the way the index does, and folds combining marks', async () => {
        expect(await search('foo.bar')).toEqual(idsOf([5]));
        expect(await search('bar_baz()')).toEqual(idsOf([5]));
        expect(await search('कार्य')).toEqual(idsOf([5]));
        expect(await search('cafe\u0301')).toEqual(idsOf([1]));
      });

      it('requires every word to occur', async () => {
        expect(await search('quick dog')).toEqual(idsOf([0]));
        expect(await search('  quick   sort  ')).toEqual(idsOf([4]));
        expect(await search('quick postgres')).toEqual([]);
      });

      it('takes FTS operators, quotes and punctuation in user input literally, never as syntax errors', async () => {
        expect(await search('vacuum AND')).toEqual(idsOf([2]));
        expect(await search('fox OR')).toEqual([]);
        expect(await search('"quick')).toEqual(idsOf([0, 4]));
        for (const hostile of ['"', '""', 'NEAR(quick dog)', 'model:even', '*', '^quick', 'a) OR (b', "'; DROP TABLE exchanges; --", '-fox', '+']) {
          await expect(store.list({ search: hostile }, { limit: 5 })).resolves.toBeDefined();
        }
        expect(await store.count()).toBe(records.length);
      });

      it('treats a blank query as no filter and a punctuation-only query as matching nothing', async () => {
        expect(await search('   ')).toHaveLength(records.length);
        expect(await search('?!')).toEqual([]);
      });

      it('combines with other filters, count, pagination and iterate', async () => {
        expect(await search('quick', { model: 'even' })).toEqual(idsOf([0, 4]));
        expect(await search('sort', { model: 'odd' })).toEqual([]);
        expect(await store.count({ search: 'quick' })).toBe(2);
        const first = await store.list({ search: 'quick' }, { limit: 1 });
        const second = await store.list({ search: 'quick' }, { limit: 1, before: first.nextCursor! });
        expect([...first.items, ...second.items].map((item) => item.id)).toEqual(idsOf([0, 4]));
        expect(second.nextCursor).toBeNull();
        expect((await collect(store.iterate({ search: 'quick' }, 1))).map((item) => item.id)).toEqual(idsOf([0, 4]).reverse());
      });
    });

    describe('full-text search over many records', () => {
      // Records written out of id order (a spool replayed late, a second proxy process), several in
      // one millisecond, and a rare word among common ones: every page must still be the exact
      // id-descending slice the unsearched list gives.
      const time = 1_762_000_000_000;
      const records = Array.from({ length: 300 }, (_, index) =>
        makeTestRecord(
          { seq: index, startedAt: time + Math.floor(index / 7) },
          { searchText: `common words here ${index % 3 === 0 ? 'tri' : 'other'} ${index === 123 ? 'needle' : ''}`, model: index % 2 === 0 ? 'even' : 'odd' },
        ),
      );
      const idsDescending = (subset: readonly ExchangeRecord[]) => subset.map((record) => record.id).sort().reverse();

      beforeEach(async () => {
        const shuffled = [...records].sort((a, b) => ((a.startedAt * 7919) % 300) - ((b.startedAt * 7919) % 300) || (a.id < b.id ? 1 : -1));
        for (let start = 0; start < shuffled.length; start += 37) await store.insertBatch(shuffled.slice(start, start + 37));
      });

      async function searchAll(filter: ListFilter, limit: number): Promise<string[]> {
        const ids: string[] = [];
        let before: string | undefined;
        for (let pages = 0; pages < 1_000; pages += 1) {
          const page = await store.listSummaries(filter, before === undefined ? { limit } : { limit, before });
          ids.push(...page.items.map((item) => item.id));
          if (page.nextCursor === null) return ids;
          before = page.nextCursor;
        }
        throw new Error('pagination did not terminate');
      }

      it('pages a common word newest first, each match exactly once, whatever order the records were written in', async () => {
        for (const limit of [1, 7, 50, 63, 64, 100, 500]) expect(await searchAll({ search: 'common' }, limit)).toEqual(idsDescending(records));
        expect(await searchAll({ search: 'tri', model: 'even' }, 5)).toEqual(idsDescending(records.filter((_, index) => index % 6 === 0)));
        expect(await searchAll({ search: 'common words', throughId: records[200]!.id }, 20)).toEqual(idsDescending(records.slice(0, 201)));
        expect(await searchAll({ search: 'needle' }, 50)).toEqual([records[123]!.id]);
      });

      it('counts up to a cap: exact below it, the cap and capped above it, exact totals for plain filters', async () => {
        expect(await store.countUpTo({ search: 'tri' }, 1_000)).toEqual({ count: 100, capped: false });
        expect(await store.countUpTo({ search: 'common' }, 50)).toEqual({ count: 50, capped: true });
        expect(await store.countUpTo({ search: 'common' }, 300)).toEqual({ count: 300, capped: false });
        // records[200] shares its millisecond with records 196 to 202.
        expect(await store.countUpTo({ search: 'common', throughId: records[200]!.id }, 1_000)).toEqual({ count: 201, capped: false });
        expect(await store.countUpTo({ search: 'tri', throughId: records[200]!.id }, 1_000)).toEqual({ count: 67, capped: false });
        expect(await store.countUpTo({ search: 'needle', model: 'odd' }, 10)).toEqual({ count: 1, capped: false });
        expect(await store.countUpTo({ search: '?!' }, 10)).toEqual({ count: 0, capped: false });
        expect(await store.countUpTo({ hasTools: false }, 10)).toMatchObject({ count: 10, capped: true });
        // A filter without search or flags is answered exactly however large the count.
        const model = await store.countUpTo({ model: 'even' }, 10);
        expect(model.count === 150 ? model : { count: 10, capped: true }).toEqual(model);
      });
    });

    describe('best record of each thread', () => {
      it('keeps, per thread, the complete record with the most turns (then the newest) among those matching the filter', async () => {
        const random = seededRandom(11);
        const records: ExchangeRecord[] = [];
        for (let seq = 0; seq < 240; seq += 1) {
          const thread = Math.floor(random() * 30);
          const step = records.filter((record) => record.selfKey?.startsWith(`t${thread}-`)).length;
          const failed = random() < 0.2;
          records.push(
            makeTestRecord(
              { seq, startedAt: 1_763_000_000_000 + seq },
              {
                parentKey: step === 0 ? null : `t${thread}-${step - 1}`,
                selfKey: `t${thread}-${step}`,
                turnCount: 1 + Math.floor(random() * 4),
                incomplete: random() < 0.15,
                error: failed ? { class: 'Timeout', message: 'slow' } : null,
                model: random() < 0.5 ? 'm-a' : 'm-b',
                apiKind: random() < 0.9 ? 'chat' : 'embeddings',
              },
            ),
          );
        }
        await store.insertBatch(records);
        const stored = await collect(store.iterate({}, 100));
        expect(new Set(stored.map((record) => record.threadId)).size).toBeLessThanOrEqual(30);
        await store.setReviewState(stored.filter(() => random() < 0.3).map((record) => record.id), 'confirmed', 1);
        const all = await collect(store.iterate({}, 100));
        const rank = (record: StoredExchange) => [record.error === null && !record.incomplete ? 1 : 0, record.turnCount, record.id] as const;
        const better = (a: StoredExchange, b: StoredExchange) => {
          const [x, y] = [rank(a), rank(b)];
          return x[0] !== y[0] ? x[0] > y[0] : x[1] !== y[1] ? x[1] > y[1] : x[2] > y[2];
        };
        const expected = (matching: StoredExchange[]) => {
          const best = new Map<string, StoredExchange>();
          for (const record of matching) {
            const current = best.get(record.threadId);
            if (current === undefined || better(record, current)) best.set(record.threadId, record);
          }
          return [...best.values()].map((record) => record.id).sort();
        };
        const cases: Array<[ListFilter, (record: StoredExchange) => boolean]> = [
          [{}, () => true],
          [{ apiKind: 'chat' }, (record) => record.apiKind === 'chat'],
          [{ reviewState: 'confirmed', models: ['m-a'] }, (record) => record.reviewState === 'confirmed' && record.model === 'm-a'],
          [{ models: [] }, () => false],
          [{ models: ['m-b', 'none'], throughId: all[150]!.id }, (record) => record.model === 'm-b' && record.id <= all[150]!.id],
        ];
        for (const [filter, matches] of cases) {
          const ids = (await collect(store.iterate({ ...filter, bestOfThread: true }, 7))).map((record) => record.id);
          expect(ids).toEqual(expected(all.filter(matches)));
          expect(await store.count({ ...filter, bestOfThread: true })).toBe(ids.length);
          expect(await store.count(filter)).toBe(all.filter(matches).length);
        }
      });
    });

    describe('leaves of each thread', () => {
      it('keeps every complete leaf and the best record of a thread with none, among those matching the filter', async () => {
        const random = seededRandom(23);
        const records: ExchangeRecord[] = [];
        for (let seq = 0; seq < 300; seq += 1) {
          const thread = Math.floor(random() * 25);
          const earlier = records.filter((record) => record.selfKey?.startsWith(`t${thread}-`));
          const failed = random() < 0.15;
          // Mostly a continuation of the thread's newest record, sometimes of an older one: a branch.
          const parent = earlier.length === 0 ? undefined : random() < 0.7 ? earlier[earlier.length - 1] : earlier[Math.floor(random() * earlier.length)];
          records.push(
            makeTestRecord(
              { seq, startedAt: 1_763_000_000_000 + seq },
              {
                parentKey: parent?.selfKey ?? null,
                // A failed request has no answer a later request could continue.
                selfKey: failed ? null : `t${thread}-${seq}`,
                turnCount: 1 + Math.floor(random() * 4),
                incomplete: random() < 0.15,
                error: failed ? { class: 'Timeout', message: 'slow' } : null,
                model: random() < 0.5 ? 'm-a' : 'm-b',
              },
            ),
          );
        }
        await store.insertBatch(records);
        await store.setReviewState(
          (await collect(store.iterate({}, 100))).filter(() => random() < 0.4).map((record) => record.id),
          'confirmed',
          1,
        );
        const all = await collect(store.iterate({}, 100));
        expect(all.filter((record) => record.parentId !== null).length).toBeGreaterThan(200);
        const complete = (record: StoredExchange) => record.error === null && !record.incomplete;
        const rank = (record: StoredExchange) => [complete(record) ? 1 : 0, record.turnCount, record.id] as const;
        const better = (a: StoredExchange, b: StoredExchange) => {
          const [x, y] = [rank(a), rank(b)];
          return x[0] !== y[0] ? x[0] > y[0] : x[1] !== y[1] ? x[1] > y[1] : x[2] > y[2];
        };
        const expected = (matching: StoredExchange[]) => {
          const children = (id: string) => matching.filter((record) => record.parentId === id);
          const continued = (id: string) => children(id).some((child) => complete(child) || children(child.id).some(complete));
          return matching
            .filter((record) =>
              complete(record)
                ? !continued(record.id)
                : !matching.some((other) => other.threadId === record.threadId && better(other, record)),
            )
            .map((record) => record.id)
            .sort();
        };
        const cases: Array<[ListFilter, (record: StoredExchange) => boolean]> = [
          [{}, () => true],
          [{ reviewState: 'confirmed' }, (record) => record.reviewState === 'confirmed'],
          [{ models: ['m-a'], throughId: all[200]!.id }, (record) => record.model === 'm-a' && record.id <= all[200]!.id],
          [{ models: [] }, () => false],
        ];
        let branched = 0;
        for (const [filter, matches] of cases) {
          const want = expected(all.filter(matches));
          const ids = (await collect(store.iterate({ ...filter, threadLeaves: true }, 7))).map((record) => record.id);
          expect(ids).toEqual(want);
          expect(await store.count({ ...filter, threadLeaves: true })).toBe(ids.length);
          const threads = all.filter((record) => want.includes(record.id)).map((record) => record.threadId);
          branched += threads.length - new Set(threads).size;
        }
        // The data has branches: some thread exports more than one leaf.
        expect(branched).toBeGreaterThan(5);
      });

      it('keeps the retry, not the failed try, and both ends of an edited prompt', async () => {
        const at = (seq: number, fields: Partial<ExchangeRecord>) => makeTestRecord({ seq, startedAt: 1_763_000_000_000 + seq }, fields);
        const records = [
          at(0, { parentKey: null, selfKey: 'root', turnCount: 2 }),
          at(1, { parentKey: 'root', selfKey: null, turnCount: 3, error: { class: 'Timeout', message: 'slow' } }),
          at(2, { parentKey: 'root', selfKey: 'retry', turnCount: 4 }),
          at(3, { parentKey: 'root', selfKey: 'edited', turnCount: 4 }),
          at(4, { parentKey: 'edited', selfKey: 'cut', turnCount: 6, incomplete: true }),
          at(5, { parentKey: 'cut', selfKey: 'after-cut', turnCount: 8 }),
          at(6, { parentKey: 'retry', selfKey: 'cut-2', turnCount: 6, incomplete: true }),
          at(7, { parentKey: null, selfKey: null, turnCount: 2, error: { class: 'Timeout', message: 'slow' } }),
        ];
        await store.insertBatch(records);
        const ids = (await collect(store.iterate({ threadLeaves: true }, 3))).map((record) => record.id);
        // 2: the retry (its one continuation was cut off and never continued, which does not count);
        // 5: the edited branch's end, continued past a cut-off step; 7: a thread of one failed
        // record stands for itself. Dropped: the failed try 1, the cut-off steps, the inner steps.
        expect(ids).toEqual([records[2]!.id, records[5]!.id, records[7]!.id]);
      });
    });

    describe('iterate', () => {
      it('yields every record in ascending id order across many batches', async () => {
        const records = makeTestRecords(257, 5_000);
        await store.insertBatch(records.slice(128));
        await store.insertBatch(records.slice(0, 128));
        const expected = records.map((record) => record.id).sort();
        for (const batchSize of [1, 16, 257, 1_000]) {
          const items = await collect(store.iterate({}, batchSize));
          expect(items.map((item) => item.id)).toEqual(expected);
        }
        const [first] = await collect(store.iterate({}, 10));
        expect(first).toEqual(asStored(records[0]!));
      });

      it('yields nothing for an empty result', async () => {
        expect(await collect(store.iterate({ model: 'none' }, 10))).toEqual([]);
      });

      it('lets the consumer write between batches (no transaction held open)', async () => {
        await store.insertBatch(makeTestRecords(6, 0));
        const seen: string[] = [];
        for await (const item of store.iterate({}, 2)) {
          seen.push(item.id);
          await store.setReviewState([item.id], 'confirmed', 1);
        }
        expect(seen).toHaveLength(6);
        expect(await store.count({ reviewState: 'confirmed' })).toBe(6);
      });
    });

    describe('function-call-only', () => {
      const call = '{"name":"get_weather","arguments":{"city":"Paris"}}';
      const callOnly = (seq: number): ExchangeRecord => {
        const record = makeTestRecord({ seq });
        return withDerivedListFields({
          ...record,
          hasTools: true,
          sharegpt: {
            ...record.sharegpt!,
            conversations: [
              { from: 'human', value: 'Weather in Paris?' },
              { from: 'function_call', value: call },
            ],
          },
        });
      };

      it('flags records whose final turn is a tool call, filters on the flag, and follows edits', async () => {
        const plain = makeTestRecord({ seq: 1 });
        const calls = callOnly(2);
        const embedding = makeTestRecord({ seq: 3 }, { sharegpt: null, apiKind: 'embeddings' });
        await store.insertBatch([plain, calls, embedding]);
        const ids = async (filter: ListFilter) => (await store.list(filter, { limit: 10 })).items.map((item) => item.id);
        expect(await ids({ functionCallOnly: true })).toEqual([calls.id]);
        expect(await ids({ functionCallOnly: false })).toEqual([embedding.id, plain.id]);
        expect(await store.count({ functionCallOnly: true, model: calls.model! })).toBe(1);
        const summaries = (await store.listSummaries({}, { limit: 10 })).items;
        expect(summaries.map((item) => item.functionCallOnly)).toEqual([false, true, false]);

        // An edit that adds an answer makes the record an ordinary one; clearing the edit restores the flag.
        const answered = {
          ...calls.sharegpt!,
          conversations: [...calls.sharegpt!.conversations, { from: 'observation' as const, value: '{"t":21}' }, { from: 'gpt' as const, value: '21 °C' }],
        };
        await store.setEditedShareGpt(calls.id, answered, false);
        expect(await ids({ functionCallOnly: true })).toEqual([]);
        await store.setEditedShareGpt(calls.id, null, false);
        expect(await ids({ functionCallOnly: true })).toEqual([calls.id]);
        await store.setEditedShareGpt(plain.id, calls.sharegpt, true);
        expect(await ids({ functionCallOnly: true })).toEqual([calls.id, plain.id]);

        await store.delete([calls.id]);
        expect(await ids({ functionCallOnly: true })).toEqual([plain.id]);
        await store.insertBatch([withDerivedListFields({ ...calls, sharegpt: plain.sharegpt })]);
        expect(await ids({ functionCallOnly: true })).toEqual([plain.id]);
      });
    });

    describe('ordering and bounds', () => {
      it('pages oldest first with `after`, and bounds ids with throughId', async () => {
        const records = makeTestRecords(25, 0);
        await store.insertBatch(records);
        const sorted = records.map((record) => record.id).sort();
        const seen: string[] = [];
        let after: string | undefined;
        for (;;) {
          const page = await store.listSummaries({}, after === undefined ? { limit: 7, order: 'asc' } : { limit: 7, order: 'asc', after });
          seen.push(...page.items.map((item) => item.id));
          if (page.nextCursor === null) break;
          after = page.nextCursor;
        }
        expect(seen).toEqual(sorted);
        expect(await store.count({ throughId: sorted[9]! })).toBe(10);
        expect((await store.list({ throughId: sorted[2]! }, { limit: 10 })).items.map((item) => item.id)).toEqual(sorted.slice(0, 3).reverse());
      });
    });

    describe('bulk actions by filter', () => {
      it('sets the review state of every matching record, search and bounds included', async () => {
        const records = makeTestRecords(12, 0).map((record, index) => ({
          ...record,
          searchText: `${record.searchText} ${index % 2 === 0 ? 'walrus' : 'otter'}`,
        }));
        await store.insertBatch(records);
        const sorted = records.map((record) => record.id).sort();
        expect(await store.setReviewStateWhere({ search: 'walrus', throughId: sorted[7]! }, 'confirmed', 42)).toBe(4);
        expect(await store.count({ reviewState: 'confirmed' })).toBe(4);
        expect(await store.count({ reviewState: 'confirmed', search: 'otter' })).toBe(0);
        expect(await store.setReviewStateWhere({ model: 'gpt-4.1' }, 'rejected', 43)).toBe(4);
        expect(await store.setReviewStateWhere({ reviewState: 'confirmed' }, 'pending', 44)).toBeGreaterThan(0);
        const stillConfirmed = await store.count({ reviewState: 'confirmed' });
        expect(stillConfirmed).toBe(0);
        expect(await store.get(sorted[0]!)).toMatchObject({ reviewedAt: null });
        expect(await store.setReviewStateWhere({ domain: 'nowhere.test' }, 'confirmed', 45)).toBe(0);
      });

      it('deletes every matching record with its search entry, and nothing else', async () => {
        const records = makeTestRecords(10, 0).map((record, index) => ({
          ...record,
          searchText: `${record.searchText} ${index < 4 ? 'pelican' : 'heron'}`,
        }));
        await store.insertBatch(records);
        expect(await store.deleteWhere({ search: 'pelican' })).toBe(4);
        expect(await store.count()).toBe(6);
        expect(await store.count({ search: 'pelican' })).toBe(0);
        expect(await store.count({ search: 'heron' })).toBe(6);
        expect(await store.deleteWhere({ domain: 'nowhere.test' })).toBe(0);
        expect(await store.deleteWhere({})).toBe(6);
        expect(await store.count()).toBe(0);
      });
    });

    describe('aggregate and facets', () => {
      const hour = 3_600_000;
      const base = 1_760_000_000_000 - (1_760_000_000_000 % hour);
      const records = [
        makeTestRecord({ seq: 1, startedAt: base + 60_000 }, { model: 'm-a', domain: 'a.test', durationMs: 100, ttfbMs: 10, usage: { inputTokens: 10, outputTokens: 20, totalTokens: 30 } }),
        makeTestRecord({ seq: 2, startedAt: base + 120_000 }, { model: 'm-a', domain: 'a.test', durationMs: 200, ttfbMs: null, usage: { inputTokens: 1, outputTokens: 2, reasoningTokens: 5 } }),
        makeTestRecord(
          { seq: 3, startedAt: base + hour + 1 },
          { model: 'm-b', domain: 'b.test', durationMs: 300, ttfbMs: 30, usage: null, error: { class: 'Timeout', message: 'slow' }, status: 504 },
        ),
        makeTestRecord({ seq: 4, startedAt: base + 3 * hour }, { model: null, domain: 'a.test', durationMs: 400, ttfbMs: 40, usage: { cachedInputTokens: 7 } }),
      ];

      beforeEach(async () => {
        await store.insertBatch(records);
        await store.setReviewState([records[0]!.id], 'confirmed', base);
        await store.setReviewState([records[1]!.id], 'rejected', base);
      });

      it('sums counts and tokens, buckets by time, groups by model and domain, and ranks latencies', async () => {
        const result = await store.aggregate({}, { bucketMs: hour });
        expect(result).toMatchObject({
          requests: 4,
          errors: 1,
          byReviewState: { pending: 2, confirmed: 1, rejected: 1 },
          tokens: { input: 11, output: 22, reasoning: 5, cachedInput: 7, total: 30 },
        });
        expect(result.overTime).toEqual([
          { start: base, requests: 2, errors: 0, inputTokens: 11, outputTokens: 22 },
          { start: base + hour, requests: 1, errors: 1, inputTokens: 0, outputTokens: 0 },
          { start: base + 3 * hour, requests: 1, errors: 0, inputTokens: 0, outputTokens: 0 },
        ]);
        expect(result.byModel).toEqual([
          { key: 'm-a', requests: 2, errors: 0, inputTokens: 11, outputTokens: 22 },
          { key: null, requests: 1, errors: 0, inputTokens: 0, outputTokens: 0 },
          { key: 'm-b', requests: 1, errors: 1, inputTokens: 0, outputTokens: 0 },
        ]);
        expect(result.byDomain.map((group) => [group.key, group.requests])).toEqual([
          ['a.test', 3],
          ['b.test', 1],
        ]);
        expect(result.durationMs).toEqual({ p50: 200, p90: 400, p95: 400, p99: 400, max: 400 });
        expect(result.ttfbMs).toEqual({ p50: 30, p90: 40, p95: 40, p99: 40, max: 40 });
      });

      it('applies the filter, the bucket offset and topN, and is empty for no match', async () => {
        const filtered = await store.aggregate({ domain: 'a.test', since: base + 100_000 }, { bucketMs: hour, offsetMs: 30 * 60_000, topN: 1 });
        expect(filtered.requests).toBe(2);
        expect(filtered.overTime.map((bucket) => bucket.start)).toEqual([base - 30 * 60_000, base + 3 * hour - 30 * 60_000]);
        expect(filtered.byModel).toHaveLength(1);
        const none = await store.aggregate({ domain: 'nowhere.test' }, { bucketMs: hour });
        expect(none).toMatchObject({ requests: 0, errors: 0, overTime: [], byModel: [], byDomain: [] });
        expect(none.durationMs).toEqual({ p50: null, p90: null, p95: null, p99: null, max: null });
      });

      it('lists distinct models and domains with counts, most frequent first', async () => {
        expect(await store.facets()).toEqual({
          models: [
            { value: 'm-a', count: 2 },
            { value: 'm-b', count: 1 },
          ],
          domains: [
            { value: 'a.test', count: 3 },
            { value: 'b.test', count: 1 },
          ],
          clients: [],
        });
      });
    });

    describe('aggregates stay equal to a recount', () => {
      const hour = 3_600_000;
      const day = 24 * hour;
      const base = 1_761_000_000_000 - (1_761_000_000_000 % day);
      const random = seededRandom(7);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

      function randomRecord(seq: number): ExchangeRecord {
        const failed = random() < 0.15;
        return makeTestRecord(
          { seq, startedAt: base + Math.floor(random() * 5 * day) },
          {
            model: pick(['m-a', 'm-b', 'm-c', null]),
            domain: pick(['a.test', 'b.test']),
            apiKind: pick(['chat', 'chat', 'embeddings']),
            durationMs: 50 + Math.floor(random() * 40) * 10,
            ttfbMs: random() < 0.2 ? null : Math.floor(random() * 30),
            usage: random() < 0.2 ? null : { inputTokens: Math.floor(random() * 100), outputTokens: Math.floor(random() * 50), ...(random() < 0.3 ? { reasoningTokens: 3, cachedInputTokens: 4, totalTokens: 9 } : {}) },
            error: failed ? { class: 'Timeout', message: 'slow' } : null,
            status: failed ? 504 : 200,
          },
        );
      }

      it('stats, aggregate, facets and count equal a recount after random writes, reviews and deletes', async () => {
        let seq = 0;
        for (let round = 0; round < 6; round += 1) {
          const batch = Array.from({ length: 40 }, () => randomRecord((seq += 1)));
          batch.sort((a, b) => (a.id < b.id ? -1 : 1));
          await store.insertBatch(batch);
          await store.insertBatch(batch.slice(0, 10)); // a retried batch: stored (and counted) once
          const stored = await collect(store.iterate({}, 100));
          const some = (share: number) => stored.filter(() => random() < share).map((record) => record.id);
          await store.setReviewState(some(0.2), pick(['confirmed', 'rejected', 'pending'] as const), base);
          await store.setReviewState(some(0.1), 'confirmed', base); // some already confirmed: no change
          await store.setReviewStateWhere({ model: pick(['m-a', 'm-b']), domain: 'b.test' }, 'rejected', base);
          await store.delete(some(0.05));
          if (round % 2 === 1) await store.deleteWhere({ domain: 'a.test', model: 'm-c', reviewState: 'rejected' });
        }
        const all = await collect(store.iterate({}, 100));
        expect(all.length).toBeGreaterThan(100);

        const byState = { pending: 0, confirmed: 0, rejected: 0 };
        for (const record of all) byState[record.reviewState] += 1;
        expect(await store.stats()).toEqual({ records: all.length, byReviewState: byState });
        expect(await store.facets()).toEqual({ models: facetCount(all.map((record) => record.model)), domains: facetCount(all.map((record) => record.domain)), clients: [] });

        const filters: ListFilter[] = [
          {},
          { reviewState: 'confirmed' },
          { model: 'm-a', domain: 'b.test' },
          { apiKind: 'embeddings', reviewState: 'pending' },
          { since: base + day, until: base + 3 * day },
          { since: base + 30 * 60_000 + day },
          { hasError: true, model: 'm-b' },
        ];
        const middle = all[Math.floor(all.length / 2)]!.id;
        for (const filter of filters) {
          const matching = all.filter((record) => matchesFilter(record, filter));
          expect(await store.count(filter)).toBe(matching.length);
          expect(await store.count({ ...filter, throughId: middle })).toBe(matching.filter((record) => record.id <= middle).length);
          for (const [bucketMs, offsetMs] of [[day, 0], [hour, -2 * hour], [day, 330 * 60_000], [15 * 60_000, 0]] as const) {
            expect(await store.aggregate(filter, { bucketMs, offsetMs, topN: 3 })).toEqual(recount(matching, bucketMs, offsetMs, 3));
          }
        }
      });
    });

    describe('client and side calls', () => {
      const base = 1_765_000_000_000;
      const records = [
        makeTestRecord({ seq: 1, startedAt: base + 1 }, { client: 'claude-code', clientVersion: '2.1.197' }),
        makeTestRecord({ seq: 2, startedAt: base + 2 }, { client: 'claude-code', clientVersion: '2.1.197', sideCall: 'title' }),
        makeTestRecord({ seq: 3, startedAt: base + 3 }, { client: 'codex', clientVersion: '0.171.0' }),
        makeTestRecord({ seq: 4, startedAt: base + 4 }, {}),
      ];
      const idsOf = (page: { items: Array<{ id: string }> }): string[] => page.items.map((item) => item.id);

      it('stores the client and the side-call mark, lists, filters and counts them', async () => {
        await store.insertBatch(records);
        expect(await store.get(records[1]!.id)).toMatchObject({ client: 'claude-code', clientVersion: '2.1.197', sideCall: 'title' });
        const unknown = await store.get(records[3]!.id);
        expect([unknown?.client ?? null, unknown?.clientVersion ?? null, unknown?.sideCall ?? null]).toEqual([null, null, null]);
        const summaries = await store.listSummaries({}, { limit: 10 });
        expect(summaries.items.find((item) => item.id === records[2]!.id)).toMatchObject({ client: 'codex', clientVersion: '0.171.0' });
        expect(summaries.items.find((item) => item.id === records[1]!.id)).toMatchObject({ sideCall: 'title' });
        expect(idsOf(await store.list({ sideCall: false }, { limit: 10 }))).toEqual([records[3]!.id, records[2]!.id, records[0]!.id]);
        expect(idsOf(await store.list({ sideCall: true }, { limit: 10 }))).toEqual([records[1]!.id]);
        expect(idsOf(await store.list({ client: 'claude-code', sideCall: false }, { limit: 10 }))).toEqual([records[0]!.id]);
        expect((await store.facets()).clients).toEqual([
          { value: 'claude-code', count: 2 },
          { value: 'codex', count: 1 },
        ]);
        expect(await store.setReviewStateWhere({ sideCall: false }, 'confirmed', base + 100)).toBe(3);
        expect((await store.get(records[1]!.id))?.reviewState).toBe('pending');
      });
    });

    describe('privacy scans and MinHash bands', () => {
      const scanOf = (id: string, secrets: number, personal: number, bands: number[], signatureByte = 1): RecordScan => ({
        id,
        secrets,
        personal,
        kinds: { ...(secrets > 0 ? { secret: secrets } : {}), ...(personal > 0 ? { email: personal } : {}) },
        scannerVersion: 'v1',
        signature: bands.length === 0 ? null : new Uint8Array(512).fill(signatureByte),
        bandKeys: bands,
      });
      const idsOf = (page: { items: Array<{ id: string }> }): string[] => page.items.map((item) => item.id);

      it('reads the scan queue a window at a time, newest first, skipping records scanned by the same version', async () => {
        const records = makeTestRecords(7);
        await store.insertBatch(records);
        const ids = records.map((record) => record.id);
        await store.saveScans([scanOf(ids[5]!, 0, 0, []), { ...scanOf(ids[3]!, 0, 0, []), scannerVersion: 'v0' }], 1);
        const first = await store.scanQueue({ window: 4, scannerVersion: 'v1' });
        expect(first).toEqual({ ids: [ids[6], ids[4], ids[3]], next: ids[3] });
        const second = await store.scanQueue({ before: first.next!, window: 4, scannerVersion: 'v1' });
        expect(second).toEqual({ ids: [ids[2], ids[1], ids[0]], next: null });
        expect(await store.scanQueue({ after: ids[4]!, window: 4, scannerVersion: 'v1' })).toEqual({ ids: [ids[6]], next: null });
      });

      it('filters by findings (none never includes unscanned records), lists the scans and counts them', async () => {
        const records = makeTestRecords(5);
        await store.insertBatch(records);
        const [secret, personal, both, clean, unscanned] = records.map((record) => record.id) as [string, string, string, string, string];
        await store.saveScans([scanOf(secret, 1, 0, [1]), scanOf(personal, 0, 2, [2]), scanOf(both, 1, 1, [3]), scanOf(clean, 0, 0, [4])], 10);
        expect(idsOf(await store.listSummaries({ findings: 'secrets' }, { limit: 10 }))).toEqual([both, secret]);
        expect(idsOf(await store.listSummaries({ findings: 'personal' }, { limit: 10 }))).toEqual([both, personal]);
        expect(idsOf(await store.listSummaries({ findings: 'any' }, { limit: 10 }))).toEqual([both, personal, secret]);
        expect(idsOf(await store.listSummaries({ findings: 'none' }, { limit: 10 }))).toEqual([clean]);
        expect(idsOf(await store.listSummaries({ findings: 'unscanned' }, { limit: 10 }))).toEqual([unscanned]);
        expect(await store.count({ findings: 'any' })).toBe(3);
        expect(await store.countUpTo({ findings: 'none' }, 100)).toEqual({ count: 1, capped: false });
        expect(await store.countThreads({ findings: 'secrets' })).toBe(2);
        const scans = await store.scansOf([secret, personal, unscanned]);
        expect([...scans.keys()].sort()).toEqual([secret, personal].sort());
        expect(scans.get(personal)).toEqual({ secrets: 0, personal: 2, kinds: { email: 2 }, scannerVersion: 'v1' });
        // A later scan replaces the earlier one.
        await store.saveScans([scanOf(secret, 0, 0, [1])], 11);
        expect(idsOf(await store.listSummaries({ findings: 'secrets' }, { limit: 10 }))).toEqual([both]);
      });

      it('finds the records sharing band keys, most shared first, and forgets scans on edit, rebuild and delete', async () => {
        const records = makeTestRecords(5);
        await store.insertBatch(records);
        const [a, b, c, d, gone] = records.map((record) => record.id) as [string, string, string, string, string];
        await store.saveScans([scanOf(a, 0, 0, [10, 11, 12], 7), scanOf(b, 0, 0, [10, 11, 99], 8), scanOf(c, 0, 0, [12], 9), scanOf(d, 0, 0, [50]), scanOf(gone, 0, 0, [10])], 1);
        await store.delete([gone]);
        const near = await store.nearDuplicateCandidates(a, 10);
        expect(near?.signature).toEqual(new Uint8Array(512).fill(7));
        expect(near?.candidates.map(({ id, sharedBands }) => ({ id, sharedBands }))).toEqual([
          { id: b, sharedBands: 2 },
          { id: c, sharedBands: 1 },
        ]);
        expect(near?.candidates[0]?.signature).toEqual(new Uint8Array(512).fill(8));
        expect((await store.nearDuplicateCandidates(a, 1))?.candidates.map((candidate) => candidate.id)).toEqual([b]);
        expect(await store.nearDuplicateCandidates(gone, 10)).toBeNull();
        // A scan of a record deleted before it is saved is dropped.
        await store.saveScans([scanOf(gone, 1, 0, [10])], 2);
        expect((await store.scansOf([gone])).size).toBe(0);

        const edited: ShareGptRow = { conversations: [{ from: 'human', value: 'edited' }, { from: 'gpt', value: 'ok' }], system: '', tools: '', images: [] };
        expect(await store.setEditedShareGpt(b, edited, false)).toBe(true);
        expect((await store.scansOf([b])).size).toBe(0);
        expect((await store.nearDuplicateCandidates(a, 10))?.candidates.map((candidate) => candidate.id)).toEqual([c]);
        expect(await store.updateDerived(c, { sharegpt: edited, converterVersion: 99, turnCount: 2, hasTools: false, searchText: 'edited ok', preview: 'edited', functionCallOnly: false, responseReasoning: false })).toBe(true);
        expect((await store.scansOf([c])).size).toBe(0);
        expect(idsOf(await store.listSummaries({ findings: 'unscanned' }, { limit: 10 }))).toEqual([c, b]);
        // Review actions leave the scan alone.
        await store.setReviewState([a], 'confirmed', 5);
        expect((await store.scansOf([a])).size).toBe(1);
      });
    });

    it('testId sorts by time then sequence (sanity check of the factory the suite relies on)', () => {
      expect(testId(2, 0) > testId(1, 999)).toBe(true);
      expect(testId(1, 2) > testId(1, 1)).toBe(true);
    });
  });
}
