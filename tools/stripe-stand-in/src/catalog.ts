import { z } from 'zod';
import { UNIT_AMOUNT_DECIMAL } from './money.js';
import type { Meter, Plan, Price, Product } from './objects.js';
import type { State } from './state.js';

const metadataSchema = z.record(z.string(), z.string());

/** A billing meter the stand-in is seeded with. */
export const catalogMeterSchema = z.object({
  meter_id: z.string().startsWith('mtr_'),
  event_name: z.string().min(1).max(100),
  display_name: z.string().min(1),
  formula: z.enum(['sum', 'count', 'last']).default('sum'),
  customer_payload_key: z.string().min(1).default('stripe_customer_id'),
  value_payload_key: z.string().min(1).default('value'),
  event_time_window: z.enum(['day', 'hour']).nullable().default(null),
});

/**
 * One price of the catalog, with its product. Recurring prices are licensed (a fixed amount
 * per period) or metered (billed on a meter's usage at period end); one-time prices are bought
 * in payment-mode Checkout.
 */
export const catalogEntrySchema = z
  .object({
    price_id: z.string().startsWith('price_'),
    lookup_key: z.string().min(1).nullable().default(null),
    nickname: z.string().nullable().default(null),
    unit_amount: z.number().int().nonnegative().optional(),
    unit_amount_decimal: z.string().regex(UNIT_AMOUNT_DECIMAL).optional(),
    currency: z
      .string()
      .regex(/^[a-z]{3}$/)
      .default('usd'),
    type: z.enum(['recurring', 'one_time']).default('recurring'),
    interval: z.enum(['day', 'week', 'month', 'year']).default('month'),
    interval_count: z.number().int().positive().default(1),
    usage_type: z.enum(['licensed', 'metered']).default('licensed'),
    meter: z.string().startsWith('mtr_').optional(),
    transform_quantity: z
      .object({ divide_by: z.number().int().positive(), round: z.enum(['up', 'down']) })
      .optional(),
    metadata: metadataSchema.default({}),
    product: z.object({
      id: z.string().startsWith('prod_'),
      name: z.string().min(1),
      description: z.string().nullable().default(null),
      metadata: metadataSchema.default({}),
    }),
  })
  .refine((entry) => (entry.unit_amount === undefined) !== (entry.unit_amount_decimal === undefined), {
    message: 'give exactly one of unit_amount and unit_amount_decimal',
  })
  .refine((entry) => (entry.usage_type === 'metered') === (entry.meter !== undefined), {
    message: 'a metered price needs a meter, and only a metered price takes one',
  })
  .refine((entry) => entry.type === 'recurring' || entry.usage_type === 'licensed', {
    message: 'a one-time price cannot be metered',
  });

/** Either a list of prices (meters none) or both lists. */
export const catalogSchema = z.union([
  z.array(catalogEntrySchema).min(1),
  z.object({
    meters: z.array(catalogMeterSchema).default([]),
    prices: z.array(catalogEntrySchema).min(1),
  }),
]);

export type CatalogEntry = z.input<typeof catalogEntrySchema>;
export type CatalogMeter = z.input<typeof catalogMeterSchema>;
export type Catalog =
  readonly CatalogEntry[] | { meters?: readonly CatalogMeter[]; prices: readonly CatalogEntry[] };

export const OVERAGE_METER_ID = 'mtr_keymeter_overage';
export const OVERAGE_EVENT_NAME = 'keymeter_overage_units';

const OVERAGE_PRODUCT = {
  id: 'prod_keymeter_overage',
  name: 'Keymeter overage',
  description: 'Calls above the plan’s monthly quota, billed per 1,000 at the end of the month',
};
const CREDITS_PRODUCT = {
  id: 'prod_keymeter_credits',
  name: 'Keymeter credits',
  description: 'Prepaid API calls, used after the monthly quota',
};

/** Keymeter's plans, overage and credit packs, as the dashboard and functions expect them. */
export const DEFAULT_CATALOG: { meters: readonly CatalogMeter[]; prices: readonly CatalogEntry[] } = {
  meters: [
    {
      meter_id: OVERAGE_METER_ID,
      event_name: OVERAGE_EVENT_NAME,
      display_name: 'Keymeter overage units',
      formula: 'sum',
      customer_payload_key: 'stripe_customer_id',
      value_payload_key: 'value',
    },
  ],
  prices: [
    {
      price_id: 'price_keymeter_pro_monthly',
      lookup_key: 'keymeter_pro_monthly',
      nickname: 'Pro monthly',
      unit_amount: 2900,
      currency: 'usd',
      interval: 'month',
      metadata: { plan_tier: 'pro' },
      product: {
        id: 'prod_keymeter_pro',
        name: 'Keymeter Pro',
        description: '100,000 calls per month, 600 calls per minute',
        metadata: { plan_tier: 'pro' },
      },
    },
    {
      price_id: 'price_keymeter_enterprise_monthly',
      lookup_key: 'keymeter_enterprise_monthly',
      nickname: 'Enterprise monthly',
      unit_amount: 49900,
      currency: 'usd',
      interval: 'month',
      metadata: { plan_tier: 'enterprise' },
      product: {
        id: 'prod_keymeter_enterprise',
        name: 'Keymeter Enterprise',
        description: '5,000,000 calls per month, 6,000 calls per minute',
        metadata: { plan_tier: 'enterprise' },
      },
    },
    {
      price_id: 'price_keymeter_pro_overage',
      lookup_key: 'keymeter_pro_overage',
      nickname: 'Pro overage, per 1,000 calls',
      unit_amount: 50,
      currency: 'usd',
      interval: 'month',
      usage_type: 'metered',
      meter: OVERAGE_METER_ID,
      transform_quantity: { divide_by: 1000, round: 'up' },
      metadata: { plan_tier: 'pro', kind: 'overage' },
      product: OVERAGE_PRODUCT,
    },
    {
      price_id: 'price_keymeter_enterprise_overage',
      lookup_key: 'keymeter_enterprise_overage',
      nickname: 'Enterprise overage, per 1,000 calls',
      unit_amount: 20,
      currency: 'usd',
      interval: 'month',
      usage_type: 'metered',
      meter: OVERAGE_METER_ID,
      transform_quantity: { divide_by: 1000, round: 'up' },
      metadata: { plan_tier: 'enterprise', kind: 'overage' },
      product: OVERAGE_PRODUCT,
    },
    {
      price_id: 'price_keymeter_credits_10k',
      lookup_key: 'keymeter_credits_10k',
      nickname: '10,000 credits',
      unit_amount: 500,
      currency: 'usd',
      type: 'one_time',
      metadata: { credit_units: '10000' },
      product: CREDITS_PRODUCT,
    },
    {
      price_id: 'price_keymeter_credits_100k',
      lookup_key: 'keymeter_credits_100k',
      nickname: '100,000 credits',
      unit_amount: 4000,
      currency: 'usd',
      type: 'one_time',
      metadata: { credit_units: '100000' },
      product: CREDITS_PRODUCT,
    },
  ],
};

function seedMeter(state: State, input: CatalogMeter, now: number): void {
  const entry = catalogMeterSchema.parse(input);
  const clash = [...state.meters.values()].find(
    (meter) =>
      meter.status === 'active' && meter.event_name === entry.event_name && meter.id !== entry.meter_id,
  );
  if (clash !== undefined) {
    throw new Error(
      `Catalog meter ${entry.meter_id} uses event_name ${entry.event_name}, already used by active meter ${clash.id}.`,
    );
  }
  const existing = state.meters.get(entry.meter_id);
  const meter: Meter = {
    id: entry.meter_id,
    object: 'billing.meter',
    created: existing?.created ?? now,
    customer_mapping: { event_payload_key: entry.customer_payload_key, type: 'by_id' },
    default_aggregation: { formula: entry.formula },
    display_name: entry.display_name,
    event_name: entry.event_name,
    event_time_window: entry.event_time_window,
    livemode: false,
    status: 'active',
    status_transitions: { deactivated_at: null },
    updated: now,
    value_settings: { event_payload_key: entry.value_payload_key },
  };
  state.meters.set(meter.id, meter);
  state.catalogIds.add(meter.id);
}

function seedPrice(state: State, input: CatalogEntry, now: number): void {
  const entry = catalogEntrySchema.parse(input);
  if (entry.meter !== undefined && !state.meters.has(entry.meter)) {
    throw new Error(
      `Catalog price ${entry.price_id} bills meter ${entry.meter}, which the catalog does not define.`,
    );
  }
  const existingProduct = state.products.get(entry.product.id);
  const product: Product = {
    id: entry.product.id,
    object: 'product',
    active: true,
    created: existingProduct?.created ?? now,
    default_price: existingProduct?.default_price ?? entry.price_id,
    description: entry.product.description,
    images: [],
    livemode: false,
    marketing_features: [],
    metadata: entry.product.metadata,
    name: entry.product.name,
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    tax_details: null,
    type: 'service',
    unit_label: null,
    updated: now,
    url: null,
  };
  state.products.set(product.id, product);
  state.catalogIds.add(product.id);
  if (entry.lookup_key !== null) {
    for (const other of state.prices.values()) {
      if (other.lookup_key === entry.lookup_key && other.id !== entry.price_id) other.lookup_key = null;
    }
  }
  const decimal = entry.unit_amount_decimal ?? String(entry.unit_amount ?? 0);
  const price: Price = {
    id: entry.price_id,
    object: 'price',
    active: true,
    billing_scheme: 'per_unit',
    created: state.prices.get(entry.price_id)?.created ?? now,
    currency: entry.currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: entry.lookup_key,
    metadata: entry.metadata,
    nickname: entry.nickname,
    product: product.id,
    recurring:
      entry.type === 'one_time'
        ? null
        : {
            interval: entry.interval,
            interval_count: entry.interval_count,
            meter: entry.meter ?? null,
            trial_period_days: null,
            usage_type: entry.usage_type,
          },
    tax_behavior: 'unspecified',
    tiers_mode: null,
    transform_quantity: entry.transform_quantity ?? null,
    type: entry.type,
    unit_amount: wholeAmount(decimal),
    unit_amount_decimal: decimal,
  };
  state.prices.set(price.id, price);
  state.catalogIds.add(price.id);
}

/** `unit_amount` mirrors `unit_amount_decimal` when it is a whole number, and is `null` otherwise. */
export function wholeAmount(decimal: string): number | null {
  const [whole = '0', fraction = ''] = decimal.split('.');
  return /^0*$/.test(fraction) ? Number(whole) : null;
}

function normalized(catalog: Catalog): { meters: readonly CatalogMeter[]; prices: readonly CatalogEntry[] } {
  return 'prices' in catalog
    ? { meters: catalog.meters ?? [], prices: catalog.prices }
    : { meters: [], prices: catalog };
}

/**
 * Writes the catalog into the state, replacing earlier versions of the same ids so a changed
 * catalog wins over a data file. Lookup keys stay unique, as Stripe keeps them: a key moved to
 * a new price is taken off the old one. Meters come first, since metered prices name them.
 */
export function seedCatalog(state: State, catalog: Catalog, now: number): void {
  const { meters, prices } = normalized(catalog);
  for (const meter of meters) seedMeter(state, meter, now);
  for (const price of prices) seedPrice(state, price, now);
}

/** The legacy plan object Stripe still mirrors from each recurring price. */
export function planFromPrice(price: Price): Plan {
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: 'per_unit',
    created: price.created,
    currency: price.currency,
    interval: price.recurring?.interval ?? 'month',
    interval_count: price.recurring?.interval_count ?? 1,
    livemode: false,
    metadata: price.metadata,
    meter: price.recurring?.meter ?? null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: null,
    transform_usage: price.transform_quantity,
    trial_period_days: price.recurring?.trial_period_days ?? null,
    usage_type: price.recurring?.usage_type ?? 'licensed',
  };
}
