/**
 * Usage by integration, through the whole pipeline: real calls on keys made for Zapier, for n8n
 * and for nothing in particular, folded by the trigger, then read back from /stats filtered and
 * broken down by integration, and from the CSV export.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { API_USAGE_DAILY } from '../lib/collections.js';
import { statsResponseSchema } from '../shared/contracts.js';
import { utcDate } from '../shared/dates.js';
import { errorBodySchema } from '../shared/errors.js';
import {
  adminDb,
  apiCall,
  clearEmulators,
  createTestUser,
  dashboardCall,
  json,
  waitForQuery,
  type TestUser,
} from '../test-support/emulators.js';
import { createKeyViaApi, insertKey } from '../test-support/fixtures.js';

beforeAll(async () => {
  await clearEmulators();
});

async function callTimes(secret: string, times: number): Promise<void> {
  for (let i = 0; i < times; i += 1) {
    const response = await apiCall(secret, '/time');
    expect(response.status).toBe(200);
    await response.arrayBuffer();
  }
}

async function stats(user: TestUser, query: string) {
  const response = await dashboardCall(user, `/stats?${query}`);
  expect(response.status).toBe(200);
  return statsResponseSchema.parse(await json(response));
}

describe('usage by integration', () => {
  it('filters and breaks down the folded calls by the integration of their keys', async () => {
    const user = await createTestUser();
    const [zapierA, zapierB, n8n, plain] = await Promise.all([
      createKeyViaApi(user, { label: 'Zap A', integration: 'zapier' }),
      createKeyViaApi(user, { label: 'Zap B', integration: 'zapier' }),
      createKeyViaApi(user, { label: 'Workflows', integration: 'n8n' }),
      createKeyViaApi(user, { label: 'Backend' }),
    ]);
    await callTimes(zapierA.secret, 3);
    await callTimes(zapierB.secret, 2);
    await callTimes(n8n.secret, 4);
    await callTimes(plain.secret, 1);
    await waitForQuery(
      adminDb().collection(API_USAGE_DAILY).where('account_id', '==', user.uid),
      (docs) => docs.reduce((sum, doc) => sum + Number(doc.get('total_requests') ?? 0), 0) === 10,
    );
    const today = utcDate(new Date());
    const range = `from=${today}&to=${today}`;

    const all = await stats(user, range);
    expect(all.integration).toBeNull();
    expect(all.totals.requests).toBe(10);
    expect(all.by_integration).toEqual([
      { integration: 'zapier', requests: 5 },
      { integration: 'n8n', requests: 4 },
      { integration: 'none', requests: 1 },
    ]);
    expect(all.by_key).toEqual([
      { key_id: n8n.key.id, requests: 4 },
      { key_id: zapierA.key.id, requests: 3 },
      { key_id: zapierB.key.id, requests: 2 },
      { key_id: plain.key.id, requests: 1 },
    ]);

    const zapier = await stats(user, `${range}&integration=zapier`);
    expect(zapier.integration).toBe('zapier');
    expect(zapier.totals).toMatchObject({
      requests: 5,
      units: 5,
      errors: 0,
      minutes_with_calls: expect.any(Number),
    });
    expect(zapier.totals.p50_ms).not.toBeNull();
    expect(zapier.by_endpoint).toEqual([expect.objectContaining({ endpoint: 'GET /v1/time', requests: 5 })]);
    expect(zapier.daily.at(-1)?.requests).toBe(5);
    expect(zapier.by_key.map((row) => row.key_id).sort()).toEqual([zapierA.key.id, zapierB.key.id].sort());

    expect((await stats(user, `${range}&integration=none`)).totals.requests).toBe(1);
    expect((await stats(user, `${range}&integration=make`)).totals.requests).toBe(0);

    const csv = (await (await dashboardCall(user, `/usage/export?${range}&integration=zapier`)).text())
      .trim()
      .split('\r\n');
    const header = csv[0]?.split(',') ?? [];
    const column = header.indexOf('key_integration');
    expect(column).toBeGreaterThan(-1);
    const rows = csv.slice(1).map((line) => line.split(','));
    expect(rows.map((row) => row[header.indexOf('key_id')]).sort()).toEqual(
      [zapierA.key.id, zapierB.key.id].sort(),
    );
    expect(rows.every((row) => row[column] === 'zapier')).toBe(true);
  });

  it('counts an integration with more keys than a day keeps apart (after many rolls)', async () => {
    const user = await createTestUser();
    await dashboardCall(user, '/me');
    const keys = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        insertKey(user.uid, { label: `rolled ${i}`, integration: 'custom' }),
      ),
    );
    const [first, last] = [keys[0], keys[59]];
    if (first === undefined || last === undefined) throw new Error('fixture');
    await callTimes(first.secret, 2);
    await callTimes(last.secret, 1);
    await waitForQuery(
      adminDb().collection(API_USAGE_DAILY).where('account_id', '==', user.uid),
      (docs) => docs.reduce((sum, doc) => sum + Number(doc.get('total_requests') ?? 0), 0) === 3,
    );
    const today = utcDate(new Date());
    const custom = await stats(user, `from=${today}&to=${today}&integration=custom`);
    expect(custom.totals).toMatchObject({ requests: 3, units: 3 });
    expect(custom.by_key).toEqual([
      { key_id: first.id, requests: 2 },
      { key_id: last.id, requests: 1 },
    ]);
  });

  it('refuses a filter by key and by integration at once, and an unknown integration', async () => {
    const user = await createTestUser();
    const key = await createKeyViaApi(user, { label: 'k', integration: 'make' });
    const today = utcDate(new Date());
    for (const [query, field] of [
      [`key_id=${key.key.id}&integration=make`, 'query.integration'],
      ['integration=ifttt', 'query.integration'],
    ] as const) {
      const response = await dashboardCall(user, `/stats?from=${today}&to=${today}&${query}`);
      expect(response.status).toBe(400);
      expect(errorBodySchema.parse(await json(response)).error.field).toBe(field);
    }
  });

  it("another account's keys of the same integration are not counted", async () => {
    const [holder, stranger] = await Promise.all([createTestUser(), createTestUser()]);
    const theirs = await createKeyViaApi(stranger, { label: 'Their zap', integration: 'zapier' });
    await callTimes(theirs.secret, 2);
    await waitForQuery(
      adminDb().collection(API_USAGE_DAILY).where('account_id', '==', stranger.uid),
      (docs) => docs.reduce((sum, doc) => sum + Number(doc.get('total_requests') ?? 0), 0) === 2,
    );
    const today = utcDate(new Date());
    const mine = await stats(holder, `from=${today}&to=${today}&integration=zapier`);
    expect(mine.totals.requests).toBe(0);
    expect(mine.by_key).toEqual([]);
  });
});
