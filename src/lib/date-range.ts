import { addDays, utcDate } from '@shared/dates';

/** Today as `YYYY-MM-DD` in UTC, the calendar every period and daily aggregate uses. */
export function todayUtc(now: Date = new Date()): string {
  return utcDate(now);
}

/** The last `days` days up to and including today (UTC). */
export function lastDays(days: number, now: Date = new Date()): { from: string; to: string } {
  const to = todayUtc(now);
  return { from: addDays(to, -(days - 1)), to };
}
