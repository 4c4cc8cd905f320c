import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/commands.js';
import {
  belongsTo,
  controlPost,
  subscribe,
  TEST_SECRET,
  typesOf,
  useStandInWithReceiver,
} from './helpers.js';

/** A stand-in whose webhooks go to a local receiver, for this file's tests. */
const fixture = useStandInWithReceiver();

/** Subscription fields that newer API versions moved onto items; the stand-in sends both. */
type WithPeriod = Stripe.Subscription & { current_period_start: number; current_period_end: number };

async function retrieve(id: string): Promise<WithPeriod> {
  return (await fixture.stripe.subscriptions.retrieve(id)) as unknown as WithPeriod;
}

async function advanceToPeriodEnd(subscription: string): Promise<{ now: number; events_created: number }> {
  const { status, json } = await controlPost(fixture.standIn, '/clock/advance', {
    to_period_end_of: subscription,
  });
  expect(status).toBe(200);
  return json as { now: number; events_created: number };
}

describe('clock', () => {
  it('shows the clock and refuses to move it backwards', async () => {
    const clock = (await (await fetch(`${fixture.standIn.url}/_standin/clock`)).json()) as {
      now: number;
      iso: string;
    };
    expect(clock.now).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) - 1);
    expect(new Date(clock.iso).getTime()).toBe(clock.now * 1000);
    const back = await controlPost(fixture.standIn, '/clock/advance', { to: clock.now - 3600 });
    expect(back.status).toBe(400);
    const bad = await controlPost(fixture.standIn, '/clock/advance', { weeks: 1 });
    expect(bad.status).toBe(400);
  });

  it('goes back to real time only with a reset that drops everything, when asked to', async () => {
    const clockNow = async () =>
      ((await (await fetch(`${fixture.standIn.url}/_standin/clock`)).json()) as { now: number }).now;
    await controlPost(fixture.standIn, '/clock/advance', { days: 40 });
    expect(await clockNow()).toBeGreaterThan(Date.now() / 1000 + 39 * 86_400);
    expect((await controlPost(fixture.standIn, '/reset', {})).status).toBe(200);
    expect(await clockNow()).toBeGreaterThan(Date.now() / 1000 + 39 * 86_400);
    expect((await controlPost(fixture.standIn, '/reset', { clock: 'sideways' })).status).toBe(400);
    expect((await controlPost(fixture.standIn, '/reset', { clock: 'real_time' })).status).toBe(200);
    expect(Math.abs((await clockNow()) - Date.now() / 1000)).toBeLessThan(5);
  });

  it('renews at the end of the period: new period, paid invoice, invoice.paid + customer.subscription.updated', async () => {
    const { customer, subscriptionId } = await subscribe(fixture.stripe);
    const before = await retrieve(subscriptionId);
    const advanced = await advanceToPeriodEnd(subscriptionId);
    expect(advanced.now).toBe(before.current_period_end);

    const renewal = await fixture.receiver.waitFor(
      (w) => belongsTo(w.event, customer.id) && w.event.created === before.current_period_end,
      (matching) => matching.some((w) => w.event.type === 'invoice.payment_succeeded'),
    );
    for (const webhook of renewal)
      fixture.stripe.webhooks.constructEvent(
        webhook.body,
        String(webhook.headers['stripe-signature']),
        TEST_SECRET,
      );
    expect(typesOf(renewal)).toEqual([
      'customer.subscription.updated',
      'invoice.created',
      'invoice.finalized',
      'invoice.paid',
      'invoice.payment_succeeded',
    ]);
    const updated = renewal[0]?.event;
    expect(updated?.data.object).toMatchObject({
      status: 'active',
      current_period_start: before.current_period_end,
      items: { data: [{ current_period_start: before.current_period_end }] },
    });
    expect(updated?.data.previous_attributes).toMatchObject({
      current_period_start: before.current_period_start,
    });

    const after = await retrieve(subscriptionId);
    expect(after.current_period_start).toBe(before.current_period_end);
    expect(after.current_period_end).toBeGreaterThan(after.current_period_start + 27 * 86_400);
    const invoice = await fixture.stripe.invoices.retrieve(after.latest_invoice as string);
    expect(invoice).toMatchObject({
      status: 'paid',
      billing_reason: 'subscription_cycle',
      amount_paid: 2900,
    });
    expect(invoice.lines.data[0]?.period).toEqual({
      start: after.current_period_start,
      end: after.current_period_end,
    });
    const invoices = await fixture.stripe.invoices.list({ customer: customer.id });
    expect(invoices.data).toHaveLength(2);
  });

  it('ends a subscription set to cancel at period end when the period is crossed', async () => {
    const { customer, subscriptionId } = await subscribe(fixture.stripe);
    await fixture.stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true });
    const before = await retrieve(subscriptionId);
    await advanceToPeriodEnd(subscriptionId);

    const webhooks = await fixture.receiver.waitForTypes(customer.id, ['customer.subscription.deleted']);
    const deleted = webhooks.find((w) => w.event.type === 'customer.subscription.deleted')?.event.data
      .object as Stripe.Subscription;
    expect(deleted).toMatchObject({
      id: subscriptionId,
      status: 'canceled',
      ended_at: before.current_period_end,
      cancel_at_period_end: true,
    });
    expect((await retrieve(subscriptionId)).status).toBe('canceled');
    expect(
      webhooks.some((w) => w.event.type === 'invoice.paid' && w.event.created >= before.current_period_end),
    ).toBe(false);
  });

  it('turns past_due with invoice.payment_failed when the renewal payment fails, then recovers', async () => {
    const { customer, subscriptionId } = await subscribe(fixture.stripe);
    const outcome = await controlPost(fixture.standIn, `/subscriptions/${subscriptionId}/payment-outcome`, {
      outcome: 'fail',
    });
    expect(outcome.json).toEqual({ subscription: subscriptionId, payment_outcome: 'fail' });
    await advanceToPeriodEnd(subscriptionId);

    const webhooks = await fixture.receiver.waitFor(
      (w) => w.event.data.object.object === 'subscription' || w.event.type === 'invoice.payment_failed',
      (matching) =>
        matching.some(
          (w) =>
            w.event.type === 'invoice.payment_failed' &&
            (w.event.data.object as Stripe.Invoice).customer === customer.id,
        ) &&
        matching.some(
          (w) =>
            (w.event.data.object as Stripe.Subscription).id === subscriptionId &&
            (w.event.data.object as Stripe.Subscription).status === 'past_due',
        ),
    );
    const failed = webhooks.find(
      (w) =>
        w.event.type === 'invoice.payment_failed' &&
        (w.event.data.object as Stripe.Invoice).customer === customer.id,
    );
    expect(failed?.event.data.object).toMatchObject({
      status: 'open',
      attempt_count: 1,
      billing_reason: 'subscription_cycle',
    });
    expect((failed?.event.data.object as Stripe.Invoice).next_payment_attempt).not.toBeNull();
    const pastDue = webhooks.find(
      (w) =>
        (w.event.data.object as Stripe.Subscription).id === subscriptionId &&
        w.event.type === 'customer.subscription.updated' &&
        (w.event.data.object as Stripe.Subscription).status === 'past_due',
    );
    expect(pastDue?.event.data.previous_attributes).toEqual({ status: 'active' });
    expect((await fixture.stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({
      delinquent: true,
    });

    // The customer fixes their card; the next scheduled retry pays the invoice.
    await controlPost(fixture.standIn, `/subscriptions/${subscriptionId}/payment-outcome`, {
      outcome: 'succeed',
    });
    await controlPost(fixture.standIn, '/clock/advance', { days: 3 });
    await fixture.receiver.waitFor(
      (w) => (w.event.data.object as Stripe.Subscription).id === subscriptionId,
      (matching) =>
        matching.some(
          (w) =>
            (w.event.data.object as Stripe.Subscription).status === 'active' &&
            (w.event.data.previous_attributes as { status?: string } | undefined)?.status === 'past_due',
        ),
    );
    const invoice = await fixture.stripe.invoices.retrieve(
      (await retrieve(subscriptionId)).latest_invoice as string,
    );
    expect(invoice).toMatchObject({ status: 'paid', attempt_count: 2 });
  });

  it('cancels the subscription after the last failed retry', async () => {
    const { customer, subscriptionId } = await subscribe(fixture.stripe, { renewals: 'fail' });
    await advanceToPeriodEnd(subscriptionId);
    await controlPost(fixture.standIn, '/clock/advance', { days: 16 });
    const webhooks = await fixture.receiver.waitForTypes(customer.id, ['customer.subscription.deleted']);
    const failures = webhooks.filter((w) => w.event.type === 'invoice.payment_failed');
    expect(failures.map((w) => (w.event.data.object as Stripe.Invoice).attempt_count)).toEqual([1, 2, 3, 4]);
    expect((failures.at(-1)?.event.data.object as Stripe.Invoice).next_payment_attempt).toBeNull();
    const deleted = webhooks.find((w) => w.event.type === 'customer.subscription.deleted')?.event.data
      .object as Stripe.Subscription;
    expect(deleted.cancellation_details?.reason).toBe('payment_failed');
  });

  it('starts trials as trialing and charges at the end of the trial', async () => {
    const { customer, subscriptionId } = await subscribe(fixture.stripe, { trialDays: 14 });
    const trialing = await retrieve(subscriptionId);
    expect(trialing).toMatchObject({ status: 'trialing' });
    expect(trialing.trial_end).toBe(trialing.current_period_end);
    expect(trialing.current_period_end - trialing.current_period_start).toBe(14 * 86_400);
    await advanceToPeriodEnd(subscriptionId);
    await fixture.receiver.waitFor(
      (w) => (w.event.data.object as Stripe.Subscription).id === subscriptionId,
      (matching) => matching.some((w) => (w.event.data.object as Stripe.Subscription).status === 'active'),
    );
    const invoices = await fixture.stripe.invoices.list({ customer: customer.id });
    expect(invoices.data.map((i) => i.amount_paid)).toEqual([2900, 0]);
  });

  it('advances the clock from the command line', async () => {
    const lines: string[] = [];
    const errors: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => errors.push(l), env: {}, fetch };
    const before = fixture.standIn.now();
    const result = await runCli(['advance-clock', '--days', '2', '--url', fixture.standIn.url], io);
    expect(result).toEqual({ kind: 'exit', code: 0 });
    expect(fixture.standIn.now()).toBeGreaterThanOrEqual(before + 2 * 86_400);
    expect(lines[0]).toMatch(/^Clock is now \d{4}-\d{2}-\d{2}T.*Z \(\+2 days\); \d+ event\(s\) created\.$/);

    const usage = await runCli(
      ['advance-clock', '--days', '1', '--hours', '2', '--url', fixture.standIn.url],
      io,
    );
    expect(usage).toEqual({ kind: 'exit', code: 2 });
    const nobody = await runCli(['advance-clock', '--days', '1', '--url', 'http://127.0.0.1:9'], io);
    expect(nobody).toEqual({ kind: 'exit', code: 1 });
    expect(errors.at(-1)).toContain('No stand-in answers at http://127.0.0.1:9');
  });
});
