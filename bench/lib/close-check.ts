/**
 * Whether a monthly close came out exact, judged from what Firestore holds, with sums of its
 * own (not the close's code): every account's `api_usage_monthly` document equals the sum of its
 * daily documents, no account with usage lacks one, the period's calls are all there, and every
 * key is on the next period with exactly the usage folded into that period (so no key was moved
 * twice, and none was left behind).
 */
import { FieldPath, type Firestore, type Query, type QueryDocumentSnapshot } from 'firebase-admin/firestore';
import { ACCOUNT_DAY_FIELDS } from '../../functions/src/usage/daily-doc.js';
import { countMinutes, decodeMinutes } from '../../functions/src/usage/minute-bitmap.js';
import type { FixtureKey } from './usage-fixtures.js';

export interface CloseExpectation {
  period: string;
  next: string;
  keys: readonly FixtureKey[];
  /** Every call of the period: seeded plus folded. */
  calls: number;
  /** Calls folded into the next period per key (their counter after the close). */
  nextUsage: ReadonlyMap<string, number>;
  /**
   * Whether days_with_usage must match too. Late usage on a day without usage, folded after the
   * close wrote the month, leaves it behind (foldUsage adds the calls, not the day), so a check
   * after late folds counts those documents instead of failing on them.
   */
  strictDays: boolean;
}

export interface CloseCheck {
  exact: boolean;
  monthly_docs: number;
  accounts_with_usage: number;
  keys_checked: number;
  /** Monthly documents whose days_with_usage lags: late usage on a new day (see the report). */
  days_with_usage_stale: number;
  problems: string[];
}

interface Sums {
  total_requests: number;
  error_count: number;
  latency_ms_sum: number;
  /** Bucket by bucket (a month keeps the account's histogram, not per endpoint). */
  latency_buckets: Record<string, number>;
  minutes_with_calls: number;
  minutes_with_server_errors: number;
  requests_by_endpoint: Record<string, number>;
  requests_by_status: Record<string, number>;
  requests_by_key: Record<string, number>;
  days_with_usage: number;
}

const PAGE = 5_000;

async function* pages(query: Query): AsyncGenerator<QueryDocumentSnapshot> {
  let cursor: QueryDocumentSnapshot | undefined;
  for (;;) {
    const page = await (cursor === undefined ? query : query.startAfter(cursor)).limit(PAGE).get();
    yield* page.docs;
    cursor = page.docs.at(-1);
    if (page.size < PAGE) return;
  }
}

function counts(value: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (typeof value !== 'object' || value === null) return out;
  for (const [name, count] of Object.entries(value)) if (typeof count === 'number') out[name] = count;
  return out;
}

function sameCounts(a: Record<string, number>, b: Record<string, number>): boolean {
  const nonZero = (map: Record<string, number>) => Object.entries(map).filter(([, value]) => value !== 0);
  const left = nonZero(a);
  return left.length === nonZero(b).length && left.every(([name, value]) => b[name] === value);
}

function lastDay(period: string): string {
  const at = new Date(`${period}-01T00:00:00Z`);
  at.setUTCMonth(at.getUTCMonth() + 1);
  at.setUTCDate(0);
  return at.toISOString().slice(0, 10);
}

export async function checkClose(firestore: Firestore, expected: CloseExpectation): Promise<CloseCheck> {
  const problems: string[] = [];
  const note = (problem: string) => {
    if (problems.length < 20) problems.push(problem);
  };
  const sums = new Map<string, Sums>();
  let calls = 0;
  const days = firestore
    .collection('api_usage_daily')
    .where('date', '>=', `${expected.period}-01`)
    .where('date', '<=', lastDay(expected.period))
    .orderBy('date')
    .orderBy(FieldPath.documentId())
    .select(...ACCOUNT_DAY_FIELDS);
  for await (const doc of pages(days)) {
    const account = String(doc.get('account_id'));
    const sum = sums.get(account) ?? {
      total_requests: 0,
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
    const total = Number(doc.get('total_requests') ?? 0);
    sum.total_requests += total;
    sum.error_count += Number(doc.get('error_count') ?? 0);
    sum.latency_ms_sum += Number(doc.get('latency_ms_sum') ?? 0);
    sum.minutes_with_calls += countMinutes(decodeMinutes(doc.get('call_minutes')));
    sum.minutes_with_server_errors += countMinutes(decodeMinutes(doc.get('server_error_minutes')));
    for (const field of [
      'latency_buckets',
      'requests_by_endpoint',
      'requests_by_status',
      'requests_by_key',
    ] as const) {
      for (const [name, value] of Object.entries(counts(doc.get(field))))
        sum[field][name] = (sum[field][name] ?? 0) + value;
    }
    if (total > 0) sum.days_with_usage += 1;
    sums.set(account, sum);
    calls += total;
  }
  if (calls !== expected.calls)
    note(`daily documents hold ${calls} calls of ${expected.period}, expected ${expected.calls}`);

  let monthlyDocs = 0;
  let stale = 0;
  const seen = new Set<string>();
  const monthly = firestore
    .collection('api_usage_monthly')
    .where('period', '==', expected.period)
    .orderBy(FieldPath.documentId());
  for await (const doc of pages(monthly)) {
    monthlyDocs += 1;
    const account = String(doc.get('account_id'));
    seen.add(account);
    const sum = sums.get(account);
    const got = (field: string) => Number(doc.get(field) ?? 0);
    const equal =
      got('total_requests') === (sum?.total_requests ?? 0) &&
      got('error_count') === (sum?.error_count ?? 0) &&
      got('latency_ms_sum') === (sum?.latency_ms_sum ?? 0) &&
      got('minutes_with_calls') === (sum?.minutes_with_calls ?? 0) &&
      got('minutes_with_server_errors') === (sum?.minutes_with_server_errors ?? 0) &&
      sameCounts(counts(doc.get('latency_buckets')), sum?.latency_buckets ?? {}) &&
      sameCounts(counts(doc.get('requests_by_endpoint')), sum?.requests_by_endpoint ?? {}) &&
      sameCounts(counts(doc.get('requests_by_status')), sum?.requests_by_status ?? {}) &&
      sameCounts(counts(doc.get('requests_by_key')), sum?.requests_by_key ?? {});
    if (!equal)
      note(`${doc.id}: ${got('total_requests')} requests, its days sum to ${sum?.total_requests ?? 0}`);
    if (got('days_with_usage') !== (sum?.days_with_usage ?? 0)) {
      stale += 1;
      if (expected.strictDays)
        note(
          `${doc.id}: days_with_usage ${got('days_with_usage')}, its days say ${sum?.days_with_usage ?? 0}`,
        );
    }
  }
  for (const [account, sum] of sums)
    if (sum.total_requests > 0 && !seen.has(account))
      note(`${account} has usage in ${expected.period} but no monthly document`);

  const keyState = new Map<string, { period: unknown; usage: unknown }>();
  for await (const doc of pages(
    firestore.collection('api_keys').orderBy(FieldPath.documentId()).select('usage_period', 'monthly_usage'),
  )) {
    keyState.set(doc.id, { period: doc.get('usage_period'), usage: doc.get('monthly_usage') });
  }
  for (const key of expected.keys) {
    const state = keyState.get(key.id);
    const usage = expected.nextUsage.get(key.id) ?? 0;
    if (state === undefined) note(`key ${key.id} is gone`);
    else if (state.period !== expected.next || state.usage !== usage)
      note(
        `key ${key.id}: ${String(state.usage)} on ${String(state.period)}, expected ${usage} on ${expected.next}`,
      );
  }

  return {
    exact: problems.length === 0,
    monthly_docs: monthlyDocs,
    accounts_with_usage: [...sums.values()].filter((sum) => sum.total_requests > 0).length,
    keys_checked: expected.keys.length,
    days_with_usage_stale: stale,
    problems,
  };
}
