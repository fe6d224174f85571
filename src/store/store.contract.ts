// The one behaviour suite every Store backend must pass (SQLite now, PostgreSQL later). A backend's
// test file calls runStoreContract with a factory that returns a migrated store over an EMPTY
// database; `cleanup` runs after each test (after the store is closed).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExchangeRecord, StoredExchange } from '../capture/exchange.js';
import type { ShareGptRow } from '../training/sharegpt-types.js';
import type { ListFilter, Store } from './store.js';
import { makeTestRecord, makeTestRecords, testId } from './test-records.js';

function asStored(record: ExchangeRecord, link: Partial<StoredExchange> = {}): StoredExchange {
  return {
    ...record,
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
        const records = makeTestRecords(5, 10);
        await store.insertBatch(records);
        await store.insertBatch(records);
        await store.insertBatch([records[0]!, { ...records[0]!, model: 'changed' }]);
        expect(await store.count()).toBe(5);
        expect((await store.get(records[0]!.id))?.model).toBe(records[0]!.model);
        expect(await store.count({ search: records[0]!.sharegpt!.conversations[1]!.value.split(' ')[0]! })).toBe(5);
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
        await store.setEditedShareGpt(record.id, { ...record.sharegpt!, system: 'edited' });
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
        for (const body of ['requestBody', 'responseBody', 'sharegpt', 'editedSharegpt', 'searchText'] as const) delete meta[body];
        expect(recordSummary).toEqual({ ...meta, preview: recordSummary!.preview, edited: true });
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
        expect(await store.setEditedShareGpt(record.id, edited)).toBe(true);
        expect(await store.get(record.id)).toEqual(asStored(record, { editedSharegpt: edited }));
        expect(await store.setEditedShareGpt(record.id, null)).toBe(true);
        expect(await store.get(record.id)).toEqual(asStored(record));
        expect(await store.setEditedShareGpt('unknown-id', edited)).toBe(false);
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

    it('testId sorts by time then sequence (sanity check of the factory the suite relies on)', () => {
      expect(testId(2, 0) > testId(1, 999)).toBe(true);
      expect(testId(1, 2) > testId(1, 1)).toBe(true);
    });
  });
}
