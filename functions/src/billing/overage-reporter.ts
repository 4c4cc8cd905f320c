/**
 * Reports overage to Stripe's billing meter, exactly once, from the daily documents.
 *
 * A day's `overage_units` (added by every fold of a batch that used overage) against its
 * `overage_reported` (sent to Stripe so far) says what is still to bill. For each such day:
 *
 * 1. a transaction writes `overage_pending {identifier, value, upto, timestamp, customer_id,
 *    plan_tier}` on the daily document, where `upto = overage_reported + value` and the
 *    identifier is `${account_id}_${date}_${upto}`: deterministic, and new for every upto;
 * 2. the pending report is sent as a meter event with that identifier;
 * 3. a transaction marks `overage_reported = upto` and removes the pending report, if it is
 *    still the one sent.
 *
 * A run that stops anywhere (Stripe's answer lost, a crash before step 3, a Stripe outage)
 * leaves the pending report in place, and the next run sends that same report again before
 * anything new: Stripe counts an identifier once (a repeat is refused as "already exists", which
 * means it is counted), so the units are billed once. Usage folded after a report (a late batch)
 * raises `overage_units` again and is the next report's value, under a new identifier. Two runs
 * at once send the same pending report; only the first mark moves `overage_reported`.
 *
 * Stripe takes meter events of the last 35 days only: a day older than that (e.g. after a
 * month-long Stripe outage) can no longer be billed, and its due units are moved to
 * `overage_abandoned` with an error log, never retried forever and never crashing the run.
 */
import { createHash } from 'node:crypto';
import {
  FieldPath,
  FieldValue,
  Timestamp,
  type DocumentReference,
  type QueryDocumentSnapshot,
  type Transaction,
} from 'firebase-admin/firestore';
import Stripe from 'stripe';
import { z } from 'zod';
import { accountRef, readAccountDoc } from '../accounts/account-doc.js';
import { db } from '../lib/firebase.js';
import { API_USAGE_DAILY } from '../lib/collections.js';
import { log } from '../lib/log.js';
import { addDays, utcDate } from '../shared/dates.js';
import { planTierSchema } from '../shared/plans.js';

/** Stripe refuses meter events whose timestamp is more than 35 days old. */
export const STRIPE_METER_MAX_AGE_DAYS = 35;
/** A report this close to Stripe's limit is not tried: clocks differ, and the call takes time. */
const AGE_MARGIN_SECONDS = 3_600;
/** Days read back: Stripe's 35, and a few more so that days that slipped past it are said so. */
export const REPORT_LOOKBACK_DAYS = 40;
const PAGE_SIZE = 200;
/** Reports per day and run: each sends what was due when it started; late folds go next. */
const MAX_REPORTS_PER_DAY_RUN = 3;

const DAY_FIELDS = [
  'account_id',
  'date',
  'overage_units',
  'overage_reported',
  'overage_abandoned',
  'overage_pending',
] as const;

const count = z.number().int().nonnegative().default(0);

export const pendingReportSchema = z.object({
  identifier: z.string().min(1).max(100),
  value: z.number().int().positive(),
  upto: z.number().int().positive(),
  timestamp: z.number().int().nonnegative(),
  customer_id: z.string().min(1),
  plan_tier: planTierSchema,
});
export type PendingReport = z.infer<typeof pendingReportSchema>;

/** The reporter's fields of `api_usage_daily/{account_id}_{date}`. */
export const overageDaySchema = z.object({
  account_id: z.string(),
  date: z.string(),
  overage_units: count,
  overage_reported: count,
  overage_abandoned: count,
  overage_pending: pendingReportSchema.nullish().catch(null),
});
export type OverageDay = z.infer<typeof overageDaySchema>;

/** Units of the day neither reported nor given up on (and not in a pending report). */
export function dueUnits(day: OverageDay): number {
  return Math.max(0, day.overage_units - day.overage_reported - day.overage_abandoned);
}

/** Stripe's limit on a meter event's identifier. */
const MAX_IDENTIFIER_LENGTH = 100;

/**
 * `${account_id}_${date}_${upto}`. Account ids are uids (28 characters from Firebase Auth, up to
 * 128 from elsewhere) or 20-character team ids; one too long for Stripe is replaced by its hash,
 * still the same for every run.
 */
export function reportIdentifier(accountId: string, date: string, upto: number): string {
  const plain = `${accountId}_${date}_${upto}`;
  if (plain.length <= MAX_IDENTIFIER_LENGTH) return plain;
  return `h${createHash('sha256').update(accountId).digest('hex').slice(0, 40)}_${date}_${upto}`;
}

/**
 * The event's time: within its day (so Stripe bills it in the period the usage was in), and
 * never in the future: now for today, the day's last second for a day that is over.
 */
export function reportTimestamp(date: string, now: Date): number {
  const endOfDay = Date.parse(`${addDays(date, 1)}T00:00:00Z`) / 1000 - 1;
  return Math.min(Math.floor(now.getTime() / 1000), endOfDay);
}

export function tooOldForStripe(timestamp: number, now: Date): boolean {
  const oldest = Math.floor(now.getTime() / 1000) - STRIPE_METER_MAX_AGE_DAYS * 86_400 + AGE_MARGIN_SECONDS;
  return timestamp < oldest;
}

export interface ReportRun {
  days_read: number;
  /** Meter events Stripe accepted (or had already: a resent pending report). */
  reported: number;
  /** Of those, pending reports of an earlier run sent again. */
  resent: number;
  /** Reports left pending for the next run (Stripe failed or refused for now). */
  failed: number;
  /** Days whose due units can no longer be billed. */
  abandoned: number;
  /** The run stopped at its deadline with days left for the next one. */
  paused: boolean;
}

export interface ReportOptions {
  stripe: Stripe;
  eventName: string;
  now?: Date;
  /** Epoch ms: no new day is started after it (the schedule's timeout). */
  deadline?: number;
}

type Prepared =
  | { kind: 'send'; report: PendingReport; resend: boolean }
  | { kind: 'abandoned'; units: number; reason: string }
  | { kind: 'nothing' };

function abandon(tx: Transaction, ref: DocumentReference, units: number, clearPending: boolean): void {
  tx.update(ref, {
    overage_abandoned: FieldValue.increment(units),
    ...(clearPending ? { overage_pending: FieldValue.delete() } : {}),
  });
}

/** Step 1: the pending report to send, written first if there is none yet. */
async function prepare(ref: DocumentReference, now: Date): Promise<Prepared> {
  return db().runTransaction(async (tx): Promise<Prepared> => {
    const [snapshot] = await tx.getAll(ref, { fieldMask: [...DAY_FIELDS] });
    const parsed = overageDaySchema.safeParse(snapshot?.data());
    if (!parsed.success) return { kind: 'nothing' };
    const day = parsed.data;
    if (day.overage_pending !== null && day.overage_pending !== undefined) {
      const pending = day.overage_pending;
      if (tooOldForStripe(pending.timestamp, now)) {
        abandon(tx, ref, pending.value, true);
        return { kind: 'abandoned', units: pending.value, reason: 'older_than_35_days' };
      }
      return { kind: 'send', report: pending, resend: true };
    }
    const value = dueUnits(day);
    if (value === 0) return { kind: 'nothing' };
    const timestamp = reportTimestamp(day.date, now);
    if (tooOldForStripe(timestamp, now)) {
      abandon(tx, ref, value, false);
      return { kind: 'abandoned', units: value, reason: 'older_than_35_days' };
    }
    const accountSnap = await tx.get(accountRef(day.account_id));
    const account = accountSnap.exists ? readAccountDoc(accountSnap.data()) : null;
    const customerId = account?.stripe_customer_id;
    if (account === null || customerId === undefined || customerId === '') {
      abandon(tx, ref, value, false);
      return { kind: 'abandoned', units: value, reason: 'no_stripe_customer' };
    }
    const upto = day.overage_reported + value;
    const report: PendingReport = {
      identifier: reportIdentifier(day.account_id, day.date, upto),
      value,
      upto,
      timestamp,
      customer_id: customerId,
      plan_tier: account.plan_tier,
    };
    tx.update(ref, { overage_pending: report });
    return { kind: 'send', report, resend: false };
  });
}

/** Stripe has this identifier already: the event was counted by an earlier send. */
function isAlreadyCounted(error: unknown): boolean {
  return (
    error instanceof Stripe.errors.StripeInvalidRequestError &&
    error.param === 'identifier' &&
    /already exists/i.test(error.message)
  );
}

/** Refusals a later send cannot fix: the report is given up on, not retried. */
function permanentRefusal(error: unknown): string | null {
  if (!(error instanceof Stripe.errors.StripeInvalidRequestError)) return null;
  switch (error.code) {
    case 'timestamp_too_far_in_past':
      return 'older_than_35_days';
    case 'meter_event_customer_not_found':
      return 'stripe_customer_gone';
    default:
      return null;
  }
}

/** Step 3: the report is counted; moves `overage_reported` if the report is still the pending one. */
async function markReported(ref: DocumentReference, report: PendingReport): Promise<void> {
  await db().runTransaction(async (tx) => {
    const [snapshot] = await tx.getAll(ref, { fieldMask: ['overage_pending'] });
    const pending = pendingReportSchema.safeParse(snapshot?.get('overage_pending'));
    if (!pending.success || pending.data.identifier !== report.identifier) return;
    tx.update(ref, {
      overage_reported: report.upto,
      overage_pending: FieldValue.delete(),
      // What was billed, by the plan it was billed under, for the operators' figures.
      [`overage_billed.${report.plan_tier}`]: FieldValue.increment(report.value),
      overage_reported_at: Timestamp.now(),
    });
  });
}

async function dropPending(ref: DocumentReference, report: PendingReport): Promise<void> {
  await db().runTransaction(async (tx) => {
    const [snapshot] = await tx.getAll(ref, { fieldMask: ['overage_pending'] });
    const pending = pendingReportSchema.safeParse(snapshot?.get('overage_pending'));
    if (!pending.success || pending.data.identifier !== report.identifier) return;
    abandon(tx, ref, report.value, true);
  });
}

async function reportDay(
  ref: DocumentReference,
  accountId: string,
  date: string,
  options: Required<Pick<ReportOptions, 'stripe' | 'eventName'>> & { now: Date },
  run: ReportRun,
): Promise<void> {
  for (let step = 0; step < MAX_REPORTS_PER_DAY_RUN; step += 1) {
    const prepared = await prepare(ref, options.now);
    if (prepared.kind === 'nothing') return;
    if (prepared.kind === 'abandoned') {
      run.abandoned += 1;
      log.overageReportAbandoned({
        account_id: accountId,
        date,
        units: prepared.units,
        reason: prepared.reason,
      });
      return;
    }
    const { report, resend } = prepared;
    try {
      // No idempotency key of our own: Stripe would replay a first failure for a day, while the
      // identifier alone already makes a repeat count once.
      await options.stripe.billing.meterEvents.create({
        event_name: options.eventName,
        identifier: report.identifier,
        timestamp: report.timestamp,
        payload: { stripe_customer_id: report.customer_id, value: String(report.value) },
      });
    } catch (error) {
      const refusal = permanentRefusal(error);
      if (refusal !== null) {
        await dropPending(ref, report);
        run.abandoned += 1;
        log.overageReportAbandoned({ account_id: accountId, date, units: report.value, reason: refusal });
        return;
      }
      if (!isAlreadyCounted(error)) {
        // Left pending: the next run sends this same report first.
        run.failed += 1;
        log.overageReportFailed({ account_id: accountId, date, identifier: report.identifier }, error);
        return;
      }
    }
    await markReported(ref, report);
    run.reported += 1;
    if (resend) run.resent += 1;
    log.overageReported({
      account_id: accountId,
      date,
      identifier: report.identifier,
      units: report.value,
      resent: resend,
    });
  }
}

/**
 * One pass over the last REPORT_LOOKBACK_DAYS days: every daily document with overage, a page
 * at a time, reporting what it still owes. Errors of one day are logged and left for the next
 * run; the pass goes on with the other days.
 */
export async function reportOverage(options: ReportOptions): Promise<ReportRun> {
  const started = Date.now();
  const now = options.now ?? new Date();
  const run: ReportRun = { days_read: 0, reported: 0, resent: 0, failed: 0, abandoned: 0, paused: false };
  const context = { stripe: options.stripe, eventName: options.eventName, now };
  const today = utcDate(now);
  for (let back = 0; back < REPORT_LOOKBACK_DAYS; back += 1) {
    const date = addDays(today, -back);
    const query = db()
      .collection(API_USAGE_DAILY)
      .where('date', '==', date)
      .where('overage_units', '>', 0)
      .orderBy('overage_units')
      .orderBy(FieldPath.documentId())
      .select(...DAY_FIELDS)
      .limit(PAGE_SIZE);
    let cursor: QueryDocumentSnapshot | undefined;
    for (;;) {
      if (options.deadline !== undefined && Date.now() > options.deadline) {
        run.paused = true;
        break;
      }
      const page = await (cursor === undefined ? query : query.startAfter(cursor)).get();
      for (const doc of page.docs) {
        run.days_read += 1;
        const day = overageDaySchema.safeParse(doc.data());
        if (!day.success) continue;
        const hasPending = day.data.overage_pending !== null && day.data.overage_pending !== undefined;
        if (!hasPending && dueUnits(day.data) === 0) continue;
        try {
          await reportDay(doc.ref, day.data.account_id, date, context, run);
        } catch (error) {
          // Firestore contention or an outage: this day waits for the next run.
          run.failed += 1;
          log.overageReportFailed({ account_id: day.data.account_id, date, identifier: '' }, error);
        }
      }
      cursor = page.docs.at(-1);
      if (page.size < PAGE_SIZE || cursor === undefined) break;
    }
    if (run.paused) break;
  }
  log.overageReportRun({
    days_read: run.days_read,
    reported: run.reported,
    resent: run.resent,
    failed: run.failed,
    abandoned: run.abandoned,
    duration_ms: Date.now() - started,
  });
  return run;
}
