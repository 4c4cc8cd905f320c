import {
  createPrice,
  createProduct,
  type NewProduct,
  type PriceChanges,
  updatePrice,
} from '../billing/prices.js';
import { normalizeDecimal, UNIT_AMOUNT_DECIMAL } from '../money.js';
import type { PriceRecurring, Product, TransformQuantity } from '../objects.js';
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
  readBoolean,
  readEnum,
  readHash,
  readInteger,
  readMetadata,
  readNullableString,
  readRange,
  readString,
  readStringArray,
  requireString,
} from './params.js';
import { type ApiContext, pathParam, route } from './route.js';

const INTERVALS = ['day', 'week', 'month', 'year'] as const;
/** Accepted by Stripe on price create; nothing the stand-in bills depends on them. */
const IGNORED_PRICE_PARAMS = ['currency_options', 'tax_behavior'];
/** Price features the stand-in does not bill correctly, refused rather than silently mispriced. */
const UNMODELLED_PRICE_PARAMS = ['custom_unit_amount', 'tiers', 'tiers_mode'];

function readCurrency(context: ApiContext): string {
  const currency = requireString(context.params, 'currency').toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) throw parameterInvalid('currency', `Invalid currency: ${currency}`);
  return currency;
}

function readUnitAmount(context: ApiContext): string {
  const { params } = context;
  const whole = readInteger(params, 'unit_amount', { min: 0 });
  const decimal = readString(params, 'unit_amount_decimal');
  if (whole !== undefined && decimal !== undefined) {
    throw invalidRequest(
      'You may only specify one of these parameters: unit_amount, unit_amount_decimal.',
      'unit_amount_decimal',
    );
  }
  if (decimal !== undefined) {
    if (!UNIT_AMOUNT_DECIMAL.test(decimal)) {
      throw parameterInvalid(
        'unit_amount_decimal',
        `Invalid decimal: ${decimal}`,
        'parameter_invalid_decimal',
      );
    }
    return normalizeDecimal(decimal);
  }
  if (whole === undefined) throw parameterMissing('unit_amount');
  return String(whole);
}

function readRecurring(context: ApiContext): PriceRecurring | null {
  const recurring = readHash(context.params, 'recurring');
  if (recurring === undefined) return null;
  const prefix = 'recurring';
  context.check(
    {
      supported: ['interval', 'interval_count', 'usage_type', 'meter', 'trial_period_days'],
      ignored: ['aggregate_usage'],
    },
    recurring,
    prefix,
  );
  const interval = readEnum(recurring, 'interval', INTERVALS, prefix);
  if (interval === undefined) throw parameterMissing('recurring[interval]');
  const usageType = readEnum(recurring, 'usage_type', ['licensed', 'metered'] as const, prefix) ?? 'licensed';
  const meter = readString(recurring, 'meter', prefix) ?? null;
  if (usageType === 'metered' && meter === null) {
    // Since 2025-03-31.basil a metered price bills a billing meter; usage records are gone.
    throw parameterMissing('recurring[meter]');
  }
  if (usageType === 'licensed' && meter !== null) {
    throw invalidRequest(
      'recurring[meter] can only be set on a price with recurring[usage_type]=metered.',
      'recurring[meter]',
    );
  }
  return {
    interval,
    interval_count: readInteger(recurring, 'interval_count', { min: 1, max: 365 }, prefix) ?? 1,
    meter,
    trial_period_days: readInteger(recurring, 'trial_period_days', { min: 1, max: 730 }, prefix) ?? null,
    usage_type: usageType,
  };
}

function readTransform(context: ApiContext): TransformQuantity | null {
  const transform = readHash(context.params, 'transform_quantity');
  if (transform === undefined) return null;
  const prefix = 'transform_quantity';
  context.check({ supported: ['divide_by', 'round'] }, transform, prefix);
  const divideBy = readInteger(transform, 'divide_by', { min: 1 }, prefix);
  if (divideBy === undefined) throw parameterMissing('transform_quantity[divide_by]');
  const round = readEnum(transform, 'round', ['up', 'down'] as const, prefix);
  if (round === undefined) throw parameterMissing('transform_quantity[round]');
  return { divide_by: divideBy, round };
}

function productFor(context: ApiContext): Product | NewProduct {
  const { core, params } = context;
  const id = readString(params, 'product');
  const data = readHash(params, 'product_data');
  if (id !== undefined && data !== undefined) {
    throw invalidRequest(
      'You may only specify one of these parameters: product, product_data.',
      'product_data',
    );
  }
  if (id !== undefined) {
    const product = core.state.products.get(id);
    if (product === undefined) throw resourceMissing('product', id, 'product');
    return product;
  }
  if (data === undefined) throw parameterMissing('product');
  context.check(
    {
      supported: ['id', 'name', 'metadata', 'active'],
      ignored: ['statement_descriptor', 'tax_code', 'tax_details', 'unit_label'],
    },
    data,
    'product_data',
  );
  return {
    id: readString(data, 'id', 'product_data') ?? null,
    name: requireString(data, 'name', 'product_data'),
    description: null,
    metadata: applyMetadata({}, readMetadata(data, 'metadata', 'product_data'), 'product_data[metadata]'),
    active: readBoolean(data, 'active', 'product_data') ?? true,
  };
}

function createFromParams(context: ApiContext): unknown {
  const { core, params } = context;
  context.check({
    supported: [
      'currency',
      'unit_amount',
      'unit_amount_decimal',
      'product',
      'product_data',
      'recurring',
      'transform_quantity',
      'lookup_key',
      'transfer_lookup_key',
      'nickname',
      'metadata',
      'active',
      'billing_scheme',
      ...UNMODELLED_PRICE_PARAMS,
    ],
    ignored: IGNORED_PRICE_PARAMS,
  });
  for (const param of UNMODELLED_PRICE_PARAMS) {
    if (params[param] !== undefined) throw notSupported(param, `${param} (tiered or customer-chosen prices)`);
  }
  if (readEnum(params, 'billing_scheme', ['per_unit', 'tiered'] as const) === 'tiered') {
    throw notSupported('billing_scheme', 'tiered prices');
  }
  const currency = readCurrency(context);
  const unitAmountDecimal = readUnitAmount(context);
  const recurring = readRecurring(context);
  const transformQuantity = readTransform(context);
  const lookupKey = readString(params, 'lookup_key') ?? null;
  if (lookupKey !== null && (lookupKey === '' || lookupKey.length > 200)) {
    throw parameterInvalid('lookup_key', 'lookup_key must be between 1 and 200 characters long.');
  }
  const nickname = readString(params, 'nickname') ?? null;
  const metadata = applyMetadata({}, readMetadata(params, 'metadata'));
  const active = readBoolean(params, 'active') ?? true;
  const transferLookupKey = readBoolean(params, 'transfer_lookup_key') ?? false;
  const product = productFor(context);
  return createPrice(core, {
    product,
    currency,
    unitAmountDecimal,
    recurring,
    transformQuantity,
    lookupKey,
    transferLookupKey,
    nickname,
    metadata,
    active,
  });
}

function updateFromParams(context: ApiContext): unknown {
  const { core, params } = context;
  context.check({
    supported: ['active', 'nickname', 'metadata', 'lookup_key', 'transfer_lookup_key'],
    ignored: ['currency_options', 'tax_behavior'],
  });
  const id = pathParam(context, 'id');
  const price = core.state.prices.get(id);
  if (price === undefined) throw resourceMissing('price', id);
  const changes: PriceChanges = { transferLookupKey: readBoolean(params, 'transfer_lookup_key') ?? false };
  const active = readBoolean(params, 'active');
  if (active !== undefined) changes.active = active;
  const nickname = readNullableString(params, 'nickname');
  if (nickname !== undefined) changes.nickname = nickname;
  const metadata = readMetadata(params, 'metadata');
  if (metadata !== undefined) changes.metadata = applyMetadata(price.metadata, metadata);
  const lookupKey = readNullableString(params, 'lookup_key');
  if (lookupKey !== undefined) changes.lookupKey = lookupKey;
  return updatePrice(core, id, changes);
}

export const priceRoutes = [
  route('POST', '/prices', createFromParams),

  route('POST', '/prices/:id', updateFromParams),

  route('POST', '/products', (context) => {
    context.check({
      supported: ['id', 'name', 'description', 'metadata', 'active'],
      ignored: [
        'default_price_data',
        'images',
        'marketing_features',
        'package_dimensions',
        'shippable',
        'statement_descriptor',
        'tax_code',
        'tax_details',
        'unit_label',
        'url',
      ],
    });
    const { params } = context;
    return createProduct(context.core, {
      id: readString(params, 'id') ?? null,
      name: requireString(params, 'name'),
      description: readNullableString(params, 'description') ?? null,
      metadata: applyMetadata({}, readMetadata(params, 'metadata')),
      active: readBoolean(params, 'active') ?? true,
    });
  }),

  route('GET', '/prices', (context) => {
    context.check({
      supported: [
        'active',
        'currency',
        'lookup_keys',
        'product',
        'type',
        'recurring',
        'created',
        ...LIST_PAGINATION,
      ],
    });
    const { params } = context;
    const active = readBoolean(params, 'active');
    const currency = readString(params, 'currency');
    const lookupKeys = readStringArray(params, 'lookup_keys');
    const product = readString(params, 'product');
    const type = readEnum(params, 'type', ['one_time', 'recurring'] as const);
    const created = readRange(params, 'created');
    const recurring = readHash(params, 'recurring');
    let interval: string | undefined;
    let usageType: string | undefined;
    let meter: string | undefined;
    if (recurring !== undefined) {
      context.check({ supported: ['interval', 'usage_type', 'meter'] }, recurring, 'recurring');
      interval = readEnum(recurring, 'interval', INTERVALS, 'recurring');
      usageType = readEnum(recurring, 'usage_type', ['licensed', 'metered'] as const, 'recurring');
      meter = readString(recurring, 'meter', 'recurring');
    }
    const prices = newestFirst(context.core.state.prices.values()).filter(
      (price) =>
        (active === undefined || price.active === active) &&
        (currency === undefined || price.currency === currency) &&
        (lookupKeys === undefined || (price.lookup_key !== null && lookupKeys.includes(price.lookup_key))) &&
        (product === undefined || price.product === product) &&
        (type === undefined || price.type === type) &&
        (interval === undefined || price.recurring?.interval === interval) &&
        (usageType === undefined || price.recurring?.usage_type === usageType) &&
        (meter === undefined || price.recurring?.meter === meter) &&
        inRange(price.created, created),
    );
    return paginate(prices, params, '/v1/prices', 'price');
  }),

  route('GET', '/prices/:id', (context) => {
    context.check({ supported: [] });
    const id = pathParam(context, 'id');
    const price = context.core.state.prices.get(id);
    if (price === undefined) throw resourceMissing('price', id);
    return price;
  }),

  route('GET', '/products', (context) => {
    context.check({
      supported: ['active', 'ids', 'created', ...LIST_PAGINATION],
      ignored: ['shippable', 'url'],
    });
    const active = readBoolean(context.params, 'active');
    const ids = readStringArray(context.params, 'ids');
    const created = readRange(context.params, 'created');
    const products = newestFirst(context.core.state.products.values()).filter(
      (product) =>
        (active === undefined || product.active === active) &&
        (ids === undefined || ids.includes(product.id)) &&
        inRange(product.created, created),
    );
    return paginate(products, context.params, '/v1/products', 'product');
  }),

  route('GET', '/products/:id', (context) => {
    context.check({ supported: [] });
    const id = pathParam(context, 'id');
    const product = context.core.state.products.get(id);
    if (product === undefined) throw resourceMissing('product', id);
    return product;
  }),
];
