/**
 * The monthly close for one period (`YYYY-MM`, UTC): writes each account's
 * `api_usage_monthly/{account}_{period}` from its daily documents and moves every key still on that
 * period (or an older one) to the next, `monthly_usage: 0`.
 *
 * It is one walk over `api_keys` in owner order, a page at a time, with a progress document
 * (`usage_closes/{period}`) that records the last account whose month and keys are both done.
 * A run stops at its deadline (the caller continues it); a retry, a continuation or a re-run
 * after a crash starts after that account, and a finished close is not walked again.
 *
 * Every step may run twice and concurrent folds are never lost:
 * - an account's monthly document is written in a transaction that read it and all the month's
 *   daily documents by id (missing ones included, so a fold creating a new day conflicts too).
 *   foldUsage reads the monthly document in the transaction that adds to a daily one and adds to
 *   the monthly one when it exists, so each fold is counted either in the close's sum or by
 *   itself, never both and never neither. A monthly document that already equals its days is
 *   left alone.
 * - a key is moved by a BulkWriter update conditional on the version the walk read. When a fold
 *   changed the key in between, that one key is re-read: still on the closed period, it is moved
 *   with the new version; already moved forward by the fold, it is left alone.
 * - an account with a key that could be used during the period gets its monthly document even at
 *   zero, so that usage folded after the close (a batch still buffered at midnight) lands in one.
 */
import {
  FieldPath,
  FieldValue,
  Timestamp,
  type BulkWriter,
  type DocumentData,
  type DocumentReference,
  type QueryDocumentSnapshot,
} from 'firebase-admin/firestore';
import { z } from 'zod';
import { db } from '../lib/firebase.js';
import {
  API_KEYS,
  API_USAGE_DAILY,
  API_USAGE_MONTHLY,
  dailyDocId,
  monthlyDocId,
} from '../lib/collections.js';
import { log } from '../lib/log.js';
import { addDays, periodEnd, periodSchema, utcDate, utcPeriod } from '../shared/dates.js';
import { mergeHistogram, type LatencyHistogram } from '../shared/latency.js';
import { ACCOUNT_DAY_FIELDS, readDailyDoc, type DailyDoc } from './daily-doc.js';
import { countMinutes, decodeMinutes } from './minute-bitmap.js';

/** One progress document per closed period. */
export const USAGE_CLOSES = 'usage_closes';
/**
 * The field naming who owns keys, daily and monthly documents. The walk groups keys by it and the
 * cursor is one of its values, so moving to accounts is this name and the document ids.
 */
const OWNER_FIELD = 'account_id';

/** Keys read per page; a page's key moves and monthly transactions finish before the next is recorded. */
export const CLOSE_PAGE_SIZE = 5_000;
const MONTHLY_CONCURRENCY = 16;
/** A key that a fold keeps changing is re-read at most this often before the run fails (and is retried). */
const PRECONDITION_ATTEMPTS = 10;
const FAILED_PRECONDITION = 9;
/** A run stops when less than this (or twice its slowest page) is left before its deadline. */
const DEADLINE_MARGIN_MS = 30_000;
/**
 * BulkWriter's default ramp (500 ops/s, +50% every 5 minutes) protects new key ranges; these are
 * updates of existing documents whose ids are random, so the close starts at a rate it can use.
 */
const BULK_THROTTLING = { initialOpsPerSecond: 5_000, maxOpsPerSecond: 10_000 };

export interface MonthlyTotals {
  account_id: string;
  period: string;
  total_requests: number;
  total_units: number;
  credit_units: number;
  overage_units: number;
  meter_units: Record<string, number>;
  error_count: number;
  latency_ms_sum: number;
  /** The days' latency histograms merged (not per endpoint: a month's endpoints are unbounded). */
  latency_buckets: LatencyHistogram;
  /** Sums of the days' minutes with a call and with a 5xx (minute-bitmap.ts). */
  minutes_with_calls: number;
  minutes_with_server_errors: number;
  requests_by_endpoint: Record<string, number>;
  requests_by_status: Record<string, number>;
  requests_by_key: Record<string, number>;
  days_with_usage: number;
}

function addInto(target: Record<string, number>, source: Record<string, number>): void {
  for (const [name, value] of Object.entries(source)) target[name] = (target[name] ?? 0) + value;
}

export function sumDays(accountId: string, period: string, days: readonly DailyDoc[]): MonthlyTotals {
  const totals: MonthlyTotals = {
    account_id: accountId,
    period,
    total_requests: 0,
    total_units: 0,
    credit_units: 0,
    overage_units: 0,
    meter_units: {},
    error_count: 0,
    latency_ms_sum: 0,
    latency_buckets: {},
    minutes_with_calls: 0,
    minutes_with_server_errors: 0,
    requests_by_endpoint: {},
    requests_by_status: {},
    requests_by_key: {},
    days_with_usage: 0,
  };
  for (const day of days) {
    totals.total_requests += day.total_requests;
    totals.total_units += day.total_units;
    totals.credit_units += day.credit_units;
    totals.overage_units += day.overage_units;
    addInto(totals.meter_units, day.meter_units);
    totals.error_count += day.error_count;
    totals.latency_ms_sum += day.latency_ms_sum;
    mergeHistogram(totals.latency_buckets, day.latency_buckets);
    totals.minutes_with_calls += countMinutes(decodeMinutes(day.call_minutes));
    totals.minutes_with_server_errors += countMinutes(decodeMinutes(day.server_error_minutes));
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

/** Every date of the period, `YYYY-MM-DD`. */
export function periodDates(period: string): string[] {
  const { from, to } = periodDays(period);
  const dates: string[] = [];
  for (let date = from; date <= to; date = addDays(date, 1)) dates.push(date);
  return dates;
}

const countMap = z.record(z.string(), z.number()).default({});
const monthlyDocSchema = z.object({
  total_requests: z.number().default(0),
  total_units: z.number().default(0),
  credit_units: z.number().default(0),
  overage_units: z.number().default(0),
  meter_units: countMap,
  error_count: z.number().default(0),
  latency_ms_sum: z.number().default(0),
  latency_buckets: countMap,
  minutes_with_calls: z.number().default(0),
  minutes_with_server_errors: z.number().default(0),
  requests_by_endpoint: countMap,
  requests_by_status: countMap,
  requests_by_key: countMap,
  days_with_usage: z.number().default(0),
});

function sameCounts(a: Record<string, number>, b: Record<string, number>): boolean {
  const names = Object.keys(a).filter((name) => a[name] !== 0);
  return (
    names.length === Object.keys(b).filter((name) => b[name] !== 0).length &&
    names.every((name) => a[name] === b[name])
  );
}

/** True when a stored monthly document already holds exactly these totals. */
export function equalsTotals(stored: DocumentData | undefined, totals: MonthlyTotals): boolean {
  const parsed = monthlyDocSchema.safeParse(stored ?? {});
  if (!parsed.success) return false;
  const doc = parsed.data;
  return (
    doc.total_requests === totals.total_requests &&
    doc.total_units === totals.total_units &&
    doc.credit_units === totals.credit_units &&
    doc.overage_units === totals.overage_units &&
    sameCounts(doc.meter_units, totals.meter_units) &&
    doc.error_count === totals.error_count &&
    doc.latency_ms_sum === totals.latency_ms_sum &&
    sameCounts(doc.latency_buckets, totals.latency_buckets) &&
    doc.minutes_with_calls === totals.minutes_with_calls &&
    doc.minutes_with_server_errors === totals.minutes_with_server_errors &&
    doc.days_with_usage === totals.days_with_usage &&
    sameCounts(doc.requests_by_endpoint, totals.requests_by_endpoint) &&
    sameCounts(doc.requests_by_status, totals.requests_by_status) &&
    sameCounts(doc.requests_by_key, totals.requests_by_key)
  );
}

type MonthlyOutcome = 'written' | 'unchanged' | 'repaired' | 'no_usage';

/** What a month is summed from: the account's day figures but its per-endpoint histograms. */
const MONTH_DAY_FIELDS = ACCOUNT_DAY_FIELDS.filter((field) => field !== 'latency_buckets_by_endpoint');

/**
 * `live`: one of the account's keys could be used during the period, so usage of it may still
 * be folded late; the account then gets a monthly document even at zero, for that usage to land in.
 */
async function closeAccountMonth(account: string, period: string, live: boolean): Promise<MonthlyOutcome> {
  const firestore = db();
  const monthlyRef = firestore.collection(API_USAGE_MONTHLY).doc(monthlyDocId(account, period));
  const dayRefs = periodDates(period).map((date) =>
    firestore.collection(API_USAGE_DAILY).doc(dailyDocId(account, date)),
  );
  return firestore.runTransaction(async (tx): Promise<MonthlyOutcome> => {
    // Missing days are read too: their locks make a fold that creates one wait for, or abort, us.
    const [monthly, ...daySnaps] = await tx.getAll(monthlyRef, ...dayRefs, {
      fieldMask: [...MONTH_DAY_FIELDS, 'days_with_usage'],
    });
    const days = daySnaps.filter((snap) => snap.exists).map((snap) => readDailyDoc(snap.data()));
    const totals = sumDays(account, period, days);
    const stored = monthly?.exists === true;
    if (stored && equalsTotals(monthly?.data(), totals)) return 'unchanged';
    if (!stored && days.length === 0 && !live) return 'no_usage';
    tx.set(monthlyRef, { ...totals, closed_at: periodEnd(period) });
    return stored ? 'repaired' : 'written';
  });
}

const keyRowSchema = z.object({
  [OWNER_FIELD]: z.string(),
  created_at: z.instanceof(Timestamp).optional(),
  revoked_at: z.instanceof(Timestamp).optional(),
  expires_at: z.instanceof(Timestamp).optional(),
});
const KEY_FIELDS = [...Object.keys(keyRowSchema.shape), 'usage_period'];

/** Could the key make calls during the period (not created after it, not revoked or expired before it)? */
function liveDuring(
  key: { created_at?: Timestamp; revoked_at?: Timestamp; expires_at?: Timestamp },
  period: string,
): boolean {
  const start = Date.parse(`${period}-01T00:00:00Z`);
  const end = periodEnd(period).getTime();
  if (key.created_at !== undefined && key.created_at.toMillis() >= end) return false;
  if (key.revoked_at !== undefined && key.revoked_at.toMillis() < start) return false;
  return key.expires_at === undefined || key.expires_at.toMillis() >= start;
}

interface AccountGroup {
  account: string;
  /** One of the account's keys could make calls during the period. */
  live: boolean;
}

/** The key's owner and whether the key could be used in the period; undefined for a damaged key. */
function readKeyOwner(doc: QueryDocumentSnapshot, period: string): AccountGroup | undefined {
  const parsed = keyRowSchema.safeParse(doc.data());
  if (!parsed.success) return undefined;
  return { account: parsed.data[OWNER_FIELD], live: liveDuring(parsed.data, period) };
}

/** The page's accounts in walk order; `carried` is the previous page's last one, which may continue here. */
function groupAccounts(rows: readonly AccountGroup[], carried: AccountGroup | undefined): AccountGroup[] {
  const groups: AccountGroup[] = carried === undefined ? [] : [{ ...carried }];
  for (const row of rows) {
    const last = groups.at(-1);
    if (last?.account === row.account) last.live ||= row.live;
    else groups.push({ account: row.account, live: row.live });
  }
  return groups;
}

function isFailedPrecondition(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === FAILED_PRECONDITION;
}

type KeyOutcome = 'moved' | 'moved_by_fold' | 'gone';

async function moveKey(
  writer: BulkWriter,
  ref: DocumentReference,
  readVersion: Timestamp,
  period: string,
  next: string,
): Promise<KeyOutcome> {
  let version = readVersion;
  for (let attempt = 1; ; attempt += 1) {
    const write = writer.update(ref, { monthly_usage: 0, usage_period: next }, { lastUpdateTime: version });
    // The page's own writes are flushed together; a retry must not wait for the next page.
    if (attempt > 1) void writer.flush();
    try {
      await write;
      return 'moved';
    } catch (error) {
      if (!isFailedPrecondition(error) || attempt >= PRECONDITION_ATTEMPTS) throw error;
    }
    const current = await ref.get();
    if (!current.exists || current.updateTime === undefined) return 'gone';
    const keyPeriod: unknown = current.get('usage_period');
    if (typeof keyPeriod !== 'string' || keyPeriod > period) return 'moved_by_fold';
    version = current.updateTime;
  }
}

export interface KeyMoves {
  /** Moved to the next period by the close. */
  moved: number;
  /** Already moved forward by a fold between the read and the write: left as the fold made it. */
  moved_by_fold: number;
  /** Deleted in between. */
  gone: number;
}

/**
 * Moves the keys of `docs` (as a query read them, with their versions) that are on `period` or an
 * older one to the next period, through one BulkWriter, each write conditional on the version
 * read. Waits for every write before it returns or fails.
 */
export async function moveKeys(docs: readonly QueryDocumentSnapshot[], period: string): Promise<KeyMoves> {
  const next = utcPeriod(periodEnd(period));
  const writer = db().bulkWriter({ throttling: BULK_THROTTLING });
  const moves = docs.flatMap((doc) => {
    const keyPeriod = periodSchema.safeParse(doc.get('usage_period'));
    if (!keyPeriod.success || keyPeriod.data > period) return [];
    return [moveKey(writer, doc.ref, doc.updateTime, period, next)];
  });
  void writer.flush();
  const settled = await Promise.allSettled(moves);
  await writer.close();
  const outcomes = valuesOf(settled);
  return {
    moved: outcomes.filter((outcome) => outcome === 'moved').length,
    moved_by_fold: outcomes.filter((outcome) => outcome === 'moved_by_fold').length,
    gone: outcomes.filter((outcome) => outcome === 'gone').length,
  };
}

/** Runs `work` over `items`, `limit` at a time; after a failure it starts no more and rethrows once the rest settle. */
async function mapInParallel<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const settled: PromiseSettledResult<R>[] = [];
  let next = 0;
  let failed = false;
  const worker = async () => {
    for (let index = next; !failed && index < items.length; index = next) {
      next += 1;
      const item = items[index];
      if (item === undefined) continue;
      try {
        settled[index] = { status: 'fulfilled', value: await work(item) };
      } catch (reason) {
        failed = true;
        settled[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return valuesOf(settled.filter((outcome) => outcome !== undefined));
}

/** The values, or the first failure once every promise has settled. */
function valuesOf<T>(settled: readonly PromiseSettledResult<T>[]): T[] {
  const values: T[] = [];
  for (const outcome of settled) {
    if (outcome.status === 'rejected') throw outcome.reason;
    values.push(outcome.value);
  }
  return values;
}

const progressSchema = z.object({
  period: periodSchema,
  status: z.enum(['running', 'done']),
  /** Every account up to and including this one has its monthly document and its keys moved. */
  after_account: z.string().nullable(),
  pages: z.number().int().nonnegative(),
  runs: z.number().int().nonnegative(),
});
export type CloseProgress = z.infer<typeof progressSchema>;

export function closeProgressRef(period: string): DocumentReference {
  return db().collection(USAGE_CLOSES).doc(period);
}

/** Reads the period's progress, creating it on the first run, and counts this run. */
async function beginRun(period: string): Promise<CloseProgress> {
  const firestore = db();
  const ref = closeProgressRef(period);
  return firestore.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    if (!snap.exists) {
      const fresh: CloseProgress = { period, status: 'running', after_account: null, pages: 0, runs: 1 };
      tx.create(ref, {
        ...fresh,
        accounts: 0,
        monthly_written: 0,
        keys_moved: 0,
        keys_moved_by_fold: 0,
        started_at: FieldValue.serverTimestamp(),
        updated_at: FieldValue.serverTimestamp(),
      });
      return fresh;
    }
    const progress = progressSchema.parse(snap.data());
    if (progress.status === 'running') tx.update(ref, { runs: FieldValue.increment(1) });
    return progress;
  });
}

export interface CloseMonthOptions {
  /** Keys per page (at most CLOSE_PAGE_SIZE). */
  pageSize?: number;
  /** Epoch ms by which the run must have returned; it stops early enough and leaves the rest to a continuation. */
  deadline?: number;
  /** Stop after this many pages (as a deadline would), for tests and the benchmark. */
  maxPages?: number;
  /** The present, for refusing a period that has not ended. */
  now?: Date;
}

export interface CloseMonthResult {
  period: string;
  /** True once the whole period is closed (by this run or an earlier one). */
  done: boolean;
  /** Counts of this run only. */
  pages: number;
  accounts: number;
  monthly_written: number;
  keys_reset: number;
  keys_moved_by_fold: number;
  /** Pages recorded by every run of this period so far. */
  pages_total: number;
}

export class PeriodNotEndedError extends Error {
  constructor(period: string) {
    super(`${period} has not ended yet: a month is closed once it is over`);
    this.name = 'PeriodNotEndedError';
  }
}

function keysPage(after: string | null, cursor: QueryDocumentSnapshot | undefined, pageSize: number) {
  let query = db()
    .collection(API_KEYS)
    .orderBy(OWNER_FIELD)
    .orderBy(FieldPath.documentId())
    .select(...KEY_FIELDS)
    .limit(pageSize);
  // Within a run, the exact position; across runs, after the last account recorded as done.
  if (cursor !== undefined) query = query.startAfter(cursor);
  else if (after !== null) query = query.startAfter(after);
  return query.get();
}

export async function closeMonth(period: string, options: CloseMonthOptions = {}): Promise<CloseMonthResult> {
  const started = Date.now();
  const checked = periodSchema.parse(period);
  if (periodEnd(checked).getTime() > (options.now ?? new Date()).getTime())
    throw new PeriodNotEndedError(checked);
  const pageSize = Math.max(1, Math.min(options.pageSize ?? CLOSE_PAGE_SIZE, CLOSE_PAGE_SIZE));
  const progress = await beginRun(checked);
  const result: CloseMonthResult = {
    period: checked,
    done: progress.status === 'done',
    pages: 0,
    accounts: 0,
    monthly_written: 0,
    keys_reset: 0,
    keys_moved_by_fold: 0,
    pages_total: progress.pages,
  };
  if (result.done) return result;

  const progressRef = closeProgressRef(checked);
  let after = progress.after_account;
  let carried: AccountGroup | undefined;
  let slowestPageMs = 0;
  let pending = keysPage(after, undefined, pageSize);
  for (;;) {
    const remaining = (options.deadline ?? Number.POSITIVE_INFINITY) - Date.now();
    if (
      result.pages >= (options.maxPages ?? Number.POSITIVE_INFINITY) ||
      remaining < Math.max(DEADLINE_MARGIN_MS, 2 * slowestPageMs)
    ) {
      // The prefetched page is not needed; a failure of it must not surface as unhandled.
      pending.catch(() => undefined);
      log.monthClosePaused({ period: checked, after_account: after, pages: result.pages_total });
      return result;
    }
    const pageStarted = Date.now();
    const page = await pending;
    const last = page.docs.at(-1);
    const more = page.size === pageSize && last !== undefined;
    if (more) pending = keysPage(after, last, pageSize);

    const rows = page.docs.flatMap((doc) => readKeyOwner(doc, checked) ?? []);
    const groups = groupAccounts(rows, carried);
    // The page's last account may have more keys on the next page; it is closed there.
    carried = more ? groups.pop() : undefined;
    // Both halves settle before a failure is raised, so no write of the page outlives the run.
    const [monthlyWork, keyWork] = await Promise.allSettled([
      mapInParallel(groups, MONTHLY_CONCURRENCY, (group) =>
        closeAccountMonth(group.account, checked, group.live),
      ),
      moveKeys(page.docs, checked),
    ]);
    if (monthlyWork.status === 'rejected') throw monthlyWork.reason;
    if (keyWork.status === 'rejected') throw keyWork.reason;
    const monthly = monthlyWork.value;
    const written = monthly.filter((outcome) => outcome === 'written' || outcome === 'repaired').length;
    const moved = keyWork.value.moved;
    const movedByFold = keyWork.value.moved_by_fold;
    after = groups.at(-1)?.account ?? after;
    result.pages += 1;
    result.pages_total += 1;
    result.accounts += groups.length;
    result.monthly_written += written;
    result.keys_reset += moved;
    result.keys_moved_by_fold += movedByFold;
    await progressRef.update({
      after_account: after,
      pages: FieldValue.increment(1),
      accounts: FieldValue.increment(groups.length),
      monthly_written: FieldValue.increment(written),
      keys_moved: FieldValue.increment(moved),
      keys_moved_by_fold: FieldValue.increment(movedByFold),
      updated_at: FieldValue.serverTimestamp(),
      ...(more ? {} : { status: 'done', finished_at: FieldValue.serverTimestamp() }),
    });
    slowestPageMs = Math.max(slowestPageMs, Date.now() - pageStarted);
    if (!more) break;
  }

  result.done = true;
  log.monthClosed({
    period: checked,
    accounts: result.accounts,
    keys_reset: result.keys_reset,
    duration_ms: Date.now() - started,
  });
  return result;
}
