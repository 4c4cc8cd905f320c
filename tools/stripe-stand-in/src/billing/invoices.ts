import type { Core } from '../core.js';
import { newId } from '../ids.js';
import { formatPrice } from '../money.js';
import type { Customer, Invoice, InvoiceBillingReason, InvoiceLineItem, Subscription } from '../objects.js';
import type { PaymentOutcome } from '../state.js';

interface Period {
  start: number;
  end: number;
}

export interface SubscriptionInvoiceInput {
  subscription: Subscription;
  customer: Customer | undefined;
  reason: InvoiceBillingReason;
  /** Stripe's invoice period: the period just ended for renewals, a zero-length one at creation. */
  invoicePeriod: Period;
  /** The service period the invoice pays for, shown on its lines. */
  linePeriod: Period;
  /** A trial's first invoice charges nothing. */
  trial: boolean;
}

/**
 * A draft invoice for one billing period of a subscription. The caller announces it
 * (`invoice.created`) when the order of events calls for it, then finalizes and charges it.
 */
export function draftSubscriptionInvoice(core: Core, input: SubscriptionInvoiceInput): Invoice {
  const { subscription, customer } = input;
  const id = newId('in');
  const lines: InvoiceLineItem[] = subscription.items.data.map((item) => {
    const productName = core.state.products.get(item.price.product)?.name ?? item.price.product;
    const amount = input.trial ? 0 : item.price.unit_amount * item.quantity;
    return {
      id: newId('il'),
      object: 'line_item',
      amount,
      currency: item.price.currency,
      description: input.trial
        ? `Trial period for ${productName}`
        : `${item.quantity} × ${productName} (at ${formatPrice(item.price)})`,
      discount_amounts: [],
      discountable: true,
      discounts: [],
      invoice: id,
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
      period: { start: input.linePeriod.start, end: input.linePeriod.end },
      pricing: {
        type: 'price_details',
        price_details: { price: item.price.id, product: item.price.product },
        unit_amount_decimal: item.price.unit_amount_decimal,
      },
      price: structuredClone(item.price),
      quantity: item.quantity,
      subscription: subscription.id,
      taxes: [],
    };
  });
  const total = lines.reduce((sum, line) => sum + line.amount, 0);
  const invoice: Invoice = {
    id,
    object: 'invoice',
    account_country: 'US',
    account_name: core.config.businessName,
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
    billing_reason: input.reason,
    collection_method: 'charge_automatically',
    created: core.clock.now(),
    currency: subscription.currency,
    customer: subscription.customer,
    customer_email: customer?.email ?? null,
    customer_name: customer?.name ?? null,
    default_payment_method: null,
    description: null,
    discounts: [],
    due_date: null,
    effective_at: null,
    ending_balance: 0,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
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
    period_end: input.invoicePeriod.end,
    period_start: input.invoicePeriod.start,
    starting_balance: 0,
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subscription: subscription.id,
    subtotal: total,
    subtotal_excluding_tax: total,
    test_clock: null,
    total,
    total_discount_amounts: [],
    total_excluding_tax: total,
    webhooks_delivered_at: null,
  };
  core.state.invoices.set(id, invoice);
  return invoice;
}

export function finalizeInvoice(core: Core, invoice: Invoice): void {
  const customer = core.state.liveCustomer(invoice.customer);
  const sequence = customer?.next_invoice_sequence ?? 1;
  if (customer !== undefined) customer.next_invoice_sequence = sequence + 1;
  const now = core.clock.now();
  invoice.status = 'open';
  invoice.number = `${customer?.invoice_prefix ?? 'STANDIN'}-${String(sequence).padStart(4, '0')}`;
  invoice.effective_at = now;
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
