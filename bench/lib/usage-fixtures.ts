/**
 * Accounts, keys and daily usage for the close benchmark, made from a seed so every run builds
 * the same data: each account has a few to twenty keys (some revoked long ago, some still on an
 * old period), uses some of its days with some of its keys, and every key's counter holds the
 * calls it made in the period being closed. Written through a DocWriter (raw 500-write commits).
 *
 * Daily documents carry the account's figures but not `key_stats`: the close never reads it (its
 * transactions read the days through a field mask), and it would double the seed's cost.
 */
import { Timestamp, type DocumentData } from 'firebase-admin/firestore';
import type { DocWriter } from './raw-commit.js';
import { prng } from '../../scripts/lib/prng.js';

export interface FixturePlan {
  accounts: number;
  keys: number;
  /** Periods (`YYYY-MM`) with daily usage; keys' counters and periods are set for the first. */
  periods: readonly string[];
  seed: number;
}

export interface FixtureKey {
  id: string;
  account: string;
  /** Could be used during the periods (not revoked before them). */
  live: boolean;
}

export interface Fixtures {
  accounts: string[];
  keys: FixtureKey[];
  /** Calls seeded per period, over all accounts. */
  callsByPeriod: Map<string, number>;
  dailyDocs: number;
}

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomId(rand: () => number, length: number): string {
  let id = '';
  for (let i = 0; i < length; i += 1) id += ID_CHARS[Math.floor(rand() * ID_CHARS.length)] ?? 'x';
  return id;
}

const ENDPOINTS = ['GET /v1/time', 'GET /v1/forecast', 'POST /v1/convert'] as const;
const DAY_MS = 86_400_000;

function periodStart(period: string): number {
  return Date.parse(`${period}-01T00:00:00Z`);
}

function datesOf(period: string): string[] {
  const dates: string[] = [];
  const start = new Date(periodStart(period));
  for (let at = start; at.getUTCMonth() === start.getUTCMonth(); at = new Date(at.getTime() + DAY_MS)) {
    dates.push(at.toISOString().slice(0, 10));
  }
  return dates;
}

function previous(period: string): string {
  const at = new Date(periodStart(period));
  at.setUTCMonth(at.getUTCMonth() - 3);
  return at.toISOString().slice(0, 7);
}

interface DayKeyUsage {
  requests: number;
  errors: number;
  latency: number;
  byEndpoint: Record<string, number>;
  byStatus: Record<string, number>;
}

function keyDay(rand: () => number): DayKeyUsage {
  const requests = 1 + Math.floor(rand() ** 3 * 400);
  const errors = Math.floor(requests * rand() * 0.05);
  const throttled = Math.floor((requests - errors) * rand() * 0.02);
  const byEndpoint: Record<string, number> = {};
  let left = requests;
  ENDPOINTS.forEach((endpoint, index) => {
    const share = index === ENDPOINTS.length - 1 ? left : Math.floor(left * rand());
    if (share > 0) byEndpoint[endpoint] = share;
    left -= share;
  });
  const byStatus: Record<string, number> = { '200': requests - errors - throttled };
  if (throttled > 0) byStatus['429'] = throttled;
  if (errors > 0) byStatus['500'] = errors;
  return {
    requests,
    errors: errors + throttled,
    latency: requests * (20 + Math.floor(rand() * 180)),
    byEndpoint,
    byStatus,
  };
}

function addCounts(target: Record<string, number>, source: Record<string, number>): void {
  for (const [name, value] of Object.entries(source)) target[name] = (target[name] ?? 0) + value;
}

/**
 * Writes `users/{uid}`, `api_keys/{id}` and `api_usage_daily/{uid}_{date}` for the plan.
 * `keyDoc` makes a key document (the product's own shape) for an account.
 */
export async function seedFixtures(
  writer: DocWriter,
  plan: FixturePlan,
  keyDoc: (
    account: string,
    createdAt: Date,
    usage: { monthly_usage: number; usage_period: string },
  ) => DocumentData,
): Promise<Fixtures> {
  const rand = prng(plan.seed);
  const [first] = plan.periods;
  if (first === undefined) throw new Error('no period to seed');
  const createdAt = new Date(periodStart(first) - 60 * DAY_MS);
  const revokedAt = Timestamp.fromMillis(periodStart(first) - 20 * DAY_MS);
  const accounts: string[] = [];
  const keys: FixtureKey[] = [];
  const callsByPeriod = new Map<string, number>(plan.periods.map((period) => [period, 0]));
  let dailyDocs = 0;

  const base = Math.floor(plan.keys / plan.accounts);
  let keysLeft = plan.keys;
  let spread = 0;
  for (let a = 0; a < plan.accounts; a += 1) {
    const account = randomId(rand, 28);
    accounts.push(account);
    // Pairs of accounts share 2 × base keys unevenly, so the total is exact and the sizes vary.
    spread = a % 2 === 0 ? Math.floor(rand() * base) : -spread;
    const count =
      a === plan.accounts - 1
        ? keysLeft
        : Math.max(1, Math.min(keysLeft - (plan.accounts - a - 1), base + spread));
    keysLeft -= count;
    const accountKeys: FixtureKey[] = [];
    for (let k = 0; k < count; k += 1) {
      // The first key is always live, so every account has usage; one in twenty others was revoked.
      accountKeys.push({ id: randomId(rand, 20), account, live: k === 0 || rand() >= 0.05 });
    }
    keys.push(...accountKeys);
    const live = accountKeys.filter((key) => key.live);
    // Most accounts call on some days of a month, a few on every day.
    const activity = 0.05 + 0.95 * rand() ** 2;
    const keyCalls = new Map<string, number>();

    for (const [index, period] of plan.periods.entries()) {
      for (const date of datesOf(period)) {
        if (rand() >= activity && !(date.endsWith('-01') && index === 0)) continue;
        const day = {
          total_requests: 0,
          error_count: 0,
          latency_ms_sum: 0,
          requests_by_endpoint: {} as Record<string, number>,
          requests_by_status: {} as Record<string, number>,
          requests_by_key: {} as Record<string, number>,
        };
        for (const key of live) {
          if (key !== live[0] && rand() >= 0.6) continue;
          const usage = keyDay(rand);
          day.total_requests += usage.requests;
          day.error_count += usage.errors;
          day.latency_ms_sum += usage.latency;
          addCounts(day.requests_by_endpoint, usage.byEndpoint);
          addCounts(day.requests_by_status, usage.byStatus);
          day.requests_by_key[key.id] = usage.requests;
          if (index === 0) keyCalls.set(key.id, (keyCalls.get(key.id) ?? 0) + usage.requests);
        }
        callsByPeriod.set(period, (callsByPeriod.get(period) ?? 0) + day.total_requests);
        await writer.set(`api_usage_daily/${account}_${date}`, {
          account_id: account,
          date,
          ...day,
          updated_at: Timestamp.fromMillis(Date.parse(`${date}T23:59:59Z`)),
        });
        dailyDocs += 1;
      }
    }

    await writer.set(`users/${account}`, {
      email: `${account.toLowerCase()}@bench.example`,
      display_name: `Bench account ${a}`,
      photo_url: null,
      plan_tier: 'pro',
      created_at: Timestamp.fromDate(createdAt),
      updated_at: Timestamp.fromDate(createdAt),
    });
    for (const key of accountKeys) {
      const data = keyDoc(account, createdAt, {
        monthly_usage: keyCalls.get(key.id) ?? 0,
        // Revoked keys were last used months ago: their counters were left on an old period.
        usage_period: key.live ? first : previous(first),
      });
      await writer.set(
        `api_keys/${key.id}`,
        key.live ? data : { ...data, is_active: false, revoked_at: revokedAt },
      );
    }
  }
  await writer.close();
  return { accounts, keys, callsByPeriod, dailyDocs };
}
