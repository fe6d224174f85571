// Bodies stored against their parent (record-bodies.ts), through each backend's real store
// (STORE_BACKENDS=sqlite,postgres): every record reads back byte for byte, whatever the thread
// shape, after deletes of bases, and through a second instance with cold caches; and the records
// of a 30-call agent session (metadata and bodies) take at most a twentieth of its raw bytes.
// The search index is not counted: each record indexes its whole conversation, so it still grows
// with the square of a session's length (the README's Performance section gives the figure).
import { keepsShareGptRow } from '../capture/derive-stored.js';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processExchange } from '../capture/process-exchange.js';
import { postgresBinDir } from '../../test/helpers/postgres-cluster.js';
import { createTestDatabase } from '../../test/helpers/postgres-test-database.js';
import { selectedBackends } from '../../test/helpers/store-backends-env.js';
import type { ExchangeRecord } from './exchange-record.js';
import { openStore } from './open-store.js';
import type { Store } from './store.js';
import { makeTestRecord } from './test-records.js';

const SRC = fileURLToPath(new URL('../', import.meta.url));
/** Real source files for the agent session's tool results: a pinned dependency's (package-lock.json), so the figure does not move as this repository changes. */
const TOOL_RESULT_SOURCES = fileURLToPath(new URL('../../node_modules/undici/lib/', import.meta.url));

/** Every file under a `__fixtures__` folder of src/ (recorded wire bodies, streams, conversations). */
function repositoryFixtures(): Array<{ name: string; text: string }> {
  const out: Array<{ name: string; text: string }> = [];
  const walk = (dir: string, inFixtures: boolean): void => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path, inFixtures || entry === '__fixtures__');
      else if (inFixtures) out.push({ name: path.slice(SRC.length), text: readFileSync(path, 'utf8') });
    }
  };
  walk(SRC, false);
  return out;
}

/** xorshift32: the same sequence on every run. */
function seeded(seed: number): () => number {
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

/** A thread of records: each request is its parent's with something added (or changed), linked by thread keys. */
function threadOf(prefix: string, bodies: Array<{ request: string; response: string }>, firstSeq: number): ExchangeRecord[] {
  return bodies.map((body, index) =>
    makeTestRecord(
      { seq: firstSeq + index, parentKey: index === 0 ? null : `${prefix}-${index - 1}`, selfKey: `${prefix}-${index}` },
      { requestBody: body.request, responseBody: body.response, requestIsJson: false },
    ),
  );
}

async function expectExact(store: Store, records: readonly ExchangeRecord[]): Promise<void> {
  const byId = new Map<string, ExchangeRecord>();
  for (const record of records) byId.set(record.id, record);
  for (const record of records) {
    const stored = await store.get(record.id);
    expect(stored?.requestBody, record.id).toBe(record.requestBody);
    expect(stored?.responseBody, record.id).toBe(record.responseBody);
    // The derived row is kept only from another converter version (capture/derive-stored.ts).
    expect(stored?.sharegpt, record.id).toEqual(keepsShareGptRow(record.converterVersion) ? record.sharegpt : null);
  }
  let seen = 0;
  for await (const stored of store.iterate({}, 7)) {
    const record = byId.get(stored.id);
    if (record === undefined) continue;
    seen += 1;
    expect(stored.requestBody).toBe(record.requestBody);
    expect(stored.responseBody).toBe(record.responseBody);
    expect(stored.sharegpt).toEqual(keepsShareGptRow(record.converterVersion) ? record.sharegpt : null);
  }
  expect(seen).toBe(byId.size);
}

/** Real JavaScript source files, in a fixed order: what a coding agent's read_file returns. */
function sourceFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) {
        if (entry !== '__fixtures__') walk(path);
      } else if (entry.endsWith('.js')) out.push(readFileSync(path, 'utf8'));
    }
  };
  walk(TOOL_RESULT_SOURCES);
  return out.filter((text) => text.length > 1_000 && text.length < 12_000);
}

/**
 * A 30-call tool-using coding-agent session as processExchange records it: each call resends the
 * whole history, each tool result is a source file of this repository.
 */
function agentSession(calls: number): { records: ExchangeRecord[]; rawBytes: number } {
  const random = seeded(30);
  const files = sourceFiles();
  const words = 'retry backoff timeout socket buffer stream parser token cache index query schema migration request response header body status error handler module function return value config option thread session record export'.split(' ');
  const line = (): string => Array.from({ length: 6 + Math.floor(random() * 8) }, () => words[Math.floor(random() * words.length)]).join(' ');
  const tools = [{ type: 'function', function: { name: 'read_file', description: 'Reads a file of the repository.', parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } } }];
  const messages: unknown[] = [
    { role: 'system', content: 'You are a coding agent. Explore the repository with the tools, then answer. Keep answers short and cite the files you read.' },
    { role: 'user', content: 'Find where the retry backoff is configured and explain it.' },
  ];
  const records: ExchangeRecord[] = [];
  let rawBytes = 0;
  for (let call = 0; call < calls; call++) {
    const final = call === calls - 1;
    const request = JSON.stringify({ model: 'gpt-4o-mini', messages, tools });
    const callId = `call_${String(call).padStart(4, '0')}`;
    const message = final
      ? { role: 'assistant', content: `The backoff doubles on each retry. ${line()} ${line()}` }
      : { role: 'assistant', content: null, tool_calls: [{ id: callId, type: 'function', function: { name: 'read_file', arguments: JSON.stringify({ path: `src/module-${call}.ts` }) } }] };
    const response = JSON.stringify({
      id: `chatcmpl-${call}`,
      object: 'chat.completion',
      created: 1_764_000_000 + call,
      model: 'gpt-4o-mini',
      choices: [{ index: 0, message, finish_reason: final ? 'stop' : 'tool_calls' }],
      usage: { prompt_tokens: 100 * (call + 1), completion_tokens: 20, total_tokens: 100 * (call + 1) + 20 },
    });
    rawBytes += Buffer.byteLength(request) + Buffer.byteLength(response);
    records.push(
      processExchange(
        {
          startedAt: 1_764_000_000_000 + call * 1_000,
          domain: 'api.openai.com',
          method: 'POST',
          pathAndQuery: '/v1/chat/completions',
          requestBody: Buffer.from(request),
          status: 200,
          responseContentType: 'application/json',
          responseContentEncoding: undefined,
          responseChunks: [Buffer.from(response)],
          responseTruncated: false,
          ttfbMs: 1,
          durationMs: 2,
          aborted: false,
          error: null,
        },
        `01SESSION${String(call).padStart(17, '0')}`,
      ),
    );
    messages.push(message);
    if (!final) {
      const file = files[(call * 7) % files.length]!;
      messages.push({ role: 'tool', tool_call_id: callId, content: `// src/module-${call}.ts\n${file}` });
    }
  }
  return { records, rawBytes };
}

interface Backend {
  name: string;
  /** A store over a fresh, empty database; the same database again when `again` is set (a second instance). */
  open(again?: boolean): Promise<Store>;
  /** Bytes the stored records' rows take in `exchanges` and `exchange_bodies`, as stored (the search index apart). */
  storedBytes(): Promise<number>;
}

const backends: Backend[] = [];
for (const name of selectedBackends(postgresBinDir() !== null)) {
  if (name === 'sqlite') {
    const root = mkdtempSync(join(tmpdir(), 'stored-bodies-'));
    afterAll(() => rmSync(root, { recursive: true, force: true }));
    let counter = 0;
    let path = '';
    backends.push({
      name,
      open: async (again) => {
        if (again !== true) path = join(root, `run-${(counter += 1)}`, 'proxy.db');
        return openStore(path);
      },
      storedBytes: async () => {
        // dbstat's payload: the bytes of the rows (overflow pages included), not whole pages (16 KB
        // each, which a 30-record database would mostly leave empty).
        const db = new Database(path, { readonly: true });
        try {
          return db.prepare<[], number>("SELECT SUM(payload) FROM dbstat WHERE name IN ('exchanges', 'exchange_bodies')").pluck().get() ?? 0;
        } finally {
          db.close();
        }
      },
    });
  } else {
    let url = '';
    beforeAll(async () => {
      url = await createTestDatabase('bodies');
    });
    backends.push({
      name,
      open: async (again) => {
        const store = await openStore(url, { postgres: { poolSize: 2 } });
        if (again !== true) {
          const client = new pg.Client({ connectionString: url });
          await client.connect();
          await client.query('TRUNCATE exchanges CASCADE');
          await client.end();
        }
        return store;
      },
      storedBytes: async () => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          // Each row as stored (bodies are compressed by the store and kept as they are by PostgreSQL:
          // STORAGE EXTERNAL), less the search vector (the index's input).
          const result = await client.query<{ bytes: string }>(
            `SELECT (SELECT COALESCE(SUM(pg_column_size(e.*) - pg_column_size(e.search_vector)), 0) FROM exchanges AS e)
              + (SELECT COALESCE(SUM(pg_column_size(b.*)), 0) FROM exchange_bodies AS b) AS bytes`,
          );
          return Number(result.rows[0]!.bytes);
        } finally {
          await client.end();
        }
      },
    });
  }
}

for (const backend of backends) {
  describe(`stored bodies: ${backend.name}`, () => {
    it('reads back every fixture of the repository byte for byte, stored as one growing thread', async () => {
      const fixtures = repositoryFixtures();
      expect(fixtures.length).toBeGreaterThan(20);
      let history = '';
      const bodies = fixtures.map((fixture, index) => {
        history += `\n${fixture.text}`;
        return { request: history, response: fixtures[(index + 1) % fixtures.length]!.text };
      });
      // Also each fixture alone, as a request whose parent is the previous fixture (unrelated bodies: keyframes).
      const alone = fixtures.map((fixture, index) => ({ request: fixture.text, response: fixture.name }));
      const records = [...threadOf('grow', bodies, 0), ...threadOf('alone', alone, 10_000)];
      const store = await backend.open();
      try {
        for (let start = 0; start < records.length; start += 13) await store.insertBatch(records.slice(start, start + 13));
        await expectExact(store, records);
      } finally {
        await store.close();
      }
      // A second instance, with nothing cached, reads the same.
      const other = await backend.open(true);
      try {
        await expectExact(other, records);
      } finally {
        await other.close();
      }
    });

    it('reads back interleaved random sessions exactly, written in batches of every size', async () => {
      const random = seeded(11);
      const sessions = Array.from({ length: 5 }, () => ({ text: `{"messages":["${'é请🐘 start '.repeat(40)}`, calls: 0 }));
      const records: ExchangeRecord[] = [];
      for (let seq = 0; seq < 120; seq++) {
        const slot = Math.floor(random() * sessions.length);
        const session = sessions[slot]!;
        const edit = random();
        if (edit < 0.7) session.text += `,"turn ${seq} ${'word '.repeat(Math.floor(random() * 80))}é"`;
        else if (edit < 0.85) session.text = session.text.replace('start', `changed ${seq}`);
        else session.text = `{"messages":["fresh ${seq} ${'x'.repeat(300)}"`;
        const request = `${session.text}]}`;
        records.push(
          makeTestRecord(
            { seq, parentKey: session.calls === 0 ? null : `s${slot}-${session.calls - 1}`, selfKey: `s${slot}-${session.calls}` },
            { requestBody: request, responseBody: `{"answer":"${seq} ${'ok '.repeat(Math.floor(random() * 200))}"}` },
          ),
        );
        session.calls += 1;
      }
      const store = await backend.open();
      try {
        for (let start = 0; start < records.length; ) {
          const size = 1 + Math.floor(random() * 25);
          await store.insertBatch(records.slice(start, start + size));
          start += size;
        }
        await expectExact(store, records);
      } finally {
        await store.close();
      }
      const other = await backend.open(true);
      try {
        await expectExact(other, records);
      } finally {
        await other.close();
      }
    });

    it('keeps every record readable when bases are deleted, by id, by filter, or by another instance', async () => {
      const base = 'history '.repeat(500);
      const bodies = Array.from({ length: 24 }, (_, index) => ({
        request: base + Array.from({ length: index + 1 }, (__, turn) => ` turn ${turn}`).join(''),
        response: `answer ${index}`,
      }));
      const records = threadOf('del', bodies, 0);
      const writer = await backend.open();
      const deleter = await backend.open(true);
      try {
        await writer.insertBatch(records.slice(0, 20));
        // A base in the middle of the chain, then every third one up to 12 by filter (the test
        // records' models cycle by sequence), then the keyframe.
        expect(await writer.delete([records[5]!.id])).toBe(1);
        expect(await writer.deleteWhere({ models: [records[1]!.model!], throughId: records[12]!.id })).toBe(4);
        expect(await writer.delete([records[0]!.id])).toBe(1);
        // The writer still has record 19 cached as the base of record 20; another instance deletes it.
        expect(await deleter.delete([records[19]!.id])).toBe(1);
        await writer.insertBatch(records.slice(20));
        const kept = records.filter((_, index) => ![0, 1, 4, 5, 7, 10, 19].includes(index));
        expect((await writer.list({}, { limit: 100 })).items.map((item) => item.id).sort()).toEqual(kept.map((record) => record.id).sort());
        await expectExact(deleter, kept);
        await expectExact(writer, kept);
      } finally {
        await writer.close();
        await deleter.close();
      }
    });

    it('stores the records of a 30-call agent session in at most a twentieth of its raw request and response bytes', async () => {
      const { records, rawBytes } = agentSession(30);
      const store = await backend.open();
      try {
        for (const record of records) await store.insertBatch([record]);
        await expectExact(store, records);
      } finally {
        await store.close();
      }
      const stored = await backend.storedBytes();
      expect(rawBytes).toBeGreaterThan(1_000_000);
      expect(stored).toBeGreaterThan(0);
      expect(stored).toBeLessThanOrEqual(rawBytes / 20);
    });
  });
}
