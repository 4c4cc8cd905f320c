import { getCustomer } from '../billing/customers.js';
import { getSubscription, previewUpcomingInvoice } from '../billing/subscriptions.js';
import { invalidRequest, notSupported, parameterMissing, resourceMissing, StripeApiError } from './errors.js';
import { LIST_PAGINATION, newestFirst, paginate } from './list.js';
import { inRange, readEnum, readRange, readString } from './params.js';
import { type ApiContext, pathParam, route } from './route.js';

/** Previews of changes (prorations, schedules, extra items) are not modelled: refused, not guessed. */
const UNMODELLED_PREVIEW_PARAMS = ['invoice_items', 'schedule', 'schedule_details', 'subscription_details'];

/**
 * `POST /v1/invoices/create_preview` for a subscription as it stands: `subscription`, or the
 * customer's current subscription when only `customer` is given.
 */
function createPreview(context: ApiContext): unknown {
  const { core, params } = context;
  context.check({
    supported: ['customer', 'subscription', ...UNMODELLED_PREVIEW_PARAMS],
    ignored: [
      'automatic_tax',
      'currency',
      'customer_account',
      'customer_details',
      'discounts',
      'issuer',
      'on_behalf_of',
      'preview_mode',
    ],
  });
  for (const param of UNMODELLED_PREVIEW_PARAMS) {
    if (params[param] !== undefined) throw notSupported(param, `previews with ${param}`);
  }
  const customerId = readString(params, 'customer');
  const subscriptionId = readString(params, 'subscription');
  if (subscriptionId !== undefined) {
    const subscription = getSubscription(core, subscriptionId, 'subscription');
    if (customerId !== undefined && customerId !== subscription.customer) {
      getCustomer(core, customerId, 'customer');
      throw invalidRequest(
        `The subscription ${subscription.id} does not belong to the customer ${customerId}.`,
        'subscription',
      );
    }
    return previewUpcomingInvoice(core, subscription);
  }
  if (customerId === undefined) throw parameterMissing('customer');
  const customer = getCustomer(core, customerId, 'customer');
  const current = newestFirst(core.state.subscriptions.values()).find(
    (subscription) =>
      subscription.customer === customer.id &&
      subscription.status !== 'canceled' &&
      subscription.status !== 'incomplete_expired',
  );
  if (current === undefined) {
    throw new StripeApiError(
      404,
      'invalid_request_error',
      `No upcoming invoices for customer: ${customer.id}`,
      'invoice_upcoming_none',
    );
  }
  return previewUpcomingInvoice(core, current);
}

export const invoiceRoutes = [
  route('POST', '/invoices/create_preview', createPreview),

  route('GET', '/invoices', (context) => {
    context.check({
      supported: ['customer', 'subscription', 'status', 'created', ...LIST_PAGINATION],
      ignored: ['collection_method', 'customer_account', 'due_date'],
    });
    const { params } = context;
    const customer = readString(params, 'customer');
    const subscription = readString(params, 'subscription');
    const status = readEnum(params, 'status', ['draft', 'open', 'paid', 'uncollectible', 'void'] as const);
    const created = readRange(params, 'created');
    const invoices = newestFirst(context.core.state.invoices.values()).filter(
      (invoice) =>
        (customer === undefined || invoice.customer === customer) &&
        (subscription === undefined || invoice.subscription === subscription) &&
        (status === undefined || invoice.status === status) &&
        inRange(invoice.created, created),
    );
    return paginate(invoices, params, '/v1/invoices', 'invoice');
  }),

  route('GET', '/invoices/:id', (context) => {
    context.check({ supported: [] });
    const id = pathParam(context, 'id');
    const invoice = context.core.state.invoices.get(id);
    if (invoice === undefined) throw resourceMissing('invoice', id);
    return invoice;
  }),

  route('GET', '/invoices/:id/lines', (context) => {
    context.check({ supported: [...LIST_PAGINATION] });
    const id = pathParam(context, 'id');
    const invoice = context.core.state.invoices.get(id);
    if (invoice === undefined) throw resourceMissing('invoice', id);
    return paginate(invoice.lines.data, context.params, `/v1/invoices/${id}/lines`, 'line item');
  }),
];
