import type { Request, Response } from 'express';
import Stripe from 'stripe';
import { accountFor } from '../accounts/access.js';
import {
  INVOICES_LIMIT,
  invoiceStatusSchema,
  type InvoiceLine,
  type InvoicesResponse,
  type InvoiceSummary,
  type UpcomingInvoiceResponse,
} from '../shared/contracts.js';
import { PAID_PLAN_TIERS } from '../shared/plans.js';
import { checkoutConfig, overagePriceIds, type OveragePriceIds, type PriceIds } from './config.js';
import { readBillingState } from './read-billing-state.js';
import { stripeClient } from './stripe-client.js';
import { billingRoute } from './stripe-outage.js';

const iso = (unixSeconds: number): string => new Date(unixSeconds * 1000).toISOString();

function httpUrlOrNull(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : null;
  } catch {
    return null;
  }
}

/** An invoice as the Billing page lists it; null for a shape this code does not know. */
export function toInvoiceSummary(invoice: Stripe.Invoice): InvoiceSummary | null {
  const status = invoiceStatusSchema.safeParse(invoice.status);
  if (invoice.id === undefined || !status.success) return null;
  return {
    id: invoice.id,
    number: invoice.number,
    created: iso(invoice.created),
    period_start: iso(invoice.period_start),
    period_end: iso(invoice.period_end),
    currency: invoice.currency,
    total: invoice.total,
    amount_due: invoice.amount_due,
    amount_paid: invoice.amount_paid,
    status: status.data,
    hosted_invoice_url: httpUrlOrNull(invoice.hosted_invoice_url),
  };
}

function priceIdOf(line: Stripe.InvoiceLineItem): string | null {
  const price = line.pricing?.price_details?.price;
  if (price === undefined) return null;
  return typeof price === 'string' ? price : price.id;
}

/** What a line bills: a plan, its overage, or something else (a one-off item added in Stripe). */
export function lineKind(
  priceId: string | null,
  plans: PriceIds,
  overage: OveragePriceIds,
): InvoiceLine['kind'] {
  if (priceId === null) return 'other';
  if (PAID_PLAN_TIERS.some((tier) => plans[tier] === priceId)) return 'plan';
  if (PAID_PLAN_TIERS.some((tier) => overage[tier] === priceId)) return 'overage';
  return 'other';
}

export function toInvoiceLine(
  line: Stripe.InvoiceLineItem,
  plans: PriceIds,
  overage: OveragePriceIds,
): InvoiceLine {
  return {
    description: line.description ?? '',
    kind: lineKind(priceIdOf(line), plans, overage),
    quantity: line.quantity === null || line.quantity < 0 ? null : Math.round(line.quantity),
    amount: line.amount,
    period_start: iso(line.period.start),
    period_end: iso(line.period.end),
  };
}

/** GET /billing/invoices: the account's newest invoices (number, date, amount, status, hosted page). */
export const listInvoices = billingRoute('GET /billing/invoices', async (_req: Request, res: Response) => {
  const account = accountFor(res, 'manage_billing');
  const customerId = account.doc.stripe_customer_id;
  if (customerId === undefined || customerId === '') {
    const empty: InvoicesResponse = { invoices: [] };
    res.json(empty);
    return;
  }
  const config = checkoutConfig();
  const page = await stripeClient(config).invoices.list({ customer: customerId, limit: INVOICES_LIMIT });
  const body: InvoicesResponse = {
    invoices: page.data.flatMap((invoice) => {
      const summary = toInvoiceSummary(invoice);
      // Drafts change until finalized and have no number or page yet.
      return summary === null || summary.status === 'draft' ? [] : [summary];
    }),
  };
  res.json(body);
});

function isNoUpcomingInvoice(error: unknown): boolean {
  return error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'invoice_upcoming_none';
}

/**
 * GET /billing/upcoming: the next invoice of the account's subscription as Stripe previews it
 * now: the plan's next period and the overage reported so far this period (the reporter sends
 * the day's overage every hour, so the last hour's may not be in it yet). `{upcoming: null}`
 * without a subscription, or when nothing more will be billed.
 */
export const upcomingInvoice = billingRoute('GET /billing/upcoming', async (_req: Request, res: Response) => {
  const account = accountFor(res, 'manage_billing');
  const none: UpcomingInvoiceResponse = { upcoming: null };
  const customerId = account.doc.stripe_customer_id;
  if (customerId === undefined || customerId === '') {
    res.json(none);
    return;
  }
  const config = checkoutConfig();
  const overage = overagePriceIds('dashboardApi');
  const stripe = stripeClient(config);
  const { state } = await readBillingState(stripe, customerId, config.prices);
  if (state.plan_tier === 'free' || state.stripe_subscription_id === null) {
    res.json(none);
    return;
  }
  let preview: Stripe.Invoice;
  try {
    preview = await stripe.invoices.createPreview({
      customer: customerId,
      subscription: state.stripe_subscription_id,
    });
  } catch (error) {
    if (!isNoUpcomingInvoice(error)) throw error;
    res.json(none);
    return;
  }
  const body: UpcomingInvoiceResponse = {
    upcoming: {
      currency: preview.currency,
      total: preview.total,
      amount_due: preview.amount_due,
      period_start: iso(preview.period_start),
      period_end: iso(preview.period_end),
      next_payment_attempt: preview.next_payment_attempt === null ? null : iso(preview.next_payment_attempt),
      lines: preview.lines.data.map((line) => toInvoiceLine(line, config.prices, overage)),
    },
  };
  res.json(body);
});
