import type { QueryDocumentSnapshot } from 'firebase-admin/firestore';
import type { Request, Response } from 'express';
import { accountFor } from '../accounts/access.js';
import { queryOf } from '../http/routes.js';
import { takeRouteBudget } from '../http/route-limits.js';
import { readOwnedKey } from '../keys/owned-key.js';
import { log } from '../lib/log.js';
import { requestIdOf } from '../http/request-id.js';
import { exportQuerySchema, USAGE_EXPORT_COLUMNS } from '../shared/contracts.js';
import { csvRow } from './csv.js';
import { readDailyDoc } from './daily-doc.js';
import { accountDaysQuery } from './daily-queries.js';
import { integrationGroupOf, keyDirectory } from './key-groups.js';
import { dailyPoint, dayTotals } from './stats-series.js';
import { OTHER } from './usage-bounds.js';

/** The row of the calls of a day's keys beyond its key budget (usage-bounds.ts). */
const OTHER_KEYS_LABEL = '(other keys)';

/** Daily documents per read; a busy account's can hold hundreds of KB (usage-bounds.ts). */
const PAGE_SIZE = 25;

/**
 * GET /usage/export?from&to&key_id|integration: CSV with one row per day and key that had calls, streamed
 * page by page so a year of usage never sits in memory at once. Latency percentiles and
 * availability are the key's for the day, as GET /stats defines them (shared/contracts.ts).
 */
export async function exportUsage(req: Request, res: Response): Promise<void> {
  const account = accountFor(res, 'read_usage');
  takeRouteBudget(res, 'GET /usage/export');
  const query = queryOf(res, exportQuerySchema);
  if (query.key_id !== undefined) await readOwnedKey(query.key_id, account);
  const keys = await keyDirectory(account.id);
  const wanted = (keyId: string): boolean =>
    query.key_id !== undefined
      ? keyId === query.key_id
      : query.integration === undefined || integrationGroupOf(keys, keyId) === query.integration;

  res.status(200);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader(
    'Content-Disposition',
    `attachment; filename="keymeter-usage-${query.from}-to-${query.to}.csv"`,
  );
  res.write(csvRow(USAGE_EXPORT_COLUMNS));
  try {
    let cursor: QueryDocumentSnapshot | undefined;
    for (;;) {
      let page = accountDaysQuery(account.id, query.from, query.to).limit(PAGE_SIZE);
      if (cursor !== undefined) page = page.startAfter(cursor);
      const snapshot = await page.get();
      for (const doc of snapshot.docs) {
        const day = readDailyDoc(doc.data());
        const keyIds = Object.keys(day.key_stats).filter(wanted).sort();
        for (const keyId of keyIds) {
          const point = dailyPoint(day.date, dayTotals(day, new Set([keyId])));
          if (point.requests === 0) continue;
          res.write(
            csvRow([
              day.date,
              keyId,
              keys.get(keyId)?.label ?? (keyId === OTHER ? OTHER_KEYS_LABEL : ''),
              integrationGroupOf(keys, keyId),
              point.requests,
              point.units,
              point.errors,
              point.avg_latency_ms,
              point.server_errors,
              point.p50_ms,
              point.p95_ms,
              point.p99_ms,
              point.minutes_with_calls,
              point.minutes_with_server_errors,
              point.availability,
            ]),
          );
        }
      }
      cursor = snapshot.docs.at(-1);
      if (snapshot.size < PAGE_SIZE || cursor === undefined) break;
    }
  } catch (error) {
    // The status line is gone: abort the transfer so the client cannot take a truncated file for a whole one.
    log.requestFailed(
      { request_id: requestIdOf(res), method: req.method, route: 'GET /usage/export' },
      error,
    );
    res.destroy();
    return;
  }
  res.end();
}
