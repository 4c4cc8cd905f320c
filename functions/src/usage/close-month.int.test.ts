import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { FieldValue, Timestamp, type DocumentData, type DocumentReference } from 'firebase-admin/firestore';
import { beforeEach, describe, expect, it } from 'vitest';
import { toBatchDoc } from '../keys/batch-doc.js';
import { LATENCY_BOUNDS_MS } from '../shared/latency.js';
import {
  API_KEYS,
  API_USAGE_DAILY,
  API_USAGE_EVENTS,
  API_USAGE_MONTHLY,
  dailyDocId,
  monthlyDocId,
} from '../lib/collections.js';
import { adminDb, clearEmulators, createTestUser, waitForDoc } from '../test-support/emulators.js';
import { insertKey } from '../test-support/fixtures.js';
import { timeCall, usageBatch } from '../test-support/usage.js';
import { closeMonth, closeProgressRef, moveKeys, periodDates, USAGE_CLOSES } from './close-month.js';
import { runCloseSlice } from './close-month-schedule.js';

// Every test makes its own accounts, keys and days, on an empty database: a close moves every
// key of an older period, so another test's keys would change what this one sees.
beforeEach(async () => {
  await clearEmulators();
});

interface Day {
  requests: number;
  errors: number;
  endpoint?: string;
}

async function writeDay(userId: string, date: string, keyId: string, day: Day): Promise<void> {
  const { requests, errors } = day;
  await adminDb()
    .collection(API_USAGE_DAILY)
    .doc(dailyDocId(userId, date))
    .set({
      account_id: userId,
      date,
      total_requests: requests,
      error_count: errors,
      latency_ms_sum: requests * 10,
      requests_by_endpoint: { [day.endpoint ?? 'GET /v1/time']: requests },
      requests_by_status: { '200': requests - errors, '500': errors },
      requests_by_key: { [keyId]: requests },
      key_stats: {
        [keyId]: { requests, errors, latency_ms_sum: requests * 10, by_endpoint: {}, by_status: {} },
      },
    });
}

async function monthly(userId: string, period: string): Promise<DocumentData | undefined> {
  return (await adminDb().collection(API_USAGE_MONTHLY).doc(monthlyDocId(userId, period)).get()).data();
}

async function keyState(id: string) {
  const data = (await adminDb().collection(API_KEYS).doc(id).get()).data();
  return { monthly_usage: data?.monthly_usage, usage_period: data?.usage_period };
}

/** A key that existed through `period` (insertKey dates keys today, after every test period). */
async function liveKey(userId: string, usage: { monthly_usage: number; usage_period: string }) {
  const key = await insertKey(userId, { usage });
  await adminDb()
    .collection(API_KEYS)
    .doc(key.id)
    .update({ created_at: Timestamp.fromDate(new Date('2024-01-01T00:00:00Z')) });
  return key;
}

/** Sums every daily document of each account in the period, independently of the close's code. */
async function sumsOfDays(
  period: string,
): Promise<Map<string, { requests: number; errors: number; latency: number }>> {
  const dates = periodDates(period);
  const snapshot = await adminDb()
    .collection(API_USAGE_DAILY)
    .where('date', '>=', dates[0])
    .where('date', '<=', dates.at(-1))
    .get();
  const sums = new Map<string, { requests: number; errors: number; latency: number }>();
  for (const doc of snapshot.docs) {
    const userId = String(doc.get('account_id'));
    const sum = sums.get(userId) ?? { requests: 0, errors: 0, latency: 0 };
    sum.requests += Number(doc.get('total_requests') ?? 0);
    sum.errors += Number(doc.get('error_count') ?? 0);
    sum.latency += Number(doc.get('latency_ms_sum') ?? 0);
    sums.set(userId, sum);
  }
  return sums;
}

/** Every monthly document of the period equals the sum of its account's days, and each account with usage has one. */
async function expectMonthlyEqualsDays(period: string): Promise<void> {
  const sums = await sumsOfDays(period);
  const docs = await adminDb().collection(API_USAGE_MONTHLY).where('period', '==', period).get();
  const seen = new Map(
    docs.docs.map((doc) => [
      String(doc.get('account_id')),
      {
        requests: doc.get('total_requests'),
        errors: doc.get('error_count'),
        latency: doc.get('latency_ms_sum'),
      },
    ]),
  );
  for (const [userId, sum] of sums) expect(seen.get(userId), userId).toEqual(sum);
  for (const [userId, doc] of seen)
    expect(doc, userId).toEqual(sums.get(userId) ?? { requests: 0, errors: 0, latency: 0 });
}

/** Writes a usage batch as an API instance would; foldUsage (the real trigger) folds it. */
async function foldBatch(keyId: string, userId: string, at: Date, calls: number): Promise<DocumentReference> {
  const batch = usageBatch(
    keyId,
    userId,
    Array.from({ length: calls }, () => timeCall(at, { latency_ms: 10 })),
  );
  const ref = adminDb().collection(API_USAGE_EVENTS).doc(batch.id);
  await ref.create(toBatchDoc(batch));
  return ref;
}

async function folded(ref: DocumentReference): Promise<void> {
  await waitForDoc(ref, (data) => data?.folded_at !== undefined);
}

/** Update times of every document of a collection: a write that changes nothing still changes them. */
async function versions(collection: string): Promise<Map<string, number>> {
  const snapshot = await adminDb().collection(collection).get();
  return new Map(snapshot.docs.map((doc) => [doc.id, doc.updateTime.toMillis()]));
}

describe('closeMonth: exact', () => {
  it("writes each account's month as the sum of its days and moves every key of the month or before, once", async () => {
    const [alice, bob] = await Promise.all([createTestUser(), createTestUser()]);
    const onPeriod = await insertKey(alice.uid, { usage: { monthly_usage: 120, usage_period: '2025-03' } });
    const older = await insertKey(alice.uid, { usage: { monthly_usage: 7, usage_period: '2025-01' } });
    const movedOn = await insertKey(alice.uid, { usage: { monthly_usage: 5, usage_period: '2025-04' } });
    const bobs = await insertKey(bob.uid, { usage: { monthly_usage: 40, usage_period: '2025-03' } });
    await writeDay(alice.uid, '2025-03-01', onPeriod.id, { requests: 100, errors: 4 });
    await writeDay(alice.uid, '2025-03-31', onPeriod.id, {
      requests: 20,
      errors: 1,
      endpoint: 'POST /v1/convert',
    });
    await writeDay(alice.uid, '2025-04-01', onPeriod.id, { requests: 5, errors: 0 });
    await writeDay(alice.uid, '2025-02-28', onPeriod.id, { requests: 9, errors: 0 });
    await writeDay(bob.uid, '2025-03-15', bobs.id, { requests: 40, errors: 40 });

    const result = await closeMonth('2025-03');

    expect(result).toMatchObject({ done: true, accounts: 2, monthly_written: 2, keys_reset: 3 });
    expect(await monthly(alice.uid, '2025-03')).toMatchObject({
      account_id: alice.uid,
      period: '2025-03',
      total_requests: 120,
      error_count: 5,
      latency_ms_sum: 1_200,
      requests_by_endpoint: { 'GET /v1/time': 100, 'POST /v1/convert': 20 },
      requests_by_key: { [onPeriod.id]: 120 },
      requests_by_status: { '200': 115, '500': 5 },
      days_with_usage: 2,
    });
    expect(await monthly(bob.uid, '2025-03')).toMatchObject({ total_requests: 40, error_count: 40 });
    expect(await keyState(onPeriod.id)).toEqual({ monthly_usage: 0, usage_period: '2025-04' });
    expect(await keyState(older.id)).toEqual({ monthly_usage: 0, usage_period: '2025-04' });
    expect(await keyState(movedOn.id)).toEqual({ monthly_usage: 5, usage_period: '2025-04' });
    expect(await keyState(bobs.id)).toEqual({ monthly_usage: 0, usage_period: '2025-04' });
    expect((await closeProgressRef('2025-03').get()).data()).toMatchObject({ status: 'done', keys_moved: 3 });
  });

  it('pages through accounts whose keys span pages, closing each account once', async () => {
    const users = await Promise.all([0, 1, 2, 3].map(() => createTestUser()));
    const keys: { id: string; user: string }[] = [];
    for (const [index, user] of users.entries()) {
      // 1, 2, 3 and 4 keys: with pages of 2, accounts start and end mid-page.
      for (let i = 0; i <= index; i += 1) {
        const key = await insertKey(user.uid, { usage: { monthly_usage: i + 1, usage_period: '2025-06' } });
        keys.push({ id: key.id, user: user.uid });
        await writeDay(user.uid, `2025-06-1${i}`, key.id, { requests: 10 * (index + 1), errors: 0 });
      }
    }

    const result = await closeMonth('2025-06', { pageSize: 2 });

    // Five full pages, and the empty one that shows the walk is over.
    expect(result).toMatchObject({ done: true, accounts: 4, monthly_written: 4, keys_reset: 10, pages: 6 });
    for (const key of keys)
      expect(await keyState(key.id)).toEqual({ monthly_usage: 0, usage_period: '2025-07' });
    for (const [index, user] of users.entries())
      expect((await monthly(user.uid, '2025-06'))?.total_requests).toBe(10 * (index + 1) * (index + 1));
    await expectMonthlyEqualsDays('2025-06');
  });

  it('gives an account that could still have late usage a monthly document at zero, and its late usage lands there', async () => {
    const quiet = await createTestUser();
    const revokedOnly = await createTestUser();
    const key = await liveKey(quiet.uid, { monthly_usage: 0, usage_period: '2025-05' });
    const revoked = await liveKey(revokedOnly.uid, { monthly_usage: 0, usage_period: '2025-01' });
    await adminDb()
      .collection(API_KEYS)
      .doc(revoked.id)
      .update({ is_active: false, revoked_at: Timestamp.fromDate(new Date('2025-02-01T00:00:00Z')) });

    await closeMonth('2025-08');
    expect(await monthly(quiet.uid, '2025-08')).toMatchObject({ total_requests: 0, days_with_usage: 0 });
    // A key revoked before the month could not have been used in it.
    expect(await monthly(revokedOnly.uid, '2025-08')).toBeUndefined();

    await folded(await foldBatch(key.id, quiet.uid, new Date('2025-08-31T23:59:58Z'), 3));
    expect(await monthly(quiet.uid, '2025-08')).toMatchObject({ total_requests: 3, days_with_usage: 1 });
    // More late usage on the same day is not a second day.
    await folded(await foldBatch(key.id, quiet.uid, new Date('2025-08-31T23:59:59Z'), 2));
    expect(await monthly(quiet.uid, '2025-08')).toMatchObject({ total_requests: 5, days_with_usage: 1 });
    // Its latency too (10 ms calls), and its minute once: both batches fell in 23:59.
    expect(await monthly(quiet.uid, '2025-08')).toMatchObject({
      latency_buckets: { [String(LATENCY_BOUNDS_MS.indexOf(10))]: 5 },
      minutes_with_calls: 1,
      minutes_with_server_errors: 0,
    });
    expect(await keyState(key.id)).toEqual({ monthly_usage: 0, usage_period: '2025-09' });
    await expectMonthlyEqualsDays('2025-08');
  });
});

describe('closeMonth: idempotent', () => {
  it('changes nothing when it runs again, even with its progress lost', async () => {
    const user = await createTestUser();
    const keys = await Promise.all(
      [0, 1, 2].map(() => insertKey(user.uid, { usage: { monthly_usage: 9, usage_period: '2025-03' } })),
    );
    for (const [i, key] of keys.entries())
      await writeDay(user.uid, `2025-03-0${i + 1}`, key.id, { requests: 3 + i, errors: i });
    await closeMonth('2025-03');
    const monthlyBefore = await versions(API_USAGE_MONTHLY);
    const keysBefore = await versions(API_KEYS);

    const again = await closeMonth('2025-03');
    expect(again).toMatchObject({ done: true, pages: 0, keys_reset: 0, monthly_written: 0 });

    // As if the progress document had never been written: the walk runs again and writes nothing.
    await closeProgressRef('2025-03').delete();
    const rewalked = await closeMonth('2025-03');
    expect(rewalked).toMatchObject({ done: true, accounts: 1, keys_reset: 0, monthly_written: 0 });
    expect(await versions(API_USAGE_MONTHLY)).toEqual(monthlyBefore);
    expect(await versions(API_KEYS)).toEqual(keysBefore);
    expect((await monthly(user.uid, '2025-03'))?.total_requests).toBe(12);
  });

  it('resumes a close stopped half-way, and one that crashed after work it had not recorded, moving each key once', async () => {
    const users = await Promise.all([0, 1, 2, 3, 4, 5].map(() => createTestUser()));
    const keys: { id: string; user: string }[] = [];
    for (const user of users) {
      for (let i = 0; i < 2; i += 1) {
        const key = await liveKey(user.uid, { monthly_usage: 4, usage_period: '2025-10' });
        keys.push({ id: key.id, user: user.uid });
        await writeDay(user.uid, `2025-10-2${i}`, key.id, { requests: 4, errors: 1 });
      }
    }

    const first = await closeMonth('2025-10', { pageSize: 3, maxPages: 1 });
    expect(first).toMatchObject({ done: false, pages: 1 });
    const recorded = (await closeProgressRef('2025-10').get()).data();
    expect(recorded).toMatchObject({ status: 'running', pages: 1 });

    // A second run does two more pages, then "crashes": its progress is rewound to what the first
    // recorded, so the resumed run meets keys and months that are already done.
    const second = await closeMonth('2025-10', { pageSize: 3, maxPages: 2 });
    expect(second).toMatchObject({ done: false, pages: 2 });
    await closeProgressRef('2025-10').update({
      after_account: recorded?.after_account,
      pages: recorded?.pages,
    });
    const moved = [];
    for (const key of keys) if ((await keyState(key.id)).usage_period === '2025-11') moved.push(key);
    expect(moved.length).toBeGreaterThan(3);
    expect(moved.length).toBeLessThan(keys.length);
    // Usage of the new month reaches keys the lost run moved: a second move would wipe it.
    await Promise.all(
      moved.map(async (key) =>
        folded(await foldBatch(key.id, key.user, new Date('2025-11-01T00:00:05Z'), 2)),
      ),
    );

    const resumed = await closeMonth('2025-10', { pageSize: 3 });
    // It resumed after the first account recorded as done instead of starting over.
    expect(resumed).toMatchObject({ done: true, accounts: users.length - 1 });
    for (const key of keys)
      expect(await keyState(key.id)).toEqual({
        monthly_usage: moved.includes(key) ? 2 : 0,
        usage_period: '2025-11',
      });
    await expectMonthlyEqualsDays('2025-10');
    expect((await closeProgressRef('2025-10').get()).data()).toMatchObject({ status: 'done', runs: 3 });
  });
});

describe('closeMonth: concurrent folds', () => {
  it('never overwrites a key that a fold changed after the close read it', async () => {
    const user = await createTestUser();
    const ahead = await insertKey(user.uid, { usage: { monthly_usage: 9, usage_period: '2025-02' } });
    const late = await insertKey(user.uid, { usage: { monthly_usage: 9, usage_period: '2025-02' } });
    const page = await adminDb().collection(API_KEYS).where('account_id', '==', user.uid).get();

    // Between the read and the write: a fold of March moves one key on, a late fold of February
    // adds to the other, which the close must still move.
    await folded(await foldBatch(ahead.id, user.uid, new Date('2025-03-01T00:00:01Z'), 6));
    await folded(await foldBatch(late.id, user.uid, new Date('2025-02-28T23:59:59Z'), 1));
    const moves = await moveKeys(page.docs, '2025-02');

    expect(moves).toEqual({ moved: 1, moved_by_fold: 1, gone: 0 });
    expect(await keyState(ahead.id)).toEqual({ monthly_usage: 6, usage_period: '2025-03' });
    expect(await keyState(late.id)).toEqual({ monthly_usage: 0, usage_period: '2025-03' });
  });

  it('counts a fold whose transaction is open while the close sums the month', async () => {
    const user = await createTestUser();
    const key = await insertKey(user.uid, { usage: { monthly_usage: 4, usage_period: '2025-04' } });
    await writeDay(user.uid, '2025-04-10', key.id, { requests: 4, errors: 0 });
    const dailyRef = adminDb().collection(API_USAGE_DAILY).doc(dailyDocId(user.uid, '2025-04-30'));
    const monthlyRef = adminDb().collection(API_USAGE_MONTHLY).doc(monthlyDocId(user.uid, '2025-04'));

    // foldUsage's protocol, held open: read the month and the day, then add to the day (and to
    // the month only if it exists). The close starts after those reads and, by the time it has
    // moved the account's key, is reading the month too; only then does the fold commit.
    let closing: Promise<unknown> | undefined;
    await adminDb().runTransaction(async (tx) => {
      const [month] = await tx.getAll(monthlyRef, dailyRef);
      closing ??= closeMonth('2025-04');
      await waitForDoc(
        adminDb().collection(API_KEYS).doc(key.id),
        (data) => data?.usage_period === '2025-05',
      );
      const fold = {
        total_requests: FieldValue.increment(3),
        error_count: FieldValue.increment(1),
        latency_ms_sum: FieldValue.increment(30),
        requests_by_key: { [key.id]: FieldValue.increment(3) },
      };
      tx.set(dailyRef, { account_id: user.uid, date: '2025-04-30', ...fold }, { merge: true });
      if (month?.exists === true) tx.set(monthlyRef, fold, { merge: true });
    });
    await closing;

    expect(await monthly(user.uid, '2025-04')).toMatchObject({
      total_requests: 7,
      error_count: 1,
      latency_ms_sum: 70,
      requests_by_key: { [key.id]: 7 },
      days_with_usage: 2,
    });
    await expectMonthlyEqualsDays('2025-04');
  });

  it('loses no fold that races the close, of the closed month or the next', async () => {
    const users = await Promise.all([0, 1, 2, 3, 4].map(() => createTestUser()));
    const keys: { id: string; user: string }[] = [];
    for (const user of users) {
      for (let i = 0; i < 3; i += 1) {
        const key = await liveKey(user.uid, { monthly_usage: 10, usage_period: '2025-12' });
        keys.push({ id: key.id, user: user.uid });
        await writeDay(user.uid, '2025-12-30', key.id, { requests: 10, errors: 0 });
      }
    }
    const before = [...(await sumsOfDays('2025-12')).values()].reduce((sum, day) => sum + day.requests, 0);

    // Late usage of December on every key (new days and existing ones) and January usage on
    // every other key, written while the close runs page by page.
    const batches = keys.flatMap((key, i) => [
      foldBatch(key.id, key.user, new Date(`2025-12-3${i % 2}T23:59:5${i % 10}Z`), 1 + (i % 3)),
      ...(i % 2 === 0 ? [foldBatch(key.id, key.user, new Date('2026-01-01T00:00:03Z'), 5)] : []),
    ]);
    const [result, refs] = await Promise.all([closeMonth('2025-12', { pageSize: 2 }), Promise.all(batches)]);
    await Promise.all(refs.map(folded));

    expect(result.done).toBe(true);
    const lateCalls = keys.reduce((sum, _key, i) => sum + 1 + (i % 3), 0);
    const after = [...(await sumsOfDays('2025-12')).values()].reduce((sum, day) => sum + day.requests, 0);
    expect(after).toBe(before + lateCalls);
    await expectMonthlyEqualsDays('2025-12');
    for (const [i, key] of keys.entries())
      expect(await keyState(key.id)).toEqual({ monthly_usage: i % 2 === 0 ? 5 : 0, usage_period: '2026-01' });
  });
});

describe('closeMonth: runs', () => {
  it('continues through a Cloud Tasks task when a run reaches its deadline', async () => {
    const user = await createTestUser();
    const key = await insertKey(user.uid, { usage: { monthly_usage: 2, usage_period: '2025-09' } });
    await writeDay(user.uid, '2025-09-09', key.id, { requests: 2, errors: 0 });
    const hub = (await (
      await fetch(`http://${process.env.FIREBASE_EMULATOR_HUB}/emulators`)
    ).json()) as Record<string, { host: string; port: number } | undefined>;
    const tasks = hub.tasks;
    if (tasks === undefined) throw new Error('the emulator suite runs no Cloud Tasks emulator');
    process.env.CLOUD_TASKS_EMULATOR_HOST = `${tasks.host}:${tasks.port}`;

    // A run that starts past its deadline does no page and leaves everything to the task.
    const slice = await runCloseSlice('2025-09', Date.now());
    expect(slice).toMatchObject({ done: false, pages: 0 });
    await waitForDoc(closeProgressRef('2025-09'), (data) => data?.status === 'done');

    expect(await keyState(key.id)).toEqual({ monthly_usage: 0, usage_period: '2025-10' });
    expect((await monthly(user.uid, '2025-09'))?.total_requests).toBe(2);
  });

  it('runs as `npm run close-month -- <period>` against the emulator', async () => {
    const user = await createTestUser();
    const key = await insertKey(user.uid, { usage: { monthly_usage: 3, usage_period: '2025-10' } });
    await writeDay(user.uid, '2025-10-02', key.id, { requests: 3, errors: 0 });
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'scripts/close-month.ts', '2025-10'], {
      cwd: new URL('../../../', import.meta.url).pathname,
      env: process.env,
    });
    expect(stdout).toMatch(/Closed 2025-10/);
    expect(await keyState(key.id)).toEqual({ monthly_usage: 0, usage_period: '2025-11' });
    expect((await monthly(user.uid, '2025-10'))?.total_requests).toBe(3);
  });

  it('refuses a malformed period and a month that has not ended', async () => {
    await expect(closeMonth('2025-13')).rejects.toThrow();
    await expect(closeMonth('2026-01', { now: new Date('2026-01-31T23:59:59Z') })).rejects.toThrow(
      /has not ended/,
    );
    expect((await adminDb().collection(USAGE_CLOSES).get()).size).toBe(0);
  });
});
