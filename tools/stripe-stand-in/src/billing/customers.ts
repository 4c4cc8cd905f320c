import { applyMetadata, type MetadataUpdate } from '../api/params.js';
import { resourceMissing } from '../api/errors.js';
import type { Core } from '../core.js';
import { changedAttributes } from '../events.js';
import { newId, newInvoicePrefix } from '../ids.js';
import type { Customer, DeletedCustomer } from '../objects.js';
import { cancelSubscriptionNow } from './subscriptions.js';

export interface CustomerFields {
  email?: string | null;
  name?: string | null;
  description?: string | null;
  phone?: string | null;
  metadata?: MetadataUpdate;
}

export function getCustomer(core: Core, id: string, param = 'id'): Customer {
  const customer = core.state.liveCustomer(id);
  if (customer === undefined) throw resourceMissing('customer', id, param);
  return customer;
}

export function createCustomer(core: Core, fields: CustomerFields): Customer {
  const customer: Customer = {
    id: newId('cus', 14),
    object: 'customer',
    address: null,
    balance: 0,
    created: core.clock.now(),
    currency: null,
    default_source: null,
    delinquent: false,
    description: fields.description ?? null,
    discount: null,
    email: fields.email ?? null,
    invoice_prefix: newInvoicePrefix(),
    invoice_settings: {
      custom_fields: null,
      default_payment_method: null,
      footer: null,
      rendering_options: null,
    },
    livemode: false,
    metadata: applyMetadata({}, fields.metadata),
    name: fields.name ?? null,
    next_invoice_sequence: 1,
    phone: fields.phone ?? null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  };
  core.state.customers.set(customer.id, customer);
  core.events.emit('customer.created', customer);
  return customer;
}

export function updateCustomer(core: Core, id: string, fields: CustomerFields): Customer {
  const customer = getCustomer(core, id);
  const before = structuredClone(customer);
  if (fields.email !== undefined) customer.email = fields.email;
  if (fields.name !== undefined) customer.name = fields.name;
  if (fields.description !== undefined) customer.description = fields.description;
  if (fields.phone !== undefined) customer.phone = fields.phone;
  customer.metadata = applyMetadata(customer.metadata, fields.metadata);
  const previous = changedAttributes(before, customer);
  if (previous !== undefined) core.events.emit('customer.updated', customer, previous);
  return customer;
}

/** Deleting a customer ends its subscriptions at once, as Stripe does. */
export function deleteCustomer(core: Core, id: string): DeletedCustomer {
  const customer = getCustomer(core, id);
  for (const subscription of core.state.subscriptions.values()) {
    if (
      subscription.customer === id &&
      subscription.status !== 'canceled' &&
      subscription.status !== 'incomplete_expired'
    ) {
      cancelSubscriptionNow(core, subscription, 'cancellation_requested');
    }
  }
  const deleted: DeletedCustomer = { id, object: 'customer', deleted: true };
  core.state.customers.set(id, deleted);
  core.events.emit('customer.deleted', customer);
  return deleted;
}
