import { appendFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../log/create-logger.js';
import { openCaptureJournal, type JournaledBackend } from './capture-journal.js';
import type { RawExchange } from './process-exchange.js';

const logger = createLogger({ level: 'error', file: null, console: false });

function raw(index: number): RawExchange {
  return {
    startedAt: 1_750_000_000_000 + index,
    domain: 'api.example.com',
    method: 'POST',
    pathAndQuery: '/v1/chat/completions',
    requestBody: Buffer.from(`{"n":${index}}`),
    status: 200,
    responseContentType: 'application/json',
    responseContentEncoding: undefined,
    responseChunks: [Buffer.from('{"a":'), Buffer.from(`${index}}`)],
    responseTruncated: false,
    ttfbMs: 1,
    durationMs: 2,
    aborted: false,
    error: null,
  };
}

function backend(): JournaledBackend & { accepted: RawExchange[] } {
  const accepted: RawExchange[] = [];
  return { accepted, accept: (exchange) => accepted.push(exchange), flush: async () => {} };
}

describe('capture journal', () => {
  it('replays what a crashed run committed, with the same ids, ignoring an entry cut short', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    const first = backend();
    const journal = await openCaptureJournal(first, { dir, logger, groupCommitMs: 1, segmentMs: 60_000 });
    for (let index = 0; index < 3; index++) journal.accept(raw(index));
    await new Promise((resolve) => setTimeout(resolve, 100)); // committed, never closed: a crash
    expect(journal.stats().committed).toBe(3);
    const [segment] = readdirSync(dir);
    appendFileSync(join(dir, segment!), Buffer.from([0, 0, 0, 50, 0, 0, 0, 1])); // a half-written entry

    const second = backend();
    const replayed = await openCaptureJournal(second, { dir, logger, segmentMs: 60_000 });
    expect(second.accepted.map((exchange) => exchange.id)).toEqual(first.accepted.map((exchange) => exchange.id));
    expect(second.accepted.map((exchange) => Buffer.concat(exchange.responseChunks).toString())).toEqual(['{"a":0}', '{"a":1}', '{"a":2}']);
    expect(second.accepted[1]!.requestBody.toString()).toBe('{"n":1}');
    expect(readdirSync(dir)).toHaveLength(1); // the replayed segment is gone; the new one is open
    await replayed.close();
  });

  it('deletes a segment once it is closed and the backend has flushed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    let flushes = 0;
    const journal = await openCaptureJournal({ accept: () => {}, flush: async () => void flushes++ }, { dir, logger, groupCommitMs: 1, segmentMs: 50 });
    journal.accept(raw(0));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(flushes).toBeGreaterThan(0);
    expect(readdirSync(dir)).toHaveLength(1); // only the current (new) segment
    await journal.close();
  });
});
