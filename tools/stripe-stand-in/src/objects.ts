/**
 * The Stripe API objects the stand-in serves, as they appear on the wire. Each carries every
 * field the stripe SDK's types mark as required for API version 2026-10-28.endive (checked at
 * compile time by test/sdk-types.ts); fields about features the stand-in does not model
 * (tax, shipping, Connect…) hold their empty value, `null` or `[]`, never made-up data.
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
  tax_details: null;
  type: 'service';
  unit_label: null;
  updated: Timestamp;
  url: null;
}

export type RecurringInterval = 'day' | 'week' | 'month' | 'year';

export type UsageType = 'licensed' | 'metered';

export interface PriceRecurring {
  interval: RecurringInterval;
  interval_count: number;
  /** The billing meter a metered price bills; `null` for licensed prices. */
  meter: string | null;
  trial_period_days: number | null;
  usage_type: UsageType;
}

/** Bill usage in packages: `ceil` or `floor` of the usage divided by `divide_by`. */
export interface TransformQuantity {
  divide_by: number;
  round: 'up' | 'down';
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
  transform_quantity: TransformQuantity | null;
  type: 'recurring' | 'one_time';
  /** `null` when the price is set only as `unit_amount_decimal` with a fraction of a cent. */
  unit_amount: number | null;
  unit_amount_decimal: string | null;
}

/** The legacy `plan` mirror of a recurring price, still present on subscription items. */
export interface Plan {
  id: string;
  object: 'plan';
  active: boolean;
  amount: number | null;
  amount_decimal: string | null;
  billing_scheme: 'per_unit';
  created: Timestamp;
  currency: string;
  interval: RecurringInterval;
  interval_count: number;
  livemode: false;
  metadata: Metadata;
  meter: string | null;
  nickname: string | null;
  product: string;
  tiers_mode: null;
  transform_usage: TransformQuantity | null;
  trial_period_days: number | null;
  usage_type: UsageType;
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
  current_trial: null;
  discounts: string[];
  metadata: Metadata;
  plan: Plan;
  price: Price;
  /** Absent on items of metered prices: their quantity is the usage, known at period end. */
  quantity?: number;
  subscription: string;
  tax_rates: [];
}

export type SubscriptionStatus =
  'incomplete' | 'incomplete_expired' | 'trialing' | 'active' | 'past_due' | 'canceled' | 'unpaid' | 'paused';

export type CancellationReason = 'cancellation_requested' | 'payment_failed' | 'payment_disputed' | null;

export const CANCELLATION_FEEDBACK = [
  'customer_service',
  'low_quality',
  'missing_features',
  'other',
  'switched_service',
  'too_complex',
  'too_expensive',
  'unused',
] as const;
export type CancellationFeedback = (typeof CANCELLATION_FEEDBACK)[number];

export interface Subscription {
  id: string;
  object: 'subscription';
  application: null;
  application_fee_percent: null;
  automatic_tax: { disabled_reason: null; enabled: false; liability: null };
  billing_cycle_anchor: Timestamp;
  billing_cycle_anchor_config: null;
  billing_mode: { flexible: null; type: 'classic' };
  billing_schedules: [];
  billing_thresholds: null;
  cancel_at: Timestamp | null;
  cancel_at_period_end: boolean;
  canceled_at: Timestamp | null;
  cancellation_details: {
    comment: string | null;
    feedback: CancellationFeedback | null;
    feedback_option: null;
    reason: CancellationReason;
  };
  collection_method: 'charge_automatically';
  created: Timestamp;
  currency: string;
  /** Removed from the top level in API version 2025-03-31.basil; kept so older pinned versions work. */
  current_period_end: Timestamp;
  /** Removed from the top level in API version 2025-03-31.basil; kept so older pinned versions work. */
  current_period_start: Timestamp;
  customer: string;
  customer_account: null;
  days_until_due: null;
  default_payment_method: null;
  default_source: null;
  description: string | null;
  discounts: string[];
  ended_at: Timestamp | null;
  invoice_settings: {
    account_tax_ids: null;
    custom_fields: null;
    description: null;
    footer: null;
    issuer: { type: 'self' };
  };
  items: ListObject<SubscriptionItem>;
  latest_invoice: string | null;
  livemode: false;
  managed_payments: null;
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
  trial_settings: { end_behavior: { billing_cycle_anchor: null; missing_payment_method: 'create_invoice' } };
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
  pretax_credit_amounts: [];
  pricing: {
    type: 'price_details';
    price_details: { price: string; product: string };
    unit_amount_decimal: string | null;
  };
  /** Pre-2025-03-31 shape of the line's price, kept for older pinned API versions. */
  price: Price;
  /** Metered lines carry the usage itself; the price's `transform_quantity` applies to the amount. */
  quantity: number;
  quantity_decimal: string;
  /** Pre-2025-03-31 shape, kept for older pinned API versions. */
  subscription: string;
  subtotal: number;
  taxes: [];
}

export type InvoiceStatus = 'draft' | 'open' | 'paid' | 'uncollectible' | 'void';
export type InvoiceBillingReason =
  'subscription_create' | 'subscription_cycle' | 'subscription_update' | 'upcoming';

export interface Invoice {
  id: string;
  object: 'invoice';
  account_country: string;
  account_name: string;
  account_tax_ids: null;
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
  automatically_finalizes_at: Timestamp | null;
  billing_reason: InvoiceBillingReason;
  collection_method: 'charge_automatically';
  created: Timestamp;
  currency: string;
  custom_fields: null;
  customer: string;
  customer_account: null;
  customer_address: null;
  customer_email: string | null;
  customer_name: string | null;
  customer_phone: string | null;
  customer_shipping: null;
  customer_tax_exempt: 'none';
  default_payment_method: null;
  default_source: null;
  default_tax_rates: [];
  description: string | null;
  discounts: [];
  due_date: null;
  effective_at: Timestamp | null;
  ending_balance: number | null;
  footer: null;
  from_invoice: null;
  /** The stand-in's hosted invoice page, once the invoice is finalized. */
  hosted_invoice_url: string | null;
  invoice_pdf: null;
  issuer: { type: 'self' };
  last_finalization_error: null;
  latest_revision: null;
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
  payment_settings: { default_mandate: null; payment_method_options: null; payment_method_types: null };
  period_end: Timestamp;
  period_start: Timestamp;
  post_payment_credit_notes_amount: number;
  pre_payment_credit_notes_amount: number;
  receipt_number: null;
  rendering: null;
  shipping_cost: null;
  shipping_details: null;
  starting_balance: number;
  statement_descriptor: null;
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
  total_pretax_credit_amounts: [];
  total_taxes: [];
  webhooks_delivered_at: Timestamp | null;
}

export interface CheckoutLineItem {
  id: string;
  object: 'item';
  adjustable_quantity: null;
  amount_discount: number;
  amount_subtotal: number;
  amount_tax: number;
  amount_total: number;
  currency: string;
  description: string;
  metadata: Metadata;
  price: Price;
  /** `null` for a metered price: what it costs is known only from usage. */
  quantity: number | null;
}

export type CheckoutSessionStatus = 'open' | 'complete' | 'expired';
export type CheckoutMode = 'payment' | 'subscription';

export interface CheckoutCustomerDetails {
  address: null;
  business_name: null;
  email: string | null;
  individual_name: null;
  name: string | null;
  phone: null;
  tax_exempt: 'none';
  tax_ids: [];
}

export interface CheckoutSession {
  id: string;
  object: 'checkout.session';
  adaptive_pricing: null;
  after_expiration: null;
  allow_promotion_codes: boolean | null;
  allowed_payment_method_types: null;
  amount_subtotal: number;
  amount_total: number;
  automatic_tax: { enabled: false; liability: null; provider: null; status: null };
  billing_address_collection: null;
  cancel_url: string | null;
  client_reference_id: string | null;
  client_secret: null;
  collected_information: null;
  consent: null;
  consent_collection: null;
  created: Timestamp;
  currency: string;
  currency_conversion: null;
  custom_fields: [];
  custom_text: {
    after_submit: null;
    shipping_address: null;
    submit: null;
    terms_of_service_acceptance: null;
  };
  customer: string | null;
  customer_account: null;
  customer_creation: 'always' | 'if_required' | null;
  customer_details: CheckoutCustomerDetails | null;
  customer_email: string | null;
  discounts: [];
  expires_at: Timestamp;
  integration_identifier: null;
  invoice: string | null;
  invoice_creation: {
    enabled: false;
    invoice_data: {
      account_tax_ids: null;
      custom_fields: null;
      description: null;
      footer: null;
      issuer: null;
      metadata: Metadata;
      rendering_options: null;
    };
  } | null;
  livemode: false;
  locale: null;
  managed_payments: null;
  metadata: Metadata;
  mode: CheckoutMode;
  origin_context: null;
  payment_intent: string | null;
  payment_link: null;
  payment_method_collection: 'always' | 'if_required' | null;
  payment_method_configuration_details: null;
  payment_method_options: Record<string, never>;
  payment_method_types: string[];
  payment_status: 'paid' | 'unpaid' | 'no_payment_required';
  permissions: null;
  recovered_from: null;
  saved_payment_method_options: null;
  setup_intent: null;
  shipping_address_collection: null;
  shipping_cost: null;
  shipping_options: [];
  status: CheckoutSessionStatus;
  submit_type: null;
  subscription: string | null;
  success_url: string | null;
  total_details: { amount_discount: number; amount_shipping: number; amount_tax: number };
  /** Renamed from `hosted` in this API version. */
  ui_mode: 'hosted_page';
  url: string | null;
  wallet_options: null;
}

export interface PortalSession {
  id: string;
  object: 'billing_portal.session';
  configuration: string;
  created: Timestamp;
  customer: string;
  customer_account: null;
  flow: null;
  livemode: false;
  locale: null;
  on_behalf_of: null;
  return_url: string | null;
  url: string;
}

/** What a payment-mode Checkout charges: created and succeeded when the hosted page is paid. */
export interface PaymentIntent {
  id: string;
  object: 'payment_intent';
  allowed_payment_method_types: null;
  amount: number;
  amount_capturable: number;
  amount_received: number;
  application: null;
  application_fee_amount: null;
  automatic_payment_methods: null;
  canceled_at: null;
  cancellation_reason: null;
  capture_method: 'automatic';
  client_secret: null;
  confirmation_method: 'automatic';
  created: Timestamp;
  currency: string;
  customer: string | null;
  customer_account: null;
  description: string | null;
  excluded_payment_method_types: null;
  last_payment_error: null;
  latest_charge: null;
  livemode: false;
  managed_payments: null;
  metadata: Metadata;
  next_action: null;
  on_behalf_of: null;
  payment_method: null;
  payment_method_configuration_details: null;
  payment_method_options: null;
  payment_method_types: string[];
  payment_record: null;
  processing: null;
  receipt_email: string | null;
  review: null;
  setup_future_usage: null;
  shipping: null;
  source: null;
  statement_descriptor: null;
  statement_descriptor_suffix: null;
  status: 'succeeded';
  transfer_group: null;
}

export type MeterFormula = 'sum' | 'count' | 'last';
export type MeterStatus = 'active' | 'inactive';

export interface Meter {
  id: string;
  object: 'billing.meter';
  created: Timestamp;
  customer_mapping: { event_payload_key: string; type: 'by_id' };
  default_aggregation: { formula: MeterFormula };
  display_name: string;
  event_name: string;
  /** Events pre-aggregated per window: only the latest event of each window counts. */
  event_time_window: 'day' | 'hour' | null;
  livemode: false;
  status: MeterStatus;
  status_transitions: { deactivated_at: Timestamp | null };
  updated: Timestamp;
  value_settings: { event_payload_key: string };
}

export interface MeterEvent {
  object: 'billing.meter_event';
  created: Timestamp;
  event_name: string;
  identifier: string;
  livemode: false;
  payload: Record<string, string>;
  timestamp: Timestamp;
}

export interface MeterEventSummary {
  id: string;
  object: 'billing.meter_event_summary';
  aggregated_value: number;
  end_time: Timestamp;
  livemode: false;
  meter: string;
  start_time: Timestamp;
}

/** Any object an event can carry. */
export type EventObject =
  Customer | Subscription | Invoice | CheckoutSession | Product | Price | PaymentIntent | Meter;

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
