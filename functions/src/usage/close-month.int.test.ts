import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  API_KEYS,
  API_USAGE_DAILY,
  API_USAGE_EVENTS,
  API_USAGE_MONTHLY,
  dailyDocId,
  monthlyDocId,
} from '../lib/collections.js';
import { newDocumentId } from '../lib/random.js';
import { adminDb, clearEmulators, createTestUser, waitForDoc } from '../test-support/emulators.js';
import { insertKey } from '../test-support/fixtures.js';
import { toBatchDoc } from './batch-doc.js';
import { closeMonth } from './close-month.js';

beforeAll(async () => {
  await clearEmulators();
});

async function writeDay(
  userId: string,
  date: string,
  keyId: string,
  requests: number,
  errors: number,
): Promise<void> {
  await adminDb()
    .collection(API_USAGE_DAILY)
    .doc(dailyDocId(userId, date))
    .set({
      user_id: userId,
      date,
      total_requests: requests,
      error_count: errors,
      latency_ms_sum: requests * 10,
      requests_by_endpoint: { 'GET /v1/time': requests },
      requests_by_status: { '200': requests - errors, '500': errors },
      requests_by_key: { [keyId]: requests },
      key_stats: {
        [keyId]: { requests, errors, latency_ms_sum: requests * 10, by_endpoint: {}, by_status: {} },
      },
    });
}

async function monthly(userId: string, period: string) {
  return (await adminDb().collection(API_USAGE_MONTHLY).doc(monthlyDocId(userId, period)).get()).data();
}

async function keyState(id: string) {
  const data = (await adminDb().collection(API_KEYS).doc(id).get()).data();
  return { monthly_usage: data?.monthly_usage, usage_period: data?.usage_period };
}

describe('closeMonth: idempotent', () => {
  it('writes the monthly totals and resets only keys still on the closed period; twice gives the same result', async () => {
    const user = await createTestUser();
    const onPeriod = await insertKey(user.uid, { usage: { monthly_usage: 120, usage_period: '2025-03' } });
    const older = await insertKey(user.uid, { usage: { monthly_usage: 7, usage_period: '2025-01' } });
    const movedOn = await insertKey(user.uid, { usage: { monthly_usage: 5, usage_period: '2025-04' } });
    await writeDay(user.uid, '2025-03-01', onPeriod.id, 100, 4);
    await writeDay(user.uid, '2025-03-31', onPeriod.id, 20, 1);
    await writeDay(user.uid, '2025-04-01', onPeriod.id, 5, 0);
    await writeDay(user.uid, '2025-02-28', onPeriod.id, 9, 0);

    const first = await closeMonth('2025-03');
    expect(first.keys_reset).toBeGreaterThanOrEqual(2);
    const afterFirst = await monthly(user.uid, '2025-03');
    expect(afterFirst).toMatchObject({
      user_id: user.uid,
      period: '2025-03',
      total_requests: 120,
      error_count: 5,
      latency_ms_sum: 1_200,
      requests_by_key: { [onPeriod.id]: 120 },
      requests_by_status: { '200': 115, '500': 5 },
      days_with_usage: 2,
    });
    expect(await keyState(onPeriod.id)).toEqual({ monthly_usage: 0, usage_period: '2025-04' });
    expect(await keyState(older.id)).toEqual({ monthly_usage: 0, usage_period: '2025-04' });
    expect(await keyState(movedOn.id)).toEqual({ monthly_usage: 5, usage_period: '2025-04' });

    const second = await closeMonth('2025-03');
    expect(second.keys_reset).toBe(0);
    expect(await monthly(user.uid, '2025-03')).toEqual(afterFirst);
    expect(await keyState(movedOn.id)).toEqual({ monthly_usage: 5, usage_period: '2025-04' });
  });

  it('pages through any number of keys and accounts', async () => {
    const users = await Promise.all([0, 1, 2].map(() => createTestUser()));
    const keys = [];
    for (const user of users) {
      for (let i = 0; i < 3; i += 1)
        keys.push(await insertKey(user.uid, { usage: { monthly_usage: i, usage_period: '2025-06' } }));
      await writeDay(user.uid, '2025-06-10', keys.at(-1)?.id ?? '', 10, 0);
    }
    const result = await closeMonth('2025-06', { pageSize: 2 });
    expect(result.accounts).toBe(3);
    // Keys of earlier tests on older periods are moved on too; these nine must be among them.
    expect(result.keys_reset).toBeGreaterThanOrEqual(9);
    for (const key of keys)
      expect(await keyState(key.id)).toEqual({ monthly_usage: 0, usage_period: '2025-07' });
    for (const user of users) expect((await monthly(user.uid, '2025-06'))?.total_requests).toBe(10);
  });

  it('adds usage folded after the close to the closed month, and a re-run agrees', async () => {
    const user = await createTestUser();
    const key = await insertKey(user.uid, { usage: { monthly_usage: 0, usage_period: '2025-08' } });
    await writeDay(user.uid, '2025-08-20', key.id, 10, 0);
    await closeMonth('2025-08');
    expect((await monthly(user.uid, '2025-08'))?.total_requests).toBe(10);

    const at = new Date('2025-08-31T23:59:58Z');
    const id = newDocumentId();
    const calls = [0, 1, 2].map(() => ({
      key_id: key.id,
      user_id: user.uid,
      endpoint: 'GET /v1/time',
      method: 'GET',
      status: 200,
      latency_ms: 1,
      at,
      billable: true,
    }));
    const batchRef = adminDb().collection(API_USAGE_EVENTS).doc(id);
    await batchRef.create(
      toBatchDoc({
        id,
        key_id: key.id,
        user_id: user.uid,
        date: '2025-08-31',
        period: '2025-08',
        calls,
        billable: 3,
      }),
    );
    await waitForDoc(batchRef, (data) => data?.folded_at !== undefined);

    const late = await monthly(user.uid, '2025-08');
    expect(late?.total_requests).toBe(13);
    expect(await keyState(key.id)).toEqual({ monthly_usage: 0, usage_period: '2025-09' });
    await closeMonth('2025-08');
    expect((await monthly(user.uid, '2025-08'))?.total_requests).toBe(13);
  });

  it('runs as `npm run close-month -- <period>` against the emulator', async () => {
    const user = await createTestUser();
    const key = await insertKey(user.uid, { usage: { monthly_usage: 3, usage_period: '2025-10' } });
    await writeDay(user.uid, '2025-10-02', key.id, 3, 0);
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'scripts/close-month.ts', '2025-10'], {
      cwd: new URL('../../../', import.meta.url).pathname,
      env: process.env,
    });
    expect(stdout).toMatch(/Closed 2025-10/);
    expect(await keyState(key.id)).toEqual({ monthly_usage: 0, usage_period: '2025-11' });
    expect((await monthly(user.uid, '2025-10'))?.total_requests).toBe(3);
  });

  it('refuses a malformed period', async () => {
    await expect(closeMonth('2025-13')).rejects.toThrow();
  });
});
