/**
 * The migration to accounts over data shaped as Keymeter wrote it before accounts: users with
 * their plan and Stripe fields, keys with `user_id`, `tier` and `rate_limit_*` (one rolled
 * twice), usage documents with `user_id`. Run twice: the second run changes nothing.
 */
import { Timestamp, type DocumentData } from 'firebase-admin/firestore';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey, hashApiKey, keyHint, keyPrefix } from '../functions/src/keys/key-format.js';
import { readKeyDoc } from '../functions/src/keys/key-doc.js';
import {
  ACCOUNT_BUDGETS,
  ACCOUNTS,
  API_KEYS,
  API_USAGE_DAILY,
  API_USAGE_EVENTS,
  API_USAGE_MONTHLY,
  MEMBERS,
  USERS,
  dailyDocId,
  monthlyDocId,
} from '../functions/src/lib/collections.js';
import { utcDate, utcPeriod } from '../functions/src/shared/dates.js';
import {
  adminDb,
  apiCall,
  clearEmulators,
  createTestUser,
  dashboardCall,
  waitForDoc,
} from '../functions/src/test-support/emulators.js';
import { createKeyViaApi } from '../functions/src/test-support/fixtures.js';
import { migrateAccounts, type MigrationCounts } from './migrate-accounts.js';

const ZERO: MigrationCounts = {
  accounts_created: 0,
  members_created: 0,
  profiles_cleaned: 0,
  keys: 0,
  usage_daily: 0,
  usage_monthly: 0,
  usage_batches: 0,
};
const DAY_MS = 86_400_000;

beforeAll(async () => {
  await clearEmulators();
});

function legacyKey(
  uid: string,
  label: string,
  overrides: DocumentData = {},
): { secret: string; data: DocumentData } {
  const secret = generateApiKey();
  return {
    secret,
    data: {
      key_hash: hashApiKey(secret),
      key_prefix: keyPrefix(secret),
      key_hint: keyHint(secret),
      user_id: uid,
      label,
      scopes: ['read', 'write'],
      tier: 'pro',
      created_at: Timestamp.fromMillis(Date.now() - 10 * DAY_MS),
      is_active: true,
      monthly_usage: 0,
      usage_period: utcPeriod(new Date()),
      rate_limit_monthly: 100_000,
      rate_limit_per_minute: 600,
      ...overrides,
    },
  };
}

function legacyProfile(uid: string, fields: DocumentData = {}): DocumentData {
  return {
    email: `${uid}@example.test`,
    display_name: `Name of ${uid}`,
    photo_url: null,
    created_at: Timestamp.fromMillis(Date.now() - 100 * DAY_MS),
    updated_at: Timestamp.fromMillis(Date.now() - DAY_MS),
    plan_tier: 'free',
    ...fields,
  };
}

async function data(collection: string, id: string): Promise<DocumentData | undefined> {
  return (await adminDb().collection(collection).doc(id).get()).data();
}

/** Everything in the collections the migration touches, to compare before and after a run. */
async function snapshot(): Promise<string> {
  const parts: string[] = [];
  for (const collection of [
    USERS,
    ACCOUNTS,
    ACCOUNT_BUDGETS,
    API_KEYS,
    API_USAGE_DAILY,
    API_USAGE_MONTHLY,
    API_USAGE_EVENTS,
  ]) {
    for (const doc of (await adminDb().collection(collection).get()).docs) {
      parts.push(JSON.stringify([doc.ref.path, doc.data()]));
      for (const member of (await doc.ref.collection(MEMBERS).get()).docs)
        parts.push(JSON.stringify([member.ref.path, member.data()]));
    }
  }
  return parts.sort().join('\n');
}

describe('npm run migrate:accounts', () => {
  it('moves users, keys and usage to personal accounts, once: a second run changes nothing', async () => {
    const db = adminDb();
    const paying = 'legacy-paying';
    const free = 'legacy-free';
    const broken = 'legacy-member-without-account';
    const periodEnd = Timestamp.fromMillis(Date.now() + 20 * DAY_MS);
    const payingProfile = legacyProfile(paying, {
      plan_tier: 'pro',
      stripe_customer_id: 'cus_legacy',
      stripe_subscription_id: 'sub_legacy',
      subscription_status: 'active',
      current_period_end: periodEnd,
      cancel_at_period_end: false,
      billing_version: 3,
    });
    await db.collection(USERS).doc(paying).set(payingProfile);
    await db.collection(USERS).doc(free).set(legacyProfile(free));
    await db.collection(USERS).doc(broken).set(legacyProfile(broken));
    await db.collection(ACCOUNTS).doc(broken).collection(MEMBERS).doc(broken).set({ role: 'owner' });
    // A user of the new model, whose account the migration must leave as it is.
    const current = await createTestUser();
    await dashboardCall(current, '/me');
    const currentKey = await createKeyViaApi(current, { label: 'new model' });
    // Its owner membership lost (only a broken deletion could do that): made again.
    await db.collection(ACCOUNTS).doc(current.uid).collection(MEMBERS).doc(current.uid).delete();

    // A chain of rolls first → second → third, one key of its own, one with a cap set meanwhile.
    const keys = db.collection(API_KEYS);
    const [first, second, third, single, capped, freeKey] = [
      'first',
      'second',
      'third',
      'single',
      'capped',
      'free',
    ].map((name) => keys.doc(`legacy-${name}`));
    if (!first || !second || !third || !single || !capped || !freeKey) throw new Error('six keys');
    const thirdKey = legacyKey(paying, 'rolled twice', { monthly_usage: 7 });
    await first.set(
      legacyKey(paying, 'rolled twice', {
        replaced_by: second.id,
        expires_at: Timestamp.fromMillis(Date.now() - DAY_MS),
      }).data,
    );
    await second.set(
      legacyKey(paying, 'rolled twice', {
        replaced_by: third.id,
        expires_at: Timestamp.fromMillis(Date.now() + DAY_MS),
      }).data,
    );
    await third.set(thirdKey.data);
    await single.set(
      legacyKey(paying, 'single', { is_active: false, revoked_at: Timestamp.now(), monthly_usage: 2 }).data,
    );
    await capped.set(legacyKey(paying, 'capped', { cap_monthly: 50 }).data);
    await freeKey.set(
      legacyKey(free, 'free key', { tier: 'free', rate_limit_monthly: 1_000, monthly_usage: 3 }).data,
    );
    // Usage of an earlier month is not this month's quota.
    await capped.update({ monthly_usage: 40, usage_period: '2026-01' });

    const date = '2026-01-15';
    await db
      .collection(API_USAGE_DAILY)
      .doc(dailyDocId(paying, date))
      .set({ user_id: paying, date, total_requests: 12, error_count: 1, latency_ms_sum: 40 });
    await db
      .collection(API_USAGE_MONTHLY)
      .doc(monthlyDocId(paying, '2026-01'))
      .set({ user_id: paying, period: '2026-01', total_requests: 12, error_count: 1 });
    const batch = db.collection(API_USAGE_EVENTS).doc('legacy-batch');
    await batch.set({
      key_id: third.id,
      user_id: paying,
      date,
      period: '2026-01',
      count: 1,
      folded_at: Timestamp.now(),
      expire_at: Timestamp.fromMillis(Date.now() + DAY_MS),
    });

    const firstRun = await migrateAccounts({ pageSize: 2 });
    expect(firstRun.changed).toEqual({
      accounts_created: 3,
      members_created: 3,
      profiles_cleaned: 3,
      keys: 6,
      usage_daily: 1,
      usage_monthly: 1,
      usage_batches: 1,
    });

    // This month's usage moved into the accounts' ledgers, so their quotas go on where they were:
    // the chain's head and the revoked key count, the rolled keys add nothing (their successor
    // started from their count) and last month's usage is not this month's.
    const period = utcPeriod(new Date());
    expect(await data(ACCOUNT_BUDGETS, paying)).toMatchObject({ period, period_granted: 9 });
    expect(await data(ACCOUNT_BUDGETS, free)).toMatchObject({ period, period_granted: 3 });

    // The personal account carries what the profile held; the profile is a profile.
    expect(await data(ACCOUNTS, paying)).toEqual({
      kind: 'personal',
      name: `Name of ${paying}`,
      plan_tier: 'pro',
      stripe_customer_id: 'cus_legacy',
      stripe_subscription_id: 'sub_legacy',
      subscription_status: 'active',
      current_period_end: periodEnd,
      cancel_at_period_end: false,
      billing_version: 3,
      owner_uid: paying,
      created_at: payingProfile.created_at,
    });
    expect(await data(`${ACCOUNTS}/${paying}/${MEMBERS}`, paying)).toMatchObject({
      uid: paying,
      role: 'owner',
    });
    expect(await data(USERS, paying)).toEqual({
      email: payingProfile.email,
      display_name: payingProfile.display_name,
      photo_url: null,
      created_at: payingProfile.created_at,
      updated_at: payingProfile.updated_at,
    });
    expect(await data(ACCOUNTS, free)).toMatchObject({
      kind: 'personal',
      plan_tier: 'free',
      owner_uid: free,
    });
    expect((await data(USERS, free))?.plan_tier).toBeUndefined();
    // A membership left without its account gets the account; an account without it, the membership.
    expect(await data(ACCOUNTS, broken)).toMatchObject({
      kind: 'personal',
      plan_tier: 'free',
      owner_uid: broken,
    });
    expect(await data(`${ACCOUNTS}/${current.uid}/${MEMBERS}`, current.uid)).toMatchObject({
      uid: current.uid,
      role: 'owner',
    });

    // Keys: the account, who made them, one budget per chain of rolls, no limits of their own.
    const expected: [typeof first, string, number | null][] = [
      [first, first.id, null],
      [second, first.id, null],
      [third, first.id, null],
      [single, single.id, null],
      [capped, capped.id, 50],
    ];
    for (const [ref, budget, cap] of expected) {
      const key = await data(API_KEYS, ref.id);
      expect(key, ref.id).toMatchObject({
        account_id: paying,
        created_by: paying,
        budget_id: budget,
        cap_monthly: cap,
        cap_per_minute: null,
      });
      for (const legacy of ['user_id', 'tier', 'rate_limit_monthly', 'rate_limit_per_minute'])
        expect(key?.[legacy], `${ref.id}.${legacy}`).toBeUndefined();
    }
    expect(await data(API_KEYS, freeKey.id)).toMatchObject({ account_id: free, budget_id: freeKey.id });
    expect(readKeyDoc(await data(API_KEYS, third.id))).toMatchObject({
      account_id: paying,
      created_by: paying,
      budget_id: first.id,
      monthly_usage: 7,
    });

    for (const [collection, id] of [
      [API_USAGE_DAILY, dailyDocId(paying, date)],
      [API_USAGE_MONTHLY, monthlyDocId(paying, '2026-01')],
      [API_USAGE_EVENTS, batch.id],
    ] as const) {
      const doc = await data(collection, id);
      expect(doc, id).toMatchObject({ account_id: paying });
      expect(doc?.user_id, id).toBeUndefined();
    }
    expect(await data(API_USAGE_DAILY, dailyDocId(paying, date))).toMatchObject({ total_requests: 12 });
    expect(await data(API_KEYS, currentKey.key.id)).toMatchObject({ account_id: current.uid });

    const before = await snapshot();
    const secondRun = await migrateAccounts({ pageSize: 2 });
    expect(secondRun.changed).toEqual(ZERO);
    expect(secondRun.scanned).toBe(firstRun.scanned);
    expect(await snapshot()).toBe(before);

    // The API reads the migrated key as a key of the account, on the account's plan.
    const call = await apiCall(thirdKey.secret, '/time');
    expect(call.status).toBe(200);
    await call.arrayBuffer();
  });

  it('runs beside live traffic on a legacy key: every call is counted once, in the account', async () => {
    const uid = 'legacy-busy';
    await adminDb()
      .collection(USERS)
      .doc(uid)
      .set(legacyProfile(uid, { plan_tier: 'pro' }));
    const key = legacyKey(uid, 'busy');
    const ref = adminDb().collection(API_KEYS).doc('legacy-busy-key');
    await ref.set(key.data);

    const calls = 8;
    const [result, statuses] = await Promise.all([
      migrateAccounts({ pageSize: 1 }),
      Promise.all(
        Array.from({ length: calls }, async () => {
          const response = await apiCall(key.secret, '/time');
          await response.arrayBuffer();
          return response.status;
        }),
      ),
    ]);
    expect(statuses).toEqual(Array.from({ length: calls }, () => 200));
    expect(result.changed).toMatchObject({ accounts_created: 1, profiles_cleaned: 1, keys: 1 });

    await waitForDoc(ref, (doc) => doc?.monthly_usage === calls);
    const daily = await waitForDoc(
      adminDb()
        .collection(API_USAGE_DAILY)
        .doc(dailyDocId(uid, utcDate(new Date()))),
      (doc) => doc?.total_requests === calls,
    );
    expect(daily).toMatchObject({ account_id: uid });
    const migrated = await data(API_KEYS, ref.id);
    expect(migrated).toMatchObject({ account_id: uid, budget_id: ref.id });
    expect(migrated?.user_id).toBeUndefined();

    expect((await migrateAccounts()).changed).toEqual(ZERO);
  });
});
