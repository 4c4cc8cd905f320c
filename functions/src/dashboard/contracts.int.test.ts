/**
 * Real responses of every dashboard route, parsed with the response schemas the dashboard uses
 * (shared/contracts.ts). Strict parsing: a field the schema does not know is a failure here,
 * because the dashboard would silently drop it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { API_USAGE_DAILY } from '../lib/collections.js';
import {
  accountExportSchema,
  accountResponseSchema,
  accountsResponseSchema,
  adminStatsResponseSchema,
  createKeyResponseSchema,
  keyResponseSchema,
  listKeysResponseSchema,
  meResponseSchema,
  recentUsageResponseSchema,
  rollKeyResponseSchema,
  statsResponseSchema,
} from '../shared/contracts.js';
import { addDays, utcDate } from '../shared/dates.js';
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

let user: TestUser;
let admin: TestUser;

beforeAll(async () => {
  await clearEmulators();
  [user, admin] = await Promise.all([
    createTestUser({ name: 'Ada Lovelace' }),
    createTestUser({ admin: true }),
  ]);
});

/** Parses with the schema and checks that nothing was dropped on the way. */
async function parsed<S extends z.ZodType>(
  response: Response,
  schema: S,
  status = 200,
): Promise<z.output<S>> {
  expect(response.status).toBe(status);
  const body: unknown = await json(response);
  const result = schema.parse(body);
  expect(result).toEqual(body);
  return result;
}

describe('dashboard responses satisfy shared/contracts.ts', () => {
  it('every route, with real data', async () => {
    const me = await parsed(await dashboardCall(user, '/me'), meResponseSchema);
    expect(me.user).toMatchObject({ uid: user.uid, email: user.email, display_name: 'Ada Lovelace' });
    expect(me.account).toMatchObject({ id: user.uid, kind: 'personal', role: 'owner', plan_tier: 'free' });
    const accounts = await parsed(await dashboardCall(user, '/accounts'), accountsResponseSchema);
    expect(accounts.accounts).toEqual([
      { id: user.uid, kind: 'personal', name: me.account.name, role: 'owner', plan_tier: 'free', slug: null },
    ]);

    const created = await parsed(
      await dashboardCall(user, '/keys', {
        method: 'POST',
        body: { label: 'Contract', scopes: ['read', 'write'] },
      }),
      createKeyResponseSchema,
      201,
    );
    await parsed(await dashboardCall(user, '/keys'), listKeysResponseSchema);
    await parsed(
      await dashboardCall(user, `/keys/${created.key.id}`, { method: 'PATCH', body: { label: 'Renamed' } }),
      keyResponseSchema,
    );
    const capped = await parsed(
      await dashboardCall(user, `/keys/${created.key.id}`, { method: 'PATCH', body: { cap_per_minute: 60 } }),
      keyResponseSchema,
    );
    expect(capped.key).toMatchObject({ label: 'Renamed', cap_monthly: null, cap_per_minute: 60 });

    for (let i = 0; i < 4; i += 1) expect((await apiCall(created.secret, '/time')).status).toBe(200);
    await waitForQuery(adminDb().collection(API_USAGE_DAILY).where('account_id', '==', user.uid), (docs) =>
      docs.some((doc) => doc.get('total_requests') === 4),
    );

    const today = utcDate(new Date());
    const from = addDays(today, -6);
    const stats = await parsed(
      await dashboardCall(user, `/stats?from=${from}&to=${today}`),
      statsResponseSchema,
    );
    expect(stats.daily).toHaveLength(7);
    expect(stats.totals.requests).toBe(4);
    await parsed(
      await dashboardCall(user, `/stats?from=${from}&to=${today}&key_id=${created.key.id}`),
      statsResponseSchema,
    );
    const recent = await parsed(
      await dashboardCall(user, `/usage/recent?key_id=${created.key.id}`),
      recentUsageResponseSchema,
    );
    expect(recent.events).toHaveLength(4);

    const meAfter = await parsed(await dashboardCall(user, '/me'), meResponseSchema);
    expect(meAfter.usage).toMatchObject({
      requests: 4,
      units: 4,
      quota: 1_000,
      per_minute_limit: 10,
      active_keys: 1,
    });
    expect(meAfter.usage.keys).toEqual([
      { id: created.key.id, label: 'Renamed', units: 4, cap_monthly: null, cap_per_minute: 60 },
    ]);
    // The same account, under its id.
    const summary = await parsed(
      await dashboardCall(user, `/accounts/${user.uid}/summary`),
      accountResponseSchema,
    );
    expect(summary).toEqual({ account: meAfter.account, usage: meAfter.usage });

    const exported = await parsed(await dashboardCall(user, '/me/export'), accountExportSchema);
    expect(exported.keys.map((key) => key.id)).toEqual([created.key.id]);
    expect(exported.usage_daily.at(-1)).toMatchObject({ requests: 4, by_endpoint: { 'GET /v1/time': 4 } });
    expect(JSON.stringify(exported)).not.toContain(created.secret);

    const rolled = await parsed(
      await dashboardCall(user, `/keys/${created.key.id}/roll`, {
        method: 'POST',
        body: { grace_period_hours: 0 },
      }),
      rollKeyResponseSchema,
      201,
    );
    expect(rolled.previous.status).toBe('expired');
    await parsed(
      await dashboardCall(user, `/keys/${rolled.key.id}/revoke`, { method: 'POST' }),
      keyResponseSchema,
    );

    const adminStats = await parsed(
      await dashboardCall(admin, `/admin/stats?from=${from}&to=${today}`),
      adminStatsResponseSchema,
    );
    expect(adminStats.totals.requests).toBe(4);
    expect(adminStats.top_accounts[0]).toMatchObject({
      account_id: user.uid,
      email: user.email,
      requests: 4,
    });
    const defaults = await parsed(await dashboardCall(admin, '/admin/stats'), adminStatsResponseSchema);
    expect(defaults.daily).toHaveLength(30);
    expect(defaults.to).toBe(today);
  });
});
