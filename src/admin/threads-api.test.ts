// The thread and exportability endpoints over real HTTP against a real SQLite file, with records
// built the way the proxy records them (real thread keys): one row per thread, its exported record
// and steps with branches, per-record verdicts with the export's reason codes, the exportable
// filter, the export preview, and the refusals (unknown parameters, edits the export would drop).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestAdmin, type TestAdmin } from '../../test/helpers/start-admin.js';
import { threadRecords } from '../../test/helpers/thread-records.js';
import type { ApiErrorBody, ExchangeDetail, ExportPreview, ListResponse, ThreadDetail, ThreadListResponse } from './api-types.js';

const records = threadRecords();
const id = (label: string): string => records.find((record) => record.label === label)!.id;

async function json<T>(response: Response | Promise<Response>): Promise<T> {
  return (await (await response).json()) as T;
}

describe('threads and export verdicts', () => {
  let admin: TestAdmin;

  beforeEach(async () => {
    admin = await startTestAdmin({ records });
  });

  afterEach(async () => {
    await admin.close();
  });

  it('links the recorded session into one thread', async () => {
    const stored = await admin.store.get(id('step-3b'));
    expect(stored?.threadId).toBe(id('step-1'));
    expect(stored?.parentId).toBe(id('step-2'));
    expect((await admin.store.get(id('step-3')))?.parentId).toBe(id('step-2'));
  });

  it('lists one row per thread, headed by the record the export keeps', async () => {
    const page = await json<ThreadListResponse>(admin.api('/api/threads'));
    expect(page.total).toBe(4);
    expect(page.items.map((item) => item.threadId)).toEqual([id('error'), id('length'), id('haiku'), id('step-1')]);
    const session = page.items[3]!;
    expect(session).toMatchObject({ steps: 4, leaves: 2, models: ['gpt-4.1'], domains: ['api.openai.com'] });
    expect(session.firstAt).toBe(records[0]!.startedAt);
    expect(session.lastAt).toBe(records[3]!.startedAt);
    // Equal turns: the newer leaf, as export/select-records.ts picks it.
    expect(session.head.id).toBe(id('step-3b'));
    expect(session.head.export.exportable).toBe(true);
    // What reviewing the thread reviews: every leaf the export keeps, with its state.
    expect(session.exported).toEqual([
      { id: id('step-3'), reviewState: 'pending', reviewedAt: null },
      { id: id('step-3b'), reviewState: 'pending', reviewedAt: null },
    ]);
    expect(page.items[0]!.exported.map((ref) => ref.id)).toEqual([id('error')]);
  });

  it('pages threads with a cursor, each thread once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 10; pages += 1) {
      const page: ThreadListResponse = await json<ThreadListResponse>(admin.api(`/api/threads?limit=1${cursor ? `&cursor=${cursor}` : ''}`));
      seen.push(...page.items.map((item) => item.threadId));
      cursor = page.nextCursor;
      if (cursor === null) break;
    }
    expect(seen).toEqual([id('error'), id('length'), id('haiku'), id('step-1')]);
    const asc = await json<ThreadListResponse>(admin.api('/api/threads?order=asc&limit=2'));
    expect(asc.items.map((item) => item.threadId)).toEqual([id('step-1'), id('haiku')]);
    const next = await json<ThreadListResponse>(admin.api(`/api/threads?order=asc&limit=2&cursor=${asc.nextCursor}`));
    expect(next.items.map((item) => item.threadId)).toEqual([id('length'), id('error')]);
  });

  it('shows a thread as its trajectory: timing, tokens, where each request continued, the branch', async () => {
    const thread = await json<ThreadDetail>(admin.api(`/api/threads/${id('step-1')}`));
    expect(thread.exportedId).toBe(id('step-3b'));
    expect(thread.leaves).toBe(2);
    expect(thread.steps.map((step) => step.id)).toEqual([id('step-1'), id('step-2'), id('step-3'), id('step-3b')]);
    expect(thread.steps.map((step) => step.continues)).toEqual([null, 0, 1, 1]);
    expect(thread.steps.map((step) => step.leaf)).toEqual([false, false, true, true]);
    // The export keeps both ends of the branch (export/select-records.ts): both are marked exported.
    expect(thread.steps.map((step) => step.exported)).toEqual([false, false, true, true]);
    expect(thread.exported.map((ref) => ref.id)).toEqual([id('step-3'), id('step-3b')]);
    expect(thread.steps.map((step) => step.newTurns)).toEqual([2, 2, 2, 2]);
    expect(thread.steps[1]!.usage).toMatchObject({ inputTokens: 52, outputTokens: 12 });
    expect(typeof thread.steps[1]!.durationMs).toBe('number');
    // A function-call-only first step is a valid row on its own.
    expect(thread.steps[0]!.export.exportable).toBe(true);
    expect((await admin.api('/api/threads/nope')).status).toBe(404);
  });

  it('says per record whether it exports and why not, with the export reason codes', async () => {
    const page = await json<ListResponse>(admin.api('/api/exchanges'));
    const verdict = (label: string) => page.items.find((item) => item.id === id(label))!.export;
    expect(verdict('haiku')).toMatchObject({ exportable: true, reasons: [] });
    expect(verdict('length').exportable).toBe(false);
    expect(verdict('length').reasons.map((reason) => reason.code)).toEqual(['finish-length']);
    // Lists judge the ShareGPT row (the cost of a page); the single record every format.
    expect(Object.keys(verdict('length').formats)).toEqual(['sharegpt']);
    const detail = await json<ExchangeDetail>(admin.api(`/api/exchanges/${id('length')}`));
    expect(detail.export.formats['openai-ft']?.reasons.map((reason) => reason.code)).toEqual(['finish-length']);
    expect(detail.export.formats['openai-messages']?.valid).toBe(false);
    expect(verdict('error').reasons[0]?.code).toBe('exchange-error');
  });

  it('filters by exportable in both lists', async () => {
    const dropped = await json<ListResponse>(admin.api('/api/exchanges?exportable=false'));
    expect(dropped.items.map((item) => item.id)).toEqual([id('error'), id('length')]);
    expect(dropped.total).toBeNull();
    const kept = await json<ListResponse>(admin.api('/api/exchanges?exportable=true&limit=2'));
    expect(kept.items.map((item) => item.id)).toEqual([id('haiku'), id('step-3b')]);
    const threads = await json<ThreadListResponse>(admin.api('/api/threads?exportable=false'));
    expect(threads.items.map((item) => item.threadId)).toEqual([id('error'), id('length')]);
  });

  it('returns edited, preview, the verdict and the finish reason with a single record', async () => {
    const detail = await json<ExchangeDetail>(admin.api(`/api/exchanges/${id('length')}`));
    expect(detail).toMatchObject({ edited: false, preview: 'List every prime below one million.', finishReason: 'length' });
    expect(detail.export.reasons[0]?.code).toBe('finish-length');
    await admin.api(`/api/exchanges/${id('length')}/sharegpt`, {
      method: 'PUT',
      body: { sharegpt: { conversations: [{ from: 'human', value: 'List every prime below 20.' }, { from: 'gpt', value: '2, 3, 5, 7, 11, 13, 17, 19' }], system: '', tools: '', images: [] } },
    });
    const edited = await json<ExchangeDetail>(admin.api(`/api/exchanges/${id('length')}`));
    expect(edited.edited).toBe(true);
    // The reviewer's edit is what the export writes: the token-limit cut no longer applies.
    expect(edited.export).toMatchObject({ exportable: true, reasons: [] });
    expect(edited.export.formats['openai-ft']?.valid).toBe(true);
  });

  it('refuses an edit that breaks a tool call, naming the reason', async () => {
    const detail = await json<ExchangeDetail>(admin.api(`/api/exchanges/${id('step-1')}`));
    const row = detail.sharegpt!;
    const broken = { ...row, conversations: row.conversations.map((turn) => (turn.from === 'function_call' ? { ...turn, value: '{"name":"get_weather","arguments":{"city":' } : turn)) };
    const response = await admin.api(`/api/exchanges/${id('step-1')}/sharegpt`, { method: 'PUT', body: { sharegpt: broken } });
    expect(response.status).toBe(400);
    const error = ((await response.json()) as ApiErrorBody).error;
    expect(error.message).toContain('function-call-not-json');
    expect((await admin.store.get(id('step-1')))?.editedSharegpt).toBeNull();
  });

  it('refuses unknown query parameters, naming them', async () => {
    for (const path of ['/api/export?stat=confirmed&format=sharegpt', '/api/exchanges?stat=confirmed', '/api/threads?foo=1', '/api/stats?bucketz=1', '/api/facets?x=1', `/api/exchanges/${id('haiku')}?y=2`]) {
      const response = await admin.api(path);
      expect(response.status, path).toBe(400);
      const message = ((await response.json()) as ApiErrorBody).error.message;
      expect(message).toMatch(/unknown query parameter "(stat|foo|bucketz|x|y)"/u);
    }
  });

  it('names the field of a bad review state', async () => {
    const response = await admin.api(`/api/exchanges/${id('haiku')}/review`, { body: { state: 'approved' } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ApiErrorBody).error.message).toContain('state');
  });

  it('exports confirmed records by default, as the CLI, and previews what it leaves out and why', async () => {
    const download = async (query: string) => (await (await admin.api(`/api/export?format=sharegpt${query}`)).text()).trim().split('\n').filter((line) => line !== '');
    expect(await download('')).toEqual([]);
    await admin.api('/api/review', { body: { state: 'confirmed', ids: [id('haiku'), id('length'), id('step-3b')] } });
    expect(await download('')).toHaveLength(2);
    expect(await download('&status=all&threads=all')).toHaveLength(5);
    const preview = await json<ExportPreview>(admin.api('/api/export/preview?format=sharegpt'));
    expect(preview).toMatchObject({ status: 'confirmed', records: 3, rows: 2, threadsCollapsed: 0, otherStates: 4 });
    expect(preview.dropped).toEqual([{ code: 'finish-length', count: 1, description: expect.stringContaining('token limit'), ids: [id('length')] }]);
    const all = await json<ExportPreview>(admin.api('/api/export/preview?format=sharegpt&status=all'));
    // Both leaves of the branched session, the haiku, the cut-off list and the error; the session's two inner steps collapsed.
    expect(all).toMatchObject({ records: 5, threadsCollapsed: 2, otherStates: 0 });
  });

  it('stores a note, tags and a rating, returns them in the list and detail, and filters by tag', async () => {
    const path = `/api/exchanges/${id('haiku')}/annotation`;
    const saved = await admin.api(path, { method: 'PUT', body: { annotation: { note: 'Lovely.', tags: ['poetry', 'good-tone'], rating: 5 } } });
    expect(saved.status).toBe(200);
    expect((await json<{ annotation: unknown }>(saved)).annotation).toMatchObject({ note: 'Lovely.', tags: ['poetry', 'good-tone'], rating: 5 });
    const detail = await json<ExchangeDetail>(admin.api(`/api/exchanges/${id('haiku')}`));
    expect(detail.annotation).toMatchObject({ tags: ['poetry', 'good-tone'], rating: 5 });
    const tagged = await json<ListResponse>(admin.api('/api/exchanges?tag=poetry'));
    expect(tagged.items.map((item) => item.id)).toEqual([id('haiku')]);
    expect(tagged.items[0]!.annotation?.note).toBe('Lovely.');
    expect((await json<ThreadListResponse>(admin.api('/api/threads?tag=good-tone'))).items.map((item) => item.threadId)).toEqual([id('haiku')]);
    expect((await admin.api(path, { method: 'PUT', body: { annotation: { note: '', tags: [], rating: 9 } } })).status).toBe(400);
    expect((await admin.api('/api/exchanges/nope/annotation', { method: 'PUT', body: { annotation: null } })).status).toBe(404);
    await admin.api(path, { method: 'PUT', body: { annotation: null } });
    expect((await json<ExchangeDetail>(admin.api(`/api/exchanges/${id('haiku')}`))).annotation).toBeNull();
  });
});
