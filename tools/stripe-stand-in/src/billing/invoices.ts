import { randomBytes } from 'node:crypto';
import type { Core } from '../core.js';
import { newId } from '../ids.js';
import { amountFor, formatPrice } from '../money.js';
import type {
  Customer,
  Invoice,
  InvoiceBillingReason,
  InvoiceLineItem,
  Subscription,
  SubscriptionItem,
} from '../objects.js';
import type { PaymentOutcome } from '../state.js';
import { usageFor } from './meters.js';

export interface Period {
  start: number;
  end: number;
}

/** One line to bill: what the invoice says about a subscription item for one period. */
export interface LineInput {
  item: SubscriptionItem;
  period: Period;
  /** The item's quantity, or a metered item's usage in the period. */
  quantity: number;
  amount: number;
  description: string;
}

export function isMetered(item: SubscriptionItem): boolean {
  return item.price.recurring?.usage_type === 'metered';
}

function productName(core: Core, item: SubscriptionItem): string {
  return core.state.products.get(item.price.product)?.name ?? item.price.product;
}

/** The licensed items, billed in advance for `period` (nothing during a trial). */
export function licensedLines(
  core: Core,
  subscription: Subscription,
  period: Period,
  trial: boolean,
): LineInput[] {
  return subscription.items.data
    .filter((item) => !isMetered(item))
    .map((item) => {
      const quantity = item.quantity ?? 1;
      const name = productName(core, item);
      return {
        item,
        period,
        quantity,
        amount: trial ? 0 : amountFor(item.price, quantity),
        description: trial
          ? `Trial period for ${name}`
          : `${quantity} × ${name} (at ${formatPrice(item.price)})`,
      };
    });
}

/** When a metered item's usage starts to count: its creation or its last price change. */
function usageSince(core: Core, subscription: Subscription, item: SubscriptionItem): number {
  return core.state.subscriptionControls.get(subscription.id)?.usage_since?.[item.id] ?? item.created;
}

/**
 * The metered items, billed in arrears: each meter's usage for the customer over `period`
 * (from the item's price change, if later), through the price's transform and unit amount.
 */
export function meteredLines(
  core: Core,
  subscription: Subscription,
  period: Period,
  trial: boolean,
): LineInput[] {
  return subscription.items.data.filter(isMetered).map((item) => {
    const start = Math.max(period.start, usageSince(core, subscription, item));
    const meterId = item.price.recurring?.meter ?? null;
    const meter = meterId === null ? undefined : core.state.meters.get(meterId);
    const usage =
      meter === undefined || start >= period.end
        ? 0
        : usageFor(core, meter, subscription.customer, start, period.end);
    // Stripe reports a period whose usage adds up to less than zero as zero.
    const quantity = Math.max(usage, 0);
    const name = productName(core, item);
    return {
      item,
      period: { start: Math.min(start, period.end), end: period.end },
      quantity,
      amount: trial ? 0 : amountFor(item.price, quantity),
      description: `${trial ? 'Trial period: ' : ''}${quantity} units × ${name} (at ${formatPrice(item.price)})`,
    };
  });
}

function lineItem(invoiceId: string, subscription: Subscription, input: LineInput): InvoiceLineItem {
  const { item } = input;
  return {
    id: newId('il'),
    object: 'line_item',
    amount: input.amount,
    currency: item.price.currency,
    description: input.description,
    discount_amounts: [],
    discountable: true,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: {},
    parent: {
      type: 'subscription_item_details',
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: null,
        proration: false,
        proration_details: { credited_items: null },
        subscription: subscription.id,
        subscription_item: item.id,
      },
    },
    period: { start: input.period.start, end: input.period.end },
    pretax_credit_amounts: [],
    pricing: {
      type: 'price_details',
      price_details: { price: item.price.id, product: item.price.product },
      unit_amount_decimal: item.price.unit_amount_decimal,
    },
    price: structuredClone(item.price),
    quantity: input.quantity,
    quantity_decimal: String(input.quantity),
    subscription: subscription.id,
    subtotal: input.amount,
    taxes: [],
  };
}

export interface SubscriptionInvoiceInput {
  subscription: Subscription;
  customer: Customer | undefined;
  reason: InvoiceBillingReason;
  /** Stripe's invoice period: the period just ended for renewals, a zero-length one at creation. */
  invoicePeriod: Period;
  lines: readonly LineInput[];
}

function buildInvoice(core: Core, id: string, input: SubscriptionInvoiceInput): Invoice {
  const { subscription, customer } = input;
  const lines = input.lines.map((line) => lineItem(id, subscription, line));
  const total = lines.reduce((sum, line) => sum + line.amount, 0);
  return {
    id,
    object: 'invoice',
    account_country: 'US',
    account_name: core.config.businessName,
    account_tax_ids: null,
    amount_due: total,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: total,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: true,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: input.reason,
    collection_method: 'charge_automatically',
    created: core.clock.now(),
    currency: subscription.currency,
    custom_fields: null,
    customer: subscription.customer,
    customer_account: null,
    customer_address: null,
    customer_email: customer?.email ?? null,
    customer_name: customer?.name ?? null,
    customer_phone: customer?.phone ?? null,
    customer_shipping: null,
    customer_tax_exempt: 'none',
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    due_date: null,
    effective_at: null,
    ending_balance: null,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: {
      object: 'list',
      data: lines,
      has_more: false,
      total_count: lines.length,
      url: `/v1/invoices/${id}/lines`,
    },
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: {
      type: 'subscription_details',
      quote_details: null,
      subscription_details: { metadata: { ...subscription.metadata }, subscription: subscription.id },
    },
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: input.invoicePeriod.end,
    period_start: input.invoicePeriod.start,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subscription: subscription.id,
    subtotal: total,
    subtotal_excluding_tax: total,
    test_clock: null,
    total,
    total_discount_amounts: [],
    total_excluding_tax: total,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: null,
  };
}

/**
 * A draft invoice for one billing period of a subscription. The caller announces it
 * (`invoice.created`) when the order of events calls for it, then finalizes and charges it.
 */
export function draftSubscriptionInvoice(core: Core, input: SubscriptionInvoiceInput): Invoice {
  const invoice = buildInvoice(core, newId('in'), input);
  core.state.invoices.set(invoice.id, invoice);
  return invoice;
}

/**
 * The upcoming invoice as `POST /v1/invoices/create_preview` shows it: never stored, its id
 * prefixed `upcoming_in_`, dated when it will be created.
 */
export function previewSubscriptionInvoice(
  core: Core,
  input: SubscriptionInvoiceInput,
  createdAt: number,
): Invoice {
  const id = `upcoming_in_${randomBytes(12).toString('base64url')}`;
  const invoice = buildInvoice(core, id, input);
  invoice.created = createdAt;
  invoice.automatically_finalizes_at = createdAt;
  invoice.next_payment_attempt = createdAt;
  return invoice;
}

/** The hosted page of a finalized invoice (Stripe's `hosted_invoice_url`). */
export function hostedInvoiceUrl(core: Core, invoice: Invoice): string {
  return `${core.config.publicUrl}/invoice/${encodeURIComponent(invoice.id)}`;
}

export function finalizeInvoice(core: Core, invoice: Invoice): void {
  const customer = core.state.liveCustomer(invoice.customer);
  const sequence = customer?.next_invoice_sequence ?? 1;
  if (customer !== undefined) customer.next_invoice_sequence = sequence + 1;
  const now = core.clock.now();
  invoice.status = 'open';
  invoice.number = `${customer?.invoice_prefix ?? 'STANDIN'}-${String(sequence).padStart(4, '0')}`;
  invoice.effective_at = now;
  invoice.ending_balance = 0;
  invoice.hosted_invoice_url = hostedInvoiceUrl(core, invoice);
  invoice.status_transitions.finalized_at = now;
  core.events.emit('invoice.finalized', invoice);
}

/**
 * One attempt to collect an open invoice. Failures schedule the next attempt from the dunning
 * settings; `next_payment_attempt` is `null` once none is left. Returns whether it was paid.
 */
export function chargeInvoice(core: Core, invoice: Invoice, outcome: PaymentOutcome): boolean {
  const now = core.clock.now();
  invoice.attempt_count += 1;
  invoice.attempted = true;
  const customer = core.state.liveCustomer(invoice.customer);
  if (outcome === 'succeed' || invoice.amount_due === 0) {
    invoice.status = 'paid';
    invoice.amount_paid = invoice.amount_due;
    invoice.amount_remaining = 0;
    invoice.next_payment_attempt = null;
    invoice.status_transitions.paid_at = now;
    if (customer !== undefined) customer.delinquent = false;
    core.events.emit('invoice.paid', invoice);
    core.events.emit('invoice.payment_succeeded', invoice);
    return true;
  }
  const delay = core.config.dunning.retryDelaysSeconds[invoice.attempt_count - 1];
  invoice.next_payment_attempt = delay === undefined ? null : now + delay;
  if (customer !== undefined) customer.delinquent = true;
  core.events.emit('invoice.payment_failed', invoice);
  return false;
}
