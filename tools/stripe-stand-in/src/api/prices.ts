import { resourceMissing } from './errors.js';
import { LIST_PAGINATION, newestFirst, paginate } from './list.js';
import {
  inRange,
  readBoolean,
  readEnum,
  readHash,
  readRange,
  readString,
  readStringArray,
} from './params.js';
import { pathParam, route } from './route.js';

export const priceRoutes = [
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
    if (recurring !== undefined) {
      context.check({ supported: ['interval', 'usage_type', 'meter'] }, recurring, 'recurring');
      interval = readEnum(recurring, 'interval', ['day', 'week', 'month', 'year'] as const, 'recurring');
    }
    const prices = newestFirst(context.core.state.prices.values()).filter(
      (price) =>
        (active === undefined || price.active === active) &&
        (currency === undefined || price.currency === currency) &&
        (lookupKeys === undefined || (price.lookup_key !== null && lookupKeys.includes(price.lookup_key))) &&
        (product === undefined || price.product === product) &&
        (type === undefined || price.type === type) &&
        (interval === undefined || price.recurring?.interval === interval) &&
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
