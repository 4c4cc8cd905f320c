/** Which Stripe events Keymeter acts on, and which account an event is about. Pure. */
import { z } from 'zod';
import { uidSchema } from '../shared/ids.js';
import { ACCOUNT_METADATA_KEY, LEGACY_ACCOUNT_METADATA_KEYS } from './customer.js';

/**
 * The allow-list. Each of these can change what a customer is entitled to; the handler never
 * trusts the event's copy of the subscription but re-reads the customer's subscriptions.
 * Anything else Stripe sends (customer.*, invoice.created, checkout.session.expired …) gets a
 * 2xx and is ignored.
 */
export const HANDLED_EVENT_TYPES = [
  'checkout.session.completed',
  // A credit pack paid by a delayed method (a bank debit) completes unpaid and is paid later.
  'checkout.session.async_payment_succeeded',
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
  accountHint: string | null;
}

/**
 * The few fields read from an event's object. A signed event is still outside input: a field
 * may be missing, null or of another shape (an API version change, a hand-made test event), and
 * each such case reads as "not named" rather than throwing.
 */
/** Stripe's customer ids: `cus_` and word characters; nothing else reaches a Stripe URL or a query. */
const customerIdSchema = z.string().regex(/^cus_\w{1,250}$/);
const customerRefSchema = z
  .union([customerIdSchema, z.object({ id: customerIdSchema })])
  .transform((value) => (typeof value === 'string' ? value : value.id));
const metadataSchema = z.record(z.string(), z.unknown());

function lenient<T extends z.ZodType>(schema: T) {
  return schema.nullish().catch(null);
}

/**
 * An account id as Stripe's metadata may hold it: ids are uids (personal accounts) or Firestore
 * auto-ids (teams), both of a uid's shape, so a hint of any other shape names nobody.
 */
export function accountIdIn(metadata: Readonly<Record<string, unknown>> | null | undefined): string | null {
  for (const key of [ACCOUNT_METADATA_KEY, ...LEGACY_ACCOUNT_METADATA_KEYS]) {
    const id = uidSchema.safeParse(metadata?.[key]);
    if (id.success) return id.data;
  }
  return null;
}

const metadataAccount = lenient(metadataSchema).transform(accountIdIn);

const checkoutSessionSchema = z.object({
  customer: lenient(customerRefSchema),
  client_reference_id: lenient(uidSchema),
  metadata: metadataAccount,
});
const subscriptionSchema = z.object({ customer: lenient(customerRefSchema), metadata: metadataAccount });
const invoiceSchema = z.object({
  customer: lenient(customerRefSchema),
  parent: lenient(z.object({ subscription_details: lenient(z.object({ metadata: metadataAccount })) })),
});

const NOBODY: EventSubject = { customerId: null, accountHint: null };

/** The parts of an event this module reads (the webhook parses them first). */
export interface EventEnvelope {
  type: string;
  data: { object: unknown };
}

export function eventSubject(event: EventEnvelope): EventSubject {
  const object: unknown = event.data.object;
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      const session = checkoutSessionSchema.safeParse(object);
      if (!session.success) return NOBODY;
      return {
        customerId: session.data.customer ?? null,
        accountHint: session.data.client_reference_id ?? session.data.metadata,
      };
    }
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted': {
      const subscription = subscriptionSchema.safeParse(object);
      if (!subscription.success) return NOBODY;
      return { customerId: subscription.data.customer ?? null, accountHint: subscription.data.metadata };
    }
    case 'invoice.paid':
    case 'invoice.payment_failed': {
      const invoice = invoiceSchema.safeParse(object);
      if (!invoice.success) return NOBODY;
      return {
        customerId: invoice.data.customer ?? null,
        accountHint: invoice.data.parent?.subscription_details?.metadata ?? null,
      };
    }
    default:
      return NOBODY;
  }
}

const checkoutSessionRefSchema = z.object({
  id: z.string().regex(/^cs_\w{1,250}$/),
  mode: z.string(),
});

/**
 * The Checkout Session a `checkout.session.*` event is about, if it is one of a credit pack
 * (payment mode). Only its id is taken from the event: the webhook reads the session itself,
 * with its line items, from Stripe before crediting anything.
 */
export function paymentSessionOf(event: EventEnvelope): string | null {
  if (
    event.type !== 'checkout.session.completed' &&
    event.type !== 'checkout.session.async_payment_succeeded'
  )
    return null;
  const session = checkoutSessionRefSchema.safeParse(event.data.object);
  return session.success && session.data.mode === 'payment' ? session.data.id : null;
}
