import { appendFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
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
    // Replayed by the catch-up loop once the proxy serves, not before.
    await waitFor(() => second.accepted.length === 3 && readdirSync(dir).length === 1);
    expect(second.accepted.map((exchange) => exchange.id)).toEqual(first.accepted.map((exchange) => exchange.id));
    expect(second.accepted.map((exchange) => Buffer.concat(exchange.responseChunks).toString())).toEqual(['{"a":0}', '{"a":1}', '{"a":2}']);
    expect(second.accepted[1]!.requestBody.toString()).toBe('{"n":1}');
    expect(readdirSync(dir)).toHaveLength(1); // the replayed segment is gone; the new one is open
    await replayed.close(async () => {});
  });

  it('deletes a segment once it is closed and the backend has flushed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    let flushes = 0;
    const journal = await openCaptureJournal({ accept: () => {}, flush: async () => void flushes++ }, { dir, logger, groupCommitMs: 1, segmentMs: 50 });
    journal.accept(raw(0));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(flushes).toBeGreaterThan(0);
    expect(readdirSync(dir)).toHaveLength(1); // only the current (new) segment
    await journal.close(async () => {});
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(5);
  }
}

/** A recording side that is behind until told otherwise: its backlog is whatever the test sets. */
function slowBackend(): JournaledBackend & { accepted: RawExchange[]; backlog: number; flushes: number } {
  const state = {
    accepted: [] as RawExchange[],
    backlog: 0,
    flushes: 0,
    accept: (exchange: RawExchange) => void state.accepted.push(exchange),
    flush: async () => void state.flushes++,
    backlogBytes: () => state.backlog,
  };
  return state;
}

describe('capture journal, when the recording side is behind', () => {
  const highWater = 1_000;

  it('defers new exchanges to disk above the high-water mark and hands them over, in order, once the backlog fell', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    const side = slowBackend();
    const journal = await openCaptureJournal(side, { dir, logger, groupCommitMs: 1, segmentMs: 60_000, backlogHighWaterBytes: highWater });
    journal.accept(raw(0));
    expect(side.accepted).toHaveLength(1); // keeping up: handed over at once

    side.backlog = highWater + 1;
    for (let index = 1; index <= 20; index++) journal.accept(raw(index));
    await sleep(100);
    expect(side.accepted).toHaveLength(1); // behind: nothing more in memory, all of it on disk
    expect(journal.stats()).toMatchObject({ deferred: 20, behind: true });

    side.backlog = highWater / 4 + 1; // still above the low-water mark: keeps waiting
    await sleep(100);
    expect(side.accepted).toHaveLength(1);

    side.backlog = 0;
    await waitFor(() => side.accepted.length === 21 && !journal.stats().behind);
    expect(side.accepted.map((exchange) => exchange.requestBody.toString())).toEqual(Array.from({ length: 21 }, (_, index) => `{"n":${index}}`));
    expect(side.accepted.slice(1).map((exchange) => Buffer.concat(exchange.responseChunks).toString())).toEqual(Array.from({ length: 20 }, (_, index) => `{"a":${index + 1}}`));

    journal.accept(raw(21)); // caught up: straight to the backend again
    expect(side.accepted).toHaveLength(22);
    await waitFor(() => readdirSync(dir).length === 1); // replayed segments deleted once flushed
    await journal.close(async () => {});
    expect(readdirSync(dir)).toHaveLength(0);
  });

  it('closing while behind leaves the deferred exchanges on disk; the next start records each exactly once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    const side = slowBackend();
    side.backlog = highWater + 1;
    const journal = await openCaptureJournal(side, { dir, logger, groupCommitMs: 1, segmentMs: 60_000, backlogHighWaterBytes: highWater });
    for (let index = 0; index < 10; index++) journal.accept(raw(index));
    const ids = new Set<string>();
    let drained = false;
    const { leftInJournal } = await journal.close(async () => {
      drained = true;
    });
    expect(drained).toBe(true);
    expect(leftInJournal).toBe(10);
    expect(side.accepted).toHaveLength(0);
    expect(readdirSync(dir).length).toBeGreaterThan(0);

    const next = backend();
    const reopened = await openCaptureJournal(next, { dir, logger, groupCommitMs: 1, segmentMs: 60_000 });
    await waitFor(() => next.accepted.length === 10 && readdirSync(dir).length === 1);
    for (const exchange of next.accepted) ids.add(exchange.id!);
    expect(ids.size).toBe(10);
    expect(next.accepted.map((exchange) => exchange.requestBody.toString())).toEqual(Array.from({ length: 10 }, (_, index) => `{"n":${index}}`));
    await reopened.close(async () => {});
  });

  it('a deferred segment is cut at its size limit; each is recorded once at the next start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    const side = slowBackend();
    side.backlog = highWater + 1;
    const journal = await openCaptureJournal(side, { dir, logger, groupCommitMs: 1, segmentMs: 60_000, backlogHighWaterBytes: highWater, maxSegmentBytes: 200 });
    for (let index = 0; index < 12; index++) journal.accept(raw(index));
    await sleep(50);
    expect(readdirSync(dir).length).toBeGreaterThan(3); // ~100 bytes an entry: a segment every two
    await journal.close(async () => {});

    const next = backend();
    const reopened = await openCaptureJournal(next, { dir, logger, groupCommitMs: 1, segmentMs: 60_000 });
    await waitFor(() => next.accepted.length === 12);
    expect(new Set(next.accepted.map((exchange) => exchange.id)).size).toBe(12);
    await reopened.close(async () => {});
  });
});
