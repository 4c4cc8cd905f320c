import { z } from 'zod';
import type { Plan, Price, Product } from './objects.js';
import type { State } from './state.js';

const metadataSchema = z.record(z.string(), z.string());

/** One price of the catalog the stand-in is seeded with at every start. */
export const catalogEntrySchema = z.object({
  price_id: z.string().startsWith('price_'),
  lookup_key: z.string().min(1).nullable().default(null),
  nickname: z.string().nullable().default(null),
  unit_amount: z.number().int().nonnegative(),
  currency: z
    .string()
    .regex(/^[a-z]{3}$/)
    .default('usd'),
  interval: z.enum(['day', 'week', 'month', 'year']).default('month'),
  interval_count: z.number().int().positive().default(1),
  metadata: metadataSchema.default({}),
  product: z.object({
    id: z.string().startsWith('prod_'),
    name: z.string().min(1),
    description: z.string().nullable().default(null),
    metadata: metadataSchema.default({}),
  }),
});

export const catalogSchema = z.array(catalogEntrySchema).min(1);

export type CatalogEntry = z.input<typeof catalogEntrySchema>;

/** Keymeter's paid plans, as the dashboard and functions expect to find them in Stripe. */
export const DEFAULT_CATALOG: readonly CatalogEntry[] = [
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
];

/**
 * Writes the catalog into the state, replacing earlier versions of the same ids so a changed
 * catalog wins over a data file. Lookup keys stay unique, as Stripe keeps them: a key moved to
 * a new price is taken off the old one.
 */
export function seedCatalog(state: State, catalog: readonly CatalogEntry[], now: number): void {
  for (const input of catalog) {
    const entry = catalogEntrySchema.parse(input);
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
      type: 'service',
      unit_label: null,
      updated: now,
      url: null,
    };
    state.products.set(product.id, product);
    if (entry.lookup_key !== null) {
      for (const other of state.prices.values()) {
        if (other.lookup_key === entry.lookup_key && other.id !== entry.price_id) other.lookup_key = null;
      }
    }
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
      recurring: {
        interval: entry.interval,
        interval_count: entry.interval_count,
        meter: null,
        trial_period_days: null,
        usage_type: 'licensed',
      },
      tax_behavior: 'unspecified',
      tiers_mode: null,
      transform_quantity: null,
      type: 'recurring',
      unit_amount: entry.unit_amount,
      unit_amount_decimal: String(entry.unit_amount),
    };
    state.prices.set(price.id, price);
  }
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
    meter: null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: null,
    usage_type: 'licensed',
  };
}
