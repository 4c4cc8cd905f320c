/**
 * Stripe being down or unreachable is a passing outage, not our bug: the dashboard's billing
 * routes answer it with 503 `billing_unavailable` and `Retry-After`, and nothing is written (each
 * route calls Stripe before it writes). The rest of the dashboard and `/v1` never call Stripe.
 */
import type { Request, RequestHandler, Response } from 'express';
import Stripe from 'stripe';
import { ApiError } from '../http/api-error.js';
import { log } from '../lib/log.js';

export const BILLING_RETRY_AFTER_SECONDS = 30;

/** No answer, a 5xx, or Stripe's rate limit: the same request may work in a while. */
export function isStripeOutage(error: unknown): boolean {
  if (error instanceof Stripe.errors.StripeConnectionError) return true;
  if (error instanceof Stripe.errors.StripeRateLimitError) return true;
  if (error instanceof Stripe.errors.StripeAPIError) return true;
  return error instanceof Stripe.errors.StripeError && (error.statusCode ?? 0) >= 500;
}

export function billingUnavailable(): ApiError {
  return new ApiError(
    'billing_unavailable',
    'Billing is unavailable for now: our payment provider cannot be reached. Nothing was charged or changed; try again shortly.',
    undefined,
    { 'Retry-After': String(BILLING_RETRY_AFTER_SECONDS) },
  );
}

/** A billing route whose Stripe outages become `billing_unavailable` instead of `internal`. */
export function billingRoute(
  route: string,
  handler: (req: Request, res: Response) => Promise<void>,
): RequestHandler {
  return async (req, res) => {
    try {
      await handler(req, res);
    } catch (error) {
      if (!isStripeOutage(error)) throw error;
      log.stripeUnavailable({ route }, error);
      throw billingUnavailable();
    }
  };
}
