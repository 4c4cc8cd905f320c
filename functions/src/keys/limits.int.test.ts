/**
 * Account limits across instances: three `api` instances in processes of their own (each its
 * own cache, leased budgets and usage buffer, with production constants) against the stack's
 * Firestore, keys made through the dashboard API or written as an operator would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCOUNTS,
  ALERTS,
  API_USAGE_DAILY,
  CREDIT_LEDGER,
  dailyDocId,
  NOTIFICATIONS,
} from '../lib/collections.js';
import {
  keyResponseSchema,
  MAX_ACTIVE_KEYS_PER_ACCOUNT,
  rollKeyResponseSchema,
} from '../shared/contracts.js';
import { utcDate } from '../shared/dates.js';
import { errorBodySchema } from '../shared/errors.js';
import { startApiInstance, type ApiInstance } from '../test-support/api-instances.js';
import {
  adminDb,
  clearEmulators,
  createTestUser,
  dashboardCall,
  json,
  waitForDoc,
  type TestUser,
} from '../test-support/emulators.js';
import {
  createKeyViaApi,
  insertKey,
  setAccountBilling,
  setAccountLimits,
  type InsertedKey,
} from '../test-support/fixtures.js';
import { accountBudgetRef } from './budget-ledger.js';
import { LIMIT_WINDOW_MS } from './limits.js';

const INSTANCES = 3;
let instances: ApiInstance[] = [];

async function startInstances(): Promise<void> {
  instances = await Promise.all(Array.from({ length: INSTANCES }, () => startApiInstance()));
}

/** SIGTERM, as Cloud Run stops an instance: it flushes its usage and gives back the units it holds. */
async function stopInstances(): Promise<void> {
  await Promise.all(instances.map((instance) => instance.stop()));
  instances = [];
}

beforeAll(async () => {
  await clearEmulators();
  await startInstances();
});

afterAll(stopInstances);

interface Outcome {
  code: string;
  limit: string | undefined;
  headers: Headers;
}

async function outcomeOf(response: Response): Promise<Outcome> {
  if (response.status === 200) {
    await response.arrayBuffer();
    return { code: 'ok', limit: undefined, headers: response.headers };
  }
  const { error } = errorBodySchema.parse(await json(response));
  return { code: error.code, limit: error.limit, headers: response.headers };
}

/** `count` calls spread round-robin over the instances and keys, `concurrency` at a time. */
async function callSpread(keys: readonly InsertedKey[], count: number, concurrency = 12): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  async function worker(): Promise<void> {
    while (next < count) {
      const i = next;
      next += 1;
      const instance = instances[i % instances.length];
      const key = keys[i % keys.length];
      if (instance === undefined || key === undefined) throw new Error('no instance or key');
      outcomes.push(await outcomeOf(await instance.call(key.secret)));
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return outcomes;
}

function tally(outcomes: readonly Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { code, limit } of outcomes) {
    const name = limit === undefined ? code : `${code}:${limit}`;
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

/** Waits until at least `marginMs` remain in the current UTC minute, so a burst stays inside it. */
async function awayFromMinuteTurn(marginMs: number): Promise<void> {
  const left = LIMIT_WINDOW_MS - (Date.now() % LIMIT_WINDOW_MS);
  if (left < marginMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

async function periodGranted(accountId: string): Promise<number> {
  const data = (await accountBudgetRef(accountId).get()).data();
  return Number(data?.period_granted ?? 0);
}

async function keysOf(user: TestUser, count: number): Promise<InsertedKey[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => insertKey(user.uid, { label: `key ${i}` })));
}

describe('the monthly quota is the account’s, exact across instances', () => {
  it(
    '25 keys on 3 instances share one quota: never more admitted than the quota, and units left on stopped instances come back',
    { timeout: 120_000 },
    async () => {
      const user = await createTestUser();
      await setAccountLimits(user.uid, { monthly: 60, per_minute: 100_000 });
      const keys = await keysOf(user, MAX_ACTIVE_KEYS_PER_ACCOUNT);

      const first = await callSpread(keys, 150);
      const admitted = first.filter(({ code }) => code === 'ok').length;
      expect(admitted).toBeLessThanOrEqual(60);
      expect(tally(first)).toEqual({ ok: admitted, 'quota_exceeded:account': 150 - admitted });
      // Every unit the ledger handed out is either spent or still held by an instance.
      expect(await periodGranted(user.uid)).toBeGreaterThanOrEqual(admitted);

      // Stopped instances give back what they hold: the ledger then counts exactly what was spent.
      await stopInstances();
      expect(await periodGranted(user.uid)).toBe(admitted);
      await startInstances();
      const second = await callSpread(keys, 90);
      const total = admitted + second.filter(({ code }) => code === 'ok').length;
      expect(total).toBe(60);

      // The leases that reached 80% and 100% of the quota fired one alert each, for all instances.
      const period = utcDate(new Date()).slice(0, 7);
      const alerts = await adminDb().collection(ALERTS).where('account_id', '==', user.uid).get();
      expect(alerts.docs.map((doc) => doc.id).sort()).toEqual([
        `${user.uid}_${period}_quota_threshold_100`,
        `${user.uid}_${period}_quota_threshold_80`,
      ]);
      expect(alerts.docs.find((doc) => doc.id.endsWith('_100'))?.data()).toMatchObject({
        kind: 'quota_threshold',
        value: 60,
        limit: 60,
      });
      // And each reached the account in-app.
      await waitForDoc(
        adminDb().collection(NOTIFICATIONS).doc(`${user.uid}_${period}_quota_threshold_100`),
        (data) => data !== undefined,
      );

      // The metering is exact: every call made is counted once in the account's aggregates.
      await stopInstances();
      await startInstances();
      const day = await waitForDoc(
        adminDb()
          .collection(API_USAGE_DAILY)
          .doc(dailyDocId(user.uid, utcDate(new Date()))),
        (data) => Number(data?.total_requests ?? 0) >= 240,
        60_000,
      );
      expect(day?.total_requests).toBe(240);
      const byKey = Object.values(day?.requests_by_key ?? {}).reduce((sum: number, n) => sum + Number(n), 0);
      expect(byKey).toBe(240);
    },
  );

  it('a chain of rolls draws on the same budget, and keys in a grace period count against the key cap', async () => {
    const user = await createTestUser();
    await setAccountLimits(user.uid, { monthly: 30, per_minute: 100_000 });
    let current = await createKeyViaApi(user, { label: 'rolled' });
    const live: InsertedKey[] = [{ id: current.key.id, secret: current.secret }];
    for (let roll = 0; roll < 3; roll += 1) {
      const response = await dashboardCall(user, `/keys/${current.key.id}/roll`, {
        method: 'POST',
        body: { grace_period_hours: 1 },
      });
      expect(response.status).toBe(201);
      const rolled = rollKeyResponseSchema.parse(await json(response));
      live.push({ id: rolled.key.id, secret: rolled.secret });
      current = { key: rolled.key, secret: rolled.secret };
    }
    const outcomes = await callSpread(live, 80);
    expect(outcomes.filter(({ code }) => code === 'ok').length).toBeLessThanOrEqual(30);
    await stopInstances();
    await startInstances();
    await callSpread(live, 40);
    await stopInstances();
    expect(await periodGranted(user.uid)).toBe(30);
    await startInstances();

    // Four live keys (three in their grace period): 21 more reach the cap; a roll with grace would pass it.
    for (let i = live.length; i < MAX_ACTIVE_KEYS_PER_ACCOUNT; i += 1)
      await createKeyViaApi(user, { label: `k${i}` });
    const refused = await dashboardCall(user, `/keys/${current.key.id}/roll`, {
      method: 'POST',
      body: { grace_period_hours: 1 },
    });
    expect(refused.status).toBe(409);
    expect(errorBodySchema.parse(await json(refused)).error.code).toBe('key_limit_reached');
    const immediate = await dashboardCall(user, `/keys/${current.key.id}/roll`, {
      method: 'POST',
      body: { grace_period_hours: 0 },
    });
    expect(immediate.status).toBe(201);
  });
});

describe('credits and overage beyond the included units, exact across instances', () => {
  async function budgetOf(accountId: string): Promise<Record<string, unknown>> {
    return (await accountBudgetRef(accountId).get()).data() ?? {};
  }

  it(
    'spends included units then granted credits, never more, answers 402 insufficient_credits, and folds the debit once',
    { timeout: 120_000 },
    async () => {
      const user = await createTestUser();
      await setAccountLimits(user.uid, { monthly: 20, per_minute: 100_000 });
      // As a paid credit pack leaves it (billing/credit-ledger.ts grantCredits).
      await setAccountBilling(user.uid, { credits_granted: 30 });
      const keys = await keysOf(user, 3);

      const first = await callSpread(keys, 80);
      const admitted = first.filter(({ code }) => code === 'ok').length;
      expect(admitted).toBeLessThanOrEqual(50);
      expect(tally(first)).toEqual({ ok: admitted, insufficient_credits: 80 - admitted });
      await stopInstances();
      // What the stopped instances held went back: the ledger counts exactly what was spent.
      expect(await budgetOf(user.uid)).toMatchObject({ period_granted: 20, credits_leased: admitted - 20 });
      await startInstances();
      const second = await callSpread(keys, 40);
      expect(admitted + second.filter(({ code }) => code === 'ok').length).toBe(50);
      const refused = second.find(({ code }) => code !== 'ok');
      expect(refused?.code).toBe('insufficient_credits');

      // The fold charges the credits the calls used, once: the balance ends at zero, never below.
      await stopInstances();
      await startInstances();
      const account = await waitForDoc(
        adminDb().collection(ACCOUNTS).doc(user.uid),
        (data) => Number(data?.credits_used ?? 0) >= 30,
        60_000,
      );
      expect(account).toMatchObject({ credits_granted: 30, credits_used: 30 });
      const day = await waitForDoc(
        adminDb()
          .collection(API_USAGE_DAILY)
          .doc(dailyDocId(user.uid, utcDate(new Date()))),
        (data) => Number(data?.total_requests ?? 0) >= 120,
        60_000,
      );
      expect(day).toMatchObject({ total_requests: 120, total_units: 50, credit_units: 30, overage_units: 0 });
      const debit = await adminDb()
        .collection(CREDIT_LEDGER)
        .doc(`usage_${user.uid}_${utcDate(new Date())}`)
        .get();
      expect(debit.data()).toMatchObject({ kind: 'usage', units: 30 });
    },
  );

  it(
    'lets a subscribed account that allows overage go past its quota up to its spend cap, then 402 spend_cap_reached',
    { timeout: 120_000 },
    async () => {
      const user = await createTestUser();
      await setAccountLimits(user.uid, { monthly: 10, per_minute: 100_000 }, 'pro');
      // One cent at Pro's $0.50 per 1,000 units buys 20 units of overage.
      await setAccountBilling(user.uid, {
        subscription_status: 'active',
        billing_settings: { overage: 'allow', spend_cap_cents: 1 },
      });
      const keys = await keysOf(user, 2);
      const first = await callSpread(keys, 60);
      const admitted = first.filter(({ code }) => code === 'ok').length;
      // Never more than included + overage; instances may still hold some of it, unspent.
      expect(admitted).toBeLessThanOrEqual(30);
      expect(tally(first)).toEqual({ ok: admitted, spend_cap_reached: 60 - admitted });
      await stopInstances();
      const returned = await budgetOf(user.uid);
      expect(Number(returned.period_granted) + Number(returned.overage_granted)).toBe(admitted);
      await startInstances();
      const second = await callSpread(keys, 40);
      expect(admitted + second.filter(({ code }) => code === 'ok').length).toBe(30);
      await stopInstances();
      expect(await budgetOf(user.uid)).toMatchObject({ period_granted: 10, overage_granted: 20 });
      await startInstances();
      const day = await waitForDoc(
        adminDb()
          .collection(API_USAGE_DAILY)
          .doc(dailyDocId(user.uid, utcDate(new Date()))),
        (data) => Number(data?.total_requests ?? 0) >= 100,
        60_000,
      );
      expect(day).toMatchObject({ total_units: 30, credit_units: 0, overage_units: 20 });
    },
  );
});

describe('the per-minute limit is the account’s, exact across instances', () => {
  it('3 instances admit at most the limit in a UTC minute, and all of it when asked for more', async () => {
    const user = await createTestUser();
    await setAccountLimits(user.uid, { monthly: 100_000, per_minute: 20 });
    const keys = await keysOf(user, 4);
    await awayFromMinuteTurn(15_000);
    const outcomes = await callSpread(keys, 90);
    const byWindow = new Map<string, number>();
    for (const { code, headers } of outcomes) {
      if (code !== 'ok') continue;
      const reset = headers.get('x-ratelimit-reset') ?? 'none';
      byWindow.set(reset, (byWindow.get(reset) ?? 0) + 1);
    }
    expect([...byWindow.values()]).toEqual([20]);
    expect(tally(outcomes)).toEqual({ ok: 20, 'rate_limited:account': 70 });
    const refused = outcomes.find(({ code }) => code === 'rate_limited');
    expect(refused?.headers.get('x-ratelimit-limit')).toBe('20');
    expect(refused?.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});

describe('per-key caps', () => {
  it('bite before the account’s limits, with the key’s headers, and leave the account’s other keys alone', async () => {
    const user = await createTestUser();
    await setAccountLimits(user.uid, { monthly: 1_000, per_minute: 1_000 });
    const capped = await createKeyViaApi(user, { label: 'capped' });
    const other = await createKeyViaApi(user, { label: 'other' });
    const patched = await dashboardCall(user, `/keys/${capped.key.id}`, {
      method: 'PATCH',
      body: { cap_monthly: 5 },
    });
    expect(patched.status).toBe(200);
    expect(keyResponseSchema.parse(await json(patched)).key).toMatchObject({
      cap_monthly: 5,
      cap_per_minute: null,
    });

    const outcomes = await callSpread([{ id: capped.key.id, secret: capped.secret }], 12, 4);
    expect(outcomes.filter(({ code }) => code === 'ok').length).toBeLessThanOrEqual(5);
    const refused = outcomes.find(({ code }) => code === 'quota_exceeded');
    expect(refused?.limit).toBe('key');
    expect(refused?.headers.get('x-quota-limit')).toBe('5');
    expect(tally(outcomes)['quota_exceeded:account']).toBeUndefined();

    const others = await callSpread([{ id: other.key.id, secret: other.secret }], 6, 3);
    expect(tally(others)).toEqual({ ok: 6 });
    expect(others[0]?.headers.get('x-quota-limit')).toBe('1000');
  });

  it('a per-minute cap refuses with rate_limited for the key', async () => {
    const user = await createTestUser();
    await setAccountLimits(user.uid, { monthly: 1_000, per_minute: 1_000 });
    const key = await insertKey(user.uid, { caps: { per_minute: 3 } });
    await awayFromMinuteTurn(10_000);
    const outcomes = await callSpread([key], 9, 3);
    expect(tally(outcomes)).toEqual({ ok: 3, 'rate_limited:key': 6 });
    expect(outcomes.find(({ code }) => code === 'rate_limited')?.headers.get('x-ratelimit-limit')).toBe('3');
  });

  it('are refused by the dashboard when not a positive whole number', async () => {
    const user = await createTestUser();
    const key = await createKeyViaApi(user, { label: 'k' });
    for (const body of [
      { cap_monthly: 0 },
      { cap_per_minute: -1 },
      { cap_monthly: 1.5 },
      { cap_monthly: '5' },
      {},
    ]) {
      const response = await dashboardCall(user, `/keys/${key.key.id}`, { method: 'PATCH', body });
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
  });
});
