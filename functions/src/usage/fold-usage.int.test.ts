import { beforeAll, describe, expect, it } from 'vitest';
import { newDocumentId } from '../lib/random.js';
import { API_KEYS, API_USAGE_DAILY, API_USAGE_EVENTS, dailyDocId } from '../lib/collections.js';
import { previousPeriod, utcDate, utcPeriod } from '../shared/dates.js';
import { adminDb, clearEmulators, createTestUser, waitForDoc } from '../test-support/emulators.js';
import { insertKey } from '../test-support/fixtures.js';
import { toBatchDoc } from './batch-doc.js';
import type { UsageCall } from './usage-buffer.js';

beforeAll(async () => {
  await clearEmulators();
});

function call(at: Date, overrides: Partial<UsageCall> = {}): UsageCall {
  return {
    key_id: 'set-below',
    user_id: 'set-below',
    endpoint: 'GET /v1/time',
    method: 'GET',
    status: 200,
    latency_ms: 2,
    at,
    billable: true,
    ...overrides,
  };
}

/** Writes a batch as a flush would and waits for foldUsage to mark it folded. */
async function writeBatchAndWait(keyId: string, userId: string, calls: UsageCall[]): Promise<void> {
  const first = calls[0];
  if (first === undefined) throw new Error('empty batch');
  const date = utcDate(first.at);
  const id = newDocumentId();
  const stamped = calls.map((c) => ({ ...c, key_id: keyId, user_id: userId }));
  const ref = adminDb().collection(API_USAGE_EVENTS).doc(id);
  await ref.create(
    toBatchDoc({
      id,
      key_id: keyId,
      user_id: userId,
      date,
      period: date.slice(0, 7),
      calls: stamped,
      billable: stamped.filter((c) => c.billable).length,
    }),
  );
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
        user_id: user.uid,
        date,
        period: date.slice(0, 7),
        calls: [call(at, { key_id: key.id, user_id: user.uid })],
        billable: 1,
      }),
    );
    await waitForDoc(ref, (data) => data === undefined);
    const daily = await adminDb().collection(API_USAGE_DAILY).doc(dailyDocId(user.uid, date)).get();
    expect(daily.exists).toBe(false);
  });
});
