/**
 * When a webhook delivery is tried again: at once, then after 1 min, 5 min, 30 min, 2 h, 6 h,
 * 12 h and 24 h — eight attempts over about 45 hours, so a receiver that is down for a day
 * still gets the event. The retry function runs every minute, so an attempt is at most about a
 * minute late.
 */
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** The wait before attempt n + 2 after attempt n + 1 failed (index n). */
export const RETRY_DELAYS_MS: readonly number[] = [
  MINUTE_MS,
  5 * MINUTE_MS,
  30 * MINUTE_MS,
  2 * HOUR_MS,
  6 * HOUR_MS,
  12 * HOUR_MS,
  24 * HOUR_MS,
];

export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/** When to try again after `attemptsMade` failed attempts, or null: give up, the delivery failed. */
export function nextAttemptAt(attemptsMade: number, lastAttemptAt: Date): Date | null {
  if (!Number.isInteger(attemptsMade) || attemptsMade < 1) throw new Error('no attempt was made yet');
  const delay = RETRY_DELAYS_MS[attemptsMade - 1];
  return delay === undefined ? null : new Date(lastAttemptAt.getTime() + delay);
}
