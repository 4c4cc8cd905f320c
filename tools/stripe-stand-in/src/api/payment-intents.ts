import { getPaymentIntent } from '../billing/payment-intents.js';
import { LIST_PAGINATION, newestFirst, paginate } from './list.js';
import { inRange, readRange, readString } from './params.js';
import { pathParam, route } from './route.js';

/** Read-only: payment intents come from payment-mode Checkout, not from `POST /v1/payment_intents`. */
export const paymentIntentRoutes = [
  route('GET', '/payment_intents', (context) => {
    context.check({ supported: ['customer', 'created', ...LIST_PAGINATION], ignored: ['customer_account'] });
    const customer = readString(context.params, 'customer');
    const created = readRange(context.params, 'created');
    const intents = newestFirst(context.core.state.paymentIntents.values()).filter(
      (intent) =>
        (customer === undefined || intent.customer === customer) && inRange(intent.created, created),
    );
    return paginate(intents, context.params, '/v1/payment_intents', 'payment_intent');
  }),

  route('GET', '/payment_intents/:id', (context) => {
    context.check({ supported: ['client_secret'] });
    return getPaymentIntent(context.core, pathParam(context, 'id'), 'intent');
  }),
];
