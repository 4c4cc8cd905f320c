import { beforeAll, describe, expect, it } from 'vitest';
import { writeUsageBatches } from '../keys/usage-recorder.js';
import type { UsageBatch } from '../keys/usage-buffer.js';
import {
  ACCOUNTS,
  API_USAGE_DAILY,
  API_USAGE_EVENTS,
  API_USAGE_PLATFORM_DAILY,
  dailyDocId,
} from '../lib/collections.js';
import {
  ADMIN_TOP_ACCOUNTS,
  adminStatsResponseSchema,
  type AdminStatsResponse,
} from '../shared/contracts.js';
import { addDays, utcDate } from '../shared/dates.js';
import { latencyBucket } from '../shared/latency.js';
import {
  adminDb,
  clearEmulators,
  createTestUser,
  dashboardCall,
  json,
  waitForDoc,
  type TestUser,
} from '../test-support/emulators.js';
import { insertTeamAccount } from '../test-support/accounts.js';
import { insertKey } from '../test-support/fixtures.js';
import { timeCall, usageBatch } from '../test-support/usage.js';
import { PLATFORM_SHARDS, rebuildPlatformDays } from '../usage/platform-daily.js';

let admin: TestUser;

beforeAll(async () => {
  await clearEmulators();
  admin = await createTestUser({ admin: true });
});

const today = utcDate(new Date());
const yesterday = addDays(today, -1);

function batchOf(keyId: string, accountId: string, date: string, calls: number, errors: number): UsageBatch {
  const at = new Date(`${date}T12:00:00Z`);
  return usageBatch(
    keyId,
    accountId,
    Array.from({ length: calls }, (_, i) => timeCall(at, { status: i < errors ? 500 : 200, latency_ms: 4 })),
  );
}

/** Accounts with usage on two days; account i makes i+1 calls a day, one an error on `today`. */
async function addAccounts(first: number, count: number): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  const batches: UsageBatch[] = [];
  for (let i = first; i < first + count; i += 1) {
    const accountId = `admin-stats-account-${String(i).padStart(3, '0')}`;
    const key = await insertKey(accountId);
    batches.push(
      batchOf(key.id, accountId, yesterday, i + 1, 0),
      batchOf(key.id, accountId, today, i + 1, 1),
    );
    totals.set(accountId, 2 * (i + 1));
  }
  for (let start = 0; start < batches.length; start += 50)
    await writeUsageBatches(batches.slice(start, start + 50));
  await Promise.all(
    batches.map((batch) =>
      waitForDoc(
        adminDb().collection(API_USAGE_EVENTS).doc(batch.id),
        (data) => data?.folded_at !== undefined,
        120_000,
      ),
    ),
  );
  return totals;
}

async function firestoreReads(): Promise<number> {
  const response = await fetch(`http://${process.env.FIRESTORE_EMULATOR_HOST ?? ''}/keymeter/v1/stats`);
  if (!response.ok)
    throw new Error("this test counts reads with Keymeter's Firestore emulator (GET /keymeter/v1/stats)");
  return ((await response.json()) as { reads: number }).reads;
}

async function adminStats(query: string): Promise<{ body: AdminStatsResponse; reads: number }> {
  const before = await firestoreReads();
  const response = await dashboardCall(admin, `/admin/stats${query}`);
  expect(response.status).toBe(200);
  const body = adminStatsResponseSchema.parse(await json(response));
  return { body, reads: (await firestoreReads()) - before };
}

function expectedTop(totals: Map<string, number>) {
  return [...totals]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, ADMIN_TOP_ACCOUNTS)
    .map(([account_id, requests]) => ({ account_id, requests }));
}

describe('GET /admin/stats from the platform daily documents', () => {
  it('is exact, and its reads do not grow with the number of accounts', { timeout: 300_000 }, async () => {
    const totals = await addAccounts(0, 30);
    const range = `?from=${yesterday}&to=${today}`;
    const small = await adminStats(range);
    const sum = [...totals.values()].reduce((a, b) => a + b, 0);
    expect(small.body.totals).toMatchObject({ requests: sum, errors: 30 });
    expect(small.body.daily.map((day) => day.requests)).toEqual([sum / 2, sum / 2]);
    expect(small.body.daily[1]?.errors).toBe(30);
    // Every call took 4 ms: all in the bucket up to 5 ms, the platform's and each day's.
    expect(small.body.totals).toMatchObject({ p50_ms: 5, p95_ms: 5, p99_ms: 5 });
    expect(small.body.daily.map((day) => day.p99_ms)).toEqual([5, 5]);
    expect(small.body.top_accounts.map(({ account_id, requests }) => ({ account_id, requests }))).toEqual(
      expectedTop(totals),
    );
    // These accounts have usage but no account document (deleted since, say).
    expect(small.body.top_accounts[0]).toMatchObject({ name: null, email: null, plan_tier: 'free' });

    for (const [accountId, requests] of await addAccounts(30, 60)) totals.set(accountId, requests);
    const large = await adminStats(range);
    expect(large.body.totals.requests).toBe([...totals.values()].reduce((a, b) => a + b, 0));
    expect(large.body.top_accounts.map(({ account_id, requests }) => ({ account_id, requests }))).toEqual(
      expectedTop(totals),
    );
    // 180 daily documents now; the route reads the days' shard documents, the counts, one sum
    // per top-account candidate, the top accounts and their owners' profiles, however many
    // accounts there are.
    const bound = 2 * PLATFORM_SHARDS + 3 + 2 * ADMIN_TOP_ACCOUNTS + 2 * ADMIN_TOP_ACCOUNTS;
    expect(large.reads).toBeLessThanOrEqual(bound);
    expect(large.reads).toBeLessThan(2 * 90);
  });

  it('days folded before the platform documents existed appear once backfilled, exactly, however often', async () => {
    const past = '2025-03-10';
    const accounts = ['backfill-a', 'backfill-b', 'backfill-c'];
    // Written as the fold used to write them: a daily document, no platform document.
    await Promise.all(
      accounts.map((accountId, i) =>
        adminDb()
          .collection(API_USAGE_DAILY)
          .doc(dailyDocId(accountId, past))
          .set({
            account_id: accountId,
            date: past,
            total_requests: 10 * (i + 1),
            error_count: i,
            latency_ms_sum: 100,
            // Every call in the bucket up to 50 ms.
            latency_buckets: { [String(latencyBucket(40))]: 10 * (i + 1) },
          }),
      ),
    );
    const before = await adminStats(`?from=${past}&to=${past}`);
    expect(before.body.totals.requests).toBe(0);

    for (let run = 0; run < 2; run += 1) {
      await rebuildPlatformDays(past, past);
      const after = await adminStats(`?from=${past}&to=${past}`);
      expect(after.body.totals).toMatchObject({ requests: 60, errors: 3 });
      expect(after.body.daily[0]?.avg_latency_ms).toBe(5);
      expect(after.body.daily[0]).toMatchObject({ p50_ms: 50, p99_ms: 50 });
      expect(after.body.top_accounts.map((account) => account.account_id)).toEqual([
        'backfill-c',
        'backfill-b',
        'backfill-a',
      ]);
    }
    const shards = await adminDb().collection(API_USAGE_PLATFORM_DAILY).where('date', '==', past).get();
    expect(shards.size).toBe(PLATFORM_SHARDS);

    // A late batch for that day is folded on top of the rebuilt totals.
    const key = await insertKey('backfill-a');
    const late = batchOf(key.id, 'backfill-a', past, 100, 0);
    await writeUsageBatches([late]);
    await waitForDoc(
      adminDb().collection(API_USAGE_EVENTS).doc(late.id),
      (data) => data?.folded_at !== undefined,
    );
    const folded = await adminStats(`?from=${past}&to=${past}`);
    expect(folded.body.totals.requests).toBe(160);
    expect(folded.body.top_accounts[0]).toMatchObject({ account_id: 'backfill-a', requests: 110 });
    // 100 calls at 4 ms on top of the rebuilt 60 at 40 ms: the median moves down, the p95 stays.
    expect(folded.body.totals).toMatchObject({ p50_ms: 5, p95_ms: 50 });
  });
});

describe('GET /admin/stats: who the top accounts are', () => {
  it("names each from its account document: its name and plan, and a personal account's user's email", async () => {
    const day = '2025-05-20';
    const user = await createTestUser({ name: 'Top Talker' });
    await dashboardCall(user, '/me');
    await adminDb().collection(ACCOUNTS).doc(user.uid).update({ plan_tier: 'enterprise' });
    const teamId = await insertTeamAccount([[user, 'owner']], {
      name: 'Analytical Engines',
      plan_tier: 'pro',
    });
    const personalKey = await insertKey(user.uid);
    const teamKey = await insertKey(teamId, { createdBy: user.uid });
    const batches = [batchOf(personalKey.id, user.uid, day, 3, 0), batchOf(teamKey.id, teamId, day, 7, 1)];
    await writeUsageBatches(batches);
    await Promise.all(
      batches.map((batch) =>
        waitForDoc(
          adminDb().collection(API_USAGE_EVENTS).doc(batch.id),
          (data) => data?.folded_at !== undefined,
        ),
      ),
    );
    const { body } = await adminStats(`?from=${day}&to=${day}`);
    expect(body.top_accounts).toEqual([
      { account_id: teamId, name: 'Analytical Engines', email: null, plan_tier: 'pro', requests: 7 },
      { account_id: user.uid, name: 'Top Talker', email: user.email, plan_tier: 'enterprise', requests: 3 },
    ]);
  });
});
