import type { Request, Response } from 'express';
import { accountFor } from '../accounts/access.js';
import { queryOf } from '../http/routes.js';
import { takeRouteBudget } from '../http/route-limits.js';
import { readOwnedKey } from '../keys/owned-key.js';
import { statsQuerySchema, type StatsResponse } from '../shared/contracts.js';
import { loadAccountDays } from './daily-queries.js';
import { buildStats } from './stats-series.js';

/** GET /stats?from&to&key_id: a zero-filled daily series and totals, for the account or one key. */
export async function getStats(_req: Request, res: Response): Promise<void> {
  const account = accountFor(res, 'read_usage');
  takeRouteBudget(res, 'GET /stats');
  const query = queryOf(res, statsQuerySchema);
  if (query.key_id !== undefined) await readOwnedKey(query.key_id, account);
  const days = await loadAccountDays(account.id, query.from, query.to, query.key_id ?? null);
  const body: StatsResponse = buildStats(query, days, query.key_id ?? null);
  res.json(body);
}
