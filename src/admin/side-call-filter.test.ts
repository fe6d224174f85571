// The admin API filters by client and leaves agents' side calls out of the list and of "confirm all".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestRecord } from '../store/test-records.js';
import { startTestAdmin, type TestAdmin } from '../../test/helpers/start-admin.js';

const records = [
  makeTestRecord({ seq: 1 }, { client: 'claude-code', clientVersion: '2.1.197' }),
  makeTestRecord({ seq: 2 }, { client: 'claude-code', clientVersion: '2.1.197', sideCall: 'title' }),
  makeTestRecord({ seq: 3 }, { client: 'opencode', clientVersion: '1.18.33' }),
];
let admin: TestAdmin;

beforeAll(async () => {
  admin = await startTestAdmin({ records });
});
afterAll(async () => {
  await admin.close();
});

describe('client and side-call filters in the admin API', () => {
  it('lists by client and without side calls, offers the clients as a facet, and confirms all but the side calls', async () => {
    const list = async (query: string): Promise<string[]> =>
      {
        const response = await admin.api(`/api/exchanges?${query}`);
        const body = (await response.json()) as { items?: Array<{ id: string }> };
        if (body.items === undefined) throw new Error(`${response.status} ${JSON.stringify(body)}`);
        return body.items.map((item) => item.id);
      };
    expect(await list('client=claude-code')).toEqual([records[1]!.id, records[0]!.id]);
    expect(await list('sideCall=false')).toEqual([records[2]!.id, records[0]!.id]);
    expect(((await (await admin.api('/api/facets')).json()) as { clients: unknown }).clients).toEqual([
      { value: 'claude-code', count: 2 },
      { value: 'opencode', count: 1 },
    ]);
    expect(await (await admin.api('/api/review', { body: { state: 'confirmed', filter: { sideCall: false } } })).json()).toEqual({ changed: 2 });
    expect((await admin.store.get(records[1]!.id))?.reviewState).toBe('pending');
  });
});
