import { derivedShareGptOf } from './derive-stored.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { CONVERTER_VERSION } from '../training/converter-version.js';
import { processExchange } from './process-exchange.js';
import { rebuildDerived } from './rebuild-derived.js';

let store: Store;
afterEach(async () => store?.close());

function recordOf(id: string, userText: string) {
  return processExchange(
    {
      startedAt: 1_764_000_000_000,
      domain: 'api.openai.com',
      method: 'POST',
      pathAndQuery: '/v1/chat/completions',
      requestBody: Buffer.from(JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: userText }] })),
      status: 200,
      responseContentType: 'application/json',
      responseContentEncoding: undefined,
      responseChunks: [Buffer.from(JSON.stringify({ id: 'c', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: 'Fine.' }, finish_reason: 'stop' }] }))],
      responseTruncated: false,
      ttfbMs: 1,
      durationMs: 2,
      aborted: false,
      error: null,
    },
    id,
  );
}

describe('rebuildDerived', () => {
  it('re-derives rows from an older converter from the stored bodies, and leaves current ones alone', async () => {
    store = await openStore(join(mkdtempSync(join(tmpdir(), 'llmproxy-rebuild-')), 'r.db'));
    const { responseReasoning: _unknown, ...stored } = recordOf('01OLD0000000000000000000000', 'How are you?');
    const old = { ...stored, converterVersion: 0, sharegpt: null, turnCount: 0, searchText: '' };
    const current = recordOf('01NEW0000000000000000000000', 'Hello?');
    await store.insertBatch([old, current]);
    expect(await store.count({ search: 'how' })).toBe(0);

    const report = await rebuildDerived(store);
    expect(report).toEqual({ read: 2, rebuilt: 1 });
    const rebuilt = await store.get(old.id);
    // Its reasoning flag, unknown before, is set (the answer has none).
    expect(rebuilt).toMatchObject({ converterVersion: CONVERTER_VERSION, turnCount: 2, responseReasoning: false });
    expect(derivedShareGptOf(rebuilt!)?.conversations).toEqual([
      { from: 'human', value: 'How are you?' },
      { from: 'gpt', value: 'Fine.' },
    ]);
    // The search index follows.
    expect(await store.count({ search: 'how' })).toBe(1);
    expect((await rebuildDerived(store, { all: true })).rebuilt).toBe(2);
  });
});
