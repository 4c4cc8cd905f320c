/**
 * A credit pack paid through Checkout (payment mode) becomes credits exactly once.
 *
 * The event only says which session to look at: the session is read back from Stripe with its
 * line items, and what is credited follows from what Stripe says was sold and paid (the price
 * of the one line item, its quantity, the amount), never from the metadata the session was
 * created with. The grant's ledger entry is keyed by the session (`grant_{session_id}`), so
 * `checkout.session.completed` delivered three times, `checkout.session.async_payment_succeeded`
 * for the same session, or any of them in any order, add the units once.
 */
import { recordAudit, STRIPE_SOURCE } from '../accounts/audit-log.js';
import { planTierSchema } from '../shared/plans.js';
import type Stripe from 'stripe';
import { z } from 'zod';
import { accountRef } from '../accounts/account-doc.js';
import { db } from '../lib/firebase.js';
import { log } from '../lib/log.js';
import { CREDIT_PACK_IDS, CREDIT_PACKS, type CreditPackId } from '../shared/credit-packs.js';
import { uidSchema } from '../shared/ids.js';
import type { CreditPackPrices } from './config.js';
import { grantCredits } from './credit-ledger.js';
import { eventMarker, eventMarkerRef, findAccountId, type StripeEventRef } from './sync-account.js';
import { accountIdIn } from './webhook-events.js';

export type CreditOutcome =
  /** The pack's units were added to the account. */
  | 'applied'
  /** This event, or another about the same session, granted them before. */
  | 'duplicate'
  /** Not paid (yet): a delayed payment method is credited on async_payment_succeeded. */
  | 'not_paid'
  /** What the session sold is not one configured credit pack. */
  | 'not_a_credit_pack'
  | 'no_account'
  | 'other_customer';

export type CreditResult = { outcome: CreditOutcome; accountId: string | null; units: number };

export interface PackSale {
  pack: CreditPackId;
  price: string;
  units: number;
  amountCents: number;
}

export function packForPrice(priceId: string, prices: CreditPackPrices): CreditPackId | null {
  return CREDIT_PACK_IDS.find((id) => prices[id] === priceId) ?? null;
}

/** The fields of a Checkout Session (retrieved with `line_items`) that decide a grant. */
export interface SessionLike {
  mode: string;
  status: string | null;
  payment_status: string;
  amount_total: number | null;
  line_items?: {
    has_more: boolean;
    data: readonly { price: { id: string } | null; quantity: number | null; amount_total: number }[];
  };
}

/**
 * What a paid session sold, if it is exactly one credit pack line (any quantity). Pure: the
 * units come from the pack table for the price Stripe reports.
 */
export function packSaleOf(
  session: SessionLike,
  prices: CreditPackPrices,
): { ok: true; sale: PackSale } | { ok: false; reason: 'not_paid' | 'not_a_credit_pack' } {
  if (session.mode !== 'payment') return { ok: false, reason: 'not_a_credit_pack' };
  if (session.status !== 'complete' || session.payment_status !== 'paid')
    return { ok: false, reason: 'not_paid' };
  const lines = session.line_items;
  const line = lines?.data[0];
  if (lines === undefined || lines.has_more || lines.data.length !== 1 || line === undefined)
    return { ok: false, reason: 'not_a_credit_pack' };
  const price = line.price?.id;
  const pack = price === undefined ? null : packForPrice(price, prices);
  const quantity = line.quantity ?? 0;
  if (price === undefined || pack === null || !Number.isSafeInteger(quantity) || quantity < 1)
    return { ok: false, reason: 'not_a_credit_pack' };
  const amountCents = session.amount_total ?? line.amount_total;
  return { ok: true, sale: { pack, price, units: CREDIT_PACKS[pack].units * quantity, amountCents } };
}

const customerIdOf = (customer: string | { id: string } | null): string | null =>
  customer === null ? null : typeof customer === 'string' ? customer : customer.id;

/**
 * Credits the session's pack to its account, once, with the event's marker in the same
 * transaction. Anything that fails on the way (Stripe unreachable, contention) throws: the
 * webhook answers 503 and Stripe delivers the event again.
 */
export async function applyCreditPurchase(
  stripe: Stripe,
  prices: CreditPackPrices,
  event: StripeEventRef,
  sessionId: string,
): Promise<CreditResult> {
  const eventRef = eventMarkerRef(event.id);
  if ((await eventRef.get()).exists) return { outcome: 'duplicate', accountId: null, units: 0 };

  const session = await stripe.checkout.sessions.retrieve(sessionId, { expand: ['line_items'] });
  const customerId = customerIdOf(session.customer);
  const reference = uidSchema.safeParse(session.client_reference_id);
  const hint = reference.success ? reference.data : accountIdIn(session.metadata);
  const settle = (outcome: CreditOutcome, accountId: string | null): Promise<CreditResult> =>
    db().runTransaction(async (tx) => {
      if ((await tx.get(eventRef)).exists) return { outcome: 'duplicate', accountId, units: 0 };
      tx.create(eventRef, eventMarker(event, customerId ?? '', accountId, outcome));
      return { outcome, accountId, units: 0 };
    });

  const sold = packSaleOf(session, prices);
  if (!sold.ok) {
    if (sold.reason === 'not_a_credit_pack')
      log.creditPurchaseRefused({ event_id: event.id, session_id: sessionId, reason: sold.reason });
    return settle(sold.reason, hint);
  }
  if (customerId === null) return settle('no_account', hint);
  const accountId = await findAccountId(stripe, customerId, hint);
  if (accountId === null) return settle('no_account', null);
  const account = await accountRef(accountId).get();
  if (!account.exists) return settle('no_account', accountId);
  const remembered = z.string().safeParse(account.get('stripe_customer_id'));
  if (remembered.success && remembered.data !== '' && remembered.data !== customerId) {
    log.creditPurchaseRefused({ event_id: event.id, session_id: sessionId, reason: 'other_customer' });
    return settle('other_customer', accountId);
  }

  const { sale } = sold;
  const granted = await db().runTransaction(async (tx) => {
    if ((await tx.get(eventRef)).exists) return null;
    const done = await grantCredits(tx, {
      accountId,
      checkoutSessionId: sessionId,
      units: sale.units,
      amountCents: sale.amountCents,
      price: sale.price,
    });
    tx.create(eventRef, eventMarker(event, customerId, accountId, done ? 'applied' : 'duplicate'));
    if (done)
      recordAudit(
        tx,
        { id: accountId, plan_tier: planTierSchema.catch('free').parse(account.get('plan_tier') ?? 'free') },
        STRIPE_SOURCE,
        {
          action: 'billing.credits_bought',
          target: { type: 'credits', id: sessionId },
          details: { pack: sale.pack, units: sale.units, amount_cents: sale.amountCents },
        },
      );
    return done;
  });
  if (granted === true) {
    log.creditsGranted({
      event_id: event.id,
      account_id: accountId,
      session_id: sessionId,
      pack: sale.pack,
      units: sale.units,
      amount_cents: sale.amountCents,
    });
    return { outcome: 'applied', accountId, units: sale.units };
  }
  return { outcome: 'duplicate', accountId, units: 0 };
}
