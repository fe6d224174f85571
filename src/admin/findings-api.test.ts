// The review UI's privacy marks and near-duplicates over real HTTP against a real SQLite file,
// with the background scan running as the UI process runs it: list marks without values, the
// findings filter on records and threads (unscanned never in `none`), spans in the detail answer,
// an edit rescanned, a bulk action by findings, and the near-duplicates endpoint with its refusals.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seededPersonalData, seededSecrets } from '../privacy/__fixtures__/seeded-values.js';
import { defaultPrivacyPolicy } from '../privacy/privacy-policy.js';
import { startTestAdmin, type TestAdmin } from '../../test/helpers/start-admin.js';
import { recordExchange } from '../../test/helpers/recorded-exchanges.js';
import type { ExchangeDetail, ListResponse, NearDuplicatesResponse, ShareGptRow, ThreadListResponse } from './api-types.js';

const github = seededSecrets(7).find((value) => value.rule === 'github-token')!.value;
const email = seededPersonalData(7).find((value) => value.rule === 'email')!.value;
const TEMPLATE =
  'Summarise the following support ticket in three bullet points for the on-call engineer, keeping the ticket number and the product name: ' +
  'the nightly export job of the billing service fails after the upgrade, the dashboard shows a timeout after thirty minutes, and the customer asks for a refund';

function chat(seq: number, user: string, answer: string) {
  return recordExchange({
    format: 'openai-chat',
    seq,
    startedAt: Date.UTC(2025, 8, 1, 9, seq),
    request: { model: 'gpt-4.1', messages: [{ role: 'user', content: user }] },
    response: { id: `c${seq}`, object: 'chat.completion', model: 'gpt-4.1', choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }] },
  });
}

const records = [
  chat(1, `Deploy with my token ${github} please`, 'Done, deployed.'),
  chat(2, `Mail the report to ${email}`, `Sent to ${email}.`),
  chat(3, 'What is the capital of France?', 'Paris.'),
  chat(4, `${TEMPLATE} (ticket 4411).`, 'Three bullets about ticket 4411.'),
  chat(5, `${TEMPLATE} (ticket 4412).`, 'Three bullets about ticket 4411.'),
];
const [secretId, emailId, cleanId, nearA, nearB] = records.map((record) => record.id) as [string, string, string, string, string];

async function json<T>(response: Response | Promise<Response>): Promise<T> {
  return (await (await response).json()) as T;
}

describe('privacy marks and near-duplicates in the admin API', () => {
  let admin: TestAdmin;

  beforeEach(async () => {
    admin = await startTestAdmin({ records, scan: { idleMs: 20, fullSweepMs: 0 } });
    await admin.admin.scanner!.idle();
  });

  afterEach(async () => {
    await admin.close();
  });

  const ids = async (query: string): Promise<string[]> => (await json<ListResponse>(admin.api(`/api/exchanges?${query}`))).items.map((item) => item.id);

  it('marks the list rows with counts per kind, never the values', async () => {
    const page = await json<ListResponse>(admin.api('/api/exchanges'));
    const findingsOf = (id: string) => page.items.find((item) => item.id === id)?.findings;
    expect(findingsOf(secretId)).toEqual({ secrets: 1, personal: 0, kinds: { secret: 1 } });
    expect(findingsOf(emailId)).toEqual({ secrets: 0, personal: 1, kinds: { email: 1 } });
    expect(findingsOf(cleanId)).toEqual({ secrets: 0, personal: 0, kinds: {} });
    const marks = JSON.stringify(page.items.map((item) => item.findings));
    expect(marks).not.toContain(github);
    expect(marks).not.toContain(email);
  });

  it('filters records and threads by findings, server-side, with totals', async () => {
    expect(await ids('findings=secrets')).toEqual([secretId]);
    expect(await ids('findings=personal')).toEqual([emailId]);
    expect(await ids('findings=any')).toEqual([emailId, secretId]);
    expect(await ids('findings=none')).toEqual([nearB, nearA, cleanId]);
    expect(await ids('findings=unscanned')).toEqual([]);
    expect((await json<ListResponse>(admin.api('/api/exchanges?findings=any'))).total).toBe(2);
    const threads = await json<ThreadListResponse>(admin.api('/api/threads?findings=secrets'));
    expect(threads.items.map((item) => item.head.id)).toEqual([secretId]);
    expect(threads.items[0]!.head.findings).toMatchObject({ secrets: 1 });
    expect(threads.total).toBe(1);
    // The export preview and the stats take it too.
    const preview = await json<{ records: number }>(admin.api('/api/export/preview?format=sharegpt&status=all&findings=personal'));
    expect(preview.records).toBe(1);
    expect((await json<{ requests: number }>(admin.api('/api/stats?findings=none'))).requests).toBe(3);
    // A bulk action takes the same filter.
    const reviewed = await json<{ changed: number }>(admin.api('/api/review', { body: { filter: { findings: 'any' }, state: 'rejected' } }));
    expect(reviewed.changed).toBe(2);
    expect(await ids('state=rejected')).toEqual([emailId, secretId]);
  });

  it('keeps records not scanned yet out of `none`, says they are not scanned, and scans new ones', async () => {
    const unscanned = await startTestAdmin({ records, scan: false });
    try {
      const page = await json<ListResponse>(unscanned.api('/api/exchanges?findings=unscanned'));
      expect(page.items.map((item) => item.id)).toEqual([...records].reverse().map((record) => record.id));
      expect(page.items.every((item) => item.findings === null)).toBe(true);
      expect((await json<ListResponse>(unscanned.api('/api/exchanges?findings=none'))).items).toEqual([]);
      expect((await json<ListResponse>(unscanned.api('/api/exchanges?findings=any'))).items).toEqual([]);
    } finally {
      await unscanned.close();
    }
    const late = chat(9, 'Just a plain question about tea.', 'Green tea is fine.');
    await admin.store.insertBatch([late]);
    admin.admin.scanner!.wake();
    await admin.admin.scanner!.idle();
    await admin.admin.scanner!.idle();
    expect(await ids('findings=none')).toContain(late.id);
    expect(await ids('findings=unscanned')).toEqual([]);
  });

  it('refuses an unknown findings value and unknown parameters', async () => {
    const bad = await admin.api('/api/exchanges?findings=maybe');
    expect(bad.status).toBe(400);
    expect((await json<{ error: { message: string } }>(bad)).error.message).toContain('findings');
    expect((await admin.api('/api/exchanges?finding=any')).status).toBe(400);
    expect((await admin.api('/api/threads?findings=sometimes')).status).toBe(400);
    expect((await admin.api('/api/review', { body: { filter: { findings: 'all' }, state: 'rejected' } })).status).toBe(400);
  });

  it('gives the spans of each finding in the detail answer, and rescans an edit', async () => {
    const detail = await json<ExchangeDetail>(admin.api(`/api/exchanges/${secretId}`));
    const row = detail.sharegpt!;
    expect(detail.privacy.spans.map((span) => ({ ...span, text: row.conversations[span.turn!]!.value.slice(span.start, span.end) }))).toEqual([
      { turn: 0, field: 'human', start: 'Deploy with my token '.length, end: 'Deploy with my token '.length + github.length, kind: 'secret', rule: 'github-token', text: github },
    ]);
    const edited: ShareGptRow = { ...row, conversations: row.conversations.map((turn, index) => (index === 0 ? { ...turn, value: 'Deploy with my token please' } : turn)) };
    const idle = admin.admin.scanner!.idle();
    expect((await admin.api(`/api/exchanges/${secretId}/sharegpt`, { method: 'PUT', body: { sharegpt: edited } })).status).toBe(200);
    await idle;
    await admin.admin.scanner!.idle();
    expect(await ids('findings=secrets')).toEqual([]);
    expect(await ids('findings=none')).toContain(secretId);
    expect((await json<ExchangeDetail>(admin.api(`/api/exchanges/${secretId}`))).privacy.spans).toEqual([]);
  });

  it("lists a record's near-duplicates with their similarity, as the export's near-dedup groups them", async () => {
    const near = await json<NearDuplicatesResponse>(admin.api(`/api/exchanges/${nearA}/near-duplicates`));
    expect(near).toMatchObject({ id: nearA, scanned: true, threshold: 0.8 });
    expect(near.items.map((item) => item.id)).toEqual([nearB]);
    expect(near.items[0]!.similarity).toBeGreaterThanOrEqual(0.8);
    expect(near.items[0]!.similarity).toBeLessThan(1);
    expect(near.items[0]).toMatchObject({ model: 'gpt-4.1', reviewState: 'pending' });
    expect(near.items[0]!.preview).toContain('Summarise the following support ticket');
    expect((await json<NearDuplicatesResponse>(admin.api(`/api/exchanges/${nearB}/near-duplicates`))).items.map((item) => item.id)).toEqual([nearA]);
    expect((await json<NearDuplicatesResponse>(admin.api(`/api/exchanges/${cleanId}/near-duplicates`))).items).toEqual([]);
    // A threshold above their similarity leaves them apart.
    expect((await json<NearDuplicatesResponse>(admin.api(`/api/exchanges/${nearA}/near-duplicates?threshold=1`))).items).toEqual([]);
    expect((await admin.api(`/api/exchanges/${nearA}/near-duplicates?threshold=2`)).status).toBe(400);
    expect((await admin.api(`/api/exchanges/${nearA}/near-duplicates?limit=2`)).status).toBe(400);
    expect((await admin.api('/api/exchanges/01ARZ3NDEKTSV4RRFFQ69G5FAV/near-duplicates')).status).toBe(404);
    // Deleted: no longer anyone's near-duplicate.
    await admin.store.delete([nearB]);
    expect((await json<NearDuplicatesResponse>(admin.api(`/api/exchanges/${nearA}/near-duplicates`))).items).toEqual([]);
  });
});

describe("the UI follows config.json's export.privacy, as the CLI export does", () => {
  it('an allowlisted value is not marked, and the UI export cleans with the configured policy', async () => {
    const admin = await startTestAdmin({
      records,
      scan: { idleMs: 20, fullSweepMs: 0 },
      privacy: { ...defaultPrivacyPolicy(), secrets: 'keep', allowlist: [email] },
    });
    try {
      await admin.admin.scanner!.idle();
      const page = await json<ListResponse>(admin.api('/api/exchanges'));
      expect(page.items.find((item) => item.id === emailId)?.findings).toEqual({ secrets: 0, personal: 0, kinds: {} });
      expect(page.items.find((item) => item.id === secretId)?.findings).toEqual({ secrets: 1, personal: 0, kinds: { secret: 1 } });
      const detail = await json<ExchangeDetail>(admin.api(`/api/exchanges/${emailId}`));
      expect(detail.privacy.count).toBe(0);
      // secrets: keep → the UI's download keeps the token as the CLI would (the default redacts it).
      expect((await admin.api(`/api/exchanges/${secretId}/review`, { body: { state: 'confirmed' } })).status).toBe(200);
      const exported = await (await admin.api('/api/export?format=sharegpt')).text();
      expect(exported).toContain(github);
    } finally {
      await admin.close();
    }
  });
});
