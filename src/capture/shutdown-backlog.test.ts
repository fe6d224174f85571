// A recording proxy that is behind when it is told to stop: the drain is bounded, the backlog is
// handed to the capture journal, one log line says so, and the next start stores every exchange
// exactly once. Real SQLite files and journal segments; the store is slowed or blocked by a wrapper
// around the real one (its insertBatch waits), as a locked or overloaded database would.
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import { openStore } from '../store/open-store.js';
import type { Recorder } from '../proxy/recorder.js';
import type { Store } from '../store/store.js';
import { openRecording } from './open-recording.js';

const COUNT = 40;

function capturingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

/** The real store with insertBatch delayed: `blockAfter` batches go through, later ones wait `delayMs` (Infinity: forever). */
function slowed(store: Store, blockAfter: number, delayMs: number): Store {
  let batches = 0;
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'insertBatch') {
        return async (records: Parameters<Store['insertBatch']>[0]) => {
          batches += 1;
          if (batches > blockAfter) await new Promise((resolve) => (Number.isFinite(delayMs) ? setTimeout(resolve, delayMs) : undefined));
          return target.insertBatch(records);
        };
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function record(recorder: Recorder, index: number): void {
  const handle = recorder.start({
    startedAt: 1_750_000_000_000 + index,
    domain: 'api.openai.com',
    method: 'POST',
    pathAndQuery: '/v1/chat/completions',
    requestBody: Buffer.from(JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `question ${index}` }] })),
    requestContentType: 'application/json',
  });
  handle.onResponseStart(200, { 'content-type': 'application/json' }, 1);
  handle.onChunk(Buffer.from(JSON.stringify({ id: `c${index}`, object: 'chat.completion', model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: `answer ${index}` }, finish_reason: 'stop' }] })));
  handle.onEnd({ durationMs: 2, aborted: false });
}

/** The question numbers of every stored record, sorted. */
async function storedQuestions(dbPath: string): Promise<number[]> {
  const store = await openStore(dbPath);
  try {
    const numbers: number[] = [];
    for await (const stored of store.iterate({}, 100)) {
      const body = JSON.parse(stored.requestBody.toString()) as { messages: Array<{ content: string }> };
      numbers.push(Number(/question (\d+)/.exec(body.messages[0]!.content)![1]));
    }
    return numbers.sort((a, b) => a - b);
  } finally {
    await store.close();
  }
}

async function recordAll(dbPath: string, journalDir: string, options: { blockAfter: number; delayMs: number; shutdownMs: number }) {
  const { logger, lines } = capturingLogger();
  const recording = await openRecording({
    dbPath,
    logger,
    inline: true,
    batchSize: 5,
    flushIntervalMs: 5,
    shutdownMs: options.shutdownMs,
    journal: { dir: journalDir, groupCommitMs: 1 },
    interceptStore: (store) => slowed(store, options.blockAfter, options.delayMs),
  });
  for (let index = 0; index < COUNT; index += 1) record(recording.recorder, index);
  await new Promise((resolve) => setTimeout(resolve, 100)); // the first batch is stored, the rest wait
  const started = performance.now();
  await recording.close();
  return { lines, closeMs: performance.now() - started };
}

describe('shutdown with a backlog', () => {
  it('hands what a blocked store did not take to the capture journal, says so, and the next start stores each exchange once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shutdown-backlog-'));
    const dbPath = join(dir, 'records.db');
    const journalDir = join(dir, 'journal');
    const { lines } = await recordAll(dbPath, journalDir, { blockAfter: 1, delayMs: Infinity, shutdownMs: 300 });

    const stopped = lines.filter((line) => typeof line['handedToJournal'] === 'number');
    expect(stopped).toHaveLength(1);
    expect(stopped[0]!['level']).toBe(40); // warn
    expect(stopped[0]!['handedToJournal']).toBeGreaterThan(0);
    expect((stopped[0]!['drained'] as number) + (stopped[0]!['handedToJournal'] as number)).toBe(COUNT);
    expect(typeof stopped[0]!['ms']).toBe('number');
    // The journal kept its segments; only the first batch reached the database.
    expect(readdirSync(journalDir).filter((name) => name.endsWith('.log')).length).toBeGreaterThan(0);
    const before = (await storedQuestions(dbPath)).length;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(COUNT);

    // The next start replays the journal (in the background, once it serves): every exchange
    // once, the first batch not twice.
    const { logger } = capturingLogger();
    const restarted = await openRecording({ dbPath, logger, inline: true, journal: { dir: journalDir, groupCommitMs: 1 } });
    const until = Date.now() + 10_000;
    while ((await restarted.health()).recording_behind === true && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
    await restarted.close();
    expect(await storedQuestions(dbPath)).toEqual(Array.from({ length: COUNT }, (_, index) => index));
    expect(readdirSync(journalDir).filter((name) => name.endsWith('.log'))).toEqual([]);
  });

  it('drains a slow store that finishes in time, and clears the journal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shutdown-backlog-'));
    const dbPath = join(dir, 'records.db');
    const journalDir = join(dir, 'journal');
    const { lines } = await recordAll(dbPath, journalDir, { blockAfter: 1, delayMs: 20, shutdownMs: 10_000 });

    const stopped = lines.filter((line) => typeof line['handedToJournal'] === 'number');
    expect(stopped).toHaveLength(1);
    expect(stopped[0]).toMatchObject({ level: 30, handedToJournal: 0 });
    expect(stopped[0]!['drained']).toBeGreaterThan(0);
    expect(existsSync(journalDir) ? readdirSync(journalDir).filter((name) => name.endsWith('.log')) : []).toEqual([]);
    expect(await storedQuestions(dbPath)).toEqual(Array.from({ length: COUNT }, (_, index) => index));
  });
});
