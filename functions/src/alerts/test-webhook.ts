import type { Request, Response } from 'express';
import { accountFor } from '../accounts/access.js';
import { ApiError } from '../http/api-error.js';
import { RateLimiter } from '../lib/rate-limiter.js';
import type { WebhookDeliveryResponse } from '../shared/contracts.js';
import {
  attemptDelivery,
  createTestDelivery,
  deliveriesCollection,
  deliveryDocSchema,
  toWebhookDelivery,
} from './deliveries.js';
import { readAlertSettings } from './settings.js';
import { currentPolicy } from './webhook-target.js';

/** Each test makes our servers call the account's URL: a few a minute are plenty. */
const TESTS_PER_MINUTE = 10;
const limiter = new RateLimiter(60_000);

/**
 * POST /alerts/webhook/test: an `alert.test` event to the registered webhook, attempted before
 * answering (at most the receiver's 10 s); if that attempt fails it is retried like any other.
 */
export async function testWebhook(_req: Request, res: Response): Promise<void> {
  const account = accountFor(res, 'manage_alerts');
  const now = Date.now();
  const state = limiter.peek(account.id, TESTS_PER_MINUTE, now);
  if (!state.allowed) {
    const retryAfter = Math.max(1, Math.ceil((state.resetAt - now) / 1000));
    throw new ApiError(
      'rate_limited',
      `At most ${TESTS_PER_MINUTE} test events a minute. Retry in ${retryAfter} s.`,
      undefined,
      { 'Retry-After': String(retryAfter) },
    );
  }
  const settings = await readAlertSettings(account.id);
  if (settings.webhook === null) throw new ApiError('conflict', 'Register a webhook URL first.');
  limiter.consume(account.id, TESTS_PER_MINUTE, now);
  const id = await createTestDelivery(account.id, new Date(now));
  await attemptDelivery(id, { now: new Date(), policy: currentPolicy() });
  const doc = deliveryDocSchema.parse((await deliveriesCollection().doc(id).get()).data());
  const response: WebhookDeliveryResponse = { delivery: toWebhookDelivery(id, doc) };
  res.status(201).json(response);
}
