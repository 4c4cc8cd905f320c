import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import type { Delivery } from '../src/index.js';
import { controlPost, TEST_SECRET, WebhookReceiver, useStandInWithReceiver } from './helpers.js';

/** A stand-in whose webhooks go to a local receiver, for this file's tests. */
const fixture = useStandInWithReceiver();

async function deliveriesOf(eventId: string): Promise<Delivery[]> {
  const response = await fetch(`${fixture.standIn.url}/_standin/deliveries?event_id=${eventId}`);
  return ((await response.json()) as { data: Delivery[] }).data;
}

async function createdEventFor(customer: Stripe.Customer): Promise<Stripe.Event> {
  const [webhook] = await fixture.receiver.waitFor(
    (w) =>
      w.event.type === 'customer.created' &&
      (w.event.data.object as Stripe.Customer).id === customer.id &&
      w.status < 300,
    (matching) => matching.length >= 1,
  );
  if (webhook === undefined) throw new Error('no customer.created webhook');
  return webhook.event;
}

describe('webhook signatures', () => {
  it('signs each payload so the SDK verifies it, and a tampered payload fails', async () => {
    const customer = await fixture.stripe.customers.create({ email: 'signed@example.com' });
    const [webhook] = await fixture.receiver.waitFor(
      (w) =>
        w.event.type === 'customer.created' && (w.event.data.object as Stripe.Customer).id === customer.id,
      (matching) => matching.length >= 1,
    );
    if (webhook === undefined) throw new Error('no webhook');
    const header = String(webhook.headers['stripe-signature']);
    const event = fixture.stripe.webhooks.constructEvent(webhook.body, header, TEST_SECRET);
    expect(event.data.object).toMatchObject({ id: customer.id, email: 'signed@example.com' });

    const tampered = webhook.body.replace('signed@example.com', 'attacker@example.com');
    expect(tampered).not.toBe(webhook.body);
    expect(() => fixture.stripe.webhooks.constructEvent(tampered, header, TEST_SECRET)).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
    expect(() =>
      fixture.stripe.webhooks.constructEvent(webhook.body, header, 'whsec_some_other_secret'),
    ).toThrow(Stripe.errors.StripeSignatureVerificationError);
    // The signature timestamp is the wall clock, so Stripe's 5-minute tolerance holds.
    const timestamp = Number(/t=(\d+)/.exec(header)?.[1]);
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(60);
  });
});

describe('webhook delivery', () => {
  it('retries after a 500 and records every attempt', async () => {
    const failing = new Set<string>();
    fixture.receiver.respond = (event, attempt) =>
      failing.has((event.data.object as { id: string }).id) && attempt <= 2 ? 500 : 200;
    try {
      const customer = await fixture.stripe.customers.create({ email: 'retry@example.com' });
      failing.add(customer.id);
      // The first attempt may already be under way; the customer id is only known now, so
      // trigger the event we watch after marking it.
      const updated = await fixture.stripe.customers.update(customer.id, { name: 'Retry Me' });
      const attempts = await fixture.receiver.waitFor(
        (w) =>
          w.event.type === 'customer.updated' && (w.event.data.object as Stripe.Customer).id === updated.id,
        (matching) => matching.some((w) => w.status === 200),
      );
      expect(attempts.map((w) => w.status)).toEqual([500, 500, 200]);
      expect(new Set(attempts.map((w) => w.event.id)).size).toBe(1);

      await fixture.standIn.deliveriesIdle();
      const [delivery] = await deliveriesOf(attempts[0]?.event.id ?? '');
      expect(delivery).toMatchObject({
        status: 'succeeded',
        url: fixture.receiver.url,
        event_type: 'customer.updated',
      });
      expect(delivery?.attempts.map((a) => a.status_code)).toEqual([500, 500, 200]);
      expect(
        fixture.standIn.logs.filter(
          (l) => l.event === 'webhook.attempt' && l.event_id === delivery?.event_id,
        ),
      ).toHaveLength(3);
      const event = await fixture.stripe.events.retrieve(delivery?.event_id ?? '');
      expect(event.pending_webhooks).toBe(0);
    } finally {
      fixture.receiver.respond = () => 200;
    }
  });

  it('gives up after the configured attempts and keeps the failure visible', async () => {
    fixture.receiver.respond = (event) =>
      (event.data.object as Stripe.Customer).email === 'always-fails@example.com' ? 503 : 200;
    try {
      const customer = await fixture.stripe.customers.create({ email: 'always-fails@example.com' });
      await fixture.receiver.waitFor(
        (w) => (w.event.data.object as Stripe.Customer).id === customer.id,
        (matching) => matching.length >= 4,
      );
      await fixture.standIn.deliveriesIdle();
      const events = await fixture.stripe.events.list({ type: 'customer.created', limit: 20 });
      const event = events.data.find((e) => (e.data.object as Stripe.Customer).id === customer.id);
      const [delivery] = await deliveriesOf(event?.id ?? '');
      expect(delivery?.status).toBe('failed');
      expect(delivery?.attempts).toHaveLength(4);
      expect(event?.pending_webhooks).toBe(1);
    } finally {
      fixture.receiver.respond = () => 200;
    }
  });

  it('retries when the endpoint cannot be reached', async () => {
    const closed = await WebhookReceiver.start();
    await closed.close();
    const endpoint = await fixture.stripe.webhookEndpoints.create({
      url: closed.url,
      enabled_events: ['customer.created'],
    });
    try {
      await fixture.stripe.customers.create({ email: 'unreachable@example.com' });
      await fixture.standIn.deliveriesIdle();
      const all = (await (await fetch(`${fixture.standIn.url}/_standin/deliveries`)).json()) as {
        data: Delivery[];
      };
      const unreachable = all.data.filter((d) => d.endpoint_id === endpoint.id);
      expect(unreachable).toHaveLength(1);
      expect(unreachable[0]?.status).toBe('failed');
      expect(unreachable[0]?.attempts.map((a) => a.status_code)).toEqual([null, null, null, null]);
      expect(unreachable[0]?.attempts[0]?.error).toBe('ECONNREFUSED');
    } finally {
      await fixture.stripe.webhookEndpoints.del(endpoint.id);
    }
  });

  it('resends an event with the same id on request, for duplicate-delivery tests', async () => {
    const customer = await fixture.stripe.customers.create({ email: 'resend@example.com' });
    const event = await createdEventFor(customer);
    const { status, json } = await controlPost(fixture.standIn, `/events/${event.id}/resend`, {});
    expect(status).toBe(200);
    expect((json as { data: Delivery[] }).data[0]).toMatchObject({ event_id: event.id, resend: true });
    const copies = await fixture.receiver.waitFor(
      (w) => w.event.id === event.id,
      (matching) => matching.length >= 2,
    );
    const [original, duplicate] = copies.map((copy) => JSON.parse(copy.body) as Stripe.Event);
    expect(duplicate?.id).toBe(original?.id);
    expect(duplicate?.data).toEqual(original?.data);
    fixture.stripe.webhooks.constructEvent(
      copies[1]?.body ?? '',
      String(copies[1]?.headers['stripe-signature']),
      TEST_SECRET,
    );

    const missing = await controlPost(fixture.standIn, '/events/evt_nope/resend', {});
    expect(missing.status).toBe(404);
  });
});

describe('webhook endpoints API', () => {
  it('returns the secret once and signs that endpoint’s events with it, in its API version', async () => {
    const second = await WebhookReceiver.start();
    try {
      const endpoint = await fixture.stripe.webhookEndpoints.create({
        url: second.url,
        enabled_events: ['customer.created'],
        api_version: '2024-06-20',
      });
      expect(endpoint.secret).toMatch(/^whsec_/);
      expect(endpoint).toMatchObject({ object: 'webhook_endpoint', status: 'enabled', url: second.url });
      const listed = await fixture.stripe.webhookEndpoints.list();
      expect(listed.data.map((e) => e.id)).toContain(endpoint.id);
      expect((await fixture.stripe.webhookEndpoints.retrieve(endpoint.id)).secret).toBeUndefined();

      const customer = await fixture.stripe.customers.create({ email: 'endpoint@example.com' });
      await fixture.stripe.customers.update(customer.id, { name: 'Not sent there' });
      const [webhook] = await second.waitFor(
        (w) => (w.event.data.object as Stripe.Customer).id === customer.id,
        (matching) => matching.length >= 1,
      );
      const event = fixture.stripe.webhooks.constructEvent(
        webhook?.body ?? '',
        String(webhook?.headers['stripe-signature']),
        endpoint.secret ?? '',
      );
      expect(event.type).toBe('customer.created');
      expect(event.api_version).toBe('2024-06-20');

      expect(await fixture.stripe.webhookEndpoints.del(endpoint.id)).toMatchObject({
        id: endpoint.id,
        deleted: true,
      });
      await fixture.stripe.customers.create({ email: 'after-delete@example.com' });
      await fixture.standIn.deliveriesIdle();
      expect(
        second.received.every(
          (w) =>
            w.event.type === 'customer.created' &&
            (w.event.data.object as Stripe.Customer).id === customer.id,
        ),
      ).toBe(true);
      expect(second.received).toHaveLength(1);
    } finally {
      await second.close();
    }
  });

  it('requires enabled_events', async () => {
    await expect(
      fixture.stripe.webhookEndpoints.create({
        url: 'http://127.0.0.1:1/x',
      } as Stripe.WebhookEndpointCreateParams),
    ).rejects.toMatchObject({
      code: 'parameter_missing',
      param: 'enabled_events',
    });
  });
});
