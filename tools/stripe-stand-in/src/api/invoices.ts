import { resourceMissing } from './errors.js';
import { LIST_PAGINATION, newestFirst, paginate } from './list.js';
import { inRange, readEnum, readRange, readString } from './params.js';
import { pathParam, route } from './route.js';

export const invoiceRoutes = [
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
