/**
 * This period's usage of one account against its limits, as `GET /me` and `GET /summary` show
 * it: the units its keys have used (their folded monthly counters, rolled and revoked keys
 * included, since they all drew on the account's quota), every call made (refused ones too,
 * from the daily documents) and the limits of the account's plan.
 */
import { limitsOf, meterLimitOf, type AccountDoc } from '../accounts/account-doc.js';
import { isUsable, readKeyDoc, usageThisPeriod } from '../keys/key-doc.js';
import { db } from '../lib/firebase.js';
import { API_KEYS } from '../lib/collections.js';
import type { AccountUsage } from '../shared/contracts.js';
import { periodEnd, utcDate, utcPeriod } from '../shared/dates.js';
import { METER_LABELS, METERS } from '../shared/plans.js';
import { loadAccountDays } from '../usage/daily-queries.js';

export async function accountUsage(accountId: string, account: AccountDoc, now: Date): Promise<AccountUsage> {
  const period = utcPeriod(now);
  const [keys, days] = await Promise.all([
    db().collection(API_KEYS).where('account_id', '==', accountId).orderBy('created_at', 'desc').get(),
    loadAccountDays(accountId, `${period}-01`, utcDate(now)),
  ]);
  const keyDocs = keys.docs.map((doc) => ({ id: doc.id, doc: readKeyDoc(doc.data()) }));
  let requests = 0;
  const meterUnits = new Map<string, number>();
  for (const day of days.values()) {
    requests += day.total_requests;
    for (const [meter, used] of Object.entries(day.meter_units))
      meterUnits.set(meter, (meterUnits.get(meter) ?? 0) + used);
  }
  let units = 0;
  for (const { doc } of keyDocs) units += usageThisPeriod(doc, now);
  const limits = limitsOf(account);
  return {
    period,
    requests,
    units,
    quota: limits.monthly,
    per_minute_limit: limits.per_minute,
    resets_at: periodEnd(period).toISOString(),
    active_keys: keyDocs.filter(({ doc }) => isUsable(doc, now)).length,
    meters: METERS.map((meter) => {
      const limit = meterLimitOf(account, meter);
      return {
        meter,
        label: METER_LABELS[meter],
        used: meterUnits.get(meter) ?? 0,
        monthly: limit?.monthly ?? null,
        per_minute: limit?.per_minute ?? null,
      };
    }),
    // Keys that can still call, or that used part of this period's quota.
    keys: keyDocs
      .filter(({ doc }) => isUsable(doc, now) || usageThisPeriod(doc, now) > 0)
      .map(({ id, doc }) => ({
        id,
        label: doc.label,
        units: usageThisPeriod(doc, now),
        cap_monthly: doc.cap_monthly,
        cap_per_minute: doc.cap_per_minute,
      })),
  };
}
