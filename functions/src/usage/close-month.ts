/**
 * The monthly close for one period (`YYYY-MM`, UTC): recomputes `api_usage_monthly` from the
 * period's daily documents and moves keys still on that period (or an older one) to the next.
 *
 * Idempotent: the monthly documents are recomputed from the daily ones, never incremented, and
 * a key already moved on is left alone, so running it twice gives the same result. Each monthly
 * document is written in a transaction that read its daily documents, and foldUsage adds to a
 * monthly document that exists in the transaction that adds to the daily one, so usage folded
 * while the close runs is counted exactly once. Keys are reset with a precondition on the
 * version that was read, so a key that foldUsage just moved into the new month is not reset.
 */
import { FieldPath, type QueryDocumentSnapshot } from 'firebase-admin/firestore';
import { db } from '../lib/firebase.js';
import { API_KEYS, API_USAGE_DAILY, API_USAGE_MONTHLY, monthlyDocId } from '../lib/collections.js';
import { log } from '../lib/log.js';
import { addDays, periodEnd, periodSchema, utcDate, utcPeriod } from '../shared/dates.js';
import { readDailyDoc, type DailyDoc } from './daily-doc.js';
import { allAccountDays } from './daily-queries.js';

/** Firestore allows 500 writes per batch. */
export const CLOSE_PAGE_SIZE = 500;
const MONTHLY_CONCURRENCY = 8;
const FAILED_PRECONDITION = 9;

export interface MonthlyTotals {
  user_id: string;
  period: string;
  total_requests: number;
  error_count: number;
  latency_ms_sum: number;
  requests_by_endpoint: Record<string, number>;
  requests_by_status: Record<string, number>;
  requests_by_key: Record<string, number>;
  days_with_usage: number;
}

function addInto(target: Record<string, number>, source: Record<string, number>): void {
  for (const [name, value] of Object.entries(source)) target[name] = (target[name] ?? 0) + value;
}

export function sumDays(userId: string, period: string, days: readonly DailyDoc[]): MonthlyTotals {
  const totals: MonthlyTotals = {
    user_id: userId,
    period,
    total_requests: 0,
    error_count: 0,
    latency_ms_sum: 0,
    requests_by_endpoint: {},
    requests_by_status: {},
    requests_by_key: {},
    days_with_usage: 0,
  };
  for (const day of days) {
    totals.total_requests += day.total_requests;
    totals.error_count += day.error_count;
    totals.latency_ms_sum += day.latency_ms_sum;
    addInto(totals.requests_by_endpoint, day.requests_by_endpoint);
    addInto(totals.requests_by_status, day.requests_by_status);
    addInto(totals.requests_by_key, day.requests_by_key);
    if (day.total_requests > 0) totals.days_with_usage += 1;
  }
  return totals;
}

export function periodDays(period: string): { from: string; to: string } {
  return { from: `${period}-01`, to: addDays(utcDate(periodEnd(period)), -1) };
}

async function accountsWithUsage(from: string, to: string, pageSize: number): Promise<string[]> {
  const users = new Set<string>();
  for await (const doc of allAccountDays({ from, to }, ['user_id'], pageSize)) {
    const userId: unknown = doc.get('user_id');
    if (typeof userId === 'string') users.add(userId);
  }
  return [...users];
}

async function writeMonthly(userId: string, period: string): Promise<void> {
  const { from, to } = periodDays(period);
  const firestore = db();
  await firestore.runTransaction(async (tx) => {
    const days = await tx.get(
      firestore
        .collection(API_USAGE_DAILY)
        .where('user_id', '==', userId)
        .where('date', '>=', from)
        .where('date', '<=', to),
    );
    const totals = sumDays(
      userId,
      period,
      days.docs.map((doc) => readDailyDoc(doc.data())),
    );
    tx.set(firestore.collection(API_USAGE_MONTHLY).doc(monthlyDocId(userId, period)), {
      ...totals,
      closed_at: periodEnd(period),
    });
  });
}

async function inParallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next];
      next += 1;
      if (item !== undefined) await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function isFailedPrecondition(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === FAILED_PRECONDITION;
}

/** Resets one page of keys; when another writer touched one of them, falls back to one transaction per key. */
async function resetPage(
  docs: readonly QueryDocumentSnapshot[],
  period: string,
  next: string,
): Promise<number> {
  const firestore = db();
  const batch = firestore.batch();
  for (const doc of docs) {
    batch.update(doc.ref, { monthly_usage: 0, usage_period: next }, { lastUpdateTime: doc.updateTime });
  }
  try {
    await batch.commit();
    return docs.length;
  } catch (error) {
    if (!isFailedPrecondition(error)) throw error;
  }
  let reset = 0;
  for (const doc of docs) {
    const changed = await firestore.runTransaction(async (tx) => {
      const current = await tx.get(doc.ref);
      const keyPeriod: unknown = current.get('usage_period');
      if (!current.exists || typeof keyPeriod !== 'string' || keyPeriod > period) return false;
      tx.update(doc.ref, { monthly_usage: 0, usage_period: next });
      return true;
    });
    if (changed) reset += 1;
  }
  return reset;
}

async function resetKeys(period: string, pageSize: number): Promise<number> {
  const next = utcPeriod(periodEnd(period));
  let reset = 0;
  let cursor: QueryDocumentSnapshot | undefined;
  for (;;) {
    let query = db()
      .collection(API_KEYS)
      .where('usage_period', '<=', period)
      .orderBy('usage_period')
      .orderBy(FieldPath.documentId())
      .select('usage_period')
      .limit(pageSize);
    if (cursor !== undefined) query = query.startAfter(cursor);
    const page = await query.get();
    if (page.size > 0) reset += await resetPage(page.docs, period, next);
    cursor = page.docs.at(-1);
    if (page.size < pageSize || cursor === undefined) return reset;
  }
}

export interface CloseMonthResult {
  period: string;
  accounts: number;
  keys_reset: number;
}

export async function closeMonth(
  period: string,
  options: { pageSize?: number } = {},
): Promise<CloseMonthResult> {
  const started = Date.now();
  const checked = periodSchema.parse(period);
  const pageSize = Math.min(options.pageSize ?? CLOSE_PAGE_SIZE, CLOSE_PAGE_SIZE);
  const { from, to } = periodDays(checked);
  const accounts = await accountsWithUsage(from, to, pageSize);
  await inParallel(accounts, MONTHLY_CONCURRENCY, (userId) => writeMonthly(userId, checked));
  const keysReset = await resetKeys(checked, pageSize);
  log.monthClosed({
    period: checked,
    accounts: accounts.length,
    keys_reset: keysReset,
    duration_ms: Date.now() - started,
  });
  return { period: checked, accounts: accounts.length, keys_reset: keysReset };
}
