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
import { statsResponseSchema } from '../shared/contracts.js';
import { addDays, previousPeriod, utcDate, utcPeriod } from '../shared/dates.js';
import { LATENCY_BOUNDS_MS } from '../shared/latency.js';
import { redeliverCreated } from '../test-support/cloud-events.js';
import { documentSize } from '../test-support/document-size.js';
import {
  adminDb,
  apiCall,
  clearEmulators,
  createTestUser,
  dashboardCall,
  json,
  waitForDoc,
  waitForLog,
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

describe('foldUsage: latency histograms and availability', () => {
  const bucket = (bound: number) => String(LATENCY_BOUNDS_MS.indexOf(bound));
  /** Calls at `minute` of `date` (UTC), `latency` ms each. */
  const callsAt = (date: string, minute: number, n: number, overrides: Partial<UsageCall>) =>
    Array.from({ length: n }, (_, i) =>
      call(new Date(Date.parse(`${date}T00:00:00Z`) + minute * 60_000 + i * 100), overrides),
    );

  it('folds known latencies into exact bucket counts, answers their percentiles and availability, and a redelivered batch changes nothing', async () => {
    const user = await createTestUser();
    const [first, second] = await Promise.all([insertKey(user.uid), insertKey(user.uid)]);
    if (first === undefined || second === undefined) throw new Error('no keys');
    const date = addDays(utcDate(new Date()), -1);
    // 100 calls of the first key: 50 at 4 ms (minute 600), 45 at 40 ms (601), 4 at 120 ms of
    // which 2 answered 500 (602), 1 at 900 ms (603).
    const batch = usageBatch(first.id, user.uid, [
      ...callsAt(date, 600, 50, { latency_ms: 4 }),
      ...callsAt(date, 601, 45, { endpoint: 'POST /v1/convert', method: 'POST', latency_ms: 40 }),
      ...callsAt(date, 602, 2, { endpoint: 'GET /v1/forecast', latency_ms: 120 }),
      ...callsAt(date, 602, 2, { endpoint: 'GET /v1/forecast', latency_ms: 120, status: 500 }),
      ...callsAt(date, 603, 1, { endpoint: 'GET /v1/forecast', latency_ms: 900 }),
    ]);
    const batchRef = adminDb().collection(API_USAGE_EVENTS).doc(batch.id);
    await batchRef.create(toBatchDoc(batch));
    await waitForDoc(batchRef, (data) => data?.folded_at !== undefined);

    const dayRef = adminDb().collection(API_USAGE_DAILY).doc(dailyDocId(user.uid, date));
    const folded = (await dayRef.get()).data();
    expect(folded?.latency_buckets).toEqual({
      [bucket(5)]: 50,
      [bucket(50)]: 45,
      [bucket(150)]: 4,
      [bucket(1_000)]: 1,
    });
    expect(folded?.latency_buckets_by_endpoint).toEqual({
      'GET /v1/time': { [bucket(5)]: 50 },
      'POST /v1/convert': { [bucket(50)]: 45 },
      'GET /v1/forecast': { [bucket(150)]: 4, [bucket(1_000)]: 1 },
    });
    expect(folded?.key_stats[first.id].latency_buckets).toEqual(folded?.latency_buckets);
    expect(folded?.key_stats[first.id].latency_buckets_by_endpoint).toEqual(
      folded?.latency_buckets_by_endpoint,
    );
    expect(folded?.latency_key_endpoints).toBe(3);

    const stats = async (query = '') =>
      statsResponseSchema.parse(
        await json(await dashboardCall(user, `/stats?from=${date}&to=${date}${query}`)),
      );
    const once = await stats();
    expect(once.totals).toMatchObject({
      requests: 100,
      errors: 2,
      server_errors: 2,
      success_rate: 0.98,
      p50_ms: 5,
      p95_ms: 50,
      p99_ms: 150,
      minutes_with_calls: 4,
      minutes_with_server_errors: 1,
      availability: 0.75,
    });
    expect(once.daily[0]).toMatchObject({ p50_ms: 5, p95_ms: 50, p99_ms: 150, availability: 0.75 });
    expect(once.by_endpoint).toEqual([
      { endpoint: 'GET /v1/time', requests: 50, p50_ms: 5, p95_ms: 5, p99_ms: 5 },
      { endpoint: 'POST /v1/convert', requests: 45, p50_ms: 50, p95_ms: 50, p99_ms: 50 },
      { endpoint: 'GET /v1/forecast', requests: 5, p50_ms: 150, p95_ms: 1_000, p99_ms: 1_000 },
    ]);

    // The same batch delivered again: foldUsage sees its marker, and nothing moves.
    const delivered = await redeliverCreated('foldUsage', await batchRef.get());
    expect(delivered.status).toBe(200);
    await waitForLog((log) =>
      log
        .split('\n')
        .some(
          (line) => line.includes('"reason":"already_folded"') && line.includes(`"batch_id":"${batch.id}"`),
        ),
    );
    expect((await dayRef.get()).data()).toEqual(folded);
    expect(await stats()).toEqual(once);

    // Another key on the same day: 10 calls at 4 ms in minute 602, and a 503 in minute 700.
    await writeBatchAndWait(second.id, user.uid, [
      ...callsAt(date, 602, 10, { latency_ms: 4 }),
      ...callsAt(date, 700, 1, { latency_ms: 3, status: 503 }),
    ]);
    // Minutes are a union over keys: 600–603 and 700 have calls; 602 and 700 a 5xx.
    const both = await stats();
    expect(both.totals).toMatchObject({
      requests: 111,
      server_errors: 3,
      minutes_with_calls: 5,
      minutes_with_server_errors: 2,
      availability: 0.6,
      p50_ms: 5,
      p99_ms: 150,
    });
    expect((await stats(`&key_id=${second.id}`)).totals).toMatchObject({
      requests: 11,
      p50_ms: 5,
      p99_ms: 5,
      minutes_with_calls: 2,
      minutes_with_server_errors: 1,
      availability: 0.5,
    });
    expect((await stats(`&key_id=${first.id}`)).totals).toMatchObject({ availability: 0.75, p95_ms: 50 });

    // The CSV carries the same figures per key.
    const csv = (await (await dashboardCall(user, `/usage/export?from=${date}&to=${date}`)).text()).split(
      '\r\n',
    );
    const header = csv[0]?.split(',') ?? [];
    const row = (keyId: string) => {
      const cells = csv.find((line) => line.includes(`,${keyId},`))?.split(',') ?? [];
      return Object.fromEntries(header.map((name, i) => [name, cells[i]]));
    };
    expect(row(first.id)).toMatchObject({
      requests: '100',
      server_errors: '2',
      p50_ms: '5',
      p95_ms: '50',
      p99_ms: '150',
      minutes_with_calls: '4',
      minutes_with_server_errors: '1',
      availability: '0.75',
    });
    expect(row(second.id)).toMatchObject({ p99_ms: '5', availability: '0.5' });
  });

  it('keeps the day’s meter units when a batch without meters is folded after one with', async () => {
    const user = await createTestUser();
    const key = await insertKey(user.uid);
    const at = new Date(Date.now() - 60_000);
    const metered = { ...usageBatch(key.id, user.uid, [call(at)]), meter_units: { emails_verified: 3 } };
    const meteredRef = adminDb().collection(API_USAGE_EVENTS).doc(metered.id);
    await meteredRef.create(toBatchDoc(metered));
    await waitForDoc(meteredRef, (data) => data?.folded_at !== undefined);
    await writeBatchAndWait(key.id, user.uid, [call(at)]);
    const day = (
      await adminDb()
        .collection(API_USAGE_DAILY)
        .doc(dailyDocId(user.uid, utcDate(at)))
        .get()
    ).data();
    expect(day?.total_requests).toBe(2);
    expect(day?.meter_units).toEqual({ emails_verified: 3 });
  });
});
