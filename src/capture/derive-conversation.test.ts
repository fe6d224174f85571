// One derivation: rebuilding a stored record from its stored bodies gives exactly the training
// fields capture derived from the raw bytes (streams reassembled, errors, cut-offs), for every
// recorded golden exchange.
import { describe, expect, it } from 'vitest';
import { goldenRecords } from '../export/__fixtures__/golden-exchanges.js';
import type { StoredExchange } from './exchange.js';
import { deriveAgain } from './rebuild-derived.js';

describe('rebuild derives what capture derived', () => {
  it.each(goldenRecords().map(({ name, record }) => [name, record] as const))('%s', (_name, record) => {
    const { searchText: _searchText, ...rest } = record;
    const stored: StoredExchange = { ...rest, parentId: null, threadId: record.id, reviewState: 'pending', reviewedAt: null, editedSharegpt: null };
    expect(deriveAgain(stored)).toEqual({
      sharegpt: record.sharegpt,
      converterVersion: record.converterVersion,
      turnCount: record.turnCount,
      hasTools: record.hasTools,
      searchText: record.searchText,
      preview: record.preview,
      functionCallOnly: record.functionCallOnly,
      responseReasoning: record.responseReasoning,
    });
  });
});
