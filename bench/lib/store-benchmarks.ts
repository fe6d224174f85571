// In-process store benchmarks: the batch writer alone, and bytes stored per exchange for an agent
// session that resends its whole history on every call.
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { processExchange } from '../../src/capture/process-exchange.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { makeTestRecords } from '../../src/store/test-records.js';
import { createBatchWriter } from '../../src/store/writer/batch-writer.js';

export async function writerThroughput(count: number): Promise<{ perSecond: number; count: number; avgRecordKb: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-writer-'));
  const store = openSqliteStore(join(dir, 'writer.db'));
  await store.migrate();
  const records = makeTestRecords(count);
  const bytes = records.reduce((sum, record) => sum + record.requestBody.length + record.responseBody.length, 0);
  const writer = createBatchWriter({ store, spoolPath: join(dir, 'spool.jsonl') });
  const started = performance.now();
  // Steady state: keep the queue under its bound so nothing overflows to the spool.
  for (const record of records) {
    writer.enqueue(record);
    if (writer.stats().queueDepth >= 5_000) await writer.flush();
  }
  await writer.flush();
  const seconds = (performance.now() - started) / 1000;
  await writer.close();
  const stored = await store.count();
  await store.close();
  if (stored !== count) throw new Error(`writer benchmark stored ${stored} of ${count}`);
  return { perSecond: count / seconds, count, avgRecordKb: bytes / count / 1024 };
}

/** A 30-call tool-using agent session; each call resends the whole history. */
export async function storagePerExchange(calls = 30): Promise<{ dbBytesPerExchange: number; rawBytesPerExchange: number; ratio: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-storage-'));
  const dbPath = join(dir, 'storage.db');
  const store = openSqliteStore(dbPath);
  await store.migrate();
  const baseline = fileBytes(dbPath);
  const tools = [{ type: 'function', function: { name: 'read_file', description: 'Reads a file of the repository.', parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } } }];
  const messages: unknown[] = [
    { role: 'system', content: 'You are a coding agent. Explore the repository with the tools, then answer.' },
    { role: 'user', content: 'Find where the retry backoff is configured and explain it.' },
  ];
  let raw = 0;
  for (let call = 0; call < calls; call++) {
    const final = call === calls - 1;
    const request = JSON.stringify({ model: 'gpt-4o-mini', messages, tools });
    const callId = `call_${String(call).padStart(4, '0')}`;
    const message = final
      ? { role: 'assistant', content: 'The backoff doubles from retry_backoff_ms on each connect retry. '.repeat(8) }
      : { role: 'assistant', content: null, tool_calls: [{ id: callId, type: 'function', function: { name: 'read_file', arguments: JSON.stringify({ path: `src/module-${call}.ts` }) } }] };
    const response = JSON.stringify({
      id: `chatcmpl-${call}`,
      object: 'chat.completion',
      created: 1_764_000_000 + call,
      model: 'gpt-4o-mini',
      choices: [{ index: 0, message, finish_reason: final ? 'stop' : 'tool_calls' }],
      usage: { prompt_tokens: 100 * (call + 1), completion_tokens: 20, total_tokens: 100 * (call + 1) + 20 },
    });
    raw += request.length + response.length;
    const record = processExchange({
      startedAt: 1_764_000_000_000 + call,
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
    }, `01BENCH${String(call).padStart(19, '0')}`);
    await store.insertBatch([record]);
    messages.push(message);
    if (!final) messages.push({ role: 'tool', tool_call_id: callId, content: `// file src/module-${call}.ts\n${'export const value = 1; // some source code line\n'.repeat(40)}` });
  }
  await store.close();
  const checkpoint = new Database(dbPath);
  checkpoint.pragma('wal_checkpoint(TRUNCATE)');
  checkpoint.exec('VACUUM');
  checkpoint.close();
  const stored = fileBytes(dbPath) - baseline;
  return { dbBytesPerExchange: stored / calls, rawBytesPerExchange: raw / calls, ratio: stored / raw };
}

function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
