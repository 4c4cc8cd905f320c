/**
 * The overage reporter against the emulator stack and the Stripe stand-in: a Pro account that
 * allows overage, usage folded by the real trigger, and the stand-in's meter event summaries as
 * Stripe's own account of what it will bill. Reruns, a crash between Stripe's answer and our
 * write, redelivered and late folds, a Stripe outage and days too old to bill.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_USAGE_DAILY, dailyDocId } from '../lib/collections.js';
import { upcomingInvoiceResponseSchema } from '../shared/contracts.js';
import { addDays, utcDate } from '../shared/dates.js';
import { redeliverCreated } from '../test-support/cloud-events.js';
import { subscribe, waitForAccount } from '../test-support/billing.js';
import {
  adminDb,
  clearEmulators,
  createTestUser,
  dashboardCall,
  json,
  waitForDoc,
  type TestUser,
} from '../test-support/emulators.js';
import { insertKey } from '../test-support/fixtures.js';
import { useStripeStandIn, type StandIn } from '../test-support/stripe-stand-in.js';
import { timeCall, usageBatch } from '../test-support/usage.js';
import { writeUsageBatch } from '../test-support/usage-batches.js';
import { STRIPE_API_VERSION } from './stripe-client.js';
import { reportOverage } from './overage-reporter.js';

const METER = 'mtr_keymeter_overage';
const EVENT_NAME = 'keymeter_overage_units';

let standIn: StandIn;

beforeAll(async () => {
  await clearEmulators();
  standIn = await useStripeStandIn();
  // Meter events are dated by the wall clock; earlier test files may have moved Stripe's on.
  await standIn.resetToRealTime();
});

afterAll(async () => {
  await standIn.setApiOutage('none');
  await standIn.idle();
  await standIn.stop();
});

const run = (stripe: Stripe = standIn.stripe, now?: Date) =>
  reportOverage({ stripe, eventName: EVENT_NAME, ...(now === undefined ? {} : { now }) });

/** What the meter holds for the customer over one UTC day, as Stripe reports it. */
async function meteredOn(customerId: string, date: string): Promise<number> {
  const start = Date.parse(`${date}T00:00:00Z`) / 1000;
  const summaries = await standIn.stripe.billing.meters.listEventSummaries(METER, {
    customer: customerId,
    start_time: start,
    end_time: start + 86_400,
  });
  return summaries.data.reduce((sum, summary) => sum + summary.aggregated_value, 0);
}

interface Payer {
  user: TestUser;
  customerId: string;
  keyId: string;
}

/** A Pro subscriber who allows overage, through the dashboard API. */
async function overagePayer(): Promise<Payer> {
  const user = await createTestUser();
  const { customerId } = await subscribe(standIn, user, 'pro');
  await waitForAccount(user.uid, (data) => data.plan_tier === 'pro' && data.subscription_status === 'active');
  const saved = await dashboardCall(user, '/billing/settings', {
    method: 'PUT',
    body: { overage: 'allow', spend_cap_cents: null },
  });
  expect(saved.status, await saved.clone().text()).toBe(200);
  const key = await insertKey(user.uid);
  return { user, customerId, keyId: key.id };
}

/** A batch of calls of which `overage` units were overage, folded by the real trigger. */
async function foldOverage(payer: Payer, at: Date, overage: number) {
  const batch = usageBatch(payer.keyId, payer.user.uid, [
    timeCall(at, { units: overage, overage_units: overage }),
  ]);
  const ref = await writeUsageBatch(batch);
  await waitForDoc(ref, (data) => data?.folded_at !== undefined);
  return ref;
}

function dayRef(accountId: string, date: string) {
  return adminDb().collection(API_USAGE_DAILY).doc(dailyDocId(accountId, date));
}

/**
 * A Stripe client whose requests reach the stand-in but whose answers never come back: Stripe
 * did the work, we never heard (a crash or timeout between Stripe's answer and our write).
 */
async function answerLosingStripe(): Promise<{ stripe: Stripe; close: () => Promise<void> }> {
  const target = new URL(standIn.url);
  const server: Server = createServer((incoming, outgoing) => {
    const forwarded = request(
      {
        host: target.hostname,
        port: target.port,
        path: incoming.url,
        method: incoming.method,
        headers: incoming.headers,
      },
      (answer) => {
        answer.resume();
        answer.on('end', () => outgoing.socket?.destroy());
      },
    );
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const stripe = new Stripe('sk_test_keymeter_stand_in', {
    apiVersion: STRIPE_API_VERSION,
    host: '127.0.0.1',
    port,
    protocol: 'http',
    maxNetworkRetries: 0,
  });
  return { stripe, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('reporting overage', () => {
  it(
    'reports a day’s overage once across reruns and redelivered folds, and its late usage once more',
    { timeout: 90_000 },
    async () => {
      const payer = await overagePayer();
      const today = utcDate(new Date());
      const first = await foldOverage(payer, new Date(), 1_500);

      expect(await run()).toMatchObject({ reported: 1, resent: 0, failed: 0 });
      expect(await meteredOn(payer.customerId, today)).toBe(1_500);
      expect((await dayRef(payer.user.uid, today).get()).data()).toMatchObject({
        overage_units: 1_500,
        overage_reported: 1_500,
        overage_billed: { pro: 1_500 },
      });

      // Reruns and a redelivered fold change nothing.
      expect((await redeliverCreated('foldUsage', await first.get())).ok).toBe(true);
      expect(await run()).toMatchObject({ reported: 0, failed: 0 });
      expect(await run()).toMatchObject({ reported: 0, failed: 0 });
      expect(await meteredOn(payer.customerId, today)).toBe(1_500);

      // Usage folded after the report is the next report's, under a new identifier.
      await foldOverage(payer, new Date(), 700);
      expect(await run()).toMatchObject({ reported: 1 });
      expect(await run()).toMatchObject({ reported: 0 });
      expect(await meteredOn(payer.customerId, today)).toBe(2_200);
      expect((await dayRef(payer.user.uid, today).get()).get('overage_reported')).toBe(2_200);

      // The upcoming invoice carries the plan and the overage so far: ⌈2,200 / 1,000⌉ × $0.50.
      const upcoming = upcomingInvoiceResponseSchema.parse(
        await json(await dashboardCall(payer.user, '/billing/upcoming')),
      ).upcoming;
      expect(upcoming?.lines.map((line) => [line.kind, line.quantity, line.amount])).toEqual(
        expect.arrayContaining([
          ['plan', 1, 2_900],
          ['overage', 2_200, 150],
        ]),
      );
      expect(upcoming?.total).toBe(3_050);
    },
  );

  it(
    'sends the same report again after Stripe’s answer was lost, and Stripe counts it once',
    { timeout: 60_000 },
    async () => {
      const payer = await overagePayer();
      const yesterday = addDays(utcDate(new Date()), -1);
      await foldOverage(payer, new Date(`${yesterday}T15:00:00Z`), 400);

      const lossy = await answerLosingStripe();
      try {
        expect(await run(lossy.stripe)).toMatchObject({ reported: 0, failed: 1 });
      } finally {
        await lossy.close();
      }
      // Stripe has the event; we do not know it yet, and kept the report pending.
      expect(await meteredOn(payer.customerId, yesterday)).toBe(400);
      const pending: unknown = (await dayRef(payer.user.uid, yesterday).get()).get('overage_pending');
      expect(pending).toMatchObject({
        identifier: `${payer.user.uid}_${yesterday}_400`,
        value: 400,
        upto: 400,
        timestamp: Date.parse(`${yesterday}T23:59:59Z`) / 1000,
      });

      expect(await run()).toMatchObject({ reported: 1, resent: 1, failed: 0 });
      expect(await meteredOn(payer.customerId, yesterday)).toBe(400);
      const day = (await dayRef(payer.user.uid, yesterday).get()).data();
      expect(day).toMatchObject({ overage_reported: 400 });
      expect(day?.overage_pending).toBeUndefined();
    },
  );

  it('leaves the report pending through a Stripe outage and sends it once Stripe is back', async () => {
    const payer = await overagePayer();
    const today = utcDate(new Date());
    await foldOverage(payer, new Date(), 250);
    await standIn.setApiOutage('server_error');
    try {
      expect(await run()).toMatchObject({ reported: 0, failed: 1 });
      expect(await run()).toMatchObject({ reported: 0, failed: 1 });
    } finally {
      await standIn.setApiOutage('none');
    }
    expect(await meteredOn(payer.customerId, today)).toBe(0);
    expect(await run()).toMatchObject({ reported: 1, resent: 1, failed: 0 });
    expect(await meteredOn(payer.customerId, today)).toBe(250);
  });

  it('gives up on a day older than Stripe’s 35 days, with a log, without failing the run', async () => {
    const payer = await overagePayer();
    const old = addDays(utcDate(new Date()), -37);
    await dayRef(payer.user.uid, old).set({
      account_id: payer.user.uid,
      date: old,
      total_requests: 1,
      total_units: 900,
      overage_units: 900,
    });
    await foldOverage(payer, new Date(), 10);
    expect(await run()).toMatchObject({ reported: 1, abandoned: 1, failed: 0 });
    expect((await dayRef(payer.user.uid, old).get()).data()).toMatchObject({
      overage_units: 900,
      overage_abandoned: 900,
    });
    expect(await meteredOn(payer.customerId, old)).toBe(0);
    expect(await run()).toMatchObject({ reported: 0, abandoned: 0 });
  });
});
