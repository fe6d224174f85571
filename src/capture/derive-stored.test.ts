import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import { makeTestRecord } from '../store/test-records.js';
import { CONVERTER_VERSION } from '../training/converter-version.js';
import { derivedShareGptOf, keepsShareGptRow } from './derive-stored.js';

const root = mkdtempSync(join(tmpdir(), 'derive-stored-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the derived ShareGPT row, derived on read', () => {
  it('is not stored for a record the current converter derived, and reads back as capture derived it', async () => {
    const store = openSqliteStore(join(root, 'current.db'));
    const template = makeTestRecord({ seq: 1, userText: 'How far is the moon?' });
    // As capture stores it: the row is the one this converter derives from the bodies.
    const record = { ...template, converterVersion: CONVERTER_VERSION };
    const expected = derivedShareGptOf({ ...record, sharegpt: null, parentId: null, threadId: record.id, reviewState: 'pending', reviewedAt: null, editedSharegpt: null });
    expect(expected?.conversations.map((turn) => turn.from)).toEqual(['human', 'gpt']);
    await store.insertBatch([{ ...record, sharegpt: expected }]);
    const stored = await store.get(record.id);
    expect(stored?.sharegpt).toBeNull();
    expect(derivedShareGptOf(stored!)).toEqual(expected);
    await store.close();
  });

  it('keeps a row another converter version derived, as it was', async () => {
    expect(keepsShareGptRow(CONVERTER_VERSION)).toBe(false);
    expect(keepsShareGptRow(CONVERTER_VERSION - 1)).toBe(true);
    const store = openSqliteStore(join(root, 'older.db'));
    const record = makeTestRecord({ seq: 2 }, { converterVersion: CONVERTER_VERSION - 1 });
    const older = { ...record.sharegpt!, system: 'what the older converter wrote' };
    await store.insertBatch([{ ...record, sharegpt: older }]);
    const stored = await store.get(record.id);
    expect(stored?.sharegpt).toEqual(older);
    expect(derivedShareGptOf(stored!)).toEqual(older);
    await store.close();
  });
});
