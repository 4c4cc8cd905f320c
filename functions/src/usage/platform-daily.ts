/**
 * `api_usage_platform_daily/{date}_{shard}`: the platform's totals per UTC day, so that
 * `GET /admin/stats` reads O(days) documents instead of every account's daily documents. Each
 * account belongs to one of PLATFORM_SHARDS shards (by a hash of its uid), and foldUsage adds a
 * batch to its account's shard in the same transaction that adds it to the account's daily
 * document, guarded by the same `folded_at` marker: a redelivered batch changes neither.
 *
 * Why shards: every fold of the day reads and writes its shard document, and one Firestore
 * document sustains only a limited rate of transactional writes; folds arrive at most once per
 * key and instance every few seconds (usage-recorder.ts), and the shards divide that rate.
 * Readers query by `date` and sum whatever shard documents exist, so the count can change.
 *
 * Each shard document also keeps `top_accounts`, its PLATFORM_TOP_ACCOUNTS busiest accounts of
 * the day with their exact day totals: an account enters when its total (read from its daily
 * document in the fold's transaction) beats the smallest held, which it then evicts. Totals
 * only grow, so every account left out has no more than the smallest held one: the map is the
 * shard's exact top of the day, and the union over shards the platform's.
 *
 * Days folded before these documents existed: `rebuildPlatformDays` recomputes them from the
 * daily documents (scripts/backfill-platform-daily.ts; the demo seed calls it too).
 */
import { createHash } from 'node:crypto';
import { FieldValue, type DocumentData, type DocumentReference } from 'firebase-admin/firestore';
import { z } from 'zod';
import { db } from '../lib/firebase.js';
import { API_USAGE_DAILY, API_USAGE_PLATFORM_DAILY } from '../lib/collections.js';
import { addDays, isoDateSchema } from '../shared/dates.js';
import { mergeHistogram, type LatencyHistogram } from '../shared/latency.js';
import { incrementsOf, type UsageTotals } from './daily-doc.js';

export const PLATFORM_SHARDS = 4;
export const PLATFORM_TOP_ACCOUNTS = 50;

const count = z.number().nonnegative().default(0);

export const platformDayDocSchema = z.object({
  date: isoDateSchema,
  shard: z.number().int().nonnegative(),
  total_requests: count,
  total_units: count,
  error_count: count,
  latency_ms_sum: count,
  /** The latency histogram of the shard's calls (shared/latency.ts), for the platform's percentiles. */
  latency_buckets: z.record(z.string(), z.number()).default({}),
  /** uid → the account's requests that day, for the shard's busiest accounts. */
  top_accounts: z.record(z.string(), z.number()).default({}),
});
export type PlatformDayDoc = z.infer<typeof platformDayDocSchema>;

export function platformShard(accountId: string): number {
  return createHash('sha256').update(accountId).digest().readUInt32BE(0) % PLATFORM_SHARDS;
}

function shardRef(date: string, shard: number): DocumentReference {
  return db().collection(API_USAGE_PLATFORM_DAILY).doc(`${date}_${shard}`);
}

export function platformDayRef(accountId: string, date: string): DocumentReference {
  return shardRef(date, platformShard(accountId));
}

function topOf(data: DocumentData | undefined): Record<string, number> {
  const parsed = platformDayDocSchema.shape.top_accounts.safeParse(data?.top_accounts);
  return parsed.success ? parsed.data : {};
}

/**
 * How the top map changes when `accountId`'s day total becomes `dayTotal`: its entry to set, and
 * the entry it evicts, if any. Ties keep the account already held.
 */
export function nextTopAccounts(
  top: Readonly<Record<string, number>>,
  accountId: string,
  dayTotal: number,
  size = PLATFORM_TOP_ACCOUNTS,
): { set: Record<string, number>; evict: string | null } {
  const held = Object.entries(top);
  if (Object.hasOwn(top, accountId) || held.length < size)
    return { set: { [accountId]: dayTotal }, evict: null };
  let smallest: [string, number] | undefined;
  for (const entry of held) {
    if (
      smallest === undefined ||
      entry[1] < smallest[1] ||
      (entry[1] === smallest[1] && entry[0] > smallest[0])
    )
      smallest = entry;
  }
  if (smallest === undefined || dayTotal <= smallest[1]) return { set: {}, evict: null };
  return { set: { [accountId]: dayTotal }, evict: smallest[0] };
}

/**
 * The write, for a `set(…, { merge: true })` in the fold's transaction, that adds one batch of
 * `accountId` to its shard document. `current` is that document as read in the same transaction;
 * `accountDayTotal` is the account's day total including this batch.
 */
export function platformIncrements(
  current: DocumentData | undefined,
  ids: { date: string; accountId: string },
  accountDayTotal: number,
  totals: UsageTotals,
): DocumentData {
  const { set, evict } = nextTopAccounts(topOf(current), ids.accountId, accountDayTotal);
  const top: Record<string, number | FieldValue> = { ...set };
  if (evict !== null) top[evict] = FieldValue.delete();
  return {
    date: ids.date,
    shard: platformShard(ids.accountId),
    total_requests: FieldValue.increment(totals.requests),
    total_units: FieldValue.increment(totals.units),
    error_count: FieldValue.increment(totals.errors),
    latency_ms_sum: FieldValue.increment(totals.latency_ms_sum),
    ...incrementsOf('latency_buckets', totals.latency),
    // An empty map in a merge would replace the stored one: leave the field out instead.
    ...(Object.keys(top).length === 0 ? {} : { top_accounts: top }),
    updated_at: FieldValue.serverTimestamp(),
  };
}

/** Every shard document of the days in a range: at most PLATFORM_SHARDS per day. */
export async function loadPlatformDays(from: string, to: string): Promise<PlatformDayDoc[]> {
  const snapshot = await db()
    .collection(API_USAGE_PLATFORM_DAILY)
    .where('date', '>=', from)
    .where('date', '<=', to)
    .get();
  return snapshot.docs.map((doc) => platformDayDocSchema.parse(doc.data()));
}

interface ShardTotals {
  total_requests: number;
  total_units: number;
  error_count: number;
  latency_ms_sum: number;
  latency_buckets: LatencyHistogram;
  accounts: [string, number][];
}

/**
 * Recomputes one day's shard documents from its daily documents, in one transaction that reads
 * the shard documents (and so serialises with any fold of that day, which reads its shard too)
 * and every daily document of the day. Idempotent. Shard documents of a former shard count are
 * deleted, so the day's sum stays right.
 */
export async function rebuildPlatformDay(date: string): Promise<{ accounts: number; requests: number }> {
  const firestore = db();
  return firestore.runTransaction(async (tx) => {
    const refs = Array.from({ length: PLATFORM_SHARDS }, (_, shard) => shardRef(date, shard));
    await tx.getAll(...refs);
    const stale = await tx.get(firestore.collection(API_USAGE_PLATFORM_DAILY).where('date', '==', date));
    const days = await tx.get(
      firestore
        .collection(API_USAGE_DAILY)
        .where('date', '==', date)
        .select(
          'account_id',
          'total_requests',
          'total_units',
          'error_count',
          'latency_ms_sum',
          'latency_buckets',
        ),
    );
    const shards: ShardTotals[] = refs.map(() => ({
      total_requests: 0,
      total_units: 0,
      error_count: 0,
      latency_ms_sum: 0,
      latency_buckets: {},
      accounts: [],
    }));
    let requests = 0;
    for (const doc of days.docs) {
      const accountId: unknown = doc.get('account_id');
      if (typeof accountId !== 'string') continue;
      const shard = shards[platformShard(accountId)];
      if (shard === undefined) continue;
      const dayRequests = Number(doc.get('total_requests') ?? 0);
      shard.total_requests += dayRequests;
      shard.total_units += Number(doc.get('total_units') ?? 0);
      shard.error_count += Number(doc.get('error_count') ?? 0);
      shard.latency_ms_sum += Number(doc.get('latency_ms_sum') ?? 0);
      const buckets = platformDayDocSchema.shape.latency_buckets.safeParse(doc.get('latency_buckets'));
      if (buckets.success) mergeHistogram(shard.latency_buckets, buckets.data);
      if (dayRequests > 0) shard.accounts.push([accountId, dayRequests]);
      requests += dayRequests;
    }
    const current = new Set(refs.map((ref) => ref.path));
    for (const doc of stale.docs) if (!current.has(doc.ref.path)) tx.delete(doc.ref);
    refs.forEach((ref, index) => {
      const shard = shards[index];
      if (shard === undefined) return;
      const top = shard.accounts
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, PLATFORM_TOP_ACCOUNTS);
      tx.set(ref, {
        date,
        shard: index,
        total_requests: shard.total_requests,
        total_units: shard.total_units,
        error_count: shard.error_count,
        latency_ms_sum: shard.latency_ms_sum,
        latency_buckets: shard.latency_buckets,
        top_accounts: Object.fromEntries(top),
        updated_at: FieldValue.serverTimestamp(),
      });
    });
    return { accounts: days.size, requests };
  });
}

/** `rebuildPlatformDay` for each day of a range, oldest first. */
export async function rebuildPlatformDays(
  from: string,
  to: string,
): Promise<{ days: number; requests: number }> {
  let days = 0;
  let requests = 0;
  for (let date = from; date <= to; date = addDays(date, 1)) {
    requests += (await rebuildPlatformDay(date)).requests;
    days += 1;
  }
  return { days, requests };
}

/** The first day any account has usage, or null: where a full backfill starts. */
export async function firstUsageDate(): Promise<string | null> {
  const first = await db().collection(API_USAGE_DAILY).orderBy('date').select('date').limit(1).get();
  const date: unknown = first.docs[0]?.get('date');
  return typeof date === 'string' ? date : null;
}
