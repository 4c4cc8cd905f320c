/**
 * What keeps `api_usage_daily` under Firestore's 1 MiB whatever callers send. Each map of a
 * daily document (by endpoint, by status, by key, and key_stats with its per-key maps) holds at
 * most a fixed number of distinct names per account and day; the calls of any further name are
 * counted under `other`, so every map still sums to the day's total. Which names are in is
 * decided inside the fold's transaction from the names the document already holds, so
 * concurrent folds cannot overshoot a cap. A name once in stays in for the day.
 *
 * Worst case with these bounds (usage-bounds.test.ts builds it): about 640 KB.
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
} as const satisfies Record<keyof typeof DAILY_BOUNDS, (name: string) => boolean>;

export type Dimension = keyof typeof DAILY_BOUNDS;

/** The names a daily document holds in each dimension, read in the fold's transaction. */
export type DayNames = Readonly<Record<Dimension, ReadonlySet<string>>>;

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

export function dayNamesOf(data: Record<string, unknown> | undefined): DayNames {
  return {
    endpoints: namesOf(data?.requests_by_endpoint),
    statuses: namesOf(data?.requests_by_status),
    keys: namesOf(data?.requests_by_key),
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
 * Renames the counts of one batch onto the day's budget. The batch's busiest names are placed
 * first, so when a day fills up it is the rare names that end up in `other`.
 */
export function placeCounts(
  counts: Readonly<Record<string, number>>,
  budget: NameBudget,
): Record<string, number> {
  const placed: Record<string, number> = {};
  const busiestFirst = Object.entries(counts).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  for (const [name, value] of busiestFirst) {
    const target = budget.place(name);
    placed[target] = (placed[target] ?? 0) + value;
  }
  return placed;
}
