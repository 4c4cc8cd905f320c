/** Which Stripe events Keymeter acts on, and which account an event is about. Pure. */
import type Stripe from 'stripe';
import { UID_METADATA_KEY } from './customer.js';

/**
 * The allow-list. Each of these can change what a customer is entitled to; the handler never
 * trusts the event's copy of the subscription but re-reads the customer's subscriptions.
 * Anything else Stripe sends (customer.*, invoice.created, checkout.session.expired …) gets a
 * 2xx and is ignored.
 */
export const HANDLED_EVENT_TYPES = [
  'checkout.session.completed',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'invoice.paid',
  'invoice.payment_failed',
] as const;
export type HandledEventType = (typeof HANDLED_EVENT_TYPES)[number];

export function isHandledEventType(type: string): type is HandledEventType {
  return (HANDLED_EVENT_TYPES as readonly string[]).includes(type);
}

export interface EventSubject {
  /** The Stripe customer whose subscriptions decide the account's plan. */
  customerId: string | null;
  /** The account the object names itself (metadata or client_reference_id), if it does. */
  uidHint: string | null;
}

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : value.id;
}

function nonEmpty(value: string | null | undefined): string | null {
  return value === undefined || value === null || value === '' ? null : value;
}

export function eventSubject(event: Stripe.Event): EventSubject {
  switch (event.type) {
    case 'checkout.session.completed': {
      const session = event.data.object;
      return {
        customerId: idOf(session.customer),
        uidHint: nonEmpty(session.client_reference_id) ?? nonEmpty(session.metadata?.[UID_METADATA_KEY]),
      };
    }
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted': {
      const subscription = event.data.object;
      return {
        customerId: idOf(subscription.customer),
        uidHint: nonEmpty(subscription.metadata[UID_METADATA_KEY]),
      };
    }
    case 'invoice.paid':
    case 'invoice.payment_failed': {
      const invoice = event.data.object;
      const metadata = invoice.parent?.subscription_details?.metadata;
      return { customerId: idOf(invoice.customer), uidHint: nonEmpty(metadata?.[UID_METADATA_KEY]) };
    }
    default:
      return { customerId: null, uidHint: null };
  }
}
