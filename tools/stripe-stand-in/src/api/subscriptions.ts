import {
  cancelSubscriptionNow,
  getSubscription,
  type ItemChange,
  type SubscriptionChanges,
  updateSubscription,
} from '../billing/subscriptions.js';
import {
  CANCELLATION_FEEDBACK,
  type CancellationFeedback,
  type Subscription,
  type SubscriptionStatus,
} from '../objects.js';
import { invalidRequest, resourceMissing } from './errors.js';
import { LIST_PAGINATION, newestFirst, paginate } from './list.js';
import {
  inRange,
  nestedName,
  type Params,
  readBoolean,
  readEnum,
  readHash,
  readHashArray,
  readInteger,
  readMetadata,
  readNullableString,
  readRange,
  readString,
} from './params.js';
import { type ApiContext, pathParam, route } from './route.js';

const STATUSES = [
  'active',
  'all',
  'canceled',
  'ended',
  'incomplete',
  'incomplete_expired',
  'past_due',
  'paused',
  'trialing',
  'unpaid',
] as const;

function statusFilter(status: (typeof STATUSES)[number] | undefined): (value: SubscriptionStatus) => boolean {
  if (status === undefined) return (value) => value !== 'canceled' && value !== 'incomplete_expired';
  if (status === 'all') return () => true;
  if (status === 'ended') return (value) => value === 'canceled' || value === 'incomplete_expired';
  return (value) => value === status;
}

/** `cancellation_details[feedback]`: one of Stripe's reasons, or `''` to clear it. */
function readFeedback(details: Params): CancellationFeedback | null | undefined {
  if (details.feedback === '') return null;
  return readEnum(details, 'feedback', CANCELLATION_FEEDBACK, 'cancellation_details');
}

function readItemChanges(context: ApiContext): ItemChange[] | undefined {
  const items = readHashArray(context.params, 'items');
  if (items === undefined) return undefined;
  return items.map((item, index) => {
    const prefix = nestedName('items', index);
    context.check(
      {
        supported: ['id', 'price', 'quantity', 'deleted', 'metadata'],
        ignored: ['billing_thresholds', 'clear_usage', 'discounts', 'tax_rates'],
      },
      item,
      prefix,
    );
    if (item.price_data !== undefined || item.plan !== undefined) {
      throw invalidRequest(
        'The Stripe stand-in takes plan changes as items[n][price] with a price id.',
        `${prefix}[price]`,
      );
    }
    const change: ItemChange = {};
    const id = readString(item, 'id', prefix);
    if (id !== undefined) change.id = id;
    const priceId = readString(item, 'price', prefix);
    if (priceId !== undefined) {
      const price = context.core.state.prices.get(priceId);
      if (price === undefined || !price.active) throw resourceMissing('price', priceId, `${prefix}[price]`);
      change.price = price;
    }
    const quantity = readInteger(item, 'quantity', { min: 0 }, prefix);
    if (quantity !== undefined) change.quantity = quantity;
    const deleted = readBoolean(item, 'deleted', prefix);
    if (deleted !== undefined) change.deleted = deleted;
    const metadata = readMetadata(item, 'metadata', prefix);
    if (metadata !== undefined) change.metadata = metadata;
    return change;
  });
}

function update(context: ApiContext): Subscription {
  const { params } = context;
  context.check({
    supported: [
      'cancel_at_period_end',
      'cancel_at',
      'items',
      'metadata',
      'description',
      'cancellation_details',
      'proration_behavior',
      'proration_date',
    ],
    ignored: [
      'add_invoice_items',
      'application_fee_percent',
      'automatic_tax',
      'billing_cycle_anchor',
      'billing_schedules',
      'billing_thresholds',
      'collection_method',
      'days_until_due',
      'default_payment_method',
      'default_source',
      'default_tax_rates',
      'discounts',
      'invoice_settings',
      'off_session',
      'on_behalf_of',
      'pause_collection',
      'payment_behavior',
      'payment_settings',
      'pending_invoice_item_interval',
      'transfer_data',
      'trial_end',
      'trial_from_plan',
      'trial_settings',
    ],
  });
  // Proration is not modelled: the new price is billed from the next renewal whatever is asked.
  readEnum(params, 'proration_behavior', ['always_invoice', 'create_prorations', 'none'] as const);
  readInteger(params, 'proration_date');
  const changes: SubscriptionChanges = {};
  const cancelAtPeriodEnd = readBoolean(params, 'cancel_at_period_end');
  if (cancelAtPeriodEnd !== undefined) changes.cancelAtPeriodEnd = cancelAtPeriodEnd;
  if (params.cancel_at !== undefined) {
    changes.cancelAt = params.cancel_at === '' ? null : (readInteger(params, 'cancel_at') ?? null);
  }
  const items = readItemChanges(context);
  if (items !== undefined) changes.items = items;
  const metadata = readMetadata(params, 'metadata');
  if (metadata !== undefined) changes.metadata = metadata;
  const description = readNullableString(params, 'description');
  if (description !== undefined) changes.description = description;
  const details = readHash(params, 'cancellation_details');
  if (details !== undefined) {
    context.check({ supported: ['comment', 'feedback'] }, details, 'cancellation_details');
    changes.cancellationDetails = {};
    const comment = readNullableString(details, 'comment', 'cancellation_details');
    if (comment !== undefined) changes.cancellationDetails.comment = comment;
    const feedback = readFeedback(details);
    if (feedback !== undefined) changes.cancellationDetails.feedback = feedback;
  }
  return updateSubscription(context.core, pathParam(context, 'id'), changes);
}

export const subscriptionRoutes = [
  route('GET', '/subscriptions', (context) => {
    context.check({
      supported: [
        'customer',
        'price',
        'status',
        'created',
        'current_period_end',
        'current_period_start',
        ...LIST_PAGINATION,
      ],
      ignored: ['automatic_tax', 'collection_method', 'customer_account', 'plan', 'test_clock'],
    });
    const { params } = context;
    const customer = readString(params, 'customer');
    const price = readString(params, 'price');
    const status = statusFilter(readEnum(params, 'status', STATUSES));
    const created = readRange(params, 'created');
    const periodEnd = readRange(params, 'current_period_end');
    const periodStart = readRange(params, 'current_period_start');
    const subscriptions = newestFirst(context.core.state.subscriptions.values()).filter(
      (subscription) =>
        (customer === undefined || subscription.customer === customer) &&
        (price === undefined || subscription.items.data.some((item) => item.price.id === price)) &&
        status(subscription.status) &&
        inRange(subscription.created, created) &&
        inRange(subscription.current_period_end, periodEnd) &&
        inRange(subscription.current_period_start, periodStart),
    );
    return paginate(subscriptions, params, '/v1/subscriptions', 'subscription');
  }),

  route('GET', '/subscriptions/:id', (context) => {
    context.check({ supported: [] });
    return getSubscription(context.core, pathParam(context, 'id'));
  }),

  route('POST', '/subscriptions/:id', update),

  route('DELETE', '/subscriptions/:id', (context) => {
    context.check({ supported: ['cancellation_details', 'invoice_now', 'prorate'] });
    const invoiceNow = readBoolean(context.params, 'invoice_now') ?? false;
    readBoolean(context.params, 'prorate');
    const subscription = getSubscription(context.core, pathParam(context, 'id'));
    const details = readHash(context.params, 'cancellation_details');
    if (details !== undefined && subscription.status !== 'canceled') {
      context.check({ supported: ['comment', 'feedback'] }, details, 'cancellation_details');
      // Both are read before either is written, so a refused request changes nothing.
      const comment = readNullableString(details, 'comment', 'cancellation_details') ?? null;
      const feedback = readFeedback(details) ?? null;
      subscription.cancellation_details.comment = comment;
      subscription.cancellation_details.feedback = feedback;
    }
    return cancelSubscriptionNow(context.core, subscription, 'cancellation_requested', { invoiceNow });
  }),
];
