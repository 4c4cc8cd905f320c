/**
 * Seeds the demo account into the running emulator suite: a Google (and GitHub) user
 * demo@keymeter.dev whose personal account is on the Pro plan, six keys in every state, 90 days
 * of usage and a few recent calls. Idempotent: documents have fixed ids and are overwritten, the
 * Auth user is found by its provider id, so seeding twice leaves one account with the same keys.
 *
 *   npx tsx scripts/seed-demo.ts        (with the suite running; `npm start` calls seedDemo())
 *
 * Only the "Production" key's plaintext is ever printed, because it is the demo key a newcomer
 * curls /v1 with; it is derived from a fixed seed so it stays the same across runs. Only its
 * hash is stored, like every other key.
 */
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { FieldValue, Timestamp, type DocumentData } from 'firebase-admin/firestore';
import { generateApiKey, hashApiKey, keyHint, keyPrefix } from '../functions/src/keys/key-format.js';
import { accountRef, memberRef } from '../functions/src/accounts/account-doc.js';
import { alertId, type AlertDoc } from '../functions/src/alerts/alert-doc.js';
import { alertSettingsRef } from '../functions/src/alerts/settings.js';
import { createPersonalAccount, LEGACY_ACCOUNT_FIELDS } from '../functions/src/accounts/profile.js';
import { keyStatus, readKeyDoc } from '../functions/src/keys/key-doc.js';
import { auth, db } from '../functions/src/lib/firebase.js';
import {
  ALERTS,
  API_KEYS,
  API_USAGE_DAILY,
  API_USAGE_EVENTS,
  USERS,
  dailyDocId,
} from '../functions/src/lib/collections.js';
import {
  redirectResponseSchema,
  type Integration,
  type KeyMetadata,
  type Scope,
} from '../functions/src/shared/contracts.js';
import type { CreditPackId } from '../functions/src/shared/credit-packs.js';
import { addDays, periodEnd, previousPeriod, utcDate, utcPeriod } from '../functions/src/shared/dates.js';
import { addLatency, mergeHistogram, type LatencyHistogram } from '../functions/src/shared/latency.js';
import { accountLimits, planTierSchema } from '../functions/src/shared/plans.js';
import { closeMonth } from '../functions/src/usage/close-month.js';
import {
  addMinute,
  encodeMinutes,
  MINUTES_PER_DAY,
  noMinutes,
  union,
  type MinuteSet,
} from '../functions/src/usage/minute-bitmap.js';
import { rebuildPlatformDays } from '../functions/src/usage/platform-daily.js';
import { signInWithIdp } from './lib/auth-emulator.js';
import {
  DEMO_OPERATOR,
  DEMO_TEAM_NAME,
  DEMO_TEAM_SLUG,
  DEMO_TEAMMATE,
  seedDemoTeam,
} from './seed-demo-team.js';
import { useLocalEmulators } from './lib/emulator-suite.js';
import { STAND_IN_SECRET_KEY } from './lib/stripe.js';
import { prng } from './lib/prng.js';

export const DEMO_EMAIL = 'demo@keymeter.dev';
export const DEMO_NAME = 'Demo Developer';
/** The demo's alert thresholds, in % of the quota: low enough for its usage to reach some. */
const DEMO_QUOTA_THRESHOLDS = [50, 80, 100];
const DEMO_CREDIT_PACK: CreditPackId = '10k';
const DEMO_DAYS = 90;
const DAY_MS = 86_400_000;

interface DemoKeySpec {
  id: string;
  label: string;
  scopes: Scope[];
  /** Share of the account's daily calls. */
  share: number;
  /** Days ago the key was created; it has usage from then on. */
  createdDaysAgo: number;
  expiresInDays?: number;
  revokedDaysAgo?: number;
  integration?: Integration;
  metadata?: KeyMetadata;
}

const KEYS: readonly DemoKeySpec[] = [
  {
    id: 'demo-production',
    label: 'Production',
    scopes: ['read', 'write'],
    share: 0.55,
    createdDaysAgo: 120,
    metadata: { customer_id: 'cus_demo', environment: 'production' },
  },
  {
    id: 'demo-zapier',
    label: 'Zapier automations',
    scopes: ['read'],
    share: 0.2,
    createdDaysAgo: 75,
    integration: 'zapier',
  },
  { id: 'demo-staging', label: 'Staging', scopes: ['read', 'write'], share: 0.12, createdDaysAgo: 100 },
  {
    id: 'demo-ci',
    label: 'CI smoke tests',
    scopes: ['read'],
    share: 0.05,
    createdDaysAgo: 30,
    expiresInDays: 3,
    integration: 'custom',
  },
  {
    id: 'demo-partner',
    label: 'Partner trial',
    scopes: ['read'],
    share: 0.05,
    createdDaysAgo: 95,
    expiresInDays: -12,
    integration: 'google_sheets',
  },
  {
    id: 'demo-leaked',
    label: 'Old laptop (leaked)',
    scopes: ['read', 'write'],
    share: 0.03,
    createdDaysAgo: 110,
    revokedDaysAgo: 21,
  },
];
const PRINTED_KEY_ID = 'demo-production';

/** `cost`: units an admitted call is charged on average (POST /v1/emails/verify: one per address). */
const ENDPOINTS = [
  { endpoint: 'GET /v1/forecast', share: 0.45, latency: 42, cost: 1 },
  { endpoint: 'GET /v1/time', share: 0.25, latency: 9, cost: 1 },
  { endpoint: 'POST /v1/convert', share: 0.17, latency: 23, cost: 1 },
  { endpoint: 'POST /v1/emails/verify', share: 0.06, latency: 61, cost: 12 },
  { endpoint: 'POST /v1/keys/verify', share: 0.07, latency: 14, cost: 1 },
] as const;

/** Units charged for `n` calls answered `status` (with-api-key.ts: refusals cost nothing). */
function unitsOf(status: string, n: number, cost: number): number {
  if (status === '200') return Math.round(n * cost);
  // A failed handler keeps one unit; a body without a cost (a 400 of emails/verify) none.
  if (status === '500' || (status === '400' && cost === 1)) return n;
  return 0;
}

/** Seeded by text: the same date always gives the same usage, so re-seeding changes nothing. */
function random(seed: string): () => number {
  return prng(createHash('sha256').update(seed).digest().readUInt32LE(0));
}

/** The printed demo key, the same on every run: its "random" bytes come from a fixed seed. */
function demoKeySecret(): string {
  let counter = 0;
  return generateApiKey((size) => {
    const out = Buffer.alloc(size);
    for (let offset = 0; offset < size; offset += 32) {
      createHash('sha256').update(`keymeter demo key ${counter}`).digest().copy(out, offset);
      counter += 1;
    }
    return out;
  });
}

/**
 * The demo user, signed in through the emulator's Google provider so the account chooser lists
 * it, with GitHub linked so the GitHub button finds the same account.
 */
async function ensureDemoUser(authHost: string): Promise<{ uid: string; idToken: string }> {
  const google = await signInWithIdp(authHost, 'google.com', {
    sub: 'keymeter-demo-google',
    email: DEMO_EMAIL,
    email_verified: true,
    name: DEMO_NAME,
  });
  const user = await auth().getUser(google.uid);
  if (!user.providerData.some((provider) => provider.providerId === 'github.com')) {
    await signInWithIdp(
      authHost,
      'github.com',
      {
        sub: 'keymeter-demo-github',
        email: DEMO_EMAIL,
        email_verified: true,
        name: DEMO_NAME,
        screen_name: 'keymeter-demo',
      },
      google.idToken,
    );
  }
  return { uid: google.uid, idToken: google.idToken };
}

/** Does the stand-in still know this customer (its state lives in .emulator-data/ too)? */
async function standInHasCustomer(standInUrl: string, customerId: string): Promise<boolean> {
  const response = await fetch(`${standInUrl}/v1/customers/${encodeURIComponent(customerId)}`, {
    headers: { authorization: `Bearer ${STAND_IN_SECRET_KEY}` },
  });
  if (response.status === 404) return false;
  if (!response.ok) throw new Error(`the Stripe stand-in answered ${response.status} for ${customerId}`);
  const customer = (await response.json()) as { deleted?: boolean };
  return customer.deleted !== true;
}

/**
 * With the Stripe stand-in running, the demo account pays for Pro the way a customer does —
 * Checkout through the dashboard API, paid on the stand-in's hosted page, the plan set by the
 * webhook — so Billing → Manage billing works for it. Nothing happens when its customer exists.
 */
async function subscribeDemoAccount(
  uid: string,
  idToken: string,
): Promise<'subscribed' | 'existing' | 'no stand-in'> {
  const standInUrl = process.env.KEYMETER_STRIPE_STAND_IN_URL;
  const hostingUrl = process.env.KEYMETER_HOSTING_URL;
  if (standInUrl === undefined || hostingUrl === undefined) return 'no stand-in';
  const account = accountRef(uid);
  const customerId: unknown = (await account.get()).get('stripe_customer_id');
  if (typeof customerId === 'string' && (await standInHasCustomer(standInUrl, customerId))) return 'existing';

  // No subscription the stand-in knows of: start over as a Free account, then upgrade.
  await account.update({
    plan_tier: 'free',
    stripe_customer_id: FieldValue.delete(),
    stripe_subscription_id: FieldValue.delete(),
    subscription_status: FieldValue.delete(),
    current_period_end: FieldValue.delete(),
    cancel_at_period_end: FieldValue.delete(),
  });
  await payThroughCheckout(
    hostingUrl,
    idToken,
    '/billing/checkout',
    { plan: 'pro' },
    async () => (await account.get()).get('plan_tier') === 'pro',
  );
  return 'subscribed';
}

/**
 * Opens a Checkout Session through the dashboard API, pays it on the stand-in's hosted page and
 * waits until the webhook has done what `done` checks for.
 */
async function payThroughCheckout(
  hostingUrl: string,
  idToken: string,
  route: string,
  body: object,
  done: () => Promise<boolean>,
): Promise<void> {
  const checkout = await fetch(`${hostingUrl}/api/dashboard${route}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${idToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!checkout.ok) throw new Error(`demo checkout failed: ${checkout.status} ${await checkout.text()}`);
  const { url } = redirectResponseSchema.parse(await checkout.json());
  const paid = await fetch(`${url}/pay`, {
    method: 'POST',
    body: new URLSearchParams({ outcome: 'succeed' }),
    redirect: 'manual',
  });
  if (paid.status !== 303) throw new Error(`paying the demo checkout failed: ${paid.status}`);
  const deadline = Date.now() + 60_000;
  while (!(await done())) {
    if (Date.now() > deadline)
      throw new Error(`the webhook of the demo's ${route} did not arrive within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Once, with the stand-in running: the demo account buys the small credit pack, as a customer does. */
async function buyDemoCredits(uid: string, idToken: string): Promise<boolean> {
  const hostingUrl = process.env.KEYMETER_HOSTING_URL;
  if (process.env.KEYMETER_STRIPE_STAND_IN_URL === undefined || hostingUrl === undefined) return false;
  const account = accountRef(uid);
  const granted = async () => Number((await account.get()).get('credits_granted') ?? 0) > 0;
  if (await granted()) return false;
  await payThroughCheckout(
    hostingUrl,
    idToken,
    '/billing/credits/checkout',
    { pack: DEMO_CREDIT_PACK },
    granted,
  );
  return true;
}

/**
 * The quota alerts the closed months reached, as the lease that crossed each threshold would have
 * fired them (the seed writes usage directly, past the key check): created once, by their
 * deterministic ids, and delivered by onAlertFired (a notification, and an email in the catcher).
 */
async function fireClosedMonthAlerts(
  uid: string,
  monthlyLimit: number,
  crossings: ReadonlyMap<string, ReadonlyMap<number, { date: string; units: number }>>,
  open: string,
): Promise<number> {
  let fired = 0;
  for (const [period, reached] of crossings) {
    if (period >= open) continue;
    for (const [threshold, { date, units }] of reached) {
      const doc: AlertDoc = {
        account_id: uid,
        kind: 'quota_threshold',
        threshold,
        period,
        key_id: null,
        meter: 'units',
        value: units,
        limit: monthlyLimit,
        fired_at: Timestamp.fromDate(new Date(`${date}T15:00:00Z`)),
      };
      const ref = db().collection(ALERTS).doc(alertId(doc));
      if ((await ref.get()).exists) continue;
      await ref.create(doc);
      fired += 1;
    }
  }
  return fired;
}

function keyDoc(
  spec: DemoKeySpec,
  uid: string,
  secret: string,
  now: Date,
  monthlyUsage: number,
  lastUsed: Date | undefined,
): DocumentData {
  return {
    key_hash: hashApiKey(secret),
    key_prefix: keyPrefix(secret),
    key_hint: keyHint(secret),
    account_id: uid,
    created_by: uid,
    label: spec.label,
    scopes: spec.scopes,
    created_at: Timestamp.fromMillis(now.getTime() - spec.createdDaysAgo * DAY_MS),
    ...(spec.expiresInDays === undefined
      ? {}
      : { expires_at: Timestamp.fromMillis(now.getTime() + spec.expiresInDays * DAY_MS) }),
    ...(lastUsed === undefined ? {} : { last_used_at: Timestamp.fromDate(lastUsed) }),
    is_active: spec.revokedDaysAgo === undefined,
    ...(spec.revokedDaysAgo === undefined
      ? {}
      : { revoked_at: Timestamp.fromMillis(now.getTime() - spec.revokedDaysAgo * DAY_MS) }),
    monthly_usage: monthlyUsage,
    usage_period: utcPeriod(now),
    budget_id: spec.id,
    cap_monthly: null,
    cap_per_minute: null,
    ...(spec.integration === undefined ? {} : { integration: spec.integration }),
    ...(spec.metadata === undefined ? {} : { metadata: spec.metadata }),
  };
}

/** Was the key usable on this day? (Its calls before creation or after revocation/expiry are refusals.) */
function keyActiveOn(spec: DemoKeySpec, daysAgo: number): boolean {
  if (daysAgo > spec.createdDaysAgo) return false;
  if (spec.revokedDaysAgo !== undefined && daysAgo < spec.revokedDaysAgo) return false;
  if (spec.expiresInDays !== undefined && spec.expiresInDays < 0 && daysAgo < -spec.expiresInDays)
    return false;
  return true;
}

interface DaySeed {
  doc: DocumentData;
  byKey: Map<string, number>;
}

function bump(map: Record<string, number>, name: string, by: number): void {
  if (by > 0) map[name] = (map[name] ?? 0) + by;
}

/** A key's latency histograms and minute bitmaps for one seeded day (daily-doc.ts). */
interface DayTiming {
  latency: LatencyHistogram;
  byEndpoint: Record<string, LatencyHistogram>;
  callMinutes: MinuteSet;
  serverErrorMinutes: MinuteSet;
}

function dayTiming(): DayTiming {
  return { latency: {}, byEndpoint: {}, callMinutes: noMinutes(), serverErrorMinutes: noMinutes() };
}

/**
 * Latencies and minutes for `n` calls of a group: log-normal around the group's mean with a slow
 * tail (1 in 50 calls four times slower), so p95 and p99 sit well above p50 as in real traffic;
 * calls spread over the minutes of the day seeded so far. 5xx come in bursts, as outages do: an
 * incident's within its 45-minute window, an ordinary day's within its few blips.
 */
function seedTiming(
  timing: DayTiming,
  draw: () => number,
  group: { endpoint: string; serverError: boolean; calls: number; meanMs: number },
  window: { minutes: number; incidentStart: number | null; blips: readonly number[] },
): void {
  const sigma = 0.45;
  const median = group.meanMs / Math.exp((sigma * sigma) / 2);
  const byEndpoint = (timing.byEndpoint[group.endpoint] ??= {});
  for (let i = 0; i < group.calls; i += 1) {
    const normal = Math.sqrt(-2 * Math.log(1 - draw())) * Math.cos(2 * Math.PI * draw());
    const latency = median * Math.exp(sigma * normal) * (draw() < 0.02 ? 4 : 1);
    addLatency(timing.latency, latency);
    addLatency(byEndpoint, latency);
    const minute = !group.serverError
      ? Math.floor(draw() * window.minutes)
      : window.incidentStart !== null
        ? Math.min(window.minutes - 1, window.incidentStart + Math.floor(draw() * 45))
        : (window.blips[Math.floor(draw() * window.blips.length)] ?? 0);
    addMinute(timing.callMinutes, minute);
    if (group.serverError) addMinute(timing.serverErrorMinutes, minute);
  }
}

function seedDay(uid: string, date: string, daysAgo: number, dayFraction: number): DaySeed {
  const rand = random(`keymeter demo ${date}`);
  // Latencies and minutes from a stream of their own: the day's counts stay what they were.
  const draw = random(`keymeter demo latency ${date}`);
  const minutes = Math.max(1, Math.min(MINUTES_PER_DAY, Math.floor(MINUTES_PER_DAY * dayFraction)));
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  const weekly = weekday === 0 ? 0.35 : weekday === 6 ? 0.45 : 1;
  const growth = 1 + (DEMO_DAYS - daysAgo) * 0.006;
  const incident = rand() < 0.04;
  const base = Math.round(2_400 * weekly * growth * (0.85 + rand() * 0.3) * dayFraction);

  const doc = {
    account_id: uid,
    date,
    total_requests: 0,
    total_units: 0,
    error_count: 0,
    latency_ms_sum: 0,
    requests_by_endpoint: {} as Record<string, number>,
    requests_by_status: {} as Record<string, number>,
    requests_by_key: {} as Record<string, number>,
    key_stats: {} as Record<string, DocumentData>,
  };
  const incidentStart = incident ? Math.floor(draw() * Math.max(1, minutes - 45)) : null;
  const blips = Array.from({ length: 1 + Math.floor(draw() * 2) }, () => Math.floor(draw() * minutes));
  const day = dayTiming();
  let keyEndpoints = 0;
  const byKey = new Map<string, number>();
  for (const spec of KEYS) {
    if (daysAgo > spec.createdDaysAgo) continue;
    const active = keyActiveOn(spec, daysAgo);
    // A revoked or expired key still gets the odd call from a forgotten client: all refused.
    const calls = active ? Math.round(base * spec.share) : Math.round(rand() * 6 * dayFraction);
    if (calls === 0) continue;
    const stats = {
      requests: 0,
      units: 0,
      errors: 0,
      latency_ms_sum: 0,
      by_endpoint: {} as Record<string, number>,
      by_status: {} as Record<string, number>,
    };
    const timing = dayTiming();
    let remaining = calls;
    ENDPOINTS.forEach(({ endpoint, share, latency, cost }, index) => {
      const count =
        index === ENDPOINTS.length - 1 ? remaining : Math.min(remaining, Math.round(calls * share));
      remaining -= count;
      if (count <= 0) return;
      let byStatus: Record<string, number>;
      if (!active) {
        byStatus = { '401': count };
      } else {
        const serverErrors = Math.round(count * (incident ? 0.03 : 0.002 + rand() * 0.003));
        const clientErrors = Math.round(count * (0.01 + rand() * 0.02));
        const limited = Math.round(count * (spec.id === 'demo-ci' ? 0.04 : rand() * 0.008));
        byStatus = {
          '200': count - serverErrors - clientErrors - limited,
          '400': clientErrors,
          '429': limited,
          '500': serverErrors,
        };
      }
      const avgLatency = latency * (0.8 + rand() * 0.5) * (incident ? 2.5 : 1);
      for (const [status, n] of Object.entries(byStatus)) {
        if (n <= 0) continue;
        const errors = Number(status) >= 400 ? n : 0;
        const meanMs = status === '401' || status === '429' ? 3 : avgLatency;
        const latencySum = Math.round(n * meanMs);
        seedTiming(
          timing,
          draw,
          { endpoint, serverError: Number(status) >= 500, calls: n, meanMs },
          { minutes, incidentStart, blips },
        );
        const units = unitsOf(status, n, cost);
        stats.requests += n;
        stats.units += units;
        stats.errors += errors;
        stats.latency_ms_sum += latencySum;
        bump(stats.by_endpoint, endpoint, n);
        bump(stats.by_status, status, n);
        bump(doc.requests_by_endpoint, endpoint, n);
        bump(doc.requests_by_status, status, n);
        doc.total_requests += n;
        doc.total_units += units;
        doc.error_count += errors;
        doc.latency_ms_sum += latencySum;
      }
    });
    doc.key_stats[spec.id] = {
      ...stats,
      latency_buckets: timing.latency,
      latency_buckets_by_endpoint: timing.byEndpoint,
      call_minutes: encodeMinutes(timing.callMinutes),
      server_error_minutes: encodeMinutes(timing.serverErrorMinutes),
    };
    keyEndpoints += Object.keys(timing.byEndpoint).length;
    mergeHistogram(day.latency, timing.latency);
    for (const [endpoint, histogram] of Object.entries(timing.byEndpoint))
      mergeHistogram((day.byEndpoint[endpoint] ??= {}), histogram);
    day.callMinutes = union(day.callMinutes, timing.callMinutes);
    day.serverErrorMinutes = union(day.serverErrorMinutes, timing.serverErrorMinutes);
    bump(doc.requests_by_key, spec.id, stats.requests);
    byKey.set(spec.id, stats.units);
  }
  return {
    doc: {
      ...doc,
      latency_buckets: day.latency,
      latency_buckets_by_endpoint: day.byEndpoint,
      latency_key_endpoints: keyEndpoints,
      call_minutes: encodeMinutes(day.callMinutes),
      server_error_minutes: encodeMinutes(day.serverErrorMinutes),
    },
    byKey,
  };
}

/** A few recent calls per active key, as already-folded usage batches (foldUsage skips them). */
function recentBatch(spec: DemoKeySpec, uid: string, now: Date): DocumentData {
  const rand = random(`keymeter demo recent ${spec.id}`);
  const calls = Array.from({ length: 30 }, (_, index) => {
    const endpoint = ENDPOINTS[Math.floor(rand() * ENDPOINTS.length)] ?? ENDPOINTS[0];
    const roll = rand();
    const status = roll < 0.9 ? 200 : roll < 0.96 ? 400 : roll < 0.99 ? 429 : 500;
    const cost = endpoint.cost === 1 ? 1 : 1 + Math.floor(rand() * 2 * endpoint.cost);
    return {
      endpoint: endpoint.endpoint,
      method: endpoint.endpoint.split(' ')[0] ?? 'GET',
      status,
      latency_ms: Math.round(endpoint.latency * (0.6 + rand()) * 10) / 10,
      at: Timestamp.fromMillis(now.getTime() - (30 - index) * 97_000),
      units: unitsOf(String(status), 1, cost),
    };
  });
  const first = calls[0]?.at ?? Timestamp.fromDate(now);
  const last = calls.at(-1)?.at ?? Timestamp.fromDate(now);
  return {
    key_id: spec.id,
    account_id: uid,
    date: utcDate(last.toDate()),
    period: utcPeriod(last.toDate()),
    count: calls.length,
    billable_count: calls.filter((call) => call.status !== 429).length,
    units: calls.reduce((sum, call) => sum + call.units, 0),
    error_count: calls.filter((call) => call.status >= 400).length,
    first_at: first,
    at: last,
    calls,
    expire_at: Timestamp.fromMillis(last.toMillis() + 30 * DAY_MS),
    folded_at: Timestamp.fromDate(now),
  };
}

export interface SeedResult {
  uid: string;
  email: string;
  /** The one key whose plaintext is shown, so a newcomer can call /v1 straight away. */
  demoKey: string;
  keys: { id: string; label: string; status: string }[];
  days: number;
}

export async function seedDemo(options: { now?: Date; quiet?: boolean } = {}): Promise<SeedResult> {
  const now = options.now ?? new Date();
  const authHost = useLocalEmulators().auth;
  const firestore = db();
  const { uid, idToken } = await ensureDemoUser(authHost);
  const userRef = firestore.collection(USERS).doc(uid);
  const profile = await userRef.get();
  // Data seeded before accounts: its plan and Stripe customer move to the account, as in the migration.
  if (profile.exists) {
    await firestore.runTransaction(async (tx) => {
      const [user, account, member] = await tx.getAll(userRef, accountRef(uid), memberRef(uid, uid));
      if (user?.exists === true && account?.exists !== true)
        createPersonalAccount(tx, uid, user.data() ?? {}, { account: true, member: member?.exists !== true });
    });
  }
  const account = await accountRef(uid).get();
  // A re-seed keeps the plan the account has moved to since (through billing, say).
  const tier = planTierSchema.catch('pro').parse(account.get('plan_tier') ?? 'pro');

  const today = utcDate(now);
  const period = utcPeriod(now);
  const secondsToday = (now.getTime() - Date.parse(`${today}T00:00:00Z`)) / DAY_MS;
  const monthly = new Map<string, number>();
  const lastUsed = new Map<string, Date>();
  // Per period, the day each alert threshold was crossed and the units used by then.
  const monthlyLimit = accountLimits(tier).monthly;
  const crossings = new Map<string, Map<number, { date: string; units: number }>>();
  const periodUnits = new Map<string, number>();
  let writer = firestore.batch();
  let pending = 0;
  const flush = async () => {
    if (pending === 0) return;
    await writer.commit();
    writer = firestore.batch();
    pending = 0;
  };

  for (let daysAgo = DEMO_DAYS - 1; daysAgo >= 0; daysAgo -= 1) {
    const date = addDays(today, -daysAgo);
    const { doc, byKey } = seedDay(uid, date, daysAgo, daysAgo === 0 ? Math.max(0.05, secondsToday) : 1);
    writer.set(firestore.collection(API_USAGE_DAILY).doc(dailyDocId(uid, date)), doc);
    pending += 1;
    const dayPeriod = date.slice(0, 7);
    const before = periodUnits.get(dayPeriod) ?? 0;
    const after = before + doc.total_units;
    periodUnits.set(dayPeriod, after);
    for (const threshold of DEMO_QUOTA_THRESHOLDS) {
      const at = (monthlyLimit * threshold) / 100;
      if (before < at && after >= at) {
        const reached = crossings.get(dayPeriod) ?? new Map<number, { date: string; units: number }>();
        reached.set(threshold, { date, units: after });
        crossings.set(dayPeriod, reached);
      }
    }
    for (const [keyId, billable] of byKey) {
      if (date.startsWith(period)) monthly.set(keyId, (monthly.get(keyId) ?? 0) + billable);
      if (billable > 0)
        lastUsed.set(keyId, new Date(Math.min(now.getTime(), Date.parse(`${date}T17:00:00Z`))));
    }
    if (pending >= 400) await flush();
  }

  const demoKey = demoKeySecret();
  const keysOut: SeedResult['keys'] = [];
  for (const spec of KEYS) {
    const ref = firestore.collection(API_KEYS).doc(spec.id);
    const existing = await ref.get();
    // Keep the hash of an existing key: its plaintext was never kept, and re-seeding must not change it.
    const secret = spec.id === PRINTED_KEY_ID ? demoKey : generateApiKey();
    const doc = keyDoc(spec, uid, secret, now, monthly.get(spec.id) ?? 0, lastUsed.get(spec.id));
    if (existing.exists && spec.id !== PRINTED_KEY_ID) {
      for (const field of ['key_hash', 'key_prefix', 'key_hint'] as const) doc[field] = existing.get(field);
    }
    writer.set(ref, doc);
    pending += 1;
    keysOut.push({ id: spec.id, label: spec.label, status: keyStatus(readKeyDoc(doc), now) });
    if (keyActiveOn(spec, 0)) {
      writer.set(
        firestore.collection(API_USAGE_EVENTS).doc(`demo-recent-${spec.id}`),
        recentBatch(spec, uid, now),
      );
      pending += 1;
    }
  }

  const createdAt: unknown = profile.get('created_at');
  const since =
    createdAt instanceof Timestamp ? createdAt : Timestamp.fromMillis(now.getTime() - 120 * DAY_MS);
  writer.set(
    userRef,
    {
      email: DEMO_EMAIL,
      display_name: DEMO_NAME,
      photo_url: null,
      created_at: since,
      updated_at: FieldValue.serverTimestamp(),
      ...Object.fromEntries(LEGACY_ACCOUNT_FIELDS.map((field) => [field, FieldValue.delete()])),
    },
    { merge: true },
  );
  // Merged, so the Stripe fields billing has set on the account stay.
  writer.set(
    accountRef(uid),
    {
      kind: 'personal',
      name: DEMO_NAME,
      plan_tier: tier,
      owner_uid: uid,
      created_at: account.exists ? account.get('created_at') : since,
      updated_at: FieldValue.serverTimestamp(),
    },
    { merge: true },
  );
  writer.set(memberRef(uid, uid), { uid, role: 'owner', joined_at: since, invited_by: null });
  pending += 3;
  await flush();

  // The daily documents were written directly, not folded: the platform's totals follow them.
  await rebuildPlatformDays(addDays(today, -(DEMO_DAYS - 1)), today);

  // The months before this one are closed, as the scheduled job would have done.
  const firstPeriod = utcPeriod(new Date(`${addDays(today, -(DEMO_DAYS - 1))}T00:00:00Z`));
  for (let closing = previousPeriod(period); closing >= firstPeriod; closing = previousPeriod(closing)) {
    await closeMonth(closing);
  }

  // A re-seed keeps thresholds changed on the Alerts page since.
  const alertSettings = alertSettingsRef(uid);
  if (!(await alertSettings.get()).exists)
    await alertSettings.set({ quota_thresholds: DEMO_QUOTA_THRESHOLDS, updated_at: Timestamp.fromDate(now) });
  const alertsFired = await fireClosedMonthAlerts(uid, monthlyLimit, crossings, period);

  const billing = await subscribeDemoAccount(uid, idToken);
  const boughtCredits = await buyDemoCredits(uid, idToken);
  const hostingUrl = process.env.KEYMETER_HOSTING_URL;
  const team =
    hostingUrl === undefined ? null : await seedDemoTeam({ authHost, hostingUrl, ownerIdToken: idToken });
  const plan = String((await accountRef(uid).get()).get('plan_tier'));
  const result: SeedResult = { uid, email: DEMO_EMAIL, demoKey, keys: keysOut, days: DEMO_DAYS };
  if (options.quiet !== true) {
    console.log(
      `Seeded the demo account ${DEMO_EMAIL} (uid ${uid}, Google and GitHub sign-in), on the ${plan} plan` +
        (billing === 'no stand-in'
          ? ' (no Stripe subscription):'
          : ', subscribed through the Stripe stand-in:'),
    );
    for (const key of keysOut) console.log(`  key ${key.id.padEnd(16)} ${key.status.padEnd(9)} ${key.label}`);
    console.log(
      `  ${DEMO_DAYS} days of usage up to ${today} (quota resets ${periodEnd(period).toISOString()}), recent calls on active keys`,
    );
    if (boughtCredits)
      console.log(`  bought the ${DEMO_CREDIT_PACK} credit pack through the stand-in's Checkout`);
    if (alertsFired > 0)
      console.log(
        `  ${alertsFired} quota alert(s) of closed months (thresholds ${DEMO_QUOTA_THRESHOLDS.join(', ')}%)`,
      );
    if (team !== null)
      console.log(
        `  the team "${DEMO_TEAM_NAME}" (/dashboard/t/${DEMO_TEAM_SLUG}) with ${DEMO_TEAMMATE.name} (${DEMO_TEAMMATE.email}) as admin` +
          `; the operator ${DEMO_OPERATOR.email} (admin claim) sees the Admin page`,
      );
    console.log(`  demo key (Production): ${demoKey}`);
  }
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  seedDemo().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
