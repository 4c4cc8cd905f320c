import { beforeAll, describe, expect, it } from 'vitest';
import { toBatchDoc } from '../keys/batch-doc.js';
import type { UsageBatch, UsageCall } from '../keys/usage-buffer.js';
import { writeUsageBatches } from '../keys/usage-recorder.js';
import { newDocumentId } from '../lib/random.js';
import {
  API_KEYS,
  API_USAGE_DAILY,
  API_USAGE_EVENTS,
  API_USAGE_PLATFORM_DAILY,
  dailyDocId,
} from '../lib/collections.js';
import { previousPeriod, utcDate, utcPeriod } from '../shared/dates.js';
import { documentSize } from '../test-support/document-size.js';
import {
  adminDb,
  apiCall,
  clearEmulators,
  createTestUser,
  json,
  waitForDoc,
} from '../test-support/emulators.js';
import { insertKey } from '../test-support/fixtures.js';
import { timeCall as call, usageBatch } from '../test-support/usage.js';
import { DAILY_BOUNDS, OTHER } from './usage-bounds.js';

beforeAll(async () => {
  await clearEmulators();
});

/** Writes a batch as a flush would and waits for foldUsage to mark it folded. */
async function writeBatchAndWait(keyId: string, userId: string, calls: UsageCall[]): Promise<void> {
  const batch = usageBatch(keyId, userId, calls);
  const ref = adminDb().collection(API_USAGE_EVENTS).doc(batch.id);
  await ref.create(toBatchDoc(batch));
  await waitForDoc(ref, (data) => data?.folded_at !== undefined);
}

describe('foldUsage: any delivery order', () => {
  it('moves the key into the newest period, keeps late batches out of it, and keeps last_used_at the latest', async () => {
    const user = await createTestUser();
    const now = new Date();
    const period = utcPeriod(now);
    const lastMonth = previousPeriod(period);
    const key = await insertKey(user.uid, { usage: { monthly_usage: 40, usage_period: lastMonth } });
    const keyRef = adminDb().collection(API_KEYS).doc(key.id);
    const recent = new Date(now.getTime() - 60_000);
    const lastMonthDay = new Date(`${lastMonth}-15T12:00:00Z`);

    // This month's usage arrives first: the key starts the new period with it.
    await writeBatchAndWait(key.id, user.uid, [call(recent), call(recent, { status: 429, billable: false })]);
    expect((await keyRef.get()).data()).toMatchObject({ usage_period: period, monthly_usage: 1 });

    // Last month's usage arrives late: it counts in last month's daily aggregates only.
    await writeBatchAndWait(key.id, user.uid, [call(lastMonthDay), call(lastMonthDay)]);
    const afterLate = (await keyRef.get()).data();
    expect(afterLate).toMatchObject({ usage_period: period, monthly_usage: 1 });
    expect(afterLate?.last_used_at.toMillis()).toBe(recent.getTime());
    const lateDay = await adminDb()
      .collection(API_USAGE_DAILY)
      .doc(dailyDocId(user.uid, utcDate(lastMonthDay)))
      .get();
    expect(lateDay.get('total_requests')).toBe(2);

    // An older call of this month, folded after a newer one, does not move last_used_at back.
    const older = new Date(recent.getTime() - 30_000);
    await writeBatchAndWait(key.id, user.uid, [call(older, { status: 500 })]);
    const final = (await keyRef.get()).data();
    expect(final).toMatchObject({ usage_period: period, monthly_usage: 2 });
    expect(final?.last_used_at.toMillis()).toBe(recent.getTime());

    const today = await adminDb()
      .collection(API_USAGE_DAILY)
      .doc(dailyDocId(user.uid, utcDate(recent)))
      .get();
    expect(today.data()).toMatchObject({
      total_requests: 3,
      error_count: 2,
      requests_by_status: { '200': 1, '429': 1, '500': 1 },
      requests_by_endpoint: { 'GET /v1/time': 3 },
      requests_by_key: { [key.id]: 3 },
      key_stats: { [key.id]: { requests: 3, errors: 2, by_endpoint: { 'GET /v1/time': 3 } } },
    });
  });

  it('discards usage of a key that no longer exists (a deleted account)', async () => {
    const user = await createTestUser();
    const key = await insertKey(user.uid);
    await adminDb().collection(API_KEYS).doc(key.id).delete();
    const id = newDocumentId();
    const at = new Date();
    const ref = adminDb().collection(API_USAGE_EVENTS).doc(id);
    const date = utcDate(at);
    await ref.create(
      toBatchDoc({
        id,
        key_id: key.id,
        account_id: user.uid,
        date,
        period: date.slice(0, 7),
        calls: [call(at, { key_id: key.id, account_id: user.uid })],
        billable: 1,
        units: 1,
        credit_units: 0,
        overage_units: 0,
        meter_units: {},
      }),
    );
    await waitForDoc(ref, (data) => data === undefined);
    const daily = await adminDb().collection(API_USAGE_DAILY).doc(dailyDocId(user.uid, date)).get();
    expect(daily.exists).toBe(false);
  });
});

/** Writes batches as API instances do: `instances` concurrent commits, each of its own batches. */
async function writeAsInstances(batches: UsageBatch[], instances: number): Promise<void> {
  await Promise.all(
    Array.from({ length: instances }, (_, lane) =>
      writeUsageBatches(batches.filter((_batch, index) => index % instances === lane)),
    ),
  );
}

async function waitUntilFolded(batches: readonly UsageBatch[]): Promise<void> {
  await Promise.all(
    batches.map((batch) =>
      waitForDoc(
        adminDb().collection(API_USAGE_EVENTS).doc(batch.id),
        (data) => data?.folded_at !== undefined,
        180_000,
      ),
    ),
  );
}

const total = (map: Record<string, number>) => Object.values(map).reduce((sum, value) => sum + value, 0);
const named = (map: Record<string, number>) => Object.keys(map).filter((name) => name !== OTHER);

describe('foldUsage: daily documents stay bounded whatever callers send', () => {
  it(
    '10,000 distinct long endpoints from 3 keys, folded concurrently: every fold succeeds, the caps hold exactly, totals are exact',
    { timeout: 300_000 },
    async () => {
      const user = await createTestUser();
      const keys = await Promise.all([0, 1, 2].map(() => insertKey(user.uid, { scopes: ['read'] })));
      const at = new Date();
      // 20 batches of 500 calls (the recorder's batch size), every call its own endpoint of 90+
      // characters: without the caps the daily document would pass 1 MiB halfway through.
      const batches = Array.from({ length: 20 }, (_, b) => {
        const key = keys[b % 3];
        if (key === undefined) throw new Error('no key');
        return usageBatch(
          key.id,
          user.uid,
          Array.from({ length: 500 }, (_, i) =>
            call(at, {
              endpoint: `GET /bloat/${b * 500 + i}/${'x'.repeat(80)}`,
              status: 200 + ((b * 500 + i) % 60),
            }),
          ),
        );
      });
      await writeAsInstances(batches, 4);
      await waitUntilFolded(batches);

      // A few real verify calls on top, once the day's endpoints are all taken.
      const [first] = keys;
      if (first === undefined) throw new Error('no key');
      for (let i = 0; i < 3; i += 1) {
        const response = await apiCall(null, '/keys/verify', {
          method: 'POST',
          body: { key: first.secret, endpoint: 'GET /orders', scopes: ['read'] },
        });
        expect(await json(response)).toMatchObject({ valid: true });
      }
      const dayRef = adminDb()
        .collection(API_USAGE_DAILY)
        .doc(dailyDocId(user.uid, utcDate(at)));
      const day = await waitForDoc(dayRef, (data) => data?.total_requests === 10_003, 60_000);
      const snapshot = await dayRef.get();

      expect(named(day.requests_by_endpoint)).toHaveLength(DAILY_BOUNDS.endpoints);
      expect(day.requests_by_endpoint['GET /orders']).toBeUndefined();
      expect(named(day.requests_by_status)).toHaveLength(DAILY_BOUNDS.statuses);
      for (const field of ['requests_by_endpoint', 'requests_by_status', 'requests_by_key'])
        expect(total(day[field]), field).toBe(10_003);
      expect(day.requests_by_key[first.id]).toBe(7 * 500 + 3);
      const endpoints = new Set(Object.keys(day.requests_by_endpoint));
      for (const key of keys) {
        const stats = day.key_stats[key.id];
        expect(total(stats.by_endpoint)).toBe(stats.requests);
        expect(total(stats.by_status)).toBe(stats.requests);
        for (const endpoint of Object.keys(stats.by_endpoint)) expect(endpoints.has(endpoint)).toBe(true);
      }
      expect(documentSize(dayRef.path, snapshot.data() ?? {})).toBeLessThan(100_000);

      // The platform's shard of the day has the account's exact total among its busiest.
      const shards = await adminDb()
        .collection(API_USAGE_PLATFORM_DAILY)
        .where('date', '==', utcDate(at))
        .get();
      expect(shards.docs.some((doc) => doc.get('top_accounts')?.[user.uid] === 10_003)).toBe(true);
    },
  );

  it('more keys in a day than the cap: the cap holds exactly under concurrent folds, the rest counts as other', async () => {
    const user = await createTestUser();
    const keys = await Promise.all(Array.from({ length: DAILY_BOUNDS.keys + 10 }, () => insertKey(user.uid)));
    const at = new Date();
    const batches = keys.map((key) => usageBatch(key.id, user.uid, [call(at), call(at, { status: 404 })]));
    await writeAsInstances(batches, 6);
    await waitUntilFolded(batches);

    const day = (
      await adminDb()
        .collection(API_USAGE_DAILY)
        .doc(dailyDocId(user.uid, utcDate(at)))
        .get()
    ).data();
    expect(day?.total_requests).toBe(keys.length * 2);
    expect(named(day?.requests_by_key)).toHaveLength(DAILY_BOUNDS.keys);
    expect(day?.requests_by_key[OTHER]).toBe(10 * 2);
    expect(Object.keys(day?.key_stats)).toHaveLength(DAILY_BOUNDS.keys + 1);
    expect(day?.key_stats[OTHER]).toMatchObject({
      requests: 20,
      errors: 10,
      by_status: { '200': 10, '404': 10 },
    });
    // The keys' own counters are exact whichever bucket their day's calls went to.
    const counters = await Promise.all(keys.map((key) => adminDb().collection(API_KEYS).doc(key.id).get()));
    expect(counters.map((doc) => doc.get('monthly_usage'))).toEqual(keys.map(() => 2));
  });
});
