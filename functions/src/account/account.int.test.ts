import { beforeAll, describe, expect, it } from 'vitest';
import { FieldValue, Timestamp } from 'firebase-admin/firestore';
import {
  ACCOUNT_BUDGETS,
  ACCOUNTS,
  ALERT_EMAILS,
  ALERT_SETTINGS,
  ALERTS,
  API_KEYS,
  API_USAGE_DAILY,
  API_USAGE_EVENTS,
  API_USAGE_MONTHLY,
  CREDIT_LEDGER,
  DELETED_USERS,
  KEY_BUDGETS,
  MEMBERS,
  NOTIFICATIONS,
  USERS,
  WEBHOOK_DELIVERIES,
  dailyDocId,
  monthlyDocId,
} from '../lib/collections.js';
import { accountResponseSchema, accountsResponseSchema, meResponseSchema } from '../shared/contracts.js';
import { utcDate, utcPeriod } from '../shared/dates.js';
import { errorBodySchema } from '../shared/errors.js';
import { PLANS } from '../shared/plans.js';
import { insertTeamAccount } from '../test-support/accounts.js';
import {
  adminAuth,
  adminDb,
  apiCall,
  clearEmulators,
  createTestUser,
  dashboardCall,
  json,
  signInWithPassword,
  untilElapsed,
  waitForDoc,
  waitForQuery,
} from '../test-support/emulators.js';
import { createKeyViaApi, insertKey } from '../test-support/fixtures.js';

beforeAll(async () => {
  await clearEmulators();
});

async function ownedBy(
  collection: string,
  field: 'account_id' | 'user_id',
  accountId: string,
): Promise<number> {
  return (await adminDb().collection(collection).where(field, '==', accountId).get()).size;
}

describe('GET /me', () => {
  it('creates the profile and the personal account from the ID token on the first call, once', async () => {
    const user = await createTestUser({ name: 'Grace Hopper' });
    expect((await adminDb().collection(USERS).doc(user.uid).get()).exists).toBe(false);
    const first = meResponseSchema.parse(await json(await dashboardCall(user, '/me')));
    expect(first.user).toEqual({
      uid: user.uid,
      email: user.email,
      display_name: 'Grace Hopper',
      photo_url: null,
      created_at: first.user.created_at,
      is_admin: false,
    });
    expect(first.account).toMatchObject({
      id: user.uid,
      kind: 'personal',
      name: 'Grace Hopper',
      role: 'owner',
      plan_tier: 'free',
      subscription_status: null,
      has_billing_account: false,
    });
    expect(first.usage).toMatchObject({
      period: utcPeriod(new Date()),
      requests: 0,
      units: 0,
      quota: PLANS.free.monthly_limit,
      per_minute_limit: PLANS.free.per_minute_limit,
      active_keys: 0,
      keys: [],
    });
    const second = meResponseSchema.parse(await json(await dashboardCall(user, '/me')));
    expect(second.user.created_at).toBe(first.user.created_at);
    expect(second.account.created_at).toBe(first.account.created_at);

    const profile = (await adminDb().collection(USERS).doc(user.uid).get()).data();
    expect(profile).toMatchObject({ display_name: 'Grace Hopper' });
    // The profile is only a profile: the plan lives on the account.
    expect(profile?.plan_tier).toBeUndefined();
    const member = await adminDb().collection(ACCOUNTS).doc(user.uid).collection(MEMBERS).doc(user.uid).get();
    expect(member.data()).toMatchObject({ uid: user.uid, role: 'owner' });
  });

  it('reports the admin claim', async () => {
    const admin = await createTestUser({ admin: true });
    const me = meResponseSchema.parse(await json(await dashboardCall(admin, '/me')));
    expect(me.user.is_admin).toBe(true);
  });

  it("counts the account's units across its keys and every call made, against the account's quota", async () => {
    const user = await createTestUser();
    const both = await createKeyViaApi(user, { label: 'both', scopes: ['read', 'write'] });
    const readOnly = await createKeyViaApi(user, { label: 'read only', scopes: ['read'] });
    const revoked = await createKeyViaApi(user, { label: 'unused, revoked', scopes: ['read'] });
    expect((await dashboardCall(user, `/keys/${revoked.key.id}/revoke`, { method: 'POST' })).status).toBe(
      200,
    );
    expect(
      (await dashboardCall(user, `/keys/${readOnly.key.id}`, { method: 'PATCH', body: { cap_monthly: 50 } }))
        .status,
    ).toBe(200);
    for (let i = 0; i < 3; i += 1) expect((await apiCall(both.secret, '/time')).status).toBe(200);
    expect((await apiCall(readOnly.secret, '/time')).status).toBe(200);
    // Refused: counted as a call made, not as a unit of the quota.
    const refused = await apiCall(readOnly.secret, '/convert', {
      method: 'POST',
      body: { amount: 1, from: 'USD', to: 'EUR' },
    });
    expect(refused.status).toBe(403);
    await waitForDoc(
      adminDb()
        .collection(API_USAGE_DAILY)
        .doc(dailyDocId(user.uid, utcDate(new Date()))),
      (data) => data?.total_requests === 5,
    );
    await waitForDoc(
      adminDb().collection(API_KEYS).doc(readOnly.key.id),
      (data) => data?.monthly_usage === 1,
    );
    await waitForDoc(adminDb().collection(API_KEYS).doc(both.key.id), (data) => data?.monthly_usage === 3);

    const me = meResponseSchema.parse(await json(await dashboardCall(user, '/me')));
    expect(me.usage).toMatchObject({
      requests: 5,
      units: 4,
      active_keys: 2,
      quota: PLANS.free.monthly_limit,
    });
    // Newest first; a revoked key that used nothing this period is left out.
    expect(me.usage.keys).toEqual([
      { id: readOnly.key.id, label: 'read only', units: 1, cap_monthly: 50, cap_per_minute: null },
      { id: both.key.id, label: 'both', units: 3, cap_monthly: null, cap_per_minute: null },
    ]);
    const summary = accountResponseSchema.parse(await json(await dashboardCall(user, '/summary')));
    expect(summary.usage).toEqual(me.usage);
    expect(summary.account).toEqual(me.account);
  });

  it('refuses a query string with 400', async () => {
    const user = await createTestUser();
    for (const path of ['/me?x=1', '/summary?x=1', '/accounts?x=1']) {
      const response = await dashboardCall(user, path);
      expect(response.status, path).toBe(400);
      expect(errorBodySchema.parse(await json(response)).error.code, path).toBe('invalid_request');
    }
  });
});

describe('GET /summary under /accounts/:account_id', () => {
  it("answers a member with the account, the caller's role in it and the account's usage", async () => {
    const owner = await createTestUser();
    const viewer = await createTestUser();
    const teamId = await insertTeamAccount(
      [
        [owner, 'owner'],
        [viewer, 'viewer'],
      ],
      { plan_tier: 'pro' },
    );
    await insertKey(teamId, {
      label: 'team key',
      createdBy: owner.uid,
      usage: { monthly_usage: 42, usage_period: utcPeriod(new Date()) },
    });
    await insertKey(teamId, {
      label: 'old',
      createdBy: owner.uid,
      usage: { monthly_usage: 9, usage_period: '2020-01' },
    });
    const summary = accountResponseSchema.parse(
      await json(await dashboardCall(viewer, `/accounts/${teamId}/summary`)),
    );
    expect(summary.account).toMatchObject({
      id: teamId,
      kind: 'team',
      name: 'Analytical Engines',
      role: 'viewer',
      plan_tier: 'pro',
    });
    expect(summary.usage).toMatchObject({
      units: 42,
      requests: 0,
      quota: PLANS.pro.monthly_limit,
      per_minute_limit: PLANS.pro.per_minute_limit,
      active_keys: 2,
    });
    expect(summary.usage.keys.map((key) => [key.label, key.units]).sort()).toEqual([
      ['old', 0],
      ['team key', 42],
    ]);
    // The viewer's own personal account is another one.
    const personal = accountResponseSchema.parse(await json(await dashboardCall(viewer, '/summary')));
    expect(personal.account).toMatchObject({ id: viewer.uid, role: 'owner', plan_tier: 'free' });
    expect(personal.usage.units).toBe(0);
  });

  it('answers 404 to a non-member, for an id that is no account, and for a removed member', async () => {
    const owner = await createTestUser();
    const removed = await createTestUser();
    const outsider = await createTestUser();
    const teamId = await insertTeamAccount([
      [owner, 'owner'],
      [removed, 'member'],
    ]);
    await adminDb().collection(ACCOUNTS).doc(teamId).collection(MEMBERS).doc(removed.uid).delete();
    for (const [user, path] of [
      [outsider, `/accounts/${teamId}/summary`],
      [removed, `/accounts/${teamId}/summary`],
      [owner, '/accounts/no-such-account/summary'],
      [outsider, `/accounts/${owner.uid}/summary`],
    ] as const) {
      const response = await dashboardCall(user, path);
      expect(response.status, path).toBe(404);
      expect(errorBodySchema.parse(await json(response)).error.code).toBe('not_found');
    }
  });
});

describe('GET /accounts', () => {
  it('lists the accounts the caller belongs to, with its role: the personal account first, then by name', async () => {
    const user = await createTestUser({ name: 'Ada Lovelace' });
    const other = await createTestUser();
    const zeta = await insertTeamAccount(
      [
        [other, 'owner'],
        [user, 'viewer'],
      ],
      { name: 'Zeta Works', plan_tier: 'enterprise' },
    );
    const alpha = await insertTeamAccount([[user, 'admin']], { name: 'Alpha Labs' });
    const notAdas = await insertTeamAccount([[other, 'owner']], { name: 'Not Ada’s' });

    const listed = accountsResponseSchema.parse(await json(await dashboardCall(user, '/accounts')));
    expect(listed.accounts).toEqual([
      { id: user.uid, kind: 'personal', name: 'Ada Lovelace', role: 'owner', plan_tier: 'free', slug: null },
      { id: alpha, kind: 'team', name: 'Alpha Labs', role: 'admin', plan_tier: 'free', slug: null },
      { id: zeta, kind: 'team', name: 'Zeta Works', role: 'viewer', plan_tier: 'enterprise', slug: null },
    ]);
    // Created on first use, like /me.
    expect((await adminDb().collection(ACCOUNTS).doc(user.uid).get()).exists).toBe(true);
    const others = accountsResponseSchema.parse(await json(await dashboardCall(other, '/accounts')));
    expect(others.accounts.map((account) => [account.id, account.role])).toEqual([
      [other.uid, 'owner'],
      [notAdas, 'owner'],
      [zeta, 'owner'],
    ]);
  });
});

describe('DELETE /me', () => {
  it('revokes and deletes keys, deletes usage, budgets, the account, profile and Auth user; repeating is safe', async () => {
    const user = await createTestUser();
    const bystander = await createTestUser();
    const key = await createKeyViaApi(user, { label: 'doomed' });
    const kept = await createKeyViaApi(bystander, { label: 'kept' });
    for (let i = 0; i < 3; i += 1) expect((await apiCall(key.secret, '/time')).status).toBe(200);
    await waitForQuery(adminDb().collection(API_USAGE_DAILY).where('account_id', '==', user.uid), (docs) =>
      docs.some((doc) => doc.get('total_requests') === 3),
    );
    const budget = adminDb().collection(ACCOUNT_BUDGETS).doc(user.uid);
    const keyBudget = budget.collection(KEY_BUDGETS).doc(key.key.id);
    await keyBudget.set({
      account_id: user.uid,
      period: utcPeriod(new Date()),
      period_granted: 3,
      windows: {},
    });
    await adminDb()
      .collection(API_USAGE_MONTHLY)
      .doc(monthlyDocId(user.uid, '2020-01'))
      .set({ account_id: user.uid, period: '2020-01', total_requests: 1, error_count: 0 });
    // Credits, a meter's budget, alerts and their deliveries, and alert settings, as billing and
    // alerts leave them.
    const owned = { account_id: user.uid };
    const meterBudget = budget.collection('meter_budgets').doc('emails_verified');
    await meterBudget.set({ ...owned, period_granted: 2, windows: {} });
    for (const collection of [CREDIT_LEDGER, ALERTS, NOTIFICATIONS, ALERT_EMAILS, WEBHOOK_DELIVERIES])
      await adminDb().collection(collection).doc(`${collection}-${user.uid}`).set(owned);
    const settings = adminDb().collection(ALERT_SETTINGS).doc(user.uid);
    await settings.set({ quota_thresholds: [50] });

    const response = await dashboardCall(user, '/me', { method: 'DELETE' });
    expect(response.status).toBe(204);

    for (const collection of [
      API_KEYS,
      API_USAGE_EVENTS,
      API_USAGE_DAILY,
      API_USAGE_MONTHLY,
      CREDIT_LEDGER,
      ALERTS,
      NOTIFICATIONS,
      ALERT_EMAILS,
      WEBHOOK_DELIVERIES,
    ])
      expect(await ownedBy(collection, 'account_id', user.uid), collection).toBe(0);
    expect((await settings.get()).exists).toBe(false);
    expect((await meterBudget.get()).exists).toBe(false);
    expect((await adminDb().collection(USERS).doc(user.uid).get()).exists).toBe(false);
    const account = adminDb().collection(ACCOUNTS).doc(user.uid);
    expect((await account.get()).exists).toBe(false);
    expect((await account.collection(MEMBERS).get()).size).toBe(0);
    expect((await budget.get()).exists).toBe(false);
    expect((await keyBudget.get()).exists).toBe(false);
    await expect(adminAuth().getUser(user.uid)).rejects.toMatchObject({ code: 'auth/user-not-found' });
    expect((await adminDb().collection(API_KEYS).doc(kept.key.id).get()).exists).toBe(true);
    expect((await adminDb().collection(ACCOUNTS).doc(bystander.uid).get()).exists).toBe(true);

    const deadline = Date.now() + 2_000;
    let status = 200;
    while (Date.now() < deadline && status === 200) status = (await apiCall(key.secret, '/time')).status;
    expect(status).toBe(401);
  });

  it('also deletes what was written before accounts and not migrated yet (user_id documents)', async () => {
    const user = await createTestUser();
    await dashboardCall(user, '/me');
    const date = utcDate(new Date());
    const key = await insertKey(user.uid, { label: 'legacy' });
    // As the API wrote them before accounts: owned through `user_id`.
    await adminDb().collection(API_KEYS).doc(key.id).update({
      user_id: user.uid,
      account_id: FieldValue.delete(),
      created_by: FieldValue.delete(),
      tier: 'free',
    });
    await adminDb()
      .collection(API_USAGE_DAILY)
      .doc(dailyDocId(user.uid, date))
      .set({ user_id: user.uid, date, total_requests: 2 });
    await adminDb()
      .collection(API_USAGE_EVENTS)
      .doc()
      .set({ user_id: user.uid, key_id: key.id, date, count: 2, expire_at: Timestamp.now() });

    expect((await dashboardCall(user, '/me', { method: 'DELETE' })).status).toBe(204);
    for (const collection of [API_KEYS, API_USAGE_EVENTS, API_USAGE_DAILY])
      expect(await ownedBy(collection, 'user_id', user.uid), collection).toBe(0);
    expect((await adminDb().collection(API_KEYS).doc(key.id).get()).exists).toBe(false);
  });

  it('a token issued before the deletion cannot bring the account back; a new sign-in can', async () => {
    const user = await createTestUser();
    await createKeyViaApi(user, { label: 'before' });
    expect((await dashboardCall(user, '/me', { method: 'DELETE' })).status).toBe(204);
    const tombstone = await adminDb().collection(DELETED_USERS).doc(user.uid).get();
    const deletedAt = tombstone.get('deleted_at') as Timestamp;

    // Production verifies ID tokens by signature and expiry; the Auth emulator also looks the user
    // up. The same uid again, with no password (so no `validSince`), makes the emulator accept the
    // old token as production would without a revocation check: what refuses it now must be ours.
    await adminAuth().createUser({ uid: user.uid, email: user.email, emailVerified: true });
    await expect(adminAuth().verifyIdToken(user.idToken)).resolves.toMatchObject({ uid: user.uid });

    for (const [path, options] of [
      ['/me', {}],
      ['/me/export', {}],
      ['/summary', {}],
      ['/accounts', {}],
      ['/keys', { method: 'POST', body: { label: 'after' } }],
      ['/billing/checkout', { method: 'POST', body: { plan: 'pro' } }],
    ] as const) {
      const response = await dashboardCall(user, path, options);
      expect(response.status, path).toBe(401);
      expect(await json(response), path).toMatchObject({ error: { code: 'unauthenticated' } });
    }
    expect((await adminDb().collection(USERS).doc(user.uid).get()).exists).toBe(false);
    expect((await adminDb().collection(ACCOUNTS).doc(user.uid).get()).exists).toBe(false);
    expect(await ownedBy(API_KEYS, 'account_id', user.uid)).toBe(0);

    // A sign-in after the deletion (auth_time has whole seconds) starts a new, empty account.
    await untilElapsed(deletedAt.toMillis(), 1_000);
    await adminAuth().updateUser(user.uid, { password: 'another horse battery staple' });
    const fresh = { ...user, idToken: await signInWithPassword(user.email, 'another horse battery staple') };
    const me = meResponseSchema.parse(await json(await dashboardCall(fresh, '/me')));
    expect(me.usage.active_keys).toBe(0);
    expect(me.account).toMatchObject({ id: user.uid, plan_tier: 'free' });
    expect((await adminDb().collection(DELETED_USERS).doc(user.uid).get()).exists).toBe(false);
  });

  it('finishes the job when repeated after a deletion that stopped half-way', async () => {
    const user = await createTestUser();
    const key = await createKeyViaApi(user, { label: 'half-deleted' });
    await dashboardCall(user, '/me');
    // As if an earlier DELETE /me had revoked and deleted the keys, then failed.
    await adminDb().collection(API_KEYS).doc(key.key.id).delete();

    const response = await dashboardCall(user, '/me', { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect((await adminDb().collection(USERS).doc(user.uid).get()).exists).toBe(false);
    expect((await adminDb().collection(ACCOUNTS).doc(user.uid).get()).exists).toBe(false);
    await expect(adminAuth().getUser(user.uid)).rejects.toMatchObject({ code: 'auth/user-not-found' });
  });
});
