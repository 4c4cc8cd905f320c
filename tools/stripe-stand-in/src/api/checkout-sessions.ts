import {
  createCheckoutSession,
  expireCheckoutSession,
  getCheckoutSession,
  type NewCheckoutSession,
} from '../billing/checkout.js';
import { getCustomer } from '../billing/customers.js';
import type { Core } from '../core.js';
import type { CheckoutMode, CheckoutSession, Price } from '../objects.js';
import {
  invalidRequest,
  notSupported,
  parameterInvalid,
  parameterMissing,
  resourceMissing,
} from './errors.js';
import { LIST_PAGINATION, newestFirst, paginate } from './list.js';
import {
  applyMetadata,
  inRange,
  nestedName,
  type Params,
  readBoolean,
  readEnum,
  readHash,
  readHashArray,
  readInteger,
  readMetadata,
  readRange,
  readString,
} from './params.js';
import { type ApiContext, pathParam, route } from './route.js';

/** Real Checkout parameters the stand-in accepts and does not model (no tax, no collection UI). */
const IGNORED_SESSION_PARAMS = [
  'adaptive_pricing',
  'after_expiration',
  'allowed_payment_method_types',
  'automatic_tax',
  'billing_address_collection',
  'branding_settings',
  'consent_collection',
  'currency',
  'custom_fields',
  'custom_text',
  'customer_creation',
  'customer_update',
  'discounts',
  'excluded_payment_method_types',
  'integration_identifier',
  'invoice_creation',
  'locale',
  'managed_payments',
  'name_collection',
  'optional_items',
  'origin_context',
  'payment_method_collection',
  'payment_method_configuration',
  'payment_method_data',
  'payment_method_options',
  'payment_method_types',
  'permissions',
  'phone_number_collection',
  'saved_payment_method_options',
  'shipping_address_collection',
  'submit_type',
  'tax_id_collection',
  'wallet_options',
];

/** Real parameters that Stripe itself refuses for a hosted session, in every mode. */
const NOT_IN_HOSTED = ['return_url', 'redirect_on_completion'];
/** …and the ones that belong to the other mode. */
const NOT_IN_MODE: Record<CheckoutMode, readonly string[]> = {
  subscription: ['payment_intent_data', 'setup_intent_data', 'shipping_options'],
  payment: ['subscription_data', 'setup_intent_data'],
};

const IGNORED_PAYMENT_INTENT_DATA = [
  'application_fee_amount',
  'capture_method',
  'on_behalf_of',
  'receipt_email',
  'setup_future_usage',
  'shipping',
  'statement_descriptor',
  'statement_descriptor_suffix',
  'transfer_data',
  'transfer_group',
];

const IGNORED_SUBSCRIPTION_DATA = [
  'application_fee_percent',
  'billing_cycle_anchor',
  'billing_cycle_anchor_config',
  'billing_mode',
  'default_tax_rates',
  'invoice_settings',
  'on_behalf_of',
  'pending_invoice_item_interval',
  'proration_behavior',
  'transfer_data',
  'trial_end',
  'trial_settings',
];

function readUrl(params: Params, key: string): string | null {
  const value = readString(params, key);
  if (value === undefined || value === '') return null;
  try {
    const url = new URL(value.replaceAll('{CHECKOUT_SESSION_ID}', 'cs_placeholder'));
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw parameterInvalid(key, 'Not a valid URL', 'url_invalid');
  }
  return value;
}

function readLineItems(context: ApiContext, mode: CheckoutMode): { price: Price; quantity: number | null }[] {
  const items = readHashArray(context.params, 'line_items');
  if (items === undefined || items.length === 0) throw parameterMissing('line_items');
  const resolved = items.map((item, index) => {
    const prefix = nestedName('line_items', index);
    context.check(
      {
        supported: ['price', 'quantity'],
        ignored: ['adjustable_quantity', 'dynamic_tax_rates', 'metadata', 'tax_rates'],
      },
      item,
      prefix,
    );
    if (item.price_data !== undefined)
      throw notSupported(`${prefix}[price_data]`, 'inline price_data; pass a price id');
    const priceId = readString(item, 'price', prefix);
    if (priceId === undefined || priceId === '') throw parameterMissing(`${prefix}[price]`);
    const price = context.core.state.prices.get(priceId);
    if (price === undefined || !price.active) throw resourceMissing('price', priceId, `${prefix}[price]`);
    const quantity = readInteger(item, 'quantity', { min: 1, max: 999_999 }, prefix) ?? null;
    if (mode === 'payment' && price.recurring !== null) {
      throw invalidRequest(
        'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.',
        `${prefix}[price]`,
      );
    }
    if (mode === 'subscription' && price.recurring === null) {
      throw notSupported(`${prefix}[price]`, 'one-time prices in a subscription checkout');
    }
    if (price.recurring?.usage_type === 'metered') {
      if (quantity !== null) {
        throw parameterInvalid(
          `${prefix}[quantity]`,
          `Quantity should not be specified where usage_type is \`metered\`. Remove quantity from \`${prefix}\` and try again.`,
        );
      }
    } else if (quantity === null) {
      throw parameterMissing(`${prefix}[quantity]`);
    }
    return { price, quantity };
  });
  const first = resolved[0]?.price;
  resolved.forEach(({ price }) => {
    if (
      price.recurring?.interval !== first?.recurring?.interval ||
      price.recurring?.interval_count !== first?.recurring?.interval_count ||
      price.currency !== first?.currency
    ) {
      throw invalidRequest(
        'Checkout does not support multiple prices with different billing intervals or currencies.',
        'line_items',
      );
    }
  });
  return resolved;
}

function create(context: ApiContext): unknown {
  const { core, params } = context;
  context.check({
    supported: [
      'mode',
      'customer',
      'customer_email',
      'line_items',
      'client_reference_id',
      'success_url',
      'cancel_url',
      'metadata',
      'subscription_data',
      'allow_promotion_codes',
      'expires_at',
      'ui_mode',
      'payment_intent_data',
      'setup_intent_data',
      'shipping_options',
      ...NOT_IN_HOSTED,
    ],
    ignored: IGNORED_SESSION_PARAMS,
  });
  const requested = readEnum(params, 'mode', ['payment', 'setup', 'subscription'] as const);
  if (requested === undefined) throw parameterMissing('mode');
  if (requested === 'setup')
    throw notSupported('mode', 'mode=setup (payment and subscription Checkout are modelled)');
  const mode: CheckoutMode = requested;
  const uiMode = readEnum(params, 'ui_mode', ['elements', 'embedded_page', 'form', 'hosted_page'] as const);
  if (uiMode !== undefined && uiMode !== 'hosted_page')
    throw notSupported('ui_mode', `ui_mode=${uiMode} (only hosted_page Checkout is modelled)`);
  for (const unsupported of [...NOT_IN_HOSTED, ...NOT_IN_MODE[mode]]) {
    if (params[unsupported] !== undefined) {
      throw invalidRequest(
        `You can not pass \`${unsupported}\` in \`${mode}\` mode with hosted Checkout.`,
        unsupported,
      );
    }
  }

  const customerId = readString(params, 'customer');
  const customerEmail = readString(params, 'customer_email');
  if (customerId !== undefined && customerEmail !== undefined) {
    throw invalidRequest(
      'You may only specify one of these parameters: customer, customer_email.',
      'customer_email',
    );
  }
  const customer = customerId === undefined ? null : getCustomer(core, customerId, 'customer');
  const lineItems = readLineItems(context, mode);
  const clientReferenceId = readString(params, 'client_reference_id') ?? null;
  if (clientReferenceId !== null && clientReferenceId.length > 200) {
    throw parameterInvalid('client_reference_id', 'client_reference_id must be at most 200 characters long.');
  }
  const subscriptionData = readHash(params, 'subscription_data') ?? {};
  context.check(
    { supported: ['metadata', 'trial_period_days', 'description'], ignored: IGNORED_SUBSCRIPTION_DATA },
    subscriptionData,
    'subscription_data',
  );
  const paymentIntentData = readHash(params, 'payment_intent_data') ?? {};
  context.check(
    { supported: ['metadata', 'description'], ignored: IGNORED_PAYMENT_INTENT_DATA },
    paymentIntentData,
    'payment_intent_data',
  );
  const expiresAt = readInteger(params, 'expires_at') ?? null;
  const now = core.clock.now();
  if (expiresAt !== null && (expiresAt < now + 30 * 60 || expiresAt > now + 24 * 60 * 60)) {
    throw parameterInvalid(
      'expires_at',
      'The `expires_at` timestamp must be between 30 minutes and 24 hours after the Checkout Session is created.',
    );
  }

  const input: NewCheckoutSession = {
    mode,
    customer,
    customerEmail: customerEmail ?? null,
    lineItems,
    clientReferenceId,
    successUrl: readUrl(params, 'success_url'),
    cancelUrl: readUrl(params, 'cancel_url'),
    metadata: applyMetadata({}, readMetadata(params, 'metadata')),
    subscriptionData: {
      metadata: applyMetadata(
        {},
        readMetadata(subscriptionData, 'metadata', 'subscription_data'),
        'subscription_data[metadata]',
      ),
      trialPeriodDays:
        readInteger(subscriptionData, 'trial_period_days', { min: 1, max: 730 }, 'subscription_data') ?? null,
      description: readString(subscriptionData, 'description', 'subscription_data') ?? null,
    },
    paymentIntentData: {
      metadata: applyMetadata(
        {},
        readMetadata(paymentIntentData, 'metadata', 'payment_intent_data'),
        'payment_intent_data[metadata]',
      ),
      description: readString(paymentIntentData, 'description', 'payment_intent_data') ?? null,
    },
    allowPromotionCodes: readBoolean(params, 'allow_promotion_codes') ?? null,
    expiresAt,
  };
  return createCheckoutSession(core, input);
}

function sessionsOf(core: Core): CheckoutSession[] {
  return newestFirst([...core.state.checkoutSessions.values()].map((record) => record.session));
}

export const checkoutSessionRoutes = [
  route('POST', '/checkout/sessions', create),

  route('GET', '/checkout/sessions', (context) => {
    context.check({
      supported: ['customer', 'status', 'subscription', 'payment_intent', 'created', ...LIST_PAGINATION],
      ignored: ['customer_account', 'customer_details', 'payment_link'],
    });
    const paymentIntent = readString(context.params, 'payment_intent');
    const customer = readString(context.params, 'customer');
    const status = readEnum(context.params, 'status', ['complete', 'expired', 'open'] as const);
    const subscription = readString(context.params, 'subscription');
    const created = readRange(context.params, 'created');
    const sessions = sessionsOf(context.core).filter(
      (session) =>
        (customer === undefined || session.customer === customer) &&
        (status === undefined || session.status === status) &&
        (subscription === undefined || session.subscription === subscription) &&
        (paymentIntent === undefined || session.payment_intent === paymentIntent) &&
        inRange(session.created, created),
    );
    return paginate(sessions, context.params, '/v1/checkout/sessions', 'checkout.session');
  }),

  route('GET', '/checkout/sessions/:id', (context) => {
    context.check({ supported: [] });
    return getCheckoutSession(context.core, pathParam(context, 'id')).session;
  }),

  route('GET', '/checkout/sessions/:id/line_items', (context) => {
    context.check({ supported: [...LIST_PAGINATION] });
    const id = pathParam(context, 'id');
    const record = getCheckoutSession(context.core, id);
    return paginate(record.line_items, context.params, `/v1/checkout/sessions/${id}/line_items`, 'line item');
  }),

  route('POST', '/checkout/sessions/:id/expire', (context) => {
    context.check({ supported: [] });
    return expireCheckoutSession(context.core, getCheckoutSession(context.core, pathParam(context, 'id')));
  }),
];
