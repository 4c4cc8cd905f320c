import type { Request, Response } from 'express';
import { accountFor } from '../accounts/access.js';
import { queryOf } from '../http/routes.js';
import { takeRouteBudget } from '../http/route-limits.js';
import { readOwnedKey } from '../keys/owned-key.js';
import { statsQuerySchema, type StatsResponse } from '../shared/contracts.js';
import { loadAccountDays } from './daily-queries.js';
import { integrationGroupOf, keyDirectory, keysOfIntegration } from './key-groups.js';
import { buildStats, type StatsFilter } from './stats-series.js';

/**
 * GET /stats?from&to&key_id|integration: a zero-filled daily series and totals, for the account,
 * one key or the keys of one integration, with the calls broken down by key and by integration.
 */
export async function getStats(_req: Request, res: Response): Promise<void> {
  const account = accountFor(res, 'read_usage');
  takeRouteBudget(res, 'GET /stats');
  const query = queryOf(res, statsQuerySchema);
  if (query.key_id !== undefined) await readOwnedKey(query.key_id, account);
  const keys = await keyDirectory(account.id);
  const filter: StatsFilter = {
    key_id: query.key_id ?? null,
    integration: query.integration ?? null,
    keys:
      query.key_id !== undefined
        ? new Set([query.key_id])
        : query.integration !== undefined
          ? keysOfIntegration(keys, query.integration)
          : null,
  };
  const days = await loadAccountDays(account.id, query.from, query.to, filter.keys);
  const body: StatsResponse = buildStats(query, days, filter, (keyId) => integrationGroupOf(keys, keyId));
  res.json(body);
}
