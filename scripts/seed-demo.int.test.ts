import { beforeAll, describe, expect, it } from 'vitest';
import { readKeyDoc, toApiKey } from '../functions/src/keys/key-doc.js';
import { hashApiKey } from '../functions/src/keys/key-format.js';
import {
  ACCOUNTS,
  ALERTS,
  API_KEYS,
  API_USAGE_DAILY,
  API_USAGE_EVENTS,
  MEMBERS,
  CREDIT_LEDGER,
  NOTIFICATIONS,
  AUDIT_LOG,
  TEAM_SLUGS,
  USERS,
} from '../functions/src/lib/collections.js';
import { DEMO_OPERATOR, DEMO_TEAM_NAME, DEMO_TEAM_SLUG, DEMO_TEAMMATE } from './seed-demo-team.js';
import { CREDIT_PACKS } from '../functions/src/shared/credit-packs.js';
import { PLANS } from '../functions/src/shared/plans.js';
import { meResponseSchema, statsResponseSchema } from '../functions/src/shared/contracts.js';
import { addDays, utcDate } from '../functions/src/shared/dates.js';
import {
  adminAuth,
  adminDb,
  apiCall,
  clearEmulators,
  dashboardCall,
  dumpFirestore,
  json,
  waitForDoc,
  type TestUser,
} from '../functions/src/test-support/emulators.js';
import { useStripeStandIn } from '../functions/src/test-support/stripe-stand-in.js';
import { DEMO_EMAIL, seedDemo } from './seed-demo.js';

const AUTH_HOST = process.env.FIREBASE_AUTH_EMULATOR_HOST ?? '127.0.0.1:9099';

beforeAll(async () => {
  await clearEmulators();
});

/** The demo user's ID token, through the emulator's Google provider as the account chooser does. */
async function signInAsDemo(): Promise<TestUser> {
  const signIn = await fetch(
    `http://${AUTH_HOST}/identitytoolkit.googleapis.com/v1/accounts:signInWithIdp?key=demo`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        postBody: `providerId=google.com&id_token=${encodeURIComponent(JSON.stringify({ sub: 'keymeter-demo-google', email: DEMO_EMAIL }))}`,
        requestUri: 'http://localhost',
        returnSecureToken: true,
      }),
    },
  );
  const { idToken, localId } = (await signIn.json()) as { idToken: string; localId: string };
  return { uid: localId, email: DEMO_EMAIL, idToken };
}

async function counts(uid: string) {
  const [keys, days, batches, users, accounts, members, alerts] = await Promise.all([
    adminDb().collection(API_KEYS).where('account_id', '==', uid).get(),
    adminDb().collection(API_USAGE_DAILY).where('account_id', '==', uid).get(),
    adminDb().collection(API_USAGE_EVENTS).where('account_id', '==', uid).get(),
    adminDb().collection(USERS).get(),
    adminDb().collection(ACCOUNTS).get(),
    adminDb().collection(ACCOUNTS).doc(uid).collection(MEMBERS).get(),
    adminDb().collection(ALERTS).where('account_id', '==', uid).get(),
  ]);
  const total = days.docs.reduce((sum, doc) => sum + Number(doc.get('total_requests')), 0);
  return {
    keys: keys.size,
    days: days.size,
    batches: batches.size,
    users: users.size,
    accounts: accounts.size,
    members: members.size,
    alerts: alerts.size,
    total,
  };
}

describe('seedDemo', () => {
  it('creates the demo account once, however often it runs', async () => {
    // Today's usage grows with the time of day: both runs seed as of the same moment.
    const now = new Date();
    const first = await seedDemo({ quiet: true, now });
    const afterFirst = await counts(first.uid);
    const second = await seedDemo({ quiet: true, now });
    expect(second.uid).toBe(first.uid);
    expect(second.demoKey).toBe(first.demoKey);
    expect(await counts(first.uid)).toEqual(afterFirst);
    // The demo user's and, from the demo team, Ada's profiles and personal accounts, and the team.
    expect(afterFirst).toMatchObject({ keys: 6, days: 90, users: 2, accounts: 3, members: 1 });
    expect(afterFirst.total).toBeGreaterThan(50_000);
    // The demo user, Ada and the operator.
    expect((await adminAuth().listUsers()).users).toHaveLength(3);
  });

  it('signs the demo user in with Google and GitHub, listed in the emulator’s account chooser', async () => {
    const { uid } = await seedDemo({ quiet: true });
    const user = await adminAuth().getUser(uid);
    expect(user.email).toBe(DEMO_EMAIL);
    expect(user.displayName).toBe('Demo Developer');
    expect(user.providerData.map((provider) => provider.providerId).sort()).toEqual([
      'github.com',
      'google.com',
    ]);
    for (const providerId of ['google.com', 'github.com']) {
      const chooser = await fetch(
        `http://${AUTH_HOST}/emulator/auth/handler?apiKey=demo&providerId=${providerId}`,
      );
      expect(await chooser.text()).toContain(encodeURIComponent(DEMO_EMAIL));
    }
    expect((await adminDb().collection(ACCOUNTS).doc(uid).get()).data()).toMatchObject({
      kind: 'personal',
      name: 'Demo Developer',
      owner_uid: uid,
      plan_tier: 'pro',
    });
    expect((await adminDb().collection(USERS).doc(uid).get()).get('plan_tier')).toBeUndefined();
    const me = meResponseSchema.parse(await json(await dashboardCall(await signInAsDemo(), '/me')));
    expect(me.account).toMatchObject({ id: uid, role: 'owner', plan_tier: 'pro' });
    expect(me.usage.units).toBeGreaterThan(0);
    expect(me.usage.keys.map((key) => key.label)).toContain('Production');
  });

  it('seeds the demo team with a second member, their keys, usage and audit log, and an operator, once', async () => {
    const { uid } = await seedDemo({ quiet: true });
    await seedDemo({ quiet: true });
    const slug = await adminDb().collection(TEAM_SLUGS).doc(DEMO_TEAM_SLUG).get();
    const teamId = String(slug.get('account_id'));
    const team = await adminDb().collection(ACCOUNTS).doc(teamId).get();
    expect(team.data()).toMatchObject({
      kind: 'team',
      name: DEMO_TEAM_NAME,
      slug: DEMO_TEAM_SLUG,
      member_count: 2,
    });
    const members = await team.ref.collection(MEMBERS).get();
    const ada = await adminAuth().getUserByEmail(DEMO_TEAMMATE.email);
    expect(Object.fromEntries(members.docs.map((doc) => [doc.id, doc.get('role')]))).toEqual({
      [uid]: 'owner',
      [ada.uid]: 'admin',
    });
    const keys = await adminDb().collection(API_KEYS).where('account_id', '==', teamId).get();
    expect(keys.docs.map((doc) => [doc.get('label'), doc.get('created_by')]).sort()).toEqual([
      ['Nightly ETL', ada.uid],
      ['Team backend', uid],
    ]);
    const audit = await adminDb().collection(AUDIT_LOG).where('account_id', '==', teamId).get();
    expect(audit.docs.map((doc) => doc.get('action')).sort()).toEqual([
      'invitation.created',
      'key.created',
      'key.created',
      'member.joined',
      'team.created',
    ]);
    // The calls are folded into the team's day by the usage trigger.
    await waitForDoc(
      adminDb()
        .collection(API_USAGE_DAILY)
        .doc(`${teamId}_${utcDate(new Date())}`),
      (data) => Number(data?.total_requests ?? 0) >= 8,
    );
    const operator = await adminAuth().getUserByEmail(DEMO_OPERATOR.email);
    expect(operator.customClaims).toMatchObject({ admin: true });
    const chooser = await fetch(
      `http://${AUTH_HOST}/emulator/auth/handler?apiKey=demo&providerId=google.com`,
    );
    const listed = await chooser.text();
    for (const email of [DEMO_TEAMMATE.email, DEMO_OPERATOR.email])
      expect(listed).toContain(encodeURIComponent(email));
  });

  it('fires the quota alerts the closed months reached, once each, and delivers them in-app', async () => {
    const now = new Date();
    const { uid } = await seedDemo({ quiet: true, now });
    const alerts = await adminDb().collection(ALERTS).where('account_id', '==', uid).get();
    // Ninety days of the demo's traffic cross its lowest threshold (50% of Pro's quota) in every
    // full month they cover; which higher ones they reach depends on the month.
    expect(alerts.size).toBeGreaterThanOrEqual(2);
    const limit = PLANS.pro.monthly_limit;
    const openPeriod = now.toISOString().slice(0, 7);
    for (const alert of alerts.docs) {
      expect(alert.get('kind')).toBe('quota_threshold');
      expect(alert.get('period') < openPeriod).toBe(true);
      expect(alert.get('limit')).toBe(limit);
      expect(alert.get('value')).toBeGreaterThanOrEqual((limit * Number(alert.get('threshold'))) / 100);
      const firedAt = alert.get('fired_at').toDate().toISOString();
      expect(firedAt.slice(0, 7)).toBe(alert.get('period'));
      await waitForDoc(adminDb().collection(NOTIFICATIONS).doc(alert.id), (data) => data !== undefined);
    }
    expect(alerts.docs.some((alert) => alert.get('threshold') === 50)).toBe(true);
  });

  it('subscribes the demo account to Pro through the Stripe stand-in, once', async () => {
    const standIn = await useStripeStandIn();
    try {
      const { uid } = await seedDemo({ quiet: true });
      await seedDemo({ quiet: true });
      const account = (await adminDb().collection(ACCOUNTS).doc(uid).get()).data();
      expect(account).toMatchObject({ plan_tier: 'pro', subscription_status: 'active' });
      // The small credit pack, bought once through Checkout in payment mode.
      expect(account?.credits_granted).toBe(CREDIT_PACKS['10k'].units);
      const grants = await adminDb()
        .collection(CREDIT_LEDGER)
        .where('account_id', '==', uid)
        .where('kind', '==', 'grant')
        .get();
      expect(grants.size).toBe(1);
      const customer = String(account?.stripe_customer_id);
      const subscriptions = await standIn.stripe.subscriptions.list({ customer, status: 'all' });
      expect(subscriptions.data.map((subscription) => subscription.status)).toEqual(['active']);
      // Billing → Manage billing works for it.
      const portal = await dashboardCall(await signInAsDemo(), '/billing/portal', { method: 'POST' });
      expect(portal.status).toBe(200);
    } finally {
      await standIn.idle();
      await standIn.stop();
    }
  });

  it('seeds keys in every state, and only the demo key works, stored as a hash', async () => {
    const { uid, demoKey } = await seedDemo({ quiet: true });
    const keys = await adminDb().collection(API_KEYS).where('account_id', '==', uid).get();
    const statuses = keys.docs
      .map((doc) => toApiKey(doc.id, readKeyDoc(doc.data()), new Date()).status)
      .sort();
    expect(statuses).toEqual(['active', 'active', 'active', 'expired', 'expiring', 'revoked']);
    expect(keys.docs.some((doc) => doc.get('key_hash') === hashApiKey(demoKey))).toBe(true);
    expect(await dumpFirestore()).not.toContain(demoKey);
    expect((await apiCall(demoKey, '/time')).status).toBe(200);
  });

  it('gives the dashboard 90 days of usage with errors and a weekly shape', async () => {
    const { uid } = await seedDemo({ quiet: true });
    const demo = await signInAsDemo();
    expect(demo.uid).toBe(uid);
    const today = utcDate(new Date());
    const stats = statsResponseSchema.parse(
      await json(await dashboardCall(demo, `/stats?from=${addDays(today, -89)}&to=${today}`)),
    );
    expect(stats.daily.every((day) => day.requests > 0)).toBe(true);
    expect(stats.totals.errors).toBeGreaterThan(0);
    expect(stats.by_status.map((entry) => entry.status)).toEqual(
      expect.arrayContaining(['200', '400', '401', '429', '500']),
    );
    expect(stats.by_endpoint.length).toBeGreaterThanOrEqual(4);
    const weekday = stats.daily.filter(
      (day) => ![0, 6].includes(new Date(`${day.date}T00:00:00Z`).getUTCDay()),
    );
    const weekend = stats.daily.filter((day) =>
      [0, 6].includes(new Date(`${day.date}T00:00:00Z`).getUTCDay()),
    );
    const mean = (days: typeof weekday) => days.reduce((sum, day) => sum + day.requests, 0) / days.length;
    expect(mean(weekday.slice(0, -1))).toBeGreaterThan(mean(weekend) * 1.5);
  });
});
