/**
 * The dashboard API's state for one test: each test seeds what it needs (`seedAccount`), the
 * handlers read and change it, and `resetDb` empties it after every test. Everything built here
 * is parsed with the shared response schemas, so a contract change breaks the tests.
 */
import {
  NO_INTEGRATION,
  accountExportSchema,
  accountResponseSchema,
  accountUsageSchema,
  adminStatsResponseSchema,
  apiKeySchema,
  meResponseSchema,
  onboardingResponseSchema,
  statsResponseSchema,
  type AccountExport,
  type AccountResponse,
  type AccountSummary,
  type AccountUsage,
  type AdminStatsResponse,
  type ApiKey,
  type IntegrationBreakdownGroup,
  type MeResponse,
  type OnboardingResponse,
  type StatsQuery,
  type StatsResponse,
  type UsageDayPoint,
  type UsageEvent,
} from '@shared/contracts';
import { addDays, daysBetween, periodEnd, utcPeriod } from '@shared/dates';
import {
  accountLimits,
  meterLimit,
  METER_LABELS,
  METERS,
  type AccountLimits,
  type MeterName,
} from '@shared/plans';
import { can } from '@shared/roles';
import { TEST_USER } from '@/testing/mocks/firebase';

type Profile = MeResponse['user'];

/** A team account as `GET /accounts` names it; team.ts keeps its members, invitations and log. */
export type TeamAccount = AccountSummary & { slug: string };

interface Db {
  profile: Profile;
  /** The user's personal account: plan, billing and limits live here, not on the user. */
  account: AccountSummary;
  /** Teams the user belongs to, its role in each on `role`. Keys say which account they are in. */
  teams: TeamAccount[];
  /** An operator's overrides of the plan's limits (as on `accounts/{id}.limit_overrides`). */
  limitOverrides: Partial<AccountLimits>;
  /** Calls refused this period (429s): in the account's requests, not in its units. */
  refusedThisPeriod: number;
  /** Units of each named meter this period. */
  meterUsed: Partial<Record<MeterName, number>>;
  keys: ApiKey[];
  events: UsageEvent[];
  /** Calls per day in generated stats; 0 means an account without traffic. */
  callsPerDay: number;
  /** Secrets of keys created through the API during the test, by key id. */
  secrets: Map<string, string>;
  /**
   * What `GET /onboarding` reads besides the keys: whether a call reached the API and was counted,
   * and the user's own choices (stay on Free, dismissed), as on the membership.
   */
  onboarding: { first_call: boolean; call_counted: boolean; stayed_on_free: boolean; dismissed: boolean };
}

function defaultOnboarding(): Db['onboarding'] {
  return { first_call: false, call_counted: false, stayed_on_free: false, dismissed: false };
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;

export function isoAgo(ms: number, now: Date = new Date()): string {
  return new Date(now.getTime() - ms).toISOString();
}

function defaultProfile(): Profile {
  return {
    uid: TEST_USER.uid,
    email: TEST_USER.email,
    display_name: TEST_USER.displayName,
    photo_url: null,
    created_at: isoAgo(120 * DAY),
    is_admin: false,
  };
}

function defaultAccount(): AccountSummary {
  return {
    // A personal account's id is its user's uid.
    id: TEST_USER.uid,
    kind: 'personal',
    name: TEST_USER.displayName ?? 'Personal',
    role: 'owner',
    plan_tier: 'free',
    subscription_status: null,
    current_period_end: null,
    cancel_at_period_end: false,
    has_billing_account: false,
    credits_balance: 0,
    has_credits: false,
    billing_settings: { overage: 'stop', spend_cap_cents: null },
    created_at: isoAgo(120 * DAY),
  };
}

export const db: Db = {
  profile: defaultProfile(),
  account: defaultAccount(),
  teams: [],
  limitOverrides: {},
  refusedThisPeriod: 0,
  meterUsed: {},
  keys: [],
  events: [],
  callsPerDay: 0,
  secrets: new Map(),
  onboarding: defaultOnboarding(),
};

export function resetDb(): void {
  db.profile = defaultProfile();
  db.account = defaultAccount();
  db.teams = [];
  db.limitOverrides = {};
  db.refusedThisPeriod = 0;
  db.meterUsed = {};
  db.keys = [];
  db.events = [];
  db.callsPerDay = 0;
  db.secrets = new Map();
  db.onboarding = defaultOnboarding();
  keyCounter = 0;
}

let keyCounter = 0;
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomBase62(length: number): string {
  return Array.from({ length }, () => BASE62[Math.floor(Math.random() * BASE62.length)]).join('');
}

export function buildSecret(): string {
  return `sk_live_${randomBase62(40)}`;
}

export function buildKey(overrides: Partial<ApiKey> = {}): ApiKey {
  keyCounter += 1;
  const secret = buildSecret();
  return apiKeySchema.parse({
    id: `key_${keyCounter}`,
    label: `Key ${keyCounter}`,
    key_prefix: secret.slice(0, 12),
    key_hint: secret.slice(-4),
    scopes: ['read'],
    account_id: db.account.id,
    created_by: db.profile.uid,
    status: 'active',
    created_at: isoAgo(30 * DAY),
    expires_at: null,
    last_used_at: null,
    revoked_at: null,
    monthly_usage: 0,
    usage_period: utcPeriod(new Date()),
    cap_monthly: null,
    cap_per_minute: null,
    integration: null,
    metadata: null,
    ...overrides,
  });
}

export function buildEvent(keyId: string, overrides: Partial<UsageEvent> = {}): UsageEvent {
  return {
    key_id: keyId,
    endpoint: 'GET /v1/time',
    method: 'GET',
    status: 200,
    latency_ms: 42,
    units: 1,
    at: isoAgo(5 * 60_000),
    ...overrides,
  };
}

/** A typical account: two used keys, one revoked, one expired, and steady traffic. */
export function seedAccount(): { active: ApiKey; staging: ApiKey; revoked: ApiKey; expired: ApiKey } {
  const active = buildKey({
    label: 'Production server',
    scopes: ['read', 'write'],
    created_at: isoAgo(60 * DAY),
    monthly_usage: 640,
    last_used_at: isoAgo(3 * 60_000),
  });
  const staging = buildKey({
    label: 'Staging',
    created_at: isoAgo(20 * DAY),
    monthly_usage: 95,
    last_used_at: isoAgo(2 * DAY),
  });
  const revoked = buildKey({
    label: 'Old laptop',
    created_at: isoAgo(90 * DAY),
    status: 'revoked',
    revoked_at: isoAgo(10 * DAY),
    last_used_at: isoAgo(11 * DAY),
  });
  const expired = buildKey({
    label: 'Hackathon',
    created_at: isoAgo(45 * DAY),
    status: 'expired',
    expires_at: isoAgo(3 * DAY),
    last_used_at: isoAgo(4 * DAY),
  });
  db.keys = [active, staging, revoked, expired];
  db.events = [
    buildEvent(active.id, {
      endpoint: 'GET /v1/forecast',
      status: 200,
      latency_ms: 88,
      at: isoAgo(3 * 60_000),
    }),
    buildEvent(active.id, {
      endpoint: 'POST /v1/convert',
      method: 'POST',
      status: 429,
      latency_ms: 4,
      units: 0,
      at: isoAgo(9 * 60_000),
    }),
    buildEvent(staging.id, { endpoint: 'GET /v1/time', status: 200, latency_ms: 21, at: isoAgo(2 * DAY) }),
  ];
  db.callsPerDay = 120;
  return { active, staging, revoked, expired };
}

function isUsable(key: ApiKey): boolean {
  return key.status === 'active' || key.status === 'expiring';
}

/** The account an account-scoped route serves: the personal one unprefixed, else a team by id. */
export function findAccount(accountId?: string): AccountSummary | undefined {
  if (accountId === undefined || accountId === db.account.id) return db.account;
  return db.teams.find((team) => team.id === accountId);
}

export function keysOf(account: AccountSummary): ApiKey[] {
  return db.keys.filter((key) => key.account_id === account.id);
}

export function buildUsage(account: AccountSummary = db.account): AccountUsage {
  const period = utcPeriod(new Date());
  const personal = account === db.account;
  const keys = keysOf(account);
  const usable = keys.filter(isUsable);
  const limits = accountLimits(account.plan_tier, personal ? db.limitOverrides : {});
  // Revoked and expired keys' units this period still count against the account.
  const units = keys.reduce((sum, key) => sum + key.monthly_usage, 0);
  return accountUsageSchema.parse({
    period,
    requests: units + (personal ? db.refusedThisPeriod : 0),
    units,
    quota: limits.monthly,
    per_minute_limit: limits.per_minute,
    resets_at: periodEnd(period).toISOString(),
    meters: METERS.map((meter) => {
      const limit = meterLimit(account.plan_tier, meter);
      return {
        meter,
        label: METER_LABELS[meter],
        used: personal ? (db.meterUsed[meter] ?? 0) : 0,
        monthly: limit?.monthly ?? null,
        per_minute: limit?.per_minute ?? null,
      };
    }),
    active_keys: usable.length,
    keys: usable.map((key) => ({
      id: key.id,
      label: key.label,
      units: key.monthly_usage,
      cap_monthly: key.cap_monthly,
      cap_per_minute: key.cap_per_minute,
    })),
  });
}

export function buildMe(): MeResponse {
  return meResponseSchema.parse({ user: db.profile, account: db.account, usage: buildUsage() });
}

export function buildSummary(account: AccountSummary = db.account): AccountResponse {
  return accountResponseSchema.parse({ account, usage: buildUsage(account) });
}

function dailyPoints(from: string, to: string, scale: number): UsageDayPoint[] {
  return Array.from({ length: daysBetween(from, to) }, (_, index) => {
    const requests = Math.round(db.callsPerDay * scale * (1 + 0.4 * Math.sin(index / 2)));
    const errors = Math.round(requests * 0.04);
    // Every fifth day had a 5xx, in 2 of its 1,000 minutes with calls.
    const serverErrors = requests > 0 && index % 5 === 0 ? 2 : 0;
    const minutes = requests > 0 ? 1_000 : 0;
    return {
      date: addDays(from, index),
      requests,
      // Some of the demo API's calls cost more than a unit (POST /v1/emails/verify).
      units: Math.round(requests * 1.5),
      errors,
      server_errors: serverErrors,
      avg_latency_ms: requests > 0 ? 60 + (index % 7) * 5 : null,
      p50_ms: requests > 0 ? 50 : null,
      p95_ms: requests > 0 ? (index % 7 === 3 ? 300 : 150) : null,
      p99_ms: requests > 0 ? 500 : null,
      minutes_with_calls: minutes,
      minutes_with_server_errors: serverErrors,
      availability: minutes > 0 ? (minutes - serverErrors) / minutes : null,
    };
  });
}

/**
 * The calls of `requests` by key: shared evenly by the keys that were ever used (the first gets
 * what does not divide), most first; and the same calls by each key's integration.
 */
function breakdowns(
  requests: number,
  keys: readonly ApiKey[],
): Pick<StatsResponse, 'by_key' | 'by_integration'> {
  const used = keys.filter((key) => key.last_used_at !== null);
  if (requests === 0 || used.length === 0) return { by_key: [], by_integration: [] };
  const share = Math.floor(requests / used.length);
  const byKey = used.map((key, index) => ({
    key_id: key.id,
    requests: share + (index === 0 ? requests - share * used.length : 0),
  }));
  const byIntegration = new Map<IntegrationBreakdownGroup, number>();
  used.forEach((key, index) => {
    const group = key.integration ?? NO_INTEGRATION;
    byIntegration.set(group, (byIntegration.get(group) ?? 0) + (byKey[index]?.requests ?? 0));
  });
  return {
    by_key: byKey.sort((a, b) => b.requests - a.requests),
    by_integration: [...byIntegration]
      .map(([integration, calls]) => ({ integration, requests: calls }))
      .sort((a, b) => b.requests - a.requests),
  };
}

/**
 * Generated stats for the range; `keys` are the filter's keys (all of the account's without a
 * filter), among which `by_key` and `by_integration` share the calls. An integration none of
 * whose keys was ever used had no calls.
 */
export function buildStats(query: StatsQuery, keys: readonly ApiKey[] = []): StatsResponse {
  const filtered = query.key_id !== undefined || query.integration !== undefined;
  const idle = query.integration !== undefined && !keys.some((key) => key.last_used_at !== null);
  const daily = dailyPoints(query.from, query.to, idle ? 0 : filtered ? 0.6 : 1);
  const requests = daily.reduce((sum, point) => sum + point.requests, 0);
  const units = daily.reduce((sum, point) => sum + point.units, 0);
  const errors = daily.reduce((sum, point) => sum + point.errors, 0);
  const latencySum = daily.reduce((sum, point) => sum + (point.avg_latency_ms ?? 0) * point.requests, 0);
  const serverErrors = daily.reduce((sum, point) => sum + point.server_errors, 0);
  const minutes = daily.reduce((sum, point) => sum + point.minutes_with_calls, 0);
  const errorMinutes = daily.reduce((sum, point) => sum + point.minutes_with_server_errors, 0);
  const split = (share: number) => Math.round(requests * share);
  const latency = (p50: number, p95: number, p99: number) =>
    requests > 0 ? { p50_ms: p50, p95_ms: p95, p99_ms: p99 } : { p50_ms: null, p95_ms: null, p99_ms: null };
  return statsResponseSchema.parse({
    from: query.from,
    to: query.to,
    key_id: query.key_id ?? null,
    integration: query.integration ?? null,
    totals: {
      requests,
      units,
      errors,
      error_rate: requests > 0 ? errors / requests : 0,
      success_rate: requests > 0 ? (requests - errors) / requests : null,
      server_errors: serverErrors,
      avg_latency_ms: requests > 0 ? latencySum / requests : null,
      ...latency(50, 150, 500),
      minutes_with_calls: minutes,
      minutes_with_server_errors: errorMinutes,
      availability: minutes > 0 ? (minutes - errorMinutes) / minutes : null,
    },
    daily,
    by_endpoint:
      requests > 0
        ? [
            { endpoint: 'GET /v1/forecast', requests: split(0.55), ...latency(75, 200, 750) },
            { endpoint: 'GET /v1/time', requests: split(0.3), ...latency(10, 20, 50) },
            {
              endpoint: 'POST /v1/convert',
              requests: requests - split(0.55) - split(0.3),
              ...latency(30, 100, 300),
            },
          ]
        : [],
    by_status:
      requests > 0
        ? [
            { status: '200', requests: requests - errors },
            { status: '429', requests: errors },
          ]
        : [],
    ...breakdowns(requests, keys),
  });
}

/** `GET /onboarding` as the API computes it for `account`: `pick_plan` only for billing roles. */
export function buildOnboarding(account: AccountSummary = db.account): OnboardingResponse {
  const done: { id: OnboardingResponse['steps'][number]['id']; done: boolean }[] = [
    { id: 'create_key', done: keysOf(account).length > 0 },
    { id: 'first_call', done: db.onboarding.first_call || db.onboarding.call_counted },
    { id: 'call_counted', done: db.onboarding.call_counted },
  ];
  if (can(account.role, 'manage_billing'))
    done.push({ id: 'pick_plan', done: account.plan_tier !== 'free' || db.onboarding.stayed_on_free });
  return onboardingResponseSchema.parse({
    steps: done,
    complete: done.every((step) => step.done),
    dismissed: db.onboarding.dismissed,
  });
}

export function buildAdminStats(): AdminStatsResponse {
  const to = new Date().toISOString().slice(0, 10);
  const from = addDays(to, -29);
  const daily = dailyPoints(from, to, 12);
  return adminStatsResponseSchema.parse({
    from,
    to,
    totals: {
      accounts: 48,
      active_keys: 131,
      requests: daily.reduce((sum, point) => sum + point.requests, 0),
      errors: daily.reduce((sum, point) => sum + point.errors, 0),
      p50_ms: 10,
      p95_ms: 75,
      p99_ms: 200,
    },
    daily,
    top_accounts: [
      {
        account_id: 'user-ada',
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        plan_tier: 'pro',
        requests: 52_000,
      },
      {
        account_id: 'user-grace',
        name: 'Grace Hopper',
        email: 'grace@example.com',
        plan_tier: 'free',
        requests: 910,
      },
    ],
    billing: {
      period: to.slice(0, 7),
      paying_accounts: { pro: 12, enterprise: 2 },
      mrr_cents: 12 * 2_900 + 2 * 49_900,
      credits_sold: { purchases: 5, units: 140_000, amount_cents: 6_000 },
      overage_billed: { units: 48_250, amount_cents: 2_425 },
    },
  });
}

export function buildAccountExport(): AccountExport {
  return accountExportSchema.parse({
    exported_at: new Date().toISOString(),
    profile: db.profile,
    account: db.account,
    keys: db.keys,
    usage_daily: [],
    usage_monthly: [],
    credit_ledger: [],
    alert_settings: {
      quota_thresholds: [80, 100],
      low_credits_units: null,
      email: { enabled: true, recipients: [] },
      webhook: null,
      updated_at: null,
    },
    alerts: [],
    notifications: [],
  });
}
