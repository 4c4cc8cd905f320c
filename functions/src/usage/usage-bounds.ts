/**
 * What keeps `api_usage_daily` under Firestore's 1 MiB whatever callers send. Each map of a
 * daily document (by endpoint, by status, by key, and key_stats with its per-key maps) holds at
 * most a fixed number of distinct names per account and day; the calls of any further name are
 * counted under `other`, so every map still sums to the day's total. Which names are in is
 * decided inside the fold's transaction from the names the document already holds, so
 * concurrent folds cannot overshoot a cap. A name once in stays in for the day.
 *
 * Latency histograms (shared/latency.ts, at most 29 buckets each) follow the same names: one
 * for the account, one per endpoint and one per key. Per key and endpoint there is one only for
 * the day's first `key_endpoint_latency` pairs, counted in `latency_key_endpoints` (read in the
 * same transaction); a key's further endpoints share its `other` histogram. Minute bitmaps
 * (minute-bitmap.ts) are 240 characters each, two per key and two for the account.
 *
 * Worst case with these bounds (usage-bounds.test.ts builds it): about 850 KB of 1,048,576.
 */
import { z } from 'zod';

/** The bucket of the calls whose name did not fit. Not an endpoint, a status or a key id we make. */
export const OTHER = 'other';

export const DAILY_BOUNDS = {
  /** Distinct endpoints per account and day. */
  endpoints: 100,
  /** Distinct HTTP statuses per account and day; real traffic has a handful. */
  statuses: 32,
  /**
   * Distinct keys per account and day, each with its own key_stats entry: twice the 25 active
   * keys an account may hold, so keys rolled or replaced during the day still get their own.
   */
  keys: 50,
  /**
   * (key, endpoint) pairs per account and day with a latency histogram of their own (about 400
   * bytes each at worst). Real keys call a handful of endpoints; this covers 25 keys on 10 each.
   */
  key_endpoint_latency: 250,
} as const;

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export const ENDPOINT_PATH_MAX_LENGTH = 100;

/**
 * `METHOD /path`, the route pattern (`GET /orders/{id}`), as recorded for a call. Only the
 * characters of a URL path (RFC 3986 unreserved, `/`, and `:{}*@` for patterns): no spaces,
 * quotes, query strings or control characters reach the dashboard or the CSV export.
 */
export const endpointNameSchema = z
  .string()
  .regex(
    new RegExp(`^(${METHODS.join('|')}) /[A-Za-z0-9._~:@{}*/-]{0,${ENDPOINT_PATH_MAX_LENGTH - 1}}$`),
    `endpoint is "METHOD /path" (${METHODS.join(', ')}; a path of at most ${ENDPOINT_PATH_MAX_LENGTH} characters from A-Z a-z 0-9 . _ ~ : @ { } * / -), e.g. "GET /orders"`,
  );

function isStatusName(name: string): boolean {
  return /^[1-5][0-9][0-9]$/.test(name);
}

/** The names that may take a slot at all: anything else goes to `other` at once. */
const ACCEPTED = {
  endpoints: (name: string) => endpointNameSchema.safeParse(name).success,
  statuses: isStatusName,
  keys: (name: string) => /^[A-Za-z0-9_-]{1,64}$/.test(name) && name !== OTHER,
} as const satisfies Record<Dimension, (name: string) => boolean>;

export type Dimension = 'endpoints' | 'statuses' | 'keys';

/**
 * The names a daily document holds in each dimension, read in the fold's transaction, and its
 * (key, endpoint) latency histograms: how many the day holds, and which endpoints have one for
 * the keys the fold read (the batch's key and OTHER).
 */
export type DayNames = Readonly<Record<Dimension, ReadonlySet<string>>> & {
  readonly keyEndpointLatency: {
    readonly count: number;
    readonly byKey: ReadonlyMap<string, ReadonlySet<string>>;
  };
};

function namesOf(value: unknown): Set<string> {
  if (typeof value !== 'object' || value === null) return new Set();
  return new Set(Object.keys(value));
}

/** The fields of a daily document that say which names it holds (and the day's total). */
export const DAY_NAME_FIELDS = [
  'total_requests',
  'requests_by_endpoint',
  'requests_by_status',
  'requests_by_key',
] as const;

/** The field holding how many (key, endpoint) latency histograms a day has. */
export const KEY_ENDPOINT_LATENCY_COUNT = 'latency_key_endpoints';

export function dayNamesOf(data: Record<string, unknown> | undefined): DayNames {
  const keyStats = data?.key_stats;
  const byKey = new Map<string, ReadonlySet<string>>();
  if (typeof keyStats === 'object' && keyStats !== null)
    for (const [key, stats] of Object.entries(keyStats))
      if (typeof stats === 'object' && stats !== null && 'latency_buckets_by_endpoint' in stats)
        byKey.set(key, namesOf(stats.latency_buckets_by_endpoint));
  const count = data?.[KEY_ENDPOINT_LATENCY_COUNT];
  return {
    endpoints: namesOf(data?.requests_by_endpoint),
    statuses: namesOf(data?.requests_by_status),
    keys: namesOf(data?.requests_by_key),
    keyEndpointLatency: { count: typeof count === 'number' ? count : 0, byKey },
  };
}

/** A name to record under: itself if the day already holds it or has room for it, else OTHER. */
export class NameBudget {
  private readonly taken: Set<string>;

  constructor(
    private readonly dimension: Dimension,
    held: ReadonlySet<string>,
  ) {
    this.taken = new Set([...held].filter((name) => name !== OTHER));
  }

  place(name: string): string {
    if (this.taken.has(name)) return name;
    if (!ACCEPTED[this.dimension](name) || this.taken.size >= DAILY_BOUNDS[this.dimension]) return OTHER;
    this.taken.add(name);
    return name;
  }
}

/**
 * Where each name of one batch is recorded on the day's budget. The batch's busiest names are
 * placed first, so when a day fills up it is the rare names that end up in `other`.
 */
export function placeNames(
  counts: Readonly<Record<string, number>>,
  budget: NameBudget,
): Map<string, string> {
  const busiestFirst = Object.entries(counts).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return new Map(busiestFirst.map(([name]) => [name, budget.place(name)]));
}

/** The counts of one batch renamed onto the day's budget (placeNames). */
export function placeCounts(
  counts: Readonly<Record<string, number>>,
  budget: NameBudget,
): Record<string, number> {
  return renameCounts(counts, placeNames(counts, budget));
}

export function renameCounts(
  counts: Readonly<Record<string, number>>,
  placement: ReadonlyMap<string, string>,
): Record<string, number> {
  const placed: Record<string, number> = {};
  for (const [name, value] of Object.entries(counts)) {
    const target = placement.get(name) ?? OTHER;
    placed[target] = (placed[target] ?? 0) + value;
  }
  return placed;
}

/**
 * Which of a key's endpoints in one batch (counts by endpoint name, already placed on the day's
 * endpoint budget) get a latency histogram of their own: those the key already has one for,
 * then new ones, busiest first, while the day holds fewer than `key_endpoint_latency` pairs; the
 * rest are recorded under the key's OTHER. OTHER itself takes no slot. `added` is how many
 * pairs this batch takes.
 */
export function placeKeyEndpoints(
  counts: Readonly<Record<string, number>>,
  held: ReadonlySet<string>,
  dayCount: number,
): { placement: Map<string, string>; added: number } {
  const placement = new Map<string, string>();
  let count = dayCount;
  let added = 0;
  const busiestFirst = Object.entries(counts).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  for (const [endpoint] of busiestFirst) {
    if (endpoint === OTHER || held.has(endpoint)) {
      placement.set(endpoint, endpoint);
    } else if (count < DAILY_BOUNDS.key_endpoint_latency) {
      placement.set(endpoint, endpoint);
      count += 1;
      added += 1;
    } else {
      placement.set(endpoint, OTHER);
    }
  }
  return { placement, added };
}
