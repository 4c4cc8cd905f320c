import type { Request, Response } from 'express';
import { accountFor } from '../accounts/access.js';
import { queryOf } from '../http/routes.js';
import { takeRouteBudget } from '../http/route-limits.js';
import { readOwnedKey } from '../keys/owned-key.js';
import { db } from '../lib/firebase.js';
import { API_USAGE_EVENTS } from '../lib/collections.js';
import {
  RECENT_USAGE_LIMIT,
  recentUsageQuerySchema,
  type RecentUsageResponse,
  type UsageEvent,
} from '../shared/contracts.js';
import { batchDocSchema } from '../keys/batch-doc.js';

/**
 * GET /usage/recent?key_id: the last 50 calls of one key, or of the whole account without
 * `key_id`. Calls are stored in batches ordered by their last call, and each of the 50 most
 * recent calls sits in one of the 50 most recent batches, so reading 50 batches is always enough.
 */
export async function recentUsage(_req: Request, res: Response): Promise<void> {
  const account = accountFor(res, 'read_usage');
  takeRouteBudget(res, 'GET /usage/recent');
  const query = queryOf(res, recentUsageQuerySchema);
  const scope =
    query.key_id === undefined
      ? db().collection(API_USAGE_EVENTS).where('account_id', '==', account.id)
      : db()
          .collection(API_USAGE_EVENTS)
          .where('key_id', '==', (await readOwnedKey(query.key_id, account)).id);
  const snapshot = await scope.orderBy('at', 'desc').limit(RECENT_USAGE_LIMIT).get();
  const events: UsageEvent[] = snapshot.docs
    .flatMap((doc) => {
      const batch = batchDocSchema.parse(doc.data());
      return batch.calls.map((call) => ({ key_id: batch.key_id, call }));
    })
    .sort((a, b) => b.call.at.toMillis() - a.call.at.toMillis())
    .slice(0, RECENT_USAGE_LIMIT)
    .map(({ key_id, call }) => ({
      key_id,
      units: call.units ?? null,
      endpoint: call.endpoint,
      method: call.method,
      status: call.status,
      latency_ms: call.latency_ms,
      at: call.at.toDate().toISOString(),
    }));
  const body: RecentUsageResponse = { events };
  res.json(body);
}
