// The admin API over real HTTP on loopback, against a real SQLite file: every endpoint, and the
// refusals (authentication, CSRF, cross-site, DNS rebinding, bad input).
import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reviewRecords } from '../../test/helpers/review-records.js';
import { startTestAdmin, type TestAdmin } from '../../test/helpers/start-admin.js';
import type { ExchangeRecord } from '../capture/exchange.js';
import { AdminConfigError } from './admin-error.js';
import { startAdminServer } from './admin-server.js';
import type {
  ApiErrorBody,
  ChangedResponse,
  DeletedResponse,
  ExchangeDetail,
  FacetsResponse,
  ListResponse,
  SessionResponse,
  StatsResponse,
} from './api-types.js';
import { createLogger } from '../log/create-logger.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';

const NOW = Date.UTC(2025, 5, 3, 12, 0, 0);
const records = reviewRecords();
const byLabel = (label: string): ExchangeRecord & { label: string } => records.find((record) => record.label === label)!;
const newestFirst = (labels: string[]): string[] =>
  labels.map((label) => byLabel(label).id).sort().reverse();

async function json<T>(response: Response | Promise<Response>): Promise<T> {
  return (await (await response).json()) as T;
}

/** A raw request with exactly the headers given (fetch adds its own, e.g. sec-fetch-mode). */
function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

describe('admin API (no token, loopback)', () => {
  let admin: TestAdmin;

  beforeEach(async () => {
    admin = await startTestAdmin({ records, now: () => NOW });
  });

  afterEach(async () => {
    await admin.close();
  });

  describe('GET /api/session', () => {
    it('says the API is usable without a token', async () => {
      const session = await json<SessionResponse>(admin.api('/api/session'));
      expect(session).toMatchObject({ authenticated: true, tokenRequired: false });
      expect(session.version).toMatch(/^\d+\.\d+\.\d+/);
    });
  });

  describe('GET /api/exchanges', () => {
    const ids = async (query: string): Promise<string[]> =>
      (await json<ListResponse>(admin.api(`/api/exchanges${query}`))).items.map((item) => item.id);

    it('lists summaries newest first with the total, without bodies', async () => {
      const response = await admin.api('/api/exchanges');
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      const page = (await response.json()) as ListResponse;
      expect(page.total).toBe(records.length);
      expect(page.totalIsLowerBound).toBe(false);
      expect(page.newestId).toBe(records.map((record) => record.id).sort().reverse()[0]);
      expect(page.nextCursor).toBeNull();
      expect(page.items.map((item) => item.id)).toEqual(records.map((record) => record.id).sort().reverse());
      const toolLoop = page.items.find((item) => item.id === byLabel('tool-loop').id)!;
      expect(toolLoop).toMatchObject({
        model: 'claude-sonnet-4',
        domain: 'api.anthropic.com',
        reviewState: 'pending',
        preview: 'What is the weather and the local time in Paris right now?',
        turnCount: 4,
        hasTools: true,
        functionCallOnly: false,
        edited: false,
      });
      expect(toolLoop).not.toHaveProperty('requestBody');
    });

    it.each([
      ['state', '?state=pending', ['markdown', 'tool-loop', 'function-call-only', 'reasoning', 'image', 'error', 'embeddings', 'pasta']],
      ['model', '?model=gpt-4o-mini', ['function-call-only', 'pasta']],
      ['domain', '?domain=api.deepseek.com', ['reasoning']],
      ['apiKind', '?apiKind=embeddings', ['embeddings']],
      ['hasTools', '?hasTools=true', ['tool-loop', 'function-call-only']],
      ['functionCallOnly', '?functionCallOnly=true', ['function-call-only']],
      ['hasError', '?hasError=1', ['error']],
      ['full-text q', '?q=carbonara', ['pasta']],
      ['full-text prefix, several words', '?q=weath%20PARIS', ['tool-loop', 'function-call-only']],
      ['combined', '?model=gpt-4.1&hasError=false', ['markdown']],
      ['empty values ignored', '?model=&q=&state=', records.map((record) => record.label)],
    ])('filters by %s', async (_name, query, labels) => {
      expect(await ids(query)).toEqual(newestFirst(labels));
    });

    it('filters by a date range (since inclusive, until exclusive)', async () => {
      const since = byLabel('tool-loop').startedAt;
      const until = byLabel('image').startedAt;
      expect(await ids(`?since=${since}&until=${until}`)).toEqual(newestFirst(['tool-loop', 'function-call-only', 'reasoning']));
    });

    it('pages with a keyset cursor, newest first and oldest first', async () => {
      for (const order of ['desc', 'asc'] as const) {
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const page: ListResponse = await json<ListResponse>(
            admin.api(`/api/exchanges?limit=3&order=${order}${cursor === null ? '' : `&cursor=${cursor}`}`),
          );
          expect(page.total).toBe(pages === 0 ? records.length : null);
          seen.push(...page.items.map((item) => item.id));
          cursor = page.nextCursor;
          pages += 1;
        } while (cursor !== null);
        const sorted = records.map((record) => record.id).sort();
        expect(seen).toEqual(order === 'asc' ? sorted : sorted.reverse());
        expect(pages).toBe(3);
      }
    });

    it.each([
      ['?state=done', /state/],
      ['?hasTools=maybe', /hasTools/],
      ['?since=yesterday', /since/],
      ['?limit=0', /limit/],
      ['?limit=100000', /limit/],
      ['?order=sideways', /order/],
    ])('refuses %s with 400 and says which parameter', async (query, pattern) => {
      const response = await admin.api(`/api/exchanges${query}`);
      expect(response.status).toBe(400);
      const body = (await response.json()) as ApiErrorBody;
      expect(body.error.code).toBe('bad_request');
      expect(body.error.message).toMatch(pattern);
    });
  });

  describe('GET /api/exchanges/:id', () => {
    it('returns the record with raw bodies and its ShareGPT row', async () => {
      const record = byLabel('tool-loop');
      const detail = await json<ExchangeDetail>(admin.api(`/api/exchanges/${record.id}`));
      expect(detail).toMatchObject({
        id: record.id,
        requestBody: record.requestBody,
        responseBody: record.responseBody,
        sharegpt: record.sharegpt,
        editedSharegpt: null,
        functionCallOnly: false,
        reviewState: 'pending',
      });
      expect(detail).not.toHaveProperty('searchText');
      expect((await json<ExchangeDetail>(admin.api(`/api/exchanges/${byLabel('function-call-only').id}`))).functionCallOnly).toBe(true);
    });

    it('answers 400, not 500, for an id with a malformed percent-encoding', async () => {
      for (const path of ['/api/exchanges/%E0%A4%A', '/api/exchanges/%zz', '/api/exchanges/abc%/review']) {
        const response = await admin.api(path, path.endsWith('/review') ? { body: { state: 'confirmed' } } : {});
        expect(response.status, path).toBe(400);
        expect((await json<ApiErrorBody>(response)).error.message).toContain('percent-encoding');
      }
    });

    it('answers 400 for a cursor that is not a record id, instead of an empty page', async () => {
      for (const cursor of ['garbage', 'zzzzzzzzzzzzzzzzzzzzzzzzzz', '%27%20OR%201%3D1', '01J' + 'Z'.repeat(30)]) {
        const response = await admin.api(`/api/exchanges?cursor=${cursor}`);
        expect(response.status, cursor).toBe(400);
        expect((await json<ApiErrorBody>(response)).error.message).toContain('cursor');
      }
    });

    it('answers 404 for an unknown id', async () => {
      const response = await admin.api('/api/exchanges/01UNKNOWN');
      expect(response.status).toBe(404);
      expect(((await response.json()) as ApiErrorBody).error.code).toBe('not_found');
    });
  });

  describe('POST /api/exchanges/:id/review', () => {
    it('sets the state and reviewedAt, and back to pending clears it', async () => {
      const id = byLabel('markdown').id;
      expect(await json<ChangedResponse>(admin.api(`/api/exchanges/${id}/review`, { body: { state: 'confirmed' } }))).toEqual({ changed: 1 });
      expect(await admin.store.get(id)).toMatchObject({ reviewState: 'confirmed', reviewedAt: NOW });
      await admin.api(`/api/exchanges/${id}/review`, { body: { state: 'pending' } });
      expect(await admin.store.get(id)).toMatchObject({ reviewState: 'pending', reviewedAt: null });
    });

    it('refuses an unknown state (400) and an unknown id (404)', async () => {
      const id = byLabel('markdown').id;
      expect((await admin.api(`/api/exchanges/${id}/review`, { body: { state: 'approved' } })).status).toBe(400);
      expect((await admin.api(`/api/exchanges/${id}/review`, { body: { state: 'confirmed', extra: 1 } })).status).toBe(400);
      expect((await admin.api(`/api/exchanges/${id}/review`, { body: '{not json' })).status).toBe(400);
      expect((await admin.api('/api/exchanges/01UNKNOWN/review', { body: { state: 'confirmed' } })).status).toBe(404);
    });
  });

  describe('POST /api/review', () => {
    it('sets the state of records by id', async () => {
      const ids = [byLabel('markdown').id, byLabel('pasta').id, '01UNKNOWN'];
      expect(await json<ChangedResponse>(admin.api('/api/review', { body: { state: 'rejected', ids } }))).toEqual({ changed: 2 });
      expect(await admin.store.count({ reviewState: 'rejected' })).toBe(2);
    });

    it('sets the state of every record matching a filter, up to throughId', async () => {
      const throughId = byLabel('function-call-only').id;
      const result = await json<ChangedResponse>(
        admin.api('/api/review', { body: { state: 'confirmed', filter: { domain: 'api.openai.com' }, throughId } }),
      );
      expect(result).toEqual({ changed: 2 }); // markdown and function-call-only; later openai records are past throughId
      expect((await json<ListResponse>(admin.api('/api/exchanges?state=confirmed'))).items.map((item) => item.id)).toEqual(
        newestFirst(['markdown', 'function-call-only']),
      );
      expect(await json<ChangedResponse>(admin.api('/api/review', { body: { state: 'confirmed', filter: { q: 'carbonara' } } }))).toEqual({
        changed: 1,
      });
    });

    it('refuses a filter with an unknown key instead of widening the selection', async () => {
      const response = await admin.api('/api/review', { body: { state: 'confirmed', filter: { modle: 'gpt-4.1' } } });
      expect(response.status).toBe(400);
      expect(await admin.store.count({ reviewState: 'confirmed' })).toBe(0);
      expect((await admin.api('/api/review', { body: { state: 'confirmed' } })).status).toBe(400);
    });
  });

  describe('DELETE /api/exchanges/:id and POST /api/delete', () => {
    it('deletes one record, then 404s', async () => {
      const id = byLabel('pasta').id;
      expect(await json<DeletedResponse>(admin.api(`/api/exchanges/${id}`, { method: 'DELETE' }))).toEqual({ deleted: 1 });
      expect(await admin.store.get(id)).toBeNull();
      expect((await admin.api(`/api/exchanges/${id}`, { method: 'DELETE' })).status).toBe(404);
      expect((await admin.api('/api/exchanges?q=carbonara').then((response) => response.json()) as ListResponse).items).toEqual([]);
    });

    it('deletes by ids and by filter', async () => {
      expect(await json<DeletedResponse>(admin.api('/api/delete', { body: { ids: [byLabel('markdown').id, byLabel('image').id] } }))).toEqual({
        deleted: 2,
      });
      expect(await json<DeletedResponse>(admin.api('/api/delete', { body: { filter: { hasError: true } } }))).toEqual({ deleted: 1 });
      expect(await admin.store.count()).toBe(records.length - 3);
      expect(await json<DeletedResponse>(admin.api('/api/delete', { body: { filter: {}, throughId: byLabel('reasoning').id } }))).toEqual({
        deleted: 3,
      });
      expect(await admin.store.count()).toBe(2);
    });
  });

  describe('PUT /api/exchanges/:id/sharegpt', () => {
    it('stores an edited row beside the original, and null reverts it', async () => {
      const record = byLabel('markdown');
      const edited = {
        ...record.sharegpt!,
        conversations: [record.sharegpt!.conversations[0]!, { from: 'gpt' as const, value: 'Use a loop and three pointers.' }],
      };
      expect(await json(admin.api(`/api/exchanges/${record.id}/sharegpt`, { method: 'PUT', body: { sharegpt: edited } }))).toEqual({
        edited: true,
      });
      const detail = await json<ExchangeDetail>(admin.api(`/api/exchanges/${record.id}`));
      expect(detail.editedSharegpt).toEqual(edited);
      expect(detail.sharegpt).toEqual(record.sharegpt);
      expect((await json<ListResponse>(admin.api('/api/exchanges?model=gpt-4.1'))).items.find((item) => item.id === record.id)?.edited).toBe(true);
      await admin.api(`/api/exchanges/${record.id}/sharegpt`, { method: 'PUT', body: { sharegpt: null } });
      expect((await json<ExchangeDetail>(admin.api(`/api/exchanges/${record.id}`))).editedSharegpt).toBeNull();
    });

    it('refuses a malformed row (400) and an unknown id (404)', async () => {
      const id = byLabel('markdown').id;
      const bad = { conversations: [{ from: 'robot', value: 'x' }], system: '', tools: '', images: [] };
      expect((await admin.api(`/api/exchanges/${id}/sharegpt`, { method: 'PUT', body: { sharegpt: bad } })).status).toBe(400);
      expect((await admin.api(`/api/exchanges/${id}/sharegpt`, { method: 'PUT', body: { sharegpt: { conversations: [] } } })).status).toBe(400);
      const good = { conversations: [], system: '', tools: '', images: [] };
      expect((await admin.api('/api/exchanges/01UNKNOWN/sharegpt', { method: 'PUT', body: { sharegpt: good } })).status).toBe(404);
    });
  });

  describe('GET /api/stats and /api/facets', () => {
    it('aggregates the filtered records with an automatic bucket and an error rate', async () => {
      await admin.api('/api/review', { body: { state: 'confirmed', ids: [byLabel('markdown').id] } });
      const since = records[0]!.startedAt;
      const stats = await json<StatsResponse>(admin.api(`/api/stats?since=${since}&until=${since + 3 * 3_600_000}`));
      expect(stats).toMatchObject({
        requests: records.length,
        errors: 1,
        errorRate: 1 / records.length,
        bucketMs: 5 * 60_000,
        byReviewState: { pending: records.length - 1, confirmed: 1, rejected: 0 },
      });
      expect(stats.overTime.reduce((sum, bucket) => sum + bucket.requests, 0)).toBe(records.length);
      expect(stats.byModel[0]).toMatchObject({ key: 'gpt-4.1', requests: 2, errors: 1 });
      expect(stats.durationMs.max).toBe(120_000);
      expect(stats.tokens.reasoning).toBe(150);
      const filtered = await json<StatsResponse>(admin.api('/api/stats?domain=api.deepseek.com&bucket=3600000&tz=120'));
      expect(filtered).toMatchObject({ requests: 1, errors: 0, errorRate: 0, bucketMs: 3_600_000 });
      expect(filtered.overTime[0]!.start % 3_600_000).toBe(0);
      const empty = await json<StatsResponse>(admin.api('/api/stats?domain=none.test'));
      expect(empty).toMatchObject({ requests: 0, errorRate: null, overTime: [] });
      expect((await admin.api('/api/stats?bucket=5')).status).toBe(400);
    });

    it('lists models and domains by frequency', async () => {
      const facets = await json<FacetsResponse>(admin.api('/api/facets'));
      expect(facets.domains[0]).toEqual({ value: 'api.openai.com', count: 5 });
      expect(facets.models.map((facet) => facet.value)).toContain('deepseek-reasoner');
    });
  });

  describe('GET /api/export', () => {
    it('streams the valid rows of one format for the filter as a JSONL attachment, edits included', async () => {
      const markdown = byLabel('markdown');
      const pasta = byLabel('pasta');
      await admin.api('/api/review', { body: { state: 'confirmed', ids: [markdown.id, pasta.id, byLabel('image').id] } });
      const edited = { ...pasta.sharegpt!, conversations: [pasta.sharegpt!.conversations[0]!, { from: 'gpt' as const, value: 'Edited carbonara.' }] };
      await admin.api(`/api/exchanges/${pasta.id}/sharegpt`, { method: 'PUT', body: { sharegpt: edited } });

      const response = await admin.api('/api/export?format=sharegpt&state=confirmed');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
      expect(response.headers.get('content-disposition')).toBe('attachment; filename="llm-proxy-sharegpt-sharegpt-2025-06-03.jsonl"');
      const lines = (await response.text()).trim().split('\n').map((line) => JSON.parse(line) as { conversations: Array<{ from: string; value: string }>; system: string });
      // The image record is confirmed too, but its row is invalid here (images are not local files).
      expect(lines).toHaveLength(2);
      expect(lines[0]!.conversations[0]!.value).toBe(markdown.sharegpt!.conversations[0]!.value);
      expect(lines[1]!.conversations[1]!.value).toBe('Edited carbonara.');

      const openai = await admin.api('/api/export?format=openai-messages&q=carbonara');
      const rows = (await openai.text()).trim().split('\n').map((line) => JSON.parse(line) as { messages: Array<{ role: string; content: string }> });
      expect(rows).toHaveLength(1);
      // The edit reaches the OpenAI formats too.
      expect(rows[0]!.messages.at(-1)).toEqual({ role: 'assistant', content: 'Edited carbonara.' });
      // Confirmed only by default, as the CLI: the pending function-call-only record needs status=all.
      expect(await (await admin.api('/api/export?format=sharegpt&functionCallOnly=true')).text()).toBe('');
      expect(await (await admin.api('/api/export?format=sharegpt&functionCallOnly=true&status=all')).text()).toContain('get_weather');
    });

    it('answers an empty file when nothing matches, and 400 for a bad format or option', async () => {
      const empty = await admin.api('/api/export?format=sharegpt&domain=none.test');
      expect(empty.status).toBe(200);
      expect(await empty.text()).toBe('');
      expect((await admin.api('/api/export')).status).toBe(400);
      expect((await admin.api('/api/export?format=alpaca')).status).toBe(400);
      expect((await admin.api('/api/export?format=sharegpt&threads=some')).status).toBe(400);
    });
  });

  describe('routing', () => {
    it('answers 404 for an unknown endpoint and 405 with Allow for a wrong method', async () => {
      expect((await admin.api('/api/nothing')).status).toBe(404);
      const response = await admin.api('/api/exchanges', { method: 'PUT', body: {} });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('GET');
    });
  });

  describe('CSRF and cross-site refusals', () => {
    const id = (): string => byLabel('markdown').id;

    it('refuses a mutation without the x-requested-with header (what a cross-site form sends)', async () => {
      const form = await rawRequest(`${admin.url}/api/exchanges/${id()}/review`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'state=confirmed',
      });
      expect(form.status).toBe(403);
      expect(JSON.parse(form.body)).toMatchObject({ error: { code: 'forbidden', message: expect.stringContaining('x-requested-with') } });
      const plain = await rawRequest(`${admin.url}/api/exchanges/${id()}/review`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"state":"confirmed"}',
      });
      expect(plain.status).toBe(403);
      const deleted = await rawRequest(`${admin.url}/api/exchanges/${id()}`, { method: 'DELETE' });
      expect(deleted.status).toBe(403);
      expect(await admin.store.get(id())).toMatchObject({ reviewState: 'pending' });
    });

    it('refuses a mutation whose body is not JSON (text/plain is what a form can send)', async () => {
      const response = await rawRequest(`${admin.url}/api/exchanges/${id()}/review`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'x-requested-with': 'llm-proxy-ui' },
        body: '{"state":"confirmed"}',
      });
      expect(response.status).toBe(415);
      expect(await admin.store.get(id())).toMatchObject({ reviewState: 'pending' });
    });

    it('refuses requests a browser marks cross-site or same-site, even reads', async () => {
      for (const site of ['cross-site', 'same-site']) {
        const read = await rawRequest(`${admin.url}/api/exchanges`, { headers: { 'sec-fetch-site': site } });
        expect(read.status).toBe(403);
      }
      const sameOrigin = await rawRequest(`${admin.url}/api/exchanges`, { headers: { 'sec-fetch-site': 'same-origin' } });
      expect(sameOrigin.status).toBe(200);
    });

    it('refuses a Host header that does not name this machine (DNS rebinding) when no token is set', async () => {
      const rebound = await rawRequest(`${admin.url}/api/exchanges`, { headers: { host: 'attacker.example:5000' } });
      expect(rebound.status).toBe(403);
      expect(rebound.body).toContain('Host');
      const local = await rawRequest(`${admin.url}/api/exchanges`, { headers: { host: 'localhost:5000' } });
      expect(local.status).toBe(200);
    });

    it('sends no CORS headers, so other origins cannot read answers', async () => {
      const response = await rawRequest(`${admin.url}/api/exchanges`, { headers: { origin: 'https://attacker.example' } });
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
      const preflight = await rawRequest(`${admin.url}/api/review`, {
        method: 'OPTIONS',
        headers: { origin: 'https://attacker.example', 'access-control-request-method': 'POST' },
      });
      expect(preflight.status).toBe(405);
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
});

describe('admin API with an admin token', () => {
  const TOKEN = 'test-admin-token-0123456789abcdef';
  let admin: TestAdmin;

  beforeAll(async () => {
    admin = await startTestAdmin({ records, adminToken: TOKEN });
  });

  afterAll(async () => {
    await admin.close();
  });

  it('refuses every endpoint without the token (401), and with a wrong one', async () => {
    for (const path of ['/api/exchanges', `/api/exchanges/${records[0]!.id}`, '/api/stats', '/api/facets', '/api/export?format=sharegpt']) {
      const response = await admin.api(path);
      expect(response.status).toBe(401);
      expect(((await response.json()) as ApiErrorBody).error.code).toBe('unauthorized');
    }
    expect((await admin.api('/api/review', { body: { state: 'confirmed', ids: [records[0]!.id] } })).status).toBe(401);
    expect((await admin.api('/api/exchanges', { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
    expect((await admin.api('/api/exchanges', { headers: { cookie: 'llmproxy_admin=forged' } })).status).toBe(401);
    expect(await admin.store.count({ reviewState: 'confirmed' })).toBe(0);
  });

  it('accepts Authorization: Bearer <token>, from any Host', async () => {
    const response = await admin.api('/api/exchanges?limit=1', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    const remote = await rawRequest(`${admin.url}/api/exchanges?limit=1`, {
      headers: { host: 'review.example.com', authorization: `Bearer ${TOKEN}` },
    });
    expect(remote.status).toBe(200);
  });

  it('still requires the CSRF header from an authenticated client', async () => {
    const response = await rawRequest(`${admin.url}/api/review`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ state: 'confirmed', ids: [records[0]!.id] }),
    });
    expect(response.status).toBe(403);
  });

  it('signs in with the token for an HttpOnly SameSite=Strict cookie, and signs out', async () => {
    expect(await json<SessionResponse>(admin.api('/api/session'))).toMatchObject({ authenticated: false, tokenRequired: true });
    expect((await admin.api('/api/session', { body: { token: 'nope' } })).status).toBe(401);
    const login = await admin.api('/api/session', { body: { token: TOKEN } });
    expect(login.status).toBe(200);
    const setCookie = login.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^llmproxy_admin=[\w-]+; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(setCookie).not.toContain(TOKEN);
    const cookie = setCookie.split(';')[0]!;
    expect(await json<SessionResponse>(admin.api('/api/session', { headers: { cookie } }))).toMatchObject({ authenticated: true });
    expect((await admin.api('/api/exchanges', { headers: { cookie } })).status).toBe(200);
    const logout = await admin.api('/api/session', { method: 'DELETE', headers: { cookie } });
    expect(logout.headers.get('set-cookie')).toContain('Max-Age=0');
  });
});

describe('start-up safety', () => {
  const logger = createLogger({ level: 'error', file: null, console: false });

  it('refuses a non-loopback bind without an admin token, and a short token', async () => {
    const store = openSqliteStore(':memory:');
    await expect(startAdminServer({ store, logger, host: '0.0.0.0', port: 0, adminToken: null })).rejects.toThrow(AdminConfigError);
    await expect(startAdminServer({ store, logger, host: '0.0.0.0', port: 0, adminToken: null })).rejects.toThrow(/--admin-token/);
    await expect(startAdminServer({ store, logger, host: '127.0.0.1', port: 0, adminToken: 'short' })).rejects.toThrow(/shorter than 16/);
    const served = await startAdminServer({ store, logger, host: '0.0.0.0', port: 0, adminToken: 'a-long-enough-admin-token' });
    await served.close();
    await store.close();
  });
});
