import {
  invalidRequest,
  parameterInvalid,
  parameterMissing,
  resourceMissing,
  StripeApiError,
} from '../api/errors.js';
import { applyMetadata, type MetadataUpdate } from '../api/params.js';
import { planFromPrice } from '../catalog.js';
import type { Core } from '../core.js';
import { changedAttributes } from '../events.js';
import { newId } from '../ids.js';
import type {
  CancellationFeedback,
  CancellationReason,
  Customer,
  Invoice,
  Metadata,
  Price,
  RecurringInterval,
  Subscription,
  SubscriptionItem,
} from '../objects.js';
import { periodBoundary } from '../periods.js';
import type { PaymentOutcome, SubscriptionControl } from '../state.js';
import {
  chargeInvoice,
  draftSubscriptionInvoice,
  finalizeInvoice,
  isMetered,
  licensedLines,
  meteredLines,
  type Period,
  previewSubscriptionInvoice,
} from './invoices.js';

export interface ItemInput {
  price: Price;
  /** `null` for a metered price, whose quantity is its usage. */
  quantity: number | null;
}

export interface NewSubscription {
  customer: Customer;
  items: readonly ItemInput[];
  metadata: Metadata;
  description: string | null;
  trialPeriodDays: number | null;
  /** How renewals and retries will go; the first payment is the one just made at checkout. */
  renewals: PaymentOutcome;
}

export function getSubscription(core: Core, id: string, param = 'id'): Subscription {
  const subscription = core.state.subscriptions.get(id);
  if (subscription === undefined) throw resourceMissing('subscription', id, param);
  return subscription;
}

function control(core: Core, subscription: Subscription): SubscriptionControl {
  let found = core.state.subscriptionControls.get(subscription.id);
  if (found === undefined) {
    found = { payment_outcome: 'succeed', period_index: 0 };
    core.state.subscriptionControls.set(subscription.id, found);
  }
  return found;
}

function recurringOf(price: Price | undefined): { interval: RecurringInterval; count: number } {
  return { interval: price?.recurring?.interval ?? 'month', count: price?.recurring?.interval_count ?? 1 };
}

function newItem(
  subscriptionId: string,
  input: ItemInput,
  now: number,
  period: { start: number; end: number },
): SubscriptionItem {
  const item: SubscriptionItem = {
    id: newId('si', 14),
    object: 'subscription_item',
    billing_thresholds: null,
    created: now,
    current_period_end: period.end,
    current_period_start: period.start,
    current_trial: null,
    discounts: [],
    metadata: {},
    plan: planFromPrice(input.price),
    price: structuredClone(input.price),
    subscription: subscriptionId,
    tax_rates: [],
  };
  if (input.price.recurring?.usage_type !== 'metered') item.quantity = input.quantity ?? 1;
  return item;
}

/** A metered item bills usage from now on: at creation, and after its price changes. */
function startUsage(core: Core, subscription: Subscription, item: SubscriptionItem, now: number): void {
  const state = control(core, subscription);
  state.usage_since = { ...state.usage_since, [item.id]: now };
}

function setPeriod(subscription: Subscription, start: number, end: number): void {
  subscription.current_period_start = start;
  subscription.current_period_end = end;
  for (const item of subscription.items.data) {
    item.current_period_start = start;
    item.current_period_end = end;
  }
}

/**
 * A subscription paid for at checkout, with its first invoice. Events follow Stripe's order:
 * the subscription, then its invoice being created, finalized and paid.
 */
export function createPaidSubscription(
  core: Core,
  input: NewSubscription,
): { subscription: Subscription; invoice: Invoice } {
  const now = core.clock.now();
  const first = input.items[0];
  if (first === undefined) throw parameterMissing('items');
  const { interval, count } = recurringOf(first.price);
  const trialEnd = input.trialPeriodDays === null ? null : now + input.trialPeriodDays * 86_400;
  const anchor = trialEnd ?? now;
  const periodEnd = trialEnd ?? periodBoundary(anchor, interval, count, 1);
  const id = newId('sub', 24);
  const subscription: Subscription = {
    id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: anchor,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: null, type: 'classic' },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
    collection_method: 'charge_automatically',
    created: now,
    currency: first.price.currency,
    current_period_end: periodEnd,
    current_period_start: now,
    customer: input.customer.id,
    customer_account: null,
    days_until_due: null,
    default_payment_method: null,
    default_source: null,
    description: input.description,
    discounts: [],
    ended_at: null,
    invoice_settings: {
      account_tax_ids: null,
      custom_fields: null,
      description: null,
      footer: null,
      issuer: { type: 'self' },
    },
    items: {
      object: 'list',
      data: input.items.map((item) => newItem(id, item, now, { start: now, end: periodEnd })),
      has_more: false,
      total_count: input.items.length,
      url: `/v1/subscription_items?subscription=${id}`,
    },
    latest_invoice: null,
    livemode: false,
    managed_payments: null,
    metadata: { ...input.metadata },
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: {
      payment_method_options: null,
      payment_method_types: null,
      save_default_payment_method: 'off',
    },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: now,
    status: trialEnd === null ? 'active' : 'trialing',
    test_clock: null,
    transfer_data: null,
    trial_end: trialEnd,
    trial_settings: {
      end_behavior: { billing_cycle_anchor: null, missing_payment_method: 'create_invoice' },
    },
    trial_start: trialEnd === null ? null : now,
  };
  core.state.subscriptions.set(id, subscription);
  core.state.subscriptionControls.set(id, {
    payment_outcome: input.renewals,
    period_index: trialEnd === null ? 0 : -1,
  });
  input.customer.currency ??= subscription.currency;

  // Metered items are billed in arrears, so the first invoice carries the licensed ones only.
  const invoice = draftSubscriptionInvoice(core, {
    subscription,
    customer: input.customer,
    reason: 'subscription_create',
    invoicePeriod: { start: now, end: now },
    lines: licensedLines(core, subscription, { start: now, end: periodEnd }, trialEnd !== null),
  });
  subscription.latest_invoice = invoice.id;
  core.events.emit('customer.subscription.created', subscription);
  core.events.emit('invoice.created', invoice);
  finalizeInvoice(core, invoice);
  chargeInvoice(core, invoice, 'succeed');
  return { subscription, invoice };
}

export interface ItemChange {
  id?: string;
  price?: Price;
  quantity?: number;
  deleted?: boolean;
  metadata?: MetadataUpdate;
}

export interface SubscriptionChanges {
  cancelAtPeriodEnd?: boolean;
  cancelAt?: number | null;
  items?: readonly ItemChange[];
  metadata?: MetadataUpdate;
  description?: string | null;
  cancellationDetails?: { comment?: string | null; feedback?: CancellationFeedback | null };
}

function assertSameBilling(subscription: Subscription, price: Price, param: string): void {
  if (price.recurring === null) {
    throw parameterInvalid(
      param,
      `The price specified is set to \`type=one_time\` but this field only accepts prices with \`type=recurring\`.`,
    );
  }
  if (price.currency !== subscription.currency) {
    throw parameterInvalid(
      param,
      `The price specified uses currency \`${price.currency}\` but the subscription uses \`${subscription.currency}\`.`,
    );
  }
  const first = subscription.items.data[0]?.price.recurring;
  if (
    first !== undefined &&
    first !== null &&
    (first.interval !== price.recurring.interval || first.interval_count !== price.recurring.interval_count)
  ) {
    throw parameterInvalid(
      param,
      'Currency and interval fields must match across all plans on this subscription.',
    );
  }
}

/**
 * Plan switches, scheduled cancellation and resumption. A price change takes effect at once and
 * is billed from the next renewal: the stand-in creates no prorations.
 */
export function updateSubscription(core: Core, id: string, changes: SubscriptionChanges): Subscription {
  const subscription = getSubscription(core, id);
  const onlyBookkeeping =
    changes.cancelAtPeriodEnd === undefined &&
    changes.cancelAt === undefined &&
    changes.items === undefined &&
    changes.description === undefined;
  if (subscription.status === 'canceled' && !onlyBookkeeping) {
    throw invalidRequest('A canceled subscription can only update its cancellation_details and metadata.');
  }
  const before = structuredClone(subscription);
  const controlBefore = structuredClone(control(core, subscription));
  try {
    applyChanges(core, subscription, changes);
  } catch (error) {
    // A refused update (a bad item among several, a past cancel_at) leaves no trace.
    Object.assign(subscription, before);
    core.state.subscriptionControls.set(subscription.id, controlBefore);
    throw error;
  }
  const previous = changedAttributes(before, subscription);
  if (previous !== undefined) core.events.emit('customer.subscription.updated', subscription, previous);
  return subscription;
}

function applyChanges(core: Core, subscription: Subscription, changes: SubscriptionChanges): void {
  const now = core.clock.now();
  if (changes.items !== undefined) applyItemChanges(core, subscription, changes.items, now);
  if (changes.cancelAtPeriodEnd === true && !subscription.cancel_at_period_end) {
    subscription.cancel_at_period_end = true;
    subscription.cancel_at = subscription.current_period_end;
    subscription.canceled_at = now;
    subscription.cancellation_details.reason = 'cancellation_requested';
  } else if (
    changes.cancelAtPeriodEnd === false &&
    (subscription.cancel_at_period_end || subscription.cancel_at !== null)
  ) {
    subscription.cancel_at_period_end = false;
    subscription.cancel_at = null;
    subscription.canceled_at = null;
    subscription.cancellation_details.reason = null;
  }
  if (changes.cancelAt !== undefined) {
    if (changes.cancelAt !== null && changes.cancelAt <= now) {
      throw parameterInvalid('cancel_at', 'cancel_at must be in the future.');
    }
    subscription.cancel_at = changes.cancelAt;
    subscription.cancel_at_period_end =
      changes.cancelAt !== null && changes.cancelAt === subscription.current_period_end;
    subscription.canceled_at = changes.cancelAt === null ? null : now;
    subscription.cancellation_details.reason = changes.cancelAt === null ? null : 'cancellation_requested';
  }
  if (changes.description !== undefined) subscription.description = changes.description;
  subscription.metadata = applyMetadata(subscription.metadata, changes.metadata);
  if (changes.cancellationDetails?.comment !== undefined) {
    subscription.cancellation_details.comment = changes.cancellationDetails.comment;
  }
  if (changes.cancellationDetails?.feedback !== undefined) {
    subscription.cancellation_details.feedback = changes.cancellationDetails.feedback;
  }
}

const METERED_QUANTITY = 'You cannot set the quantity for metered plans.';

function applyItemChanges(
  core: Core,
  subscription: Subscription,
  changes: readonly ItemChange[],
  now: number,
): void {
  const items = subscription.items.data;
  changes.forEach((change, index) => {
    const param = `items[${index}]`;
    if (change.id === undefined) {
      if (change.price === undefined) throw parameterMissing(`${param}[price]`);
      assertSameBilling(subscription, change.price, `${param}[price]`);
      const metered = change.price.recurring?.usage_type === 'metered';
      if (metered && change.quantity !== undefined)
        throw parameterInvalid(`${param}[quantity]`, METERED_QUANTITY);
      const added = newItem(
        subscription.id,
        { price: change.price, quantity: change.quantity ?? null },
        now,
        {
          start: subscription.current_period_start,
          end: subscription.current_period_end,
        },
      );
      added.metadata = applyMetadata({}, change.metadata);
      items.push(added);
      return;
    }
    const position = items.findIndex((item) => item.id === change.id);
    const item = items[position];
    if (item === undefined) throw resourceMissing('subscription item', change.id, `${param}[id]`);
    if (change.deleted === true) {
      // Classic billing: the usage of a removed metered item is not billed.
      items.splice(position, 1);
      return;
    }
    if (change.price !== undefined && change.price.id !== item.price.id) {
      assertSameBilling(subscription, change.price, `${param}[price]`);
      item.price = structuredClone(change.price);
      item.plan = planFromPrice(change.price);
      if (isMetered(item)) {
        delete item.quantity;
        // Classic billing: a switched meter price bills only the usage after the switch.
        startUsage(core, subscription, item, now);
      } else {
        item.quantity ??= 1;
      }
    }
    if (change.quantity !== undefined) {
      if (isMetered(item)) throw parameterInvalid(`${param}[quantity]`, METERED_QUANTITY);
      item.quantity = change.quantity;
    }
    item.metadata = applyMetadata(item.metadata, change.metadata);
  });
  if (items.length === 0) throw invalidRequest('A subscription must have at least one active plan.', 'items');
  if (new Set(items.map((item) => item.price.id)).size !== items.length) {
    throw invalidRequest('Cannot add multiple subscription items with the same price.', 'items');
  }
  subscription.items.total_count = items.length;
}

/**
 * The last invoice of a subscription that ends with metered items: their usage from the start
 * of the period to `end`, charged once (collection stops with the subscription).
 */
function invoiceFinalUsage(core: Core, subscription: Subscription, end: number, trial: boolean): void {
  if (!subscription.items.data.some(isMetered)) return;
  const period: Period = { start: subscription.current_period_start, end };
  const invoice = draftSubscriptionInvoice(core, {
    subscription,
    customer: core.state.liveCustomer(subscription.customer),
    reason: 'subscription_cycle',
    invoicePeriod: period,
    lines: meteredLines(core, subscription, period, trial),
  });
  subscription.latest_invoice = invoice.id;
  core.events.emit('invoice.created', invoice);
  finalizeInvoice(core, invoice);
  if (!chargeInvoice(core, invoice, control(core, subscription).payment_outcome)) {
    invoice.next_payment_attempt = null;
  }
}

/**
 * Ends a subscription now (`DELETE /v1/subscriptions/:id`, the portal, failed dunning). With
 * `invoiceNow` the metered usage so far is invoiced; otherwise, as at Stripe, it is not.
 */
export function cancelSubscriptionNow(
  core: Core,
  subscription: Subscription,
  reason: CancellationReason,
  options: { invoiceNow?: boolean } = {},
): Subscription {
  if (subscription.status === 'canceled') {
    throw invalidRequest(`This subscription has already been canceled: '${subscription.id}'`, 'subscription');
  }
  const now = core.clock.now();
  const trial = subscription.status === 'trialing';
  subscription.status = 'canceled';
  subscription.cancel_at_period_end = false;
  subscription.cancel_at = null;
  subscription.canceled_at = now;
  subscription.ended_at = now;
  subscription.cancellation_details.reason = reason;
  stopCollecting(core, subscription);
  core.events.emit('customer.subscription.deleted', subscription);
  if (options.invoiceNow === true) invoiceFinalUsage(core, subscription, now, trial);
  return subscription;
}

/** A subscription that has ended is no longer charged: its open invoice is not retried. */
function stopCollecting(core: Core, subscription: Subscription): void {
  for (const invoice of core.state.invoices.values()) {
    if (invoice.subscription === subscription.id && invoice.status === 'open')
      invoice.next_payment_attempt = null;
  }
}

/**
 * The end of a subscription scheduled with `cancel_at_period_end` or `cancel_at`: it is
 * canceled, then the metered usage of its last period is invoiced.
 */
export function endScheduledSubscription(core: Core, subscription: Subscription, at: number): void {
  const trial = subscription.status === 'trialing';
  subscription.status = 'canceled';
  subscription.ended_at = at;
  subscription.cancellation_details.reason ??= 'cancellation_requested';
  stopCollecting(core, subscription);
  core.events.emit('customer.subscription.deleted', subscription);
  invoiceFinalUsage(core, subscription, at, trial);
}

function noUpcomingInvoice(customer: string): StripeApiError {
  return new StripeApiError(
    404,
    'invalid_request_error',
    `No upcoming invoices for customer: ${customer}`,
    'invoice_upcoming_none',
  );
}

/**
 * The invoice a subscription will get at the end of its current period: the licensed items for
 * the next period and the metered usage so far in this one. A subscription ending at period end
 * gets only its usage; one with nothing left to bill has no upcoming invoice.
 */
export function previewUpcomingInvoice(core: Core, subscription: Subscription): Invoice {
  if (subscription.status === 'canceled' || subscription.status === 'incomplete_expired') {
    throw noUpcomingInvoice(subscription.customer);
  }
  const state = control(core, subscription);
  const { interval, count } = recurringOf(subscription.items.data[0]?.price);
  const current: Period = { start: subscription.current_period_start, end: subscription.current_period_end };
  const cancelAt = subscription.cancel_at;
  const ending = cancelAt !== null && cancelAt <= current.end;
  const trial = subscription.status === 'trialing';
  const usagePeriod: Period = ending ? { start: current.start, end: cancelAt } : current;
  const next: Period = {
    start: current.end,
    end: periodBoundary(subscription.billing_cycle_anchor, interval, count, state.period_index + 2),
  };
  const lines = [
    ...(ending ? [] : licensedLines(core, subscription, next, false)),
    ...meteredLines(core, subscription, usagePeriod, trial),
  ];
  if (lines.length === 0) throw noUpcomingInvoice(subscription.customer);
  return previewSubscriptionInvoice(
    core,
    {
      subscription,
      customer: core.state.liveCustomer(subscription.customer),
      reason: ending ? 'subscription_cycle' : 'upcoming',
      invoicePeriod: usagePeriod,
      lines,
    },
    usagePeriod.end,
  );
}

/**
 * Crossing `current_period_end`: the next period starts and its invoice is created and charged.
 * Order of events: `customer.subscription.updated` (new period), `invoice.created`,
 * `invoice.finalized`, then `invoice.paid` + `invoice.payment_succeeded`, or
 * `invoice.payment_failed` + `customer.subscription.updated` (now `past_due`).
 */
export function renewSubscription(core: Core, subscription: Subscription): void {
  const state = control(core, subscription);
  const before = structuredClone(subscription);
  const { interval, count } = recurringOf(subscription.items.data[0]?.price);
  const previousPeriod = { start: subscription.current_period_start, end: subscription.current_period_end };
  state.period_index += 1;
  const start = periodBoundary(subscription.billing_cycle_anchor, interval, count, state.period_index);
  const end = periodBoundary(subscription.billing_cycle_anchor, interval, count, state.period_index + 1);
  setPeriod(subscription, start, end);

  // Licensed items for the period starting now, metered items for the usage of the one ended.
  const invoice = draftSubscriptionInvoice(core, {
    subscription,
    customer: core.state.liveCustomer(subscription.customer),
    reason: 'subscription_cycle',
    invoicePeriod: previousPeriod,
    lines: [
      ...licensedLines(core, subscription, { start, end }, false),
      ...meteredLines(core, subscription, previousPeriod, before.status === 'trialing'),
    ],
  });
  subscription.latest_invoice = invoice.id;
  const willSucceed = state.payment_outcome === 'succeed' || invoice.amount_due === 0;
  if (
    willSucceed &&
    (subscription.status === 'trialing' ||
      subscription.status === 'past_due' ||
      subscription.status === 'unpaid')
  ) {
    subscription.status = 'active';
  }
  core.events.emit('customer.subscription.updated', subscription, changedAttributes(before, subscription));
  core.events.emit('invoice.created', invoice);
  finalizeInvoice(core, invoice);
  const paid = chargeInvoice(core, invoice, state.payment_outcome);
  if (!paid) afterFailedCharge(core, subscription, invoice);
}

/** A scheduled retry of an open subscription invoice (Stripe's Smart Retries, simplified). */
export function retryInvoice(core: Core, invoice: Invoice): void {
  const subscription = core.state.subscriptions.get(invoice.subscription);
  const outcome = subscription === undefined ? 'succeed' : control(core, subscription).payment_outcome;
  collect(core, invoice, subscription, outcome);
}

function collect(
  core: Core,
  invoice: Invoice,
  subscription: Subscription | undefined,
  outcome: PaymentOutcome,
): void {
  const paid = chargeInvoice(core, invoice, outcome);
  if (subscription === undefined || subscription.status === 'canceled') return;
  if (paid) {
    if (
      subscription.latest_invoice === invoice.id &&
      (subscription.status === 'past_due' || subscription.status === 'unpaid')
    ) {
      const before = structuredClone(subscription);
      subscription.status = 'active';
      core.events.emit(
        'customer.subscription.updated',
        subscription,
        changedAttributes(before, subscription),
      );
    }
    return;
  }
  afterFailedCharge(core, subscription, invoice);
}

function afterFailedCharge(core: Core, subscription: Subscription, invoice: Invoice): void {
  if (invoice.next_payment_attempt === null) {
    if (core.config.dunning.afterFinalFailure === 'cancel') {
      cancelSubscriptionNow(core, subscription, 'payment_failed');
      return;
    }
    if (subscription.status !== 'unpaid') {
      const before = structuredClone(subscription);
      subscription.status = 'unpaid';
      core.events.emit(
        'customer.subscription.updated',
        subscription,
        changedAttributes(before, subscription),
      );
    }
    return;
  }
  if (subscription.status !== 'past_due') {
    const before = structuredClone(subscription);
    subscription.status = 'past_due';
    core.events.emit('customer.subscription.updated', subscription, changedAttributes(before, subscription));
  }
}

export function setPaymentOutcome(core: Core, subscription: Subscription, outcome: PaymentOutcome): void {
  control(core, subscription).payment_outcome = outcome;
}

export function paymentOutcomeOf(core: Core, subscription: Subscription): PaymentOutcome {
  return control(core, subscription).payment_outcome;
}

/** The open invoice a past-due subscription is waiting on, if any. */
export function openInvoiceOf(core: Core, subscription: Subscription): Invoice | undefined {
  const latest =
    subscription.latest_invoice === null ? undefined : core.state.invoices.get(subscription.latest_invoice);
  return latest?.status === 'open' ? latest : undefined;
}

/** The portal's "update payment method": future charges succeed and the open invoice is paid now. */
export function payOpenInvoiceNow(core: Core, subscription: Subscription): void {
  setPaymentOutcome(core, subscription, 'succeed');
  const invoice = openInvoiceOf(core, subscription);
  if (invoice !== undefined) collect(core, invoice, subscription, 'succeed');
}
