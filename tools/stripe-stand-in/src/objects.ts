/**
 * The Stripe API objects the stand-in serves, as they appear on the wire. Only the fields a
 * subscription integration reads are modelled; the rest of Stripe's fields are left out rather
 * than faked.
 */

export type Metadata = Record<string, string>;
export type Timestamp = number;

export interface ListObject<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
  total_count?: number;
}

export interface SearchResult<T> {
  object: 'search_result';
  data: T[];
  has_more: boolean;
  next_page: string | null;
  url: string;
}

export interface Product {
  id: string;
  object: 'product';
  active: boolean;
  created: Timestamp;
  default_price: string | null;
  description: string | null;
  images: string[];
  livemode: false;
  marketing_features: { name: string }[];
  metadata: Metadata;
  name: string;
  package_dimensions: null;
  shippable: null;
  statement_descriptor: null;
  tax_code: null;
  type: 'service';
  unit_label: null;
  updated: Timestamp;
  url: null;
}

export type RecurringInterval = 'day' | 'week' | 'month' | 'year';

export interface PriceRecurring {
  interval: RecurringInterval;
  interval_count: number;
  meter: null;
  trial_period_days: null;
  usage_type: 'licensed';
}

export interface Price {
  id: string;
  object: 'price';
  active: boolean;
  billing_scheme: 'per_unit';
  created: Timestamp;
  currency: string;
  custom_unit_amount: null;
  livemode: false;
  lookup_key: string | null;
  metadata: Metadata;
  nickname: string | null;
  product: string;
  recurring: PriceRecurring | null;
  tax_behavior: 'unspecified';
  tiers_mode: null;
  transform_quantity: null;
  type: 'recurring' | 'one_time';
  unit_amount: number;
  unit_amount_decimal: string;
}

/** The legacy `plan` mirror of a recurring price, still present on subscription items. */
export interface Plan {
  id: string;
  object: 'plan';
  active: boolean;
  amount: number;
  amount_decimal: string;
  billing_scheme: 'per_unit';
  created: Timestamp;
  currency: string;
  interval: RecurringInterval;
  interval_count: number;
  livemode: false;
  metadata: Metadata;
  meter: null;
  nickname: string | null;
  product: string;
  tiers_mode: null;
  transform_usage: null;
  trial_period_days: null;
  usage_type: 'licensed';
}

export interface Customer {
  id: string;
  object: 'customer';
  address: null;
  balance: number;
  created: Timestamp;
  currency: string | null;
  default_source: null;
  delinquent: boolean;
  description: string | null;
  discount: null;
  email: string | null;
  invoice_prefix: string;
  invoice_settings: {
    custom_fields: null;
    default_payment_method: null;
    footer: null;
    rendering_options: null;
  };
  livemode: false;
  metadata: Metadata;
  name: string | null;
  next_invoice_sequence: number;
  phone: string | null;
  preferred_locales: string[];
  shipping: null;
  tax_exempt: 'none';
  test_clock: null;
}

export interface DeletedCustomer {
  id: string;
  object: 'customer';
  deleted: true;
}

export interface SubscriptionItem {
  id: string;
  object: 'subscription_item';
  billing_thresholds: null;
  created: Timestamp;
  current_period_end: Timestamp;
  current_period_start: Timestamp;
  discounts: string[];
  metadata: Metadata;
  plan: Plan;
  price: Price;
  quantity: number;
  subscription: string;
  tax_rates: [];
}

export type SubscriptionStatus =
  'incomplete' | 'incomplete_expired' | 'trialing' | 'active' | 'past_due' | 'canceled' | 'unpaid' | 'paused';

export type CancellationReason = 'cancellation_requested' | 'payment_failed' | 'payment_disputed' | null;

export interface Subscription {
  id: string;
  object: 'subscription';
  application: null;
  application_fee_percent: null;
  automatic_tax: { disabled_reason: null; enabled: false; liability: null };
  billing_cycle_anchor: Timestamp;
  billing_cycle_anchor_config: null;
  billing_mode: { flexible: null; type: 'classic' };
  billing_thresholds: null;
  cancel_at: Timestamp | null;
  cancel_at_period_end: boolean;
  canceled_at: Timestamp | null;
  cancellation_details: { comment: string | null; feedback: string | null; reason: CancellationReason };
  collection_method: 'charge_automatically';
  created: Timestamp;
  currency: string;
  /** Removed from the top level in API version 2025-03-31.basil; kept so older pinned versions work. */
  current_period_end: Timestamp;
  /** Removed from the top level in API version 2025-03-31.basil; kept so older pinned versions work. */
  current_period_start: Timestamp;
  customer: string;
  days_until_due: null;
  default_payment_method: null;
  default_source: null;
  description: string | null;
  discounts: string[];
  ended_at: Timestamp | null;
  invoice_settings: { account_tax_ids: null; issuer: { type: 'self' } };
  items: ListObject<SubscriptionItem>;
  latest_invoice: string | null;
  livemode: false;
  metadata: Metadata;
  next_pending_invoice_item_invoice: null;
  on_behalf_of: null;
  pause_collection: null;
  payment_settings: {
    payment_method_options: null;
    payment_method_types: null;
    save_default_payment_method: 'off';
  };
  pending_invoice_item_interval: null;
  pending_setup_intent: null;
  pending_update: null;
  schedule: null;
  start_date: Timestamp;
  status: SubscriptionStatus;
  test_clock: null;
  transfer_data: null;
  trial_end: Timestamp | null;
  trial_settings: { end_behavior: { missing_payment_method: 'create_invoice' } };
  trial_start: Timestamp | null;
}

export interface InvoiceLineItem {
  id: string;
  object: 'line_item';
  amount: number;
  currency: string;
  description: string;
  discount_amounts: [];
  discountable: boolean;
  discounts: [];
  invoice: string;
  livemode: false;
  metadata: Metadata;
  parent: {
    type: 'subscription_item_details';
    invoice_item_details: null;
    subscription_item_details: {
      invoice_item: null;
      proration: false;
      proration_details: { credited_items: null };
      subscription: string;
      subscription_item: string;
    };
  };
  period: { end: Timestamp; start: Timestamp };
  pricing: {
    type: 'price_details';
    price_details: { price: string; product: string };
    unit_amount_decimal: string;
  };
  /** Pre-2025-03-31 shape of the line's price, kept for older pinned API versions. */
  price: Price;
  quantity: number;
  /** Pre-2025-03-31 shape, kept for older pinned API versions. */
  subscription: string;
  taxes: [];
}

export type InvoiceStatus = 'draft' | 'open' | 'paid' | 'uncollectible' | 'void';
export type InvoiceBillingReason = 'subscription_create' | 'subscription_cycle' | 'subscription_update';

export interface Invoice {
  id: string;
  object: 'invoice';
  account_country: string;
  account_name: string;
  amount_due: number;
  amount_overpaid: number;
  amount_paid: number;
  amount_remaining: number;
  amount_shipping: number;
  application: null;
  attempt_count: number;
  attempted: boolean;
  auto_advance: boolean;
  automatic_tax: { disabled_reason: null; enabled: false; liability: null; provider: null; status: null };
  billing_reason: InvoiceBillingReason;
  collection_method: 'charge_automatically';
  created: Timestamp;
  currency: string;
  customer: string;
  customer_email: string | null;
  customer_name: string | null;
  default_payment_method: null;
  description: string | null;
  discounts: [];
  due_date: null;
  effective_at: Timestamp | null;
  ending_balance: number;
  hosted_invoice_url: null;
  invoice_pdf: null;
  issuer: { type: 'self' };
  last_finalization_error: null;
  lines: ListObject<InvoiceLineItem>;
  livemode: false;
  metadata: Metadata;
  next_payment_attempt: Timestamp | null;
  number: string | null;
  on_behalf_of: null;
  parent: {
    type: 'subscription_details';
    quote_details: null;
    subscription_details: { metadata: Metadata; subscription: string };
  };
  period_end: Timestamp;
  period_start: Timestamp;
  starting_balance: number;
  status: InvoiceStatus;
  status_transitions: {
    finalized_at: Timestamp | null;
    marked_uncollectible_at: null;
    paid_at: Timestamp | null;
    voided_at: null;
  };
  /** Moved to `parent.subscription_details.subscription` in 2025-03-31.basil; kept for older versions. */
  subscription: string;
  subtotal: number;
  subtotal_excluding_tax: number;
  test_clock: null;
  total: number;
  total_discount_amounts: [];
  total_excluding_tax: number;
  webhooks_delivered_at: Timestamp | null;
}

export interface CheckoutLineItem {
  id: string;
  object: 'item';
  amount_discount: number;
  amount_subtotal: number;
  amount_tax: number;
  amount_total: number;
  currency: string;
  description: string;
  price: Price;
  quantity: number;
}

export type CheckoutSessionStatus = 'open' | 'complete' | 'expired';

export interface CheckoutSession {
  id: string;
  object: 'checkout.session';
  allow_promotion_codes: boolean | null;
  amount_subtotal: number;
  amount_total: number;
  billing_address_collection: null;
  cancel_url: string | null;
  client_reference_id: string | null;
  client_secret: null;
  created: Timestamp;
  currency: string;
  customer: string | null;
  customer_creation: 'always' | null;
  customer_details: {
    address: null;
    email: string | null;
    name: string | null;
    phone: null;
    tax_exempt: 'none';
    tax_ids: [];
  } | null;
  customer_email: string | null;
  expires_at: Timestamp;
  invoice: string | null;
  livemode: false;
  locale: null;
  metadata: Metadata;
  mode: 'subscription';
  payment_intent: null;
  payment_link: null;
  payment_method_collection: 'always';
  payment_method_types: string[];
  payment_status: 'paid' | 'unpaid' | 'no_payment_required';
  status: CheckoutSessionStatus;
  submit_type: null;
  subscription: string | null;
  success_url: string | null;
  total_details: { amount_discount: number; amount_shipping: number; amount_tax: number };
  ui_mode: 'hosted';
  url: string | null;
}

export interface PortalSession {
  id: string;
  object: 'billing_portal.session';
  configuration: string;
  created: Timestamp;
  customer: string;
  flow: null;
  livemode: false;
  locale: null;
  on_behalf_of: null;
  return_url: string | null;
  url: string;
}

/** Any object an event can carry. */
export type EventObject = Customer | Subscription | Invoice | CheckoutSession | Product | Price;

export interface StripeEvent {
  id: string;
  object: 'event';
  api_version: string;
  created: Timestamp;
  data: { object: EventObject; previous_attributes?: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

export interface WebhookEndpoint {
  id: string;
  object: 'webhook_endpoint';
  api_version: string | null;
  application: null;
  created: Timestamp;
  description: string | null;
  enabled_events: string[];
  livemode: false;
  metadata: Metadata;
  secret?: string;
  status: 'enabled' | 'disabled';
  url: string;
}
