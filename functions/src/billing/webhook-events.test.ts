import type Stripe from 'stripe';
import { describe, expect, it, vi } from 'vitest';

vi.mock('firebase-functions/logger', () => ({ write: () => undefined }));

const { customerIdempotencyKey, customerParams } = await import('./customer.js');
const { eventSubject, HANDLED_EVENT_TYPES, isHandledEventType } = await import('./webhook-events.js');

function event(type: string, object: Record<string, unknown>): Stripe.Event {
  return { id: 'evt_1', object: 'event', type, created: 1, data: { object } } as unknown as Stripe.Event;
}

describe('the event allow-list', () => {
  it('handles exactly the events that can change an entitlement', () => {
    expect([...HANDLED_EVENT_TYPES].sort()).toEqual([
      'checkout.session.completed',
      'customer.subscription.created',
      'customer.subscription.deleted',
      'customer.subscription.updated',
      'invoice.paid',
      'invoice.payment_failed',
    ]);
  });

  it('ignores what the stand-in and Stripe send besides', () => {
    for (const type of [
      'customer.created',
      'customer.updated',
      'invoice.created',
      'invoice.finalized',
      'invoice.payment_succeeded',
      'checkout.session.expired',
      'customer.subscription.trial_will_end',
    ])
      expect(isHandledEventType(type)).toBe(false);
  });
});

describe('which account an event is about', () => {
  it('checkout.session.completed: the customer, and the uid from client_reference_id', () => {
    const subject = eventSubject(
      event('checkout.session.completed', {
        object: 'checkout.session',
        customer: 'cus_1',
        client_reference_id: 'uid_1',
        metadata: { firebase_uid: 'uid_other' },
      }),
    );
    expect(subject).toEqual({ customerId: 'cus_1', uidHint: 'uid_1' });
  });

  it('subscriptions: the customer (id or expanded) and metadata.firebase_uid', () => {
    expect(
      eventSubject(
        event('customer.subscription.deleted', { customer: 'cus_2', metadata: { firebase_uid: 'uid_2' } }),
      ),
    ).toEqual({ customerId: 'cus_2', uidHint: 'uid_2' });
    expect(
      eventSubject(
        event('customer.subscription.updated', {
          customer: { id: 'cus_3', object: 'customer' },
          metadata: {},
        }),
      ),
    ).toEqual({ customerId: 'cus_3', uidHint: null });
  });

  it("invoices: the customer and the subscription's metadata", () => {
    const invoice = {
      customer: 'cus_4',
      parent: { type: 'subscription_details', subscription_details: { metadata: { firebase_uid: 'uid_4' } } },
    };
    expect(eventSubject(event('invoice.payment_failed', invoice))).toEqual({
      customerId: 'cus_4',
      uidHint: 'uid_4',
    });
    expect(eventSubject(event('invoice.paid', { customer: 'cus_5', parent: null }))).toEqual({
      customerId: 'cus_5',
      uidHint: null,
    });
  });

  it('a session without a customer names none', () => {
    expect(
      eventSubject(
        event('checkout.session.completed', { customer: null, client_reference_id: '', metadata: null }),
      ),
    ).toEqual({ customerId: null, uidHint: null });
  });
});

describe('creating the customer', () => {
  const owner = { uid: 'uid_1', email: 'ada@example.test', name: 'Ada' };

  it('sends the same idempotency key for the same account and parameters (concurrent first clicks)', () => {
    expect(customerIdempotencyKey(owner)).toBe(customerIdempotencyKey({ ...owner }));
  });

  it('sends another key for another account or other parameters, so Stripe never refuses a retry', () => {
    const key = customerIdempotencyKey(owner);
    expect(customerIdempotencyKey({ ...owner, uid: 'uid_2' })).not.toBe(key);
    expect(customerIdempotencyKey({ ...owner, email: 'ada@work.test' })).not.toBe(key);
    expect(customerIdempotencyKey({ ...owner, name: null })).not.toBe(key);
  });

  it('keeps the email out of the key, and the uid on the customer', () => {
    expect(customerIdempotencyKey(owner)).not.toContain('ada@');
    expect(customerParams(owner)).toEqual({
      email: 'ada@example.test',
      name: 'Ada',
      metadata: { firebase_uid: 'uid_1' },
    });
    expect(customerParams({ uid: 'uid_1', email: null, name: null })).toEqual({
      metadata: { firebase_uid: 'uid_1' },
    });
  });
});
