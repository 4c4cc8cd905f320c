/**
 * foldUsage: folds one usage batch into the account's daily document, the platform's daily
 * totals (platform-daily.ts), the key's monthly counter and, for a batch that arrives after its
 * month was closed, the monthly document.
 *
 * Triggers are delivered at least once and in any order. One transaction reads the batch's
 * `folded_at` marker and sets it with the increments, so a redelivered batch changes nothing;
 * increments commute, the key's period only moves forward and `last_used_at` only grows, so the
 * order of delivery does not matter either. The same transaction reads which endpoints,
 * statuses and keys the daily document already holds, so the caps of usage-bounds.ts hold
 * exactly however many folds of one account run at once, and the minute bitmaps it ORs into
 * (minute-bitmap.ts). Latency histograms are built here from the batch's calls, each of which
 * carries its latency and time: the API's hot path only appends the call to its buffer.
 */
import { FieldValue, Timestamp } from 'firebase-admin/firestore';
import { onDocumentCreated } from 'firebase-functions/v2/firestore';
import { db } from '../lib/firebase.js';
import {
  API_KEYS,
  API_USAGE_DAILY,
  API_USAGE_EVENTS,
  API_USAGE_MONTHLY,
  dailyDocId,
  monthlyDocId,
} from '../lib/collections.js';
import { log } from '../lib/log.js';
import { accountRef } from '../accounts/account-doc.js';
import { creditUsageIncrement, creditUsageRef } from '../billing/credit-ledger.js';
import { batchDocSchema, batchIdentitySchema } from '../keys/batch-doc.js';
import {
  boundToDay,
  dailyIncrements,
  dayMinutesOf,
  foldReadMask,
  monthlyIncrements,
  summarizeCalls,
} from './daily-doc.js';
import { platformDayRef, platformIncrements } from './platform-daily.js';
import { dayNamesOf } from './usage-bounds.js';

export type FoldOutcome = 'folded' | 'already_folded' | 'missing' | 'key_deleted' | 'invalid';

/** Folds of batches of one key contend on the key document; give them room to retry. */
const FOLD_MAX_ATTEMPTS = 20;

/** `identity` is the batch's immutable fields as delivered with the event (key, account, period). */
export async function foldUsageBatch(
  batchId: string,
  identity: { key_id: string; account_id: string; date: string; period: string },
): Promise<FoldOutcome> {
  const firestore = db();
  const batchRef = firestore.collection(API_USAGE_EVENTS).doc(batchId);
  const keyRef = firestore.collection(API_KEYS).doc(identity.key_id);
  const dailyRef = firestore.collection(API_USAGE_DAILY).doc(dailyDocId(identity.account_id, identity.date));
  const monthlyRef = firestore
    .collection(API_USAGE_MONTHLY)
    .doc(monthlyDocId(identity.account_id, identity.period));
  const platformRef = platformDayRef(identity.account_id, identity.date);

  let calls = 0;
  const outcome = await firestore.runTransaction(
    async (tx): Promise<FoldOutcome> => {
      const [batchSnap, keySnap, monthlySnap] = await tx.getAll(batchRef, keyRef, monthlyRef);
      if (batchSnap === undefined || !batchSnap.exists) return 'missing';
      // Not ours (or damaged): retrying cannot help, and with retries on it would loop for days.
      const parsed = batchDocSchema.safeParse(batchSnap.data());
      if (!parsed.success) return 'invalid';
      const batch = parsed.data;
      if (batch.folded_at !== undefined) return 'already_folded';
      if (keySnap === undefined || !keySnap.exists) {
        // The account was deleted while this usage was buffered: it must not reappear.
        tx.delete(batchRef);
        return 'key_deleted';
      }

      // The names, the total and the minute bitmaps: key_stats, the bulk of the document, only
      // for this batch's key.
      const [[dailySnap], [platformSnap], [accountSnap]] = await Promise.all([
        tx.getAll(dailyRef, { fieldMask: foldReadMask(batch.key_id) }),
        tx.getAll(platformRef),
        // Only a batch that spent credits changes the account: its balance.
        batch.credit_units > 0 ? tx.getAll(accountRef(batch.account_id)) : Promise.resolve([undefined]),
      ]);
      const day = dailySnap?.data();
      // The batch's own totals: calls written before calls had costs carry no units of their own.
      const summary = {
        ...summarizeCalls(batch.calls),
        units: batch.units,
        credit_units: batch.credit_units,
        overage_units: batch.overage_units,
        meter_units: batch.meter_units,
      };
      const bound = boundToDay(dayNamesOf(day), batch.key_id, summary);
      const { key, totals } = bound;
      const daily = dailyIncrements(bound, dayMinutesOf(day, key));
      calls = totals.requests;
      tx.set(
        dailyRef,
        {
          account_id: batch.account_id,
          date: batch.date,
          ...daily.write,
          updated_at: FieldValue.serverTimestamp(),
        },
        { merge: true },
      );
      const accountDayTotal = Number(day?.total_requests ?? 0) + totals.requests;
      tx.set(
        platformRef,
        platformIncrements(
          platformSnap?.data(),
          { date: batch.date, accountId: batch.account_id },
          accountDayTotal,
          totals,
        ),
        { merge: true },
      );
      // A monthly document exists once the month was closed: late usage is added to it too, and a
      // day that had no usage before now counts as a day with usage.
      if (monthlySnap?.exists === true) {
        const firstOfDay = Number(day?.total_requests ?? 0) === 0 && totals.requests > 0;
        tx.set(
          monthlyRef,
          {
            ...monthlyIncrements(key, totals, daily.added),
            ...(firstOfDay ? { days_with_usage: FieldValue.increment(1) } : {}),
          },
          { merge: true },
        );
      }

      if (batch.credit_units > 0 && accountSnap?.exists === true) {
        tx.update(accountSnap.ref, { credits_used: FieldValue.increment(batch.credit_units) });
        tx.set(creditUsageRef(batch.account_id, batch.date), creditUsageIncrement(batch), { merge: true });
      }

      const keyPeriod: unknown = keySnap.get('usage_period');
      const lastUsed: unknown = keySnap.get('last_used_at');
      const keyUpdate: Record<string, unknown> = {};
      if (keyPeriod === batch.period) {
        keyUpdate.monthly_usage = FieldValue.increment(batch.units);
      } else if (typeof keyPeriod !== 'string' || keyPeriod < batch.period) {
        // First usage of a new month reaches the key before the monthly close: start the period here.
        keyUpdate.usage_period = batch.period;
        keyUpdate.monthly_usage = batch.units;
      }
      // A batch of an earlier period than the key's counts only in that period's aggregates.
      if (!(lastUsed instanceof Timestamp) || lastUsed.toMillis() < batch.at.toMillis()) {
        keyUpdate.last_used_at = batch.at;
      }
      if (Object.keys(keyUpdate).length > 0) tx.update(keyRef, keyUpdate);
      tx.update(batchRef, { folded_at: FieldValue.serverTimestamp() });
      return 'folded';
    },
    { maxAttempts: FOLD_MAX_ATTEMPTS },
  );

  if (outcome === 'folded') log.usageFolded({ batch_id: batchId, key_id: identity.key_id, calls });
  else log.usageFoldSkipped({ batch_id: batchId, reason: outcome });
  return outcome;
}

export const foldUsage = onDocumentCreated(
  { document: `${API_USAGE_EVENTS}/{batchId}`, retry: true },
  async (event) => {
    const identity = batchIdentitySchema.safeParse(event.data?.data());
    if (!identity.success) {
      log.usageFoldSkipped({ batch_id: event.params.batchId, reason: 'invalid' });
      return;
    }
    await foldUsageBatch(event.params.batchId, identity.data);
  },
);
