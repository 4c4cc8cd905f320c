/**
 * The naive design the benchmark compares Keymeter with: on every call, query the key by hash,
 * write one usage event, update `last_used_at`; a trigger folds each event with two increments
 * (the account's daily document and the key's monthly counter). Same handler, same checks.
 */
import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { FieldValue, Timestamp } from 'firebase-admin/firestore';
import type { ApiHandler } from '../../functions/src/keys/with-api-key.js';
import { readKeyDoc } from '../../functions/src/keys/key-doc.js';
import { db } from '../../functions/src/lib/firebase.js';
import { utcDate } from '../../functions/src/shared/dates.js';

export const BASELINE_EVENTS = 'bench_baseline_events';
export const BASELINE_DAILY = 'bench_baseline_daily';

export const baselineMetrics = { awaitedRoundTrips: 0 };

export interface BaselineEvent {
  id: string;
  key_id: string;
  account_id: string;
  endpoint: string;
  status: number;
  latency_ms: number;
  date: string;
}

function refuse(res: Response, status: number, code: string): void {
  res.status(status).json({ error: { code, message: code } });
}

export function baselineWithApiKey(
  endpoint: string,
  handler: ApiHandler,
  onEvent: (event: BaselineEvent) => void,
): RequestHandler {
  return async (req: Request, res: Response) => {
    const startedAt = performance.now();
    const presented = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (presented === undefined) return refuse(res, 401, 'missing_api_key');
    const hash = createHash('sha256').update(presented).digest('hex');
    baselineMetrics.awaitedRoundTrips += 1;
    const snapshot = await db().collection('api_keys').where('key_hash', '==', hash).limit(1).get();
    const found = snapshot.docs[0];
    if (found === undefined) return refuse(res, 401, 'unknown_api_key');
    const key = readKeyDoc(found.data());
    if (!key.is_active) return refuse(res, 401, 'revoked_api_key');

    const result = await handler(req, {
      key: { id: found.id, doc: key },
      requestId: 'baseline',
    });
    const status = result.status ?? 200;
    const event = {
      key_id: found.id,
      account_id: key.account_id,
      endpoint,
      method: req.method,
      status,
      latency_ms: performance.now() - startedAt,
      at: Timestamp.now(),
    };
    const ref = db().collection(BASELINE_EVENTS).doc();
    baselineMetrics.awaitedRoundTrips += 1;
    await Promise.all([ref.create(event), found.ref.update({ last_used_at: event.at })]);
    onEvent({ id: ref.id, ...event, date: utcDate(event.at.toDate()) });
    res.status(status).json(result.body);
  };
}

/** The naive trigger: two increments per event, and nothing that would make a redelivery safe. */
export async function baselineFold(event: BaselineEvent): Promise<void> {
  const firestore = db();
  await Promise.all([
    firestore
      .collection(BASELINE_DAILY)
      .doc(`${event.account_id}_${event.date}`)
      .set(
        {
          account_id: event.account_id,
          date: event.date,
          total_requests: FieldValue.increment(1),
          error_count: FieldValue.increment(event.status >= 400 ? 1 : 0),
          latency_ms_sum: FieldValue.increment(event.latency_ms),
          requests_by_endpoint: { [event.endpoint]: FieldValue.increment(1) },
          requests_by_status: { [String(event.status)]: FieldValue.increment(1) },
          requests_by_key: { [event.key_id]: FieldValue.increment(1) },
        },
        { merge: true },
      ),
    firestore
      .collection('api_keys')
      .doc(event.key_id)
      .update({ monthly_usage: FieldValue.increment(1) }),
  ]);
}
