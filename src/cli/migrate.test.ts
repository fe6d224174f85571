import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresAvailable } from '../../test/helpers/postgres-test-database.js';
import { recordExchange } from '../../test/helpers/recorded-exchanges.js';
import type { ExchangeRecord, StoredExchange } from '../store/exchange-record.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { makeTestRecord } from '../store/test-records.js';
import { migrateRecords } from './migrate.js';

const root = mkdtempSync(join(tmpdir(), 'llmproxy-migrate-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Threads of three turns, some reviewed, one edited, one with a function-call-only edit. */
function sampleRecords(): ExchangeRecord[] {
  const records: ExchangeRecord[] = [];
  for (let thread = 0; thread < 40; thread++) {
    for (let turn = 0; turn < 3; turn++) {
      records.push(
        makeTestRecord({
          seq: thread * 3 + turn,
          userText: `thread ${thread} turn ${turn} café`,
          parentKey: turn === 0 ? null : `m${thread}-${turn - 1}`,
          selfKey: `m${thread}-${turn}`,
        }),
      );
    }
  }
  return records;
}

async function seed(store: Store, records: readonly ExchangeRecord[]): Promise<void> {
  await store.insertBatch(records);
  await store.setReviewState(records.filter((_, index) => index % 3 === 0).map((record) => record.id), 'confirmed', 1_700_000_000_123);
  await store.setReviewState([records[61]!.id], 'rejected', 1_700_000_000_456);
  await store.setEditedShareGpt(records[62]!.id, { conversations: [{ from: 'human', value: 'edited' }, { from: 'gpt', value: 'ok' }], system: '', tools: '', images: [] }, false);
  await store.setAnnotation(records[5]!.id, { note: 'good tool use', tags: ['zeta', 'alpha', 'mid'], rating: 4 }, 1_700_000_000_789);
  await store.setAnnotation(records[90]!.id, { note: '', tags: ['retry'], rating: null }, 1_700_000_001_000);
  await store.setEditedShareGpt(records[64]!.id, { conversations: [{ from: 'human', value: 'w?' }, { from: 'function_call', value: '{"name":"f","arguments":{}}' }], system: '', tools: '', images: [] }, true);
}

async function everything(store: Store): Promise<{ records: StoredExchange[]; summaries: unknown[]; annotations: unknown[] }> {
  const records: StoredExchange[] = [];
  for await (const record of store.iterate({}, 100)) records.push(record);
  const summaries = (await store.listSummaries({}, { limit: 1_000 })).items;
  const annotations = [...(await store.annotationsOf(records.map((record) => record.id))).entries()];
  return { records, summaries, annotations };
}

describe.runIf(postgresAvailable())('migrate', () => {
  it('copies SQLite into PostgreSQL and back, keeping ids, review states, edits, annotations, threads, search and flags; resumes by skipping present ids', async () => {
    const sqlite = await openStore(join(root, 'a', 'source.db'));
    const records = sampleRecords();
    await seed(sqlite, records);
    const postgres = await openStore(await createTestDatabase('migrate'));
    // An interrupted earlier run: the first 50 records are there already.
    await postgres.insertBatch(records.slice(0, 50));
    const progress: number[] = [];
    const report = await migrateRecords(sqlite, postgres, { batchSize: 32, onProgress: (p) => progress.push(p.read) });
    expect(report).toMatchObject({ total: 120, read: 120, copied: 70, skipped: 50 });
    expect(progress.at(-1)).toBe(120);
    // The 50 pre-copied ones lack review state (the interrupted run's review restore did not happen): compare the rest.
    const want = await everything(sqlite);
    const got = await everything(postgres);
    expect(got.records.slice(50)).toEqual(want.records.slice(50));
    expect(got.records.map((record) => [record.id, record.parentId, record.threadId])).toEqual(
      want.records.map((record) => [record.id, record.parentId, record.threadId]),
    );
    expect(await postgres.count({ search: 'cafe thread' })).toBe(120);
    expect(await sqlite.count({ functionCallOnly: true })).toBe(1);
    expect(await postgres.count({ functionCallOnly: true })).toBe(1);
    // Annotations, tags in their order, with the reviewer's times: also of a record the
    // interrupted run had copied (records[5]) without its annotation.
    expect(got.annotations).toEqual(want.annotations);
    expect(got.annotations).toHaveLength(2);
    expect(await postgres.count({ tag: 'alpha' })).toBe(1);

    // And back, into an empty SQLite file: an exact copy of what PostgreSQL holds.
    const back = await openStore(join(root, 'b', 'back.db'));
    expect(await migrateRecords(postgres, back)).toMatchObject({ copied: 120, skipped: 0 });
    expect(await everything(back)).toEqual(await everything(postgres));
    expect(await migrateRecords(postgres, back)).toMatchObject({ copied: 0, skipped: 120 });
    await Promise.all([sqlite.close(), postgres.close(), back.close()]);
  });
});

describe('migrate: the response reasoning flag', () => {
  const answered = (seq: number, message: Record<string, unknown>): ExchangeRecord =>
    recordExchange({
      format: 'openai-chat',
      seq,
      request: { model: 'deepseek-reasoner', messages: [{ role: 'user', content: `question ${seq}` }] },
      response: { object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: 'stop' }] },
    });

  it('carries a known flag, derives an unknown one for the current converter, and leaves it unknown for another', async () => {
    const withoutFlag = ({ responseReasoning: _flag, ...record }: ExchangeRecord): ExchangeRecord => record;
    const known = { ...answered(1, { content: 'Yes.', reasoning_content: 'Sure.' }), responseReasoning: false }; // kept as stored, even if wrong
    const unknown = withoutFlag(answered(2, { content: 'Yes.', reasoning_content: 'Sure.' }));
    const older = { ...withoutFlag(answered(3, { content: 'Yes.', reasoning_content: 'Sure.' })), converterVersion: 0 };
    const source = await openStore(join(root, 'flag', 'source.db'));
    await source.insertBatch([known, unknown, older]);
    const destination = await openStore(join(root, 'flag', 'destination.db'));
    await migrateRecords(source, destination);
    const flags = await Promise.all([known, unknown, older].map(async (record) => (await destination.get(record.id))?.responseReasoning));
    expect(flags).toEqual([false, true, undefined]);
    await Promise.all([source.close(), destination.close()]);
  });
});
