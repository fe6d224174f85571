// Golden rows: recorded exchanges of every wire format and shape (see
// __fixtures__/golden-exchanges.ts), through processExchange and the store, exported in every
// format, must give exactly the rows in __fixtures__/golden-rows.json. The file was reviewed by
// hand; after an intended change, regenerate it with UPDATE_GOLDEN=1 and review the diff.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { goldenRecords } from './__fixtures__/golden-exchanges.js';
import { exportRows, type ExportedRow } from './export-rows.js';

const GOLDEN = fileURLToPath(new URL('./__fixtures__/golden-rows.json', import.meta.url));
const update = process.env['UPDATE_GOLDEN'] === '1';

type Golden = Record<string, Record<string, Omit<ExportedRow, 'id' | 'format'>>>;

let store: Store;
let actual: Golden;
const records = goldenRecords();

beforeAll(async () => {
  store = openSqliteStore(':memory:');
  await store.insertBatch(records.map(({ record }) => record));
  const names = new Map(records.map(({ name, record }) => [record.id, name]));
  actual = {};
  for await (const row of exportRows(store, { formats: ['sharegpt', 'openai-messages', 'openai-ft'], filter: {}, status: 'all', threads: 'all' })) {
    const name = names.get(row.id) ?? row.id;
    const { id: _id, format, ...rest } = row;
    (actual[name] ??= {})[format] = rest;
  }
  if (update) writeFileSync(GOLDEN, `${JSON.stringify(actual, null, 2)}\n`);
});

afterAll(async () => {
  await store.close();
});

describe('golden rows: every wire format and shape, in every export format', () => {
  let golden: Golden | undefined;
  const expected = (): Golden => (golden ??= JSON.parse(readFileSync(GOLDEN, 'utf8')) as Golden);

  it('covers every golden exchange', () => {
    expect(Object.keys(actual)).toEqual(records.map(({ name }) => name));
  });

  for (const { name } of records) {
    for (const format of ['sharegpt', 'openai-messages', 'openai-ft'] as const) {
      it(`${name} -> ${format}`, () => {
        expect(actual[name]?.[format]).toEqual(expected()[name]?.[format]);
      });
    }
  }
});
