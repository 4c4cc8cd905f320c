import {
  createCustomer,
  type CustomerFields,
  deleteCustomer,
  getCustomer,
  updateCustomer,
} from '../billing/customers.js';
import type { Customer, SearchResult } from '../objects.js';
import { invalidRequest, resourceMissing } from './errors.js';
import { LIST_PAGINATION, newestFirst, paginate } from './list.js';
import {
  inRange,
  type Params,
  readInteger,
  readMetadata,
  readNullableString,
  readRange,
  readString,
  requireString,
} from './params.js';
import { type ApiContext, pathParam, route } from './route.js';
import { matchesQuery, parseSearchQuery } from './search-query.js';

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Accepted by Stripe on create/update; the stand-in stores none of them. */
const IGNORED_CUSTOMER_PARAMS = [
  'address',
  'balance',
  'business_name',
  'cash_balance',
  'individual_name',
  'invoice_prefix',
  'invoice_settings',
  'next_invoice_sequence',
  'preferred_locales',
  'shipping',
  'source',
  'tax',
  'tax_exempt',
  'validate',
];

function customerFields(params: Params): CustomerFields {
  const email = readNullableString(params, 'email');
  if (typeof email === 'string' && (email.length > 512 || !EMAIL.test(email))) {
    throw invalidRequest(`Invalid email address: ${email}`, 'email', 'email_invalid');
  }
  const fields: CustomerFields = {};
  if (email !== undefined) fields.email = email;
  const name = readNullableString(params, 'name');
  if (name !== undefined) fields.name = name;
  const description = readNullableString(params, 'description');
  if (description !== undefined) fields.description = description;
  const phone = readNullableString(params, 'phone');
  if (phone !== undefined) fields.phone = phone;
  const metadata = readMetadata(params, 'metadata');
  if (metadata !== undefined) fields.metadata = metadata;
  return fields;
}

function liveCustomers(context: ApiContext): Customer[] {
  const live: Customer[] = [];
  for (const customer of context.core.state.customers.values())
    if (!('deleted' in customer)) live.push(customer);
  return newestFirst(live);
}

function search(context: ApiContext): SearchResult<Customer> {
  context.check({ supported: ['query', 'limit', 'page'] });
  const query = parseSearchQuery(requireString(context.params, 'query'));
  const limit = readInteger(context.params, 'limit', { min: 1, max: 100 }) ?? 10;
  const page = readString(context.params, 'page');
  let offset = 0;
  if (page !== undefined && page !== '') {
    const decoded = Number(Buffer.from(page, 'base64url').toString('utf8'));
    if (!Number.isInteger(decoded) || decoded < 0) throw invalidRequest(`Invalid page: ${page}`, 'page');
    offset = decoded;
  }
  const matches = liveCustomers(context).filter((customer) =>
    matchesQuery(
      query,
      (field) => {
        switch (field) {
          case 'email':
            return customer.email;
          case 'name':
            return customer.name;
          case 'phone':
            return customer.phone;
          case 'description':
            return customer.description;
          case 'created':
            return customer.created;
          default:
            return undefined;
        }
      },
      customer.metadata,
    ),
  );
  const data = matches.slice(offset, offset + limit);
  const hasMore = offset + limit < matches.length;
  return {
    object: 'search_result',
    data,
    has_more: hasMore,
    next_page: hasMore ? Buffer.from(String(offset + limit)).toString('base64url') : null,
    url: '/v1/customers/search',
  };
}

export const customerRoutes = [
  route('POST', '/customers', (context) => {
    context.check({
      supported: ['email', 'name', 'description', 'phone', 'metadata'],
      ignored: [...IGNORED_CUSTOMER_PARAMS, 'payment_method', 'tax_id_data', 'test_clock'],
    });
    return createCustomer(context.core, customerFields(context.params));
  }),

  route('GET', '/customers/search', search),

  route('GET', '/customers', (context) => {
    context.check({ supported: ['email', 'created', ...LIST_PAGINATION], ignored: ['test_clock'] });
    const email = readString(context.params, 'email');
    const created = readRange(context.params, 'created');
    const matching = liveCustomers(context).filter(
      (customer) => (email === undefined || customer.email === email) && inRange(customer.created, created),
    );
    return paginate(matching, context.params, '/v1/customers', 'customer');
  }),

  route('GET', '/customers/:id', (context) => {
    context.check({ supported: [] });
    const id = pathParam(context, 'id');
    // Stripe still answers for a deleted customer, with its `deleted: true` stub.
    const customer = context.core.state.customers.get(id);
    if (customer === undefined) throw resourceMissing('customer', id);
    return customer;
  }),

  route('POST', '/customers/:id', (context) => {
    context.check({
      supported: ['email', 'name', 'description', 'phone', 'metadata'],
      ignored: [...IGNORED_CUSTOMER_PARAMS, 'default_source'],
    });
    return updateCustomer(context.core, pathParam(context, 'id'), customerFields(context.params));
  }),

  route('DELETE', '/customers/:id', (context) => {
    context.check({ supported: [] });
    getCustomer(context.core, pathParam(context, 'id'));
    return deleteCustomer(context.core, pathParam(context, 'id'));
  }),
];
