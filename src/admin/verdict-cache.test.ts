import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredExchange } from '../capture/exchange.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { makeTestRecord } from '../store/test-records.js';
import type { ShareGptRow } from '../training/sharegpt-types.js';
import { exportVerdictOf } from './export-verdict.js';
import { verdictCacheOf } from './verdict-cache.js';

describe('verdict cache', () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'verdict-cache-'));
    store = openSqliteStore(join(dir, 'records.db'));
    await store.migrate();
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const judged: string[] = [];
  const judge = (record: StoredExchange) => {
    judged.push(record.id);
    return exportVerdictOf(record, ['sharegpt']);
  };

  it('judges a record once, again after an edit of its row (whoever made it), and keeps stores apart', async () => {
    const record = makeTestRecord({ seq: 3 });
    await store.insertBatch([record]);
    judged.length = 0;
    const cache = verdictCacheOf(store);
    const first = cache.verdictOf((await store.get(record.id))!, judge);
    expect(first.exportable).toBe(true);
    expect(cache.verdictOf((await store.get(record.id))!, judge)).toBe(first);
    expect(judged).toEqual([record.id]);

    // An edit that leaves no human turn: the export refuses it, and the cached verdict must not hide that.
    const broken: ShareGptRow = { ...record.sharegpt!, conversations: record.sharegpt!.conversations.filter((turn) => turn.from !== 'human') };
    await store.setEditedShareGpt(record.id, broken, false);
    const edited = cache.verdictOf((await store.get(record.id))!, judge);
    expect(edited.exportable).toBe(false);
    expect(judged).toEqual([record.id, record.id]);

    // The same edit made again (by another process, say) is the same key.
    await store.setEditedShareGpt(record.id, { ...broken }, false);
    expect(cache.verdictOf((await store.get(record.id))!, judge)).toBe(edited);
    expect(judged).toHaveLength(2);

    const other = openSqliteStore(join(dir, 'other.db'));
    try {
      expect(verdictCacheOf(other)).not.toBe(cache);
    } finally {
      await other.close();
    }
  });
});
