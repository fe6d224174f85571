// The export's thread reasoning through a real SQLite store: an agent session whose client did not
// send reasoning back (as Gemini CLI and plain OpenAI-compatible clients do) gets each earlier
// step's reasoning from the record that produced it, and reads whole only the ancestors whose
// stored flag (ExchangeRecord.responseReasoning) says they carry reasoning, or does not know.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postgresBinDir } from '../../test/helpers/postgres-cluster.js';
import { createTestDatabase, postgresAvailable, truncateExchanges } from '../../test/helpers/postgres-test-database.js';
import { recordExchange } from '../../test/helpers/recorded-exchanges.js';
import { selectedBackends } from '../../test/helpers/store-backends-env.js';
import type { ExchangeRecord, StoredExchange } from '../capture/exchange.js';
import { finalAnswerCarriesReasoning } from '../conversation/final-answer.js';
import { openStore } from '../store/open-store.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import type { ShareGptRow } from '../training/sharegpt-types.js';
import { goldenRecords } from './__fixtures__/golden-exchanges.js';
import { exportRecords, type RecordExport } from './export-records.js';
import { readRecord } from './read-record.js';

const TOOLS = [{ type: 'function', function: { name: 'read_file', parameters: { type: 'object', properties: { path: { type: 'string' } } } } }];
const PATHS = ['a.ts', 'b.ts', 'c.ts'];

/** The assistant turn of step `index` as the model answered it (with its reasoning, if any). */
function callMessage(index: number, reasoning: string | undefined): Record<string, unknown> {
  return {
    role: 'assistant',
    content: `Reading ${PATHS[index]}.`,
    tool_calls: [{ id: `call-${index}`, type: 'function', function: { name: 'read_file', arguments: JSON.stringify({ path: PATHS[index] }) } }],
    ...(reasoning !== undefined ? { reasoning_content: reasoning } : {}),
  };
}

/**
 * An agent session of `reasonings.length` tool-calling steps then a final answer (with reasoning),
 * each request resending the history without the reasoning, as the proxy records it.
 */
function session(reasonings: ReadonlyArray<string | undefined>): ExchangeRecord[] {
  const history: unknown[] = [{ role: 'user', content: 'What do the three files do?' }];
  const records: ExchangeRecord[] = [];
  const steps = reasonings.length + 1;
  for (let index = 0; index < steps; index++) {
    const final = index === reasonings.length;
    const message = final
      ? { role: 'assistant', content: 'They read, parse and write.', reasoning_content: 'All three results are in.' }
      : callMessage(index, reasonings[index]);
    records.push(
      recordExchange({
        format: 'openai-chat',
        seq: index + 1,
        request: { model: 'deepseek-reasoner', messages: [...history], tools: TOOLS },
        response: { id: `r${index}`, object: 'chat.completion', model: 'deepseek-reasoner', choices: [{ index: 0, message, finish_reason: final ? 'stop' : 'tool_calls' }] },
      }),
    );
    if (!final) {
      // The client sends the call back without its reasoning, then the tool's result.
      const { reasoning_content: _dropped, ...echoed } = callMessage(index, undefined);
      history.push(echoed, { role: 'tool', tool_call_id: `call-${index}`, content: `contents of ${PATHS[index]}` });
    }
  }
  return records;
}

/** A real store that counts which records are read whole, and which threads' links are listed. */
function countingGets(inner: Store): { store: Store; reads: string[]; threadsListed: string[] } {
  const reads: string[] = [];
  const threadsListed: string[] = [];
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'get') {
        return (id: string) => {
          reads.push(id);
          return target.get(id);
        };
      }
      if (property === 'listLinks') {
        return (...args: Parameters<Store['listLinks']>) => {
          if (args[0].threadId !== undefined) threadsListed.push(args[0].threadId);
          return target.listLinks(...args);
        };
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store, reads, threadsListed };
}

async function exportAll(from: Store): Promise<RecordExport[]> {
  const exported: RecordExport[] = [];
  for await (const item of exportRecords(from, { formats: ['sharegpt'], filter: {}, status: 'all' })) exported.push(item);
  return exported;
}

function thinkOf(row: ShareGptRow): Array<string | null> {
  return row.conversations
    .filter((turn) => turn.from === 'function_call' || turn.from === 'gpt')
    .map((turn) => /^<think>\n([\s\S]*?)\n<\/think>/.exec(turn.value)?.[1] ?? null);
}

describe('the reasoning flag capture stores', () => {
  it('says what the export reads from the record, for every recorded golden exchange', () => {
    const flags = goldenRecords().map(({ name, record }) => {
      const stored: StoredExchange = { ...record, parentId: null, threadId: record.id, reviewState: 'pending', reviewedAt: null, editedSharegpt: null };
      const conversation = readRecord(stored).conversation;
      const read = conversation !== null && finalAnswerCarriesReasoning(conversation);
      return [name, record.responseReasoning, read] as const;
    });
    for (const [name, stored, read] of flags) expect(stored, name).toBe(read);
    // Both values occur, so the comparison above can fail.
    expect(new Set(flags.map(([, stored]) => stored))).toEqual(new Set([true, false]));
  });
});

// On every selected backend (STORE_BACKENDS; both when PostgreSQL is installed): the walk reads
// the thread's links through the Store interface, and each backend stores the flag. The run's
// cluster is started for runs that may use it (postgres-global-setup.ts: the whole suite, or a
// file filter naming the store): a run of this file alone tests SQLite.
const backends = selectedBackends(postgresBinDir() !== null).filter((backend) => backend === 'sqlite' || postgresAvailable());

describe.each(backends)('export: reasoning of earlier steps from the thread (%s)', (backend) => {
  let store: Store;
  let url = '';
  if (backend === 'postgres') {
    beforeAll(async () => {
      url = await createTestDatabase('thread_reasoning');
    });
  }
  beforeEach(async () => {
    if (backend === 'sqlite') {
      store = openSqliteStore(':memory:');
    } else {
      store = await openStore(url, { postgres: { poolSize: 2 } });
      await truncateExchanges(url);
    }
  });
  afterEach(async () => {
    await store.close();
  });

  it('fills a leaf from an ancestor whose response carries reasoning (flag stored at capture)', async () => {
    const records = session(['I should read a.ts first.', undefined, undefined]);
    expect(records.map((record) => record.responseReasoning)).toEqual([true, false, false, true]);
    await store.insertBatch(records);
    const leaf = records.at(-1)!;
    expect((await store.get(leaf.id))?.parentId).toBe(records[2]!.id);

    const exported = await exportAll(store);
    expect(exported.map((item) => item.record.id)).toEqual([leaf.id]);
    const row = exported[0]!.rows[0]!;
    expect(row.valid).toBe(true);
    expect(row.repairs).toContain('reasoning-filled-from-thread');
    expect(thinkOf(row.row as ShareGptRow)).toEqual(['I should read a.ts first.', null, null, 'All three results are in.']);
  });

  it('reads whole only the ancestors that can give reasoning: flagged or unknown, never those flagged without', async () => {
    const records = session([undefined, 'Now b.ts.', undefined]);
    // The third step was stored before the flag existed: its flag is unknown, so it is read.
    const { responseReasoning: _unknown, ...stepStoredBefore } = records[2]!;
    await store.insertBatch([records[0]!, records[1]!, stepStoredBefore, records[3]!]);
    expect((await store.get(records[2]!.id))?.responseReasoning).toBeUndefined();

    const counted = countingGets(store);
    const exported = await exportAll(counted.store);
    expect(counted.reads.sort()).toEqual([records[1]!.id, records[2]!.id].sort());
    const row = exported[0]!.rows[0]!;
    expect(row.repairs).toContain('reasoning-filled-from-thread');
    expect(thinkOf(row.row as ShareGptRow)).toEqual([null, 'Now b.ts.', null, 'All three results are in.']);
  });

  it('reads no ancestor when none carries reasoning, and fills nothing', async () => {
    const records = session([undefined, undefined, undefined]);
    await store.insertBatch(records);
    const counted = countingGets(store);
    const exported = await exportAll(counted.store);
    expect(counted.reads).toEqual([]);
    expect(counted.threadsListed).toEqual([records[0]!.id]);
    expect(exported[0]!.rows[0]!.repairs).not.toContain('reasoning-filled-from-thread');
    expect(thinkOf(exported[0]!.rows[0]!.row as ShareGptRow)).toEqual([null, null, null, 'All three results are in.']);
  });

  it('reads a session stored before the flag as before: every ancestor whole, no thread links', async () => {
    const withoutFlag = ({ responseReasoning: _flag, ...record }: ExchangeRecord): ExchangeRecord => record;
    const records = session(['I should read a.ts first.', undefined, undefined]).map(withoutFlag);
    await store.insertBatch(records);
    const counted = countingGets(store);
    const exported = await exportAll(counted.store);
    expect(counted.reads.sort()).toEqual(records.slice(0, 3).map((record) => record.id).sort());
    expect(counted.threadsListed).toEqual([]);
    expect(thinkOf(exported[0]!.rows[0]!.row as ShareGptRow)).toEqual(['I should read a.ts first.', null, null, 'All three results are in.']);
  });

  it('reads an ancestor flagged by another converter version (its flag is not this converter\u2019s judgement)', async () => {
    const records = session(['I should read a.ts first.', undefined, undefined]);
    // Flagged false by an older converter, which may have read reasoning differently.
    await store.insertBatch([{ ...records[0]!, responseReasoning: false, converterVersion: records[0]!.converterVersion - 1 }, ...records.slice(1)]);
    const counted = countingGets(store);
    const exported = await exportAll(counted.store);
    expect(counted.reads).toEqual([records[0]!.id]);
    expect(thinkOf(exported[0]!.rows[0]!.row as ShareGptRow)[0]).toBe('I should read a.ts first.');
  });

  it('reads a shared early step once for every fork of the session (what was read is kept)', async () => {
    const base = session(['I should read a.ts first.', 'Now b.ts.', undefined]);
    // A fork: the same first two steps resent, then another final answer (a second leaf).
    const fork = recordExchange({
      format: 'openai-chat',
      seq: 20,
      request: JSON.parse(base[2]!.requestBody) as unknown,
      response: { id: 'fork', object: 'chat.completion', model: 'deepseek-reasoner', choices: [{ index: 0, message: { role: 'assistant', content: 'Two files are enough.', reasoning_content: 'Stop here.' }, finish_reason: 'stop' }] },
    });
    await store.insertBatch([...base, fork]);
    const counted = countingGets(store);
    const exported = await exportAll(counted.store);
    expect(exported.map((item) => item.record.id).sort()).toEqual([base[3]!.id, fork.id].sort());
    expect(counted.reads.sort()).toEqual([base[0]!.id, base[1]!.id].sort());
    // One thread, its links listed once for both leaves.
    expect(counted.threadsListed).toEqual([base[0]!.id]);
    for (const item of exported) expect(thinkOf(item.rows[0]!.row as ShareGptRow).slice(0, 2)).toEqual(['I should read a.ts first.', 'Now b.ts.']);
  });
});
