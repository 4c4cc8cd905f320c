import { getSubscription } from '../billing/subscriptions.js';
import type { SubscriptionItem } from '../objects.js';
import { resourceMissing } from './errors.js';
import { LIST_PAGINATION, paginate } from './list.js';
import { requireString } from './params.js';
import { pathParam, route } from './route.js';

export const subscriptionItemRoutes = [
  route('GET', '/subscription_items', (context) => {
    context.check({ supported: ['subscription', ...LIST_PAGINATION] });
    const subscription = getSubscription(
      context.core,
      requireString(context.params, 'subscription'),
      'subscription',
    );
    return paginate(
      subscription.items.data,
      context.params,
      `/v1/subscription_items?subscription=${subscription.id}`,
      'subscription_item',
    );
  }),

  route('GET', '/subscription_items/:id', (context) => {
    context.check({ supported: [] });
    const id = pathParam(context, 'id');
    let found: SubscriptionItem | undefined;
    for (const subscription of context.core.state.subscriptions.values()) {
      found ??= subscription.items.data.find((item) => item.id === id);
    }
    if (found === undefined) throw resourceMissing('subscription_item', id);
    return found;
  }),
];
