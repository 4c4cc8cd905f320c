import { FieldPath, type Query, type QueryDocumentSnapshot } from 'firebase-admin/firestore';
import type { Request, Response } from 'express';
import { userOf } from '../http/auth.js';
import { takeRouteBudget } from '../http/route-limits.js';
import { toAccountSummary } from '../accounts/account-doc.js';
import { streamResponse } from '../http/stream.js';
import { readKeyDoc, toApiKey } from '../keys/key-doc.js';
import { db } from '../lib/firebase.js';
import { ALERTS, API_KEYS, API_USAGE_DAILY, API_USAGE_MONTHLY, CREDIT_LEDGER } from '../lib/collections.js';
import { alertDocSchema, toFiredAlert } from '../alerts/alert-doc.js';
import { notificationDocSchema, notificationsCollection, toNotification } from '../alerts/notifications.js';
import { readAlertSettings, toAlertSettings } from '../alerts/settings.js';
import { creditEntrySchema } from '../billing/credit-ledger.js';
import { toLedgerEntry } from '../billing/get-credits.js';
import type { AccountExport } from '../shared/contracts.js';
import { ACCOUNT_DAY_FIELDS, readDailyDoc } from '../usage/daily-doc.js';
import { MONTHLY_POINT_FIELDS, toMonthlyPoint } from '../usage/monthly-point.js';
import { dailyPoint, dayTotals } from '../usage/stats-series.js';
import { ensureProfile, toProfile } from '../accounts/profile.js';

/** Documents per read: the export holds one page at a time, however old the account. */
export const EXPORT_PAGE_SIZE = 100;

async function* pages(query: Query): AsyncGenerator<QueryDocumentSnapshot[]> {
  let cursor: QueryDocumentSnapshot | undefined;
  for (;;) {
    const page = await (cursor === undefined ? query : query.startAfter(cursor))
      .limit(EXPORT_PAGE_SIZE)
      .get();
    if (page.size > 0) yield page.docs;
    cursor = page.docs.at(-1);
    if (page.size < EXPORT_PAGE_SIZE || cursor === undefined) return;
  }
}

/** Writes `[item,item,…]` from the pages of a query; a document whose item is null is left out. */
async function writeArray<T>(
  write: (chunk: string) => Promise<void>,
  query: Query,
  item: (doc: QueryDocumentSnapshot) => T | null,
): Promise<void> {
  await write('[');
  let first = true;
  for await (const docs of pages(query)) {
    const items = docs.flatMap((doc) => {
      const value = item(doc);
      return value === null ? [] : [JSON.stringify(value)];
    });
    if (items.length === 0) continue;
    const chunk = items.join(',');
    await write(first ? chunk : `,${chunk}`);
    first = false;
  }
  await write(']');
}

/**
 * GET /me/export: everything Keymeter keeps about the user and their personal account, as one
 * JSON document (AccountExport), streamed: keys, daily and monthly usage, the credit ledger,
 * fired alerts and notifications are read page by page, so memory and the reads in flight stay
 * bounded whatever the account's age. Daily usage is the account's figures (the per-key detail
 * stays in the usage CSV export).
 */
export async function exportAccount(req: Request, res: Response): Promise<void> {
  const user = userOf(res);
  takeRouteBudget(res, 'GET /me/export');
  const accountId = user.uid;
  const [profile, alertSettings] = await Promise.all([ensureProfile(user), readAlertSettings(accountId)]);
  const firestore = db();
  const now = new Date();
  const head: Pick<AccountExport, 'exported_at' | 'profile' | 'account' | 'alert_settings'> = {
    exported_at: now.toISOString(),
    profile: toProfile(user, profile.user),
    account: toAccountSummary(accountId, profile.account, 'owner'),
    alert_settings: toAlertSettings(alertSettings),
  };
  const keys = firestore
    .collection(API_KEYS)
    .where('account_id', '==', accountId)
    .orderBy('created_at', 'desc');
  const daily = firestore
    .collection(API_USAGE_DAILY)
    .where('account_id', '==', accountId)
    .orderBy('date')
    .select(...ACCOUNT_DAY_FIELDS);
  // Monthly ids are `{account_id}_{YYYY-MM}`: id order is period order, with no composite index.
  const monthly = firestore
    .collection(API_USAGE_MONTHLY)
    .where('account_id', '==', accountId)
    .orderBy(FieldPath.documentId())
    .select(...MONTHLY_POINT_FIELDS);
  const credits = firestore
    .collection(CREDIT_LEDGER)
    .where('account_id', '==', accountId)
    .orderBy('at', 'desc');
  const alerts = firestore
    .collection(ALERTS)
    .where('account_id', '==', accountId)
    .orderBy('fired_at', 'desc');
  const notifications = notificationsCollection()
    .where('account_id', '==', accountId)
    .orderBy('created_at', 'desc');

  await streamResponse(req, res, 'GET /me/export', async (write) => {
    res.status(200);
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="keymeter-account.json"');
    const open = JSON.stringify(head);
    await write(`${open.slice(0, -1)},"keys":`);
    await writeArray(write, keys, (doc): AccountExport['keys'][number] =>
      toApiKey(doc.id, readKeyDoc(doc.data()), now),
    );
    await write(',"usage_daily":');
    await writeArray(write, daily, (doc): AccountExport['usage_daily'][number] => {
      const day = readDailyDoc(doc.data());
      const totals = dayTotals(day, null);
      return {
        ...dailyPoint(day.date, totals),
        by_endpoint: totals.by_endpoint,
        by_status: totals.by_status,
      };
    });
    await write(',"usage_monthly":');
    await writeArray(write, monthly, (doc): AccountExport['usage_monthly'][number] =>
      toMonthlyPoint(doc.data()),
    );
    // The holder's own export: what each pack cost is theirs to see.
    await write(',"credit_ledger":');
    await writeArray(write, credits, (doc): AccountExport['credit_ledger'][number] | null => {
      const entry = creditEntrySchema.safeParse(doc.data());
      return entry.success ? toLedgerEntry(doc.id, entry.data, true) : null;
    });
    await write(',"alerts":');
    await writeArray(write, alerts, (doc): AccountExport['alerts'][number] | null => {
      const alert = alertDocSchema.safeParse(doc.data());
      return alert.success ? toFiredAlert(doc.id, alert.data) : null;
    });
    await write(',"notifications":');
    await writeArray(write, notifications, (doc): AccountExport['notifications'][number] | null => {
      const notification = notificationDocSchema.safeParse(doc.data());
      return notification.success ? toNotification(doc.id, notification.data) : null;
    });
    await write('}');
  });
}
