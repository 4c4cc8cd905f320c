import { invalidRequest, resourceMissing } from '../api/errors.js';
import { wholeAmount } from '../catalog.js';
import type { Core } from '../core.js';
import { changedAttributes } from '../events.js';
import { newId } from '../ids.js';
import type { Metadata, Price, PriceRecurring, Product, TransformQuantity } from '../objects.js';
import { getMeter } from './meters.js';

export interface NewProduct {
  id: string | null;
  name: string;
  description: string | null;
  metadata: Metadata;
  active: boolean;
}

export function createProduct(core: Core, input: NewProduct): Product {
  const id = input.id ?? newId('prod', 14);
  if (core.state.products.has(id)) {
    throw invalidRequest(`Product already exists.`, 'id', 'resource_already_exists');
  }
  const now = core.clock.now();
  const product: Product = {
    id,
    object: 'product',
    active: input.active,
    created: now,
    default_price: null,
    description: input.description,
    images: [],
    livemode: false,
    marketing_features: [],
    metadata: { ...input.metadata },
    name: input.name,
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
  core.state.products.set(id, product);
  core.events.emit('product.created', product);
  return product;
}

export interface NewPrice {
  /** An existing product, or one to create with the price (`product_data`). */
  product: Product | NewProduct;
  currency: string;
  /** In the currency's smallest unit, possibly fractional: `"2900"`, `"0.05"`. */
  unitAmountDecimal: string;
  recurring: PriceRecurring | null;
  transformQuantity: TransformQuantity | null;
  lookupKey: string | null;
  transferLookupKey: boolean;
  nickname: string | null;
  metadata: Metadata;
  active: boolean;
}

/** A lookup key names one price: moving it needs `transfer_lookup_key`, as at Stripe. */
function assertLookupKeyFree(core: Core, key: string, transfer: boolean, priceId: string): void {
  if (transfer) return;
  for (const other of core.state.prices.values()) {
    if (other.lookup_key === key && other.id !== priceId) {
      throw invalidRequest(
        `A price (\`${other.id}\`) already uses that lookup key. Pass transfer_lookup_key=true to move it.`,
        'lookup_key',
      );
    }
  }
}

function takeLookupKey(core: Core, key: string, priceId: string): void {
  for (const other of core.state.prices.values()) {
    if (other.lookup_key !== key || other.id === priceId) continue;
    const before = structuredClone(other);
    other.lookup_key = null;
    core.events.emit('price.updated', other, changedAttributes(before, other));
  }
}

/** Everything is checked before anything is written, so a refused price leaves no product behind. */
export function createPrice(core: Core, input: NewPrice): Price {
  const meterId = input.recurring?.meter ?? null;
  if (meterId !== null) {
    const meter = getMeter(core, meterId, 'recurring[meter]');
    if (meter.status !== 'active') {
      throw invalidRequest("You can't attach a deactivated meter to a price.", 'recurring[meter]');
    }
  }
  const id = newId('price', 24);
  if (input.lookupKey !== null) assertLookupKeyFree(core, input.lookupKey, input.transferLookupKey, id);
  if (
    !('object' in input.product) &&
    input.product.id !== null &&
    core.state.products.has(input.product.id)
  ) {
    throw invalidRequest('Product already exists.', 'product_data[id]', 'resource_already_exists');
  }
  const product = 'object' in input.product ? input.product : createProduct(core, input.product);
  if (input.lookupKey !== null) takeLookupKey(core, input.lookupKey, id);
  const price: Price = {
    id,
    object: 'price',
    active: input.active,
    billing_scheme: 'per_unit',
    created: core.clock.now(),
    currency: input.currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: input.lookupKey,
    metadata: { ...input.metadata },
    nickname: input.nickname,
    product: product.id,
    recurring: input.recurring,
    tax_behavior: 'unspecified',
    tiers_mode: null,
    transform_quantity: input.transformQuantity,
    type: input.recurring === null ? 'one_time' : 'recurring',
    unit_amount: wholeAmount(input.unitAmountDecimal),
    unit_amount_decimal: input.unitAmountDecimal,
  };
  core.state.prices.set(id, price);
  if (product.default_price === null) product.default_price = id;
  core.events.emit('price.created', price);
  return price;
}

export interface PriceChanges {
  active?: boolean;
  nickname?: string | null;
  metadata?: Metadata;
  lookupKey?: string | null;
  transferLookupKey: boolean;
}

export function updatePrice(core: Core, id: string, changes: PriceChanges): Price {
  const price = core.state.prices.get(id);
  if (price === undefined) throw resourceMissing('price', id);
  const before = structuredClone(price);
  if (changes.lookupKey !== undefined) {
    if (changes.lookupKey !== null) {
      assertLookupKeyFree(core, changes.lookupKey, changes.transferLookupKey, id);
      takeLookupKey(core, changes.lookupKey, id);
    }
    price.lookup_key = changes.lookupKey;
  }
  if (changes.active !== undefined) price.active = changes.active;
  if (changes.nickname !== undefined) price.nickname = changes.nickname;
  if (changes.metadata !== undefined) price.metadata = changes.metadata;
  const previous = changedAttributes(before, price);
  if (previous !== undefined) core.events.emit('price.updated', price, previous);
  return price;
}
