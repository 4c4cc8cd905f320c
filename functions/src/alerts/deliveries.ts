/**
 * `webhook_deliveries/{id}`: one signed event for an account's webhook, attempted at once and
 * then on the backoff schedule (backoff.ts) by `retryWebhookDeliveries`, every minute, until a
 * 2xx or the last attempt. Each attempt is appended to the document's log (bounded: at most
 * MAX_ATTEMPTS entries), and the delivery ends `delivered` or `failed`.
 *
 * Webhooks are at least once, as everywhere: an attempt first takes a lease on the delivery
 * (so two runs never send it at the same time), sends, then records the outcome. An instance
 * that dies between sending and recording leaves the lease to expire and the delivery is sent
 * again; receivers deduplicate on `Keymeter-Event-Id`, which never changes for an event. The
 * body is stored once and sent byte for byte on every attempt; each attempt is signed afresh,
 * with its own timestamp, by the secret registered at that moment.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Timestamp, type DocumentReference } from 'firebase-admin/firestore';
import { z } from 'zod';
import { db } from '../lib/firebase.js';
import { WEBHOOK_DELIVERIES } from '../lib/collections.js';
import { log } from '../lib/log.js';
import {
  webhookDeliveryStatusSchema,
  webhookEventTypeSchema,
  type WebhookDelivery,
  type WebhookEvent,
  type WebhookEventType,
} from '../shared/contracts.js';
import { utcPeriod } from '../shared/dates.js';
import { toFiredAlert, type AlertDoc } from './alert-doc.js';
import { MAX_ATTEMPTS, nextAttemptAt } from './backoff.js';
import { readAlertSettings } from './settings.js';
import { sendSigned, type AttemptResult } from './webhook-send.js';
import type { Resolver, TargetPolicy } from './webhook-target.js';

const DAY_MS = 86_400_000;
/** Well past the last retry (about 45 h), long enough to read the log afterwards. */
const DELIVERY_TTL_MS = 30 * DAY_MS;
/** Longer than one attempt can take (RECEIVER_TIMEOUT_MS and the Firestore writes around it). */
const LEASE_MS = 60_000;
/** Deliveries one run of the retry function attempts; more due ones wait for the next minute. */
export const DUE_DELIVERIES_PER_RUN = 200;
const CONCURRENT_ATTEMPTS = 20;

const timestamp = z.instanceof(Timestamp);

const attemptDocSchema = z.object({
  at: timestamp,
  url: z.string(),
  status_code: z.number().int().nullable(),
  error: z.string().nullable(),
  duration_ms: z.number().nonnegative(),
});
type AttemptDoc = z.infer<typeof attemptDocSchema>;

export const deliveryDocSchema = z.object({
  account_id: z.string(),
  type: webhookEventTypeSchema,
  alert_id: z.string().nullable(),
  /** The event exactly as sent (and signed). */
  body: z.string(),
  status: webhookDeliveryStatusSchema,
  created_at: timestamp,
  next_attempt_at: timestamp.nullable(),
  lease_id: z.string().nullable(),
  lease_until: timestamp.nullable(),
  attempts: z.array(attemptDocSchema).max(MAX_ATTEMPTS),
  expire_at: timestamp,
});
export type DeliveryDoc = z.infer<typeof deliveryDocSchema>;

export function deliveriesCollection() {
  return db().collection(WEBHOOK_DELIVERIES);
}

/** An alert's delivery id, so a redelivered trigger finds the delivery it already made. */
export function alertDeliveryId(alertId: string): string {
  return `evt_${createHash('sha256').update(alertId).digest('hex').slice(0, 32)}`;
}

function newDelivery(
  id: string,
  accountId: string,
  type: WebhookEventType,
  alertId: string | null,
  created: Date,
  data: Record<string, unknown>,
  now: Date,
): DeliveryDoc {
  const event: WebhookEvent = {
    id,
    type,
    created: Math.floor(created.getTime() / 1000),
    account_id: accountId,
    data,
  };
  return {
    account_id: accountId,
    type,
    alert_id: alertId,
    body: JSON.stringify(event),
    status: 'pending',
    created_at: Timestamp.fromDate(now),
    next_attempt_at: Timestamp.fromDate(now),
    lease_id: null,
    lease_until: null,
    attempts: [],
    expire_at: Timestamp.fromMillis(now.getTime() + DELIVERY_TTL_MS),
  };
}

const ALREADY_EXISTS = 6;

function isAlreadyExists(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === ALREADY_EXISTS;
}

/** Creates the alert's delivery unless a delivery of it exists; resolves with its id either way. */
export async function createAlertDelivery(alertId: string, alert: AlertDoc, now: Date): Promise<string> {
  const id = alertDeliveryId(alertId);
  const { id: _, ...data } = toFiredAlert(alertId, alert);
  const doc = newDelivery(
    id,
    alert.account_id,
    `alert.${alert.kind}`,
    alertId,
    alert.fired_at.toDate(),
    { alert_id: alertId, ...data },
    now,
  );
  try {
    await deliveriesCollection().doc(id).create(doc);
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
  }
  return id;
}

/** A made-up quota alert, shaped as a real one, marked `test`. */
export async function createTestDelivery(accountId: string, now: Date): Promise<string> {
  const id = `evt_${randomBytes(16).toString('hex')}`;
  const data = {
    test: true,
    alert_id: null,
    kind: 'quota_threshold',
    threshold: 80,
    period: utcPeriod(now),
    key_id: null,
    meter: 'units',
    value: 800,
    limit: 1000,
    fired_at: now.toISOString(),
  };
  await deliveriesCollection()
    .doc(id)
    .create(newDelivery(id, accountId, 'alert.test', null, now, data, now));
  return id;
}

export interface AttemptOptions {
  now: Date;
  policy: TargetPolicy;
  resolve?: Resolver;
  timeoutMs?: number;
}

export type AttemptOutcome = 'delivered' | 'retry' | 'failed' | 'not_due';

interface Claim {
  leaseId: string;
  url: string;
  secret: string;
  body: string;
  attempt: number;
  accountId: string;
}

/** Takes the delivery's lease if it is pending and due; else what it is (not due, or done). */
async function claim(ref: DocumentReference, now: Date): Promise<Claim | AttemptOutcome> {
  return db().runTransaction(async (tx): Promise<Claim | AttemptOutcome> => {
    const snapshot = await tx.get(ref);
    const parsed = deliveryDocSchema.safeParse(snapshot.data());
    if (!parsed.success) return 'failed';
    const doc = parsed.data;
    if (doc.status !== 'pending') return doc.status === 'delivered' ? 'delivered' : 'failed';
    if (doc.next_attempt_at !== null && doc.next_attempt_at.toMillis() > now.getTime()) return 'not_due';
    if (doc.lease_until !== null && doc.lease_until.toMillis() > now.getTime()) return 'not_due';
    const settings = await readAlertSettings(doc.account_id, tx);
    if (settings.webhook === null) {
      // Removed since the event: nobody to send it to, now or later.
      const attempts = [
        ...doc.attempts,
        {
          at: Timestamp.fromDate(now),
          url: '',
          status_code: null,
          error: 'no webhook registered',
          duration_ms: 0,
        },
      ].slice(-MAX_ATTEMPTS);
      tx.update(ref, { status: 'failed', next_attempt_at: null, attempts });
      return 'failed';
    }
    const leaseId = randomBytes(8).toString('hex');
    tx.update(ref, { lease_id: leaseId, lease_until: Timestamp.fromMillis(now.getTime() + LEASE_MS) });
    return {
      leaseId,
      url: settings.webhook.url,
      secret: settings.webhook.secret,
      body: doc.body,
      attempt: doc.attempts.length + 1,
      accountId: doc.account_id,
    };
  });
}

async function record(
  ref: DocumentReference,
  leaseId: string,
  attempt: AttemptDoc,
  result: AttemptResult,
  now: Date,
): Promise<AttemptOutcome> {
  return db().runTransaction(async (tx): Promise<AttemptOutcome> => {
    const parsed = deliveryDocSchema.safeParse((await tx.get(ref)).data());
    if (!parsed.success) return 'failed';
    const doc = parsed.data;
    const attempts = [...doc.attempts, attempt].slice(-MAX_ATTEMPTS);
    const ours = doc.lease_id === leaseId;
    const lease = ours ? { lease_id: null, lease_until: null } : {};
    if (doc.status !== 'pending') {
      // Another run took over after our lease ran out and finished first: log ours, keep its end.
      tx.update(ref, { attempts, ...lease });
      return doc.status === 'delivered' ? 'delivered' : 'failed';
    }
    if (result.ok) {
      tx.update(ref, { status: 'delivered', next_attempt_at: null, attempts, ...lease });
      return 'delivered';
    }
    const next = attempts.length >= MAX_ATTEMPTS ? null : nextAttemptAt(attempts.length, now);
    tx.update(ref, {
      status: next === null ? 'failed' : 'pending',
      next_attempt_at: next === null ? null : Timestamp.fromDate(next),
      attempts,
      ...lease,
    });
    return next === null ? 'failed' : 'retry';
  });
}

/** One attempt of one delivery, if it is due; never throws for the receiver's failures. */
export async function attemptDelivery(id: string, options: AttemptOptions): Promise<AttemptOutcome> {
  const ref = deliveriesCollection().doc(id);
  const claimed = await claim(ref, options.now);
  if (typeof claimed === 'string') return claimed;
  const result = await sendSigned(
    {
      url: claimed.url,
      secret: claimed.secret,
      eventId: id,
      rawBody: claimed.body,
      timestamp: Math.floor(options.now.getTime() / 1000),
    },
    options.policy,
    {
      ...(options.resolve === undefined ? {} : { resolve: options.resolve }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    },
  );
  const attempt: AttemptDoc = {
    at: Timestamp.fromDate(options.now),
    url: claimed.url,
    status_code: result.status_code,
    error: result.error,
    duration_ms: result.duration_ms,
  };
  const outcome = await record(ref, claimed.leaseId, attempt, result, options.now);
  log.webhookAttempted({
    delivery_id: id,
    account_id: claimed.accountId,
    attempt: claimed.attempt,
    status_code: result.status_code,
    error: result.error,
    duration_ms: result.duration_ms,
    outcome,
  });
  return outcome;
}

export interface DueRun {
  attempted: number;
  outcomes: Record<AttemptOutcome, number>;
}

/** Attempts every delivery due at `now`, oldest first, at most DUE_DELIVERIES_PER_RUN of them. */
export async function runDueDeliveries(options: AttemptOptions & { limit?: number }): Promise<DueRun> {
  const due = await deliveriesCollection()
    .where('status', '==', 'pending')
    .where('next_attempt_at', '<=', Timestamp.fromDate(options.now))
    .orderBy('next_attempt_at')
    .limit(options.limit ?? DUE_DELIVERIES_PER_RUN)
    .select()
    .get();
  const outcomes: Record<AttemptOutcome, number> = { delivered: 0, retry: 0, failed: 0, not_due: 0 };
  const ids = due.docs.map((doc) => doc.id);
  const workers = Array.from({ length: Math.min(CONCURRENT_ATTEMPTS, ids.length) }, async () => {
    for (let id = ids.shift(); id !== undefined; id = ids.shift()) {
      outcomes[await attemptDelivery(id, options)] += 1;
    }
  });
  await Promise.all(workers);
  return { attempted: due.size, outcomes };
}

export function toWebhookDelivery(id: string, doc: DeliveryDoc): WebhookDelivery {
  return {
    id,
    type: doc.type,
    alert_id: doc.alert_id,
    status: doc.status,
    created_at: doc.created_at.toDate().toISOString(),
    next_attempt_at: doc.next_attempt_at?.toDate().toISOString() ?? null,
    attempts: doc.attempts.map((attempt) => ({
      at: attempt.at.toDate().toISOString(),
      url: attempt.url,
      status_code: attempt.status_code,
      error: attempt.error,
      duration_ms: attempt.duration_ms,
    })),
  };
}
