import type Stripe from 'stripe';
import type { HandledEventType } from './webhook-events.js';
import { describe, expect, it, vi } from 'vitest';

vi.mock('firebase-functions/logger', () => ({ write: () => undefined }));

const { customerIdempotencyKey, customerParams } = await import('./customer.js');
const { accountIdIn, eventSubject, HANDLED_EVENT_TYPES, isHandledEventType, paymentSessionOf } =
  await import('./webhook-events.js');

function event(type: string, object: Record<string, unknown>): Stripe.Event {
  return { id: 'evt_1', object: 'event', type, created: 1, data: { object } } as unknown as Stripe.Event;
}

/** An object of the shape Stripe sends for each handled type, naming customer cus_t. */
const OBJECT_OF: Record<HandledEventType, Record<string, unknown>> = {
  'checkout.session.completed': { object: 'checkout.session', customer: 'cus_t', metadata: {} },
  'checkout.session.async_payment_succeeded': {
    object: 'checkout.session',
    customer: 'cus_t',
    metadata: {},
  },
  'customer.subscription.created': { object: 'subscription', customer: 'cus_t', metadata: {} },
  'customer.subscription.updated': { object: 'subscription', customer: 'cus_t', metadata: {} },
  'customer.subscription.deleted': { object: 'subscription', customer: 'cus_t', metadata: {} },
  'invoice.paid': { object: 'invoice', customer: 'cus_t', parent: null },
  'invoice.payment_failed': { object: 'invoice', customer: 'cus_t', parent: null },
};

describe('the event allow-list', () => {
  it('reads the customer of every handled type (a type added without a reader is caught)', () => {
    for (const type of HANDLED_EVENT_TYPES)
      expect(eventSubject(event(type, OBJECT_OF[type])), type).toEqual({
        customerId: 'cus_t',
        accountHint: null,
      });
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
    ]) {
      expect(isHandledEventType(type)).toBe(false);
      expect(eventSubject(event(type, { customer: 'cus_t' }))).toEqual({
        customerId: null,
        accountHint: null,
      });
    }
  });
});

describe('odd objects in signed events', () => {
  it('reads a subscription without metadata, or with metadata of another shape, as naming no account', () => {
    for (const metadata of [
      undefined,
      null,
      'x',
      ['account_id'],
      { account_id: 7 },
      { account_id: '' },
      { firebase_uid: 7, user_id: null },
    ])
      expect(eventSubject(event('customer.subscription.updated', { customer: 'cus_1', metadata }))).toEqual({
        customerId: 'cus_1',
        accountHint: null,
      });
  });

  it('reads objects that are not objects, or a customer of another type, as naming nobody', () => {
    for (const object of [null, 'text', 42, [], { customer: 42 }, { customer: { id: 5 } }, { customer: '' }])
      for (const type of HANDLED_EVENT_TYPES)
        expect(eventSubject(event(type, object as Record<string, unknown>)).customerId, type).toBeNull();
  });

  it('refuses an account hint no account could have (too long, or not a document id)', () => {
    for (const uid of ['u'.repeat(129), 'users/x', '__proto__', '..']) {
      const named = { customer: 'cus_1', metadata: { account_id: uid, firebase_uid: uid } };
      expect(eventSubject(event('checkout.session.completed', named))).toEqual({
        customerId: 'cus_1',
        accountHint: null,
      });
      const referenced = { customer: 'cus_1', client_reference_id: uid };
      expect(eventSubject(event('checkout.session.completed', referenced))).toEqual({
        customerId: 'cus_1',
        accountHint: null,
      });
    }
  });

  it('reads an invoice whose parent has no subscription_details', () => {
    expect(
      eventSubject(event('invoice.paid', { customer: 'cus_1', parent: { type: 'quote_details' } })),
    ).toEqual({ customerId: 'cus_1', accountHint: null });
  });
});

describe('which account an event is about', () => {
  it('checkout.session.completed: the customer, and the account from client_reference_id', () => {
    const subject = eventSubject(
      event('checkout.session.completed', {
        object: 'checkout.session',
        customer: 'cus_1',
        client_reference_id: 'acct_1',
        metadata: { account_id: 'acct_other' },
      }),
    );
    expect(subject).toEqual({ customerId: 'cus_1', accountHint: 'acct_1' });
    const byMetadata = eventSubject(
      event('checkout.session.completed', { customer: 'cus_1', metadata: { account_id: 'acct_2' } }),
    );
    expect(byMetadata).toEqual({ customerId: 'cus_1', accountHint: 'acct_2' });
  });

  it('subscriptions: the customer (id or expanded) and metadata.account_id', () => {
    expect(
      eventSubject(
        event('customer.subscription.deleted', { customer: 'cus_2', metadata: { account_id: 'acct_2' } }),
      ),
    ).toEqual({ customerId: 'cus_2', accountHint: 'acct_2' });
    expect(
      eventSubject(
        event('customer.subscription.updated', {
          customer: { id: 'cus_3', object: 'customer' },
          metadata: {},
        }),
      ),
    ).toEqual({ customerId: 'cus_3', accountHint: null });
  });

  it("invoices: the customer and the subscription's metadata", () => {
    const invoice = {
      customer: 'cus_4',
      parent: { type: 'subscription_details', subscription_details: { metadata: { account_id: 'acct_4' } } },
    };
    expect(eventSubject(event('invoice.payment_failed', invoice))).toEqual({
      customerId: 'cus_4',
      accountHint: 'acct_4',
    });
    expect(eventSubject(event('invoice.paid', { customer: 'cus_5', parent: null }))).toEqual({
      customerId: 'cus_5',
      accountHint: null,
    });
  });

  it('a session without a customer names none', () => {
    expect(
      eventSubject(
        event('checkout.session.completed', { customer: null, client_reference_id: '', metadata: null }),
      ),
    ).toEqual({ customerId: null, accountHint: null });
  });
});

describe('objects made before accounts', () => {
  it("read a legacy firebase_uid or user_id as the account id (a user's personal account has the uid as its id)", () => {
    for (const metadata of [{ firebase_uid: 'uid_1' }, { user_id: 'uid_1' }]) {
      expect(eventSubject(event('customer.subscription.updated', { customer: 'cus_1', metadata }))).toEqual({
        customerId: 'cus_1',
        accountHint: 'uid_1',
      });
      expect(accountIdIn(metadata)).toBe('uid_1');
    }
  });

  it('prefer account_id when an object carries both', () => {
    expect(accountIdIn({ firebase_uid: 'uid_1', account_id: 'acct_1' })).toBe('acct_1');
  });
});

describe('creating the customer', () => {
  const owner = { accountId: 'acct_1', email: 'ada@example.test', name: 'Ada' };

  it('sends the same idempotency key for the same account and parameters (concurrent first clicks)', () => {
    expect(customerIdempotencyKey(owner)).toBe(customerIdempotencyKey({ ...owner }));
  });

  it('sends another key for another account or other parameters, so Stripe never refuses a retry', () => {
    const key = customerIdempotencyKey(owner);
    expect(customerIdempotencyKey({ ...owner, accountId: 'acct_2' })).not.toBe(key);
    expect(customerIdempotencyKey({ ...owner, email: 'ada@work.test' })).not.toBe(key);
    expect(customerIdempotencyKey({ ...owner, name: null })).not.toBe(key);
  });

  it('keeps the email out of the key, and the account id on the customer', () => {
    expect(customerIdempotencyKey(owner)).not.toContain('ada@');
    expect(customerParams(owner)).toEqual({
      email: 'ada@example.test',
      name: 'Ada',
      metadata: { account_id: 'acct_1' },
    });
    expect(customerParams({ accountId: 'acct_1', email: null, name: null })).toEqual({
      metadata: { account_id: 'acct_1' },
    });
  });
});

describe('credit pack sessions', () => {
  it('names the session of a payment-mode Checkout, and of no other', () => {
    const paid = { id: 'cs_test_1', mode: 'payment', customer: 'cus_1' };
    expect(paymentSessionOf(event('checkout.session.completed', paid))).toBe('cs_test_1');
    expect(paymentSessionOf(event('checkout.session.async_payment_succeeded', paid))).toBe('cs_test_1');
    expect(
      paymentSessionOf(event('checkout.session.completed', { ...paid, mode: 'subscription' })),
    ).toBeNull();
    expect(paymentSessionOf(event('checkout.session.expired', paid))).toBeNull();
    expect(paymentSessionOf(event('invoice.paid', paid))).toBeNull();
  });

  it('refuses a session id that is not one Stripe could have made', () => {
    for (const id of ['', 'cs_', 'sub_1', 'cs_../x', 7, null])
      expect(paymentSessionOf(event('checkout.session.completed', { id, mode: 'payment' }))).toBeNull();
  });
});
