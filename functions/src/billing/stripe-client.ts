import Stripe from 'stripe';
import type { StripeConfig } from './config.js';

/**
 * Pinned, so a change of the account's default API version in the Stripe dashboard never changes
 * the shapes this code reads. Moving it is a code change, made together with the SDK upgrade.
 */
export const STRIPE_API_VERSION = '2026-10-28.endive' satisfies Stripe.LatestApiVersion;

const clients = new WeakMap<StripeConfig, Stripe>();

/** One SDK client per configuration (and so per instance); pointed at the stand-in if configured. */
export function stripeClient(config: StripeConfig): Stripe {
  let client = clients.get(config);
  if (client === undefined) {
    client = new Stripe(config.secretKey, {
      apiVersion: STRIPE_API_VERSION,
      // Retries reuse the request's idempotency key, and 409 "key in use" conflicts are retried.
      maxNetworkRetries: 2,
      timeout: 10_000,
      appInfo: { name: 'Keymeter' },
      ...(config.api === null
        ? {}
        : { host: config.api.host, port: config.api.port, protocol: config.api.protocol }),
    });
    clients.set(config, client);
  }
  return client;
}
