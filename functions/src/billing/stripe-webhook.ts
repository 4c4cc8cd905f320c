/**
 * `POST /stripe/webhook` (Hosting rewrites it to `stripeWebhook`): the one handler of Stripe's
 * events. It answers 2xx only once the account is saved, 400 `invalid_signature` without
 * touching anything, and 5xx when something failed on the way, so that Stripe retries.
 */
import express, { type Express, type Request, type Response } from 'express';
import { onRequest } from 'firebase-functions/v2/https';
import Stripe from 'stripe';
import { z } from 'zod';
import { ApiError } from '../http/api-error.js';
import { errorMiddleware, notFoundMiddleware } from '../http/errors.js';
import { assignRequestId } from '../http/request-id.js';
import { mountRoutes } from '../http/routes.js';
import { setSecurityHeaders } from '../http/security-headers.js';
import { log } from '../lib/log.js';
import { creditPackPrices, WEBHOOK_SECRETS, webhookConfig } from './config.js';
import { applyCreditPurchase, type CreditOutcome } from './credit-purchase.js';
import { stripeClient } from './stripe-client.js';
import { syncAccountFromStripe, type SyncOutcome } from './sync-account.js';
import { eventSubject, isHandledEventType, paymentSessionOf } from './webhook-events.js';

/** Stripe's default: a signature older than five minutes is refused (replayed requests). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export interface WebhookAnswer {
  received: true;
  outcome: SyncOutcome | CreditOutcome | 'ignored';
}

function rawBodyOf(req: Request): Buffer | undefined {
  const raw: unknown = (req as Request & { rawBody?: unknown }).rawBody;
  return Buffer.isBuffer(raw) ? raw : undefined;
}

function rejected(reason: string, detail?: string): ApiError {
  log.stripeWebhookRejected({ reason, ...(detail === undefined ? {} : { detail }) });
  return new ApiError(
    'invalid_signature',
    'The Stripe-Signature header is missing or does not match the request body.',
  );
}

/** The event, if the signature over the exact bytes Stripe sent holds. */
function verifiedEvent(req: Request, stripe: Stripe, secret: string): Stripe.Event {
  const signature = req.headers['stripe-signature'];
  if (typeof signature !== 'string' || signature === '') throw rejected('missing_signature');
  const raw = rawBodyOf(req);
  if (raw === undefined || raw.length === 0) throw rejected('missing_body');
  try {
    return stripe.webhooks.constructEvent(raw, signature, secret, SIGNATURE_TOLERANCE_SECONDS);
  } catch (error) {
    // The SDK throws plain errors too for some malformed headers (e.g. an empty `v1=`): a request
    // that cannot be verified is refused, whatever the reason.
    const detail =
      error instanceof Stripe.errors.StripeSignatureVerificationError ? error.message : 'malformed header';
    throw rejected('invalid_signature', detail);
  }
}

/**
 * What the handler reads of every event. Signed does not mean well-formed: the id names a
 * Firestore document (the idempotency marker), so it must be one Stripe could have made.
 */
const stripeEventSchema = z.object({
  id: z.string().regex(/^evt_\w{1,250}$/),
  type: z.string().min(1).max(255),
  created: z.number().int().nonnegative(),
  data: z.object({ object: z.unknown() }),
});

function answer(res: Response, outcome: WebhookAnswer['outcome']): void {
  const body: WebhookAnswer = { received: true, outcome };
  res.json(body);
}

export async function receiveStripeWebhook(req: Request, res: Response): Promise<void> {
  const config = webhookConfig();
  const stripe = stripeClient(config);
  const parsed = stripeEventSchema.safeParse(verifiedEvent(req, stripe, config.webhookSecret));
  if (!parsed.success) {
    log.stripeWebhookRejected({ reason: 'malformed_event' });
    throw new ApiError('invalid_request', 'The body is signed but is not a Stripe event.');
  }
  const event = parsed.data;
  const fields = { event_id: event.id, type: event.type };
  if (!isHandledEventType(event.type)) {
    log.stripeWebhookIgnored({ ...fields, reason: 'type_not_handled' });
    answer(res, 'ignored');
    return;
  }
  const paymentSession = paymentSessionOf(event);
  if (paymentSession !== null) {
    // Missing pack prices are a 503 like the rest of the configuration: Stripe retries the event.
    const prices = creditPackPrices('stripeWebhook');
    const result = await applyCreditPurchase(stripe, prices, event, paymentSession).catch(
      (error: unknown) => {
        log.stripeWebhookFailed(fields, error);
        throw new ApiError(
          'unavailable',
          'The event could not be processed now; Stripe will deliver it again.',
        );
      },
    );
    if (result.outcome !== 'applied') log.stripeWebhookIgnored({ ...fields, reason: result.outcome });
    answer(res, result.outcome);
    return;
  }
  const subject = eventSubject(event);
  if (subject.customerId === null) {
    log.stripeWebhookIgnored({ ...fields, reason: 'no_customer' });
    answer(res, 'ignored');
    return;
  }

  const result = await syncAccountFromStripe(stripe, config.prices, event, {
    ...subject,
    customerId: subject.customerId,
  }).catch((error: unknown) => {
    log.stripeWebhookFailed(fields, error);
    throw new ApiError('unavailable', 'The event could not be processed now; Stripe will deliver it again.');
  });
  if (result.outcome === 'applied') {
    log.stripeWebhookApplied({
      ...fields,
      account_id: result.accountId,
      customer_id: subject.customerId,
      plan_tier: result.state.plan_tier,
      subscription_status: result.state.subscription_status,
    });
  } else {
    log.stripeWebhookIgnored({ ...fields, reason: result.outcome });
  }
  answer(res, result.outcome);
}

export function createWebhookApp(): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(assignRequestId);
  app.use(setSecurityHeaders);
  const router = express.Router();
  // Through Hosting the path is /stripe/webhook; on the function's own URL it is /.
  mountRoutes(router, [
    { method: 'POST', path: '/stripe/webhook', handler: receiveStripeWebhook },
    { method: 'POST', path: '/', handler: receiveStripeWebhook },
  ]);
  app.use(router);
  app.use(notFoundMiddleware);
  app.use(errorMiddleware);
  return app;
}

export const stripeWebhook = onRequest(
  { invoker: 'public', secrets: WEBHOOK_SECRETS, timeoutSeconds: 60 },
  createWebhookApp(),
);
