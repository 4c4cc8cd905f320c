import { billingPortalRoutes } from './billing-portal-sessions.js';
import { checkoutSessionRoutes } from './checkout-sessions.js';
import { customerRoutes } from './customers.js';
import { eventRoutes } from './events.js';
import { invoiceRoutes } from './invoices.js';
import { meterRoutes } from './meters.js';
import { paymentIntentRoutes } from './payment-intents.js';
import { priceRoutes } from './prices.js';
import type { ApiRoute } from './route.js';
import { subscriptionItemRoutes } from './subscription-items.js';
import { subscriptionRoutes } from './subscriptions.js';
import { webhookEndpointRoutes } from './webhook-endpoints.js';

/** Every `/v1` endpoint the stand-in serves; anything else gets Stripe's unrecognized-URL error. */
export const apiRoutes: readonly ApiRoute[] = [
  ...customerRoutes,
  ...priceRoutes,
  ...checkoutSessionRoutes,
  ...billingPortalRoutes,
  ...subscriptionRoutes,
  ...subscriptionItemRoutes,
  ...invoiceRoutes,
  ...meterRoutes,
  ...paymentIntentRoutes,
  ...eventRoutes,
  ...webhookEndpointRoutes,
];
