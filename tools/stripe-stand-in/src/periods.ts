import type { RecurringInterval } from './objects.js';

/**
 * The end of the `count`-th billing period after `anchor`. Months and years are counted on the
 * calendar from the anchor, clamping to the last day of shorter months as Stripe does: a
 * subscription anchored on 31 January renews on 28/29 February, then on 31 March.
 */
export function periodBoundary(
  anchor: number,
  interval: RecurringInterval,
  intervalCount: number,
  count: number,
): number {
  const steps = intervalCount * count;
  switch (interval) {
    case 'day':
      return anchor + steps * 86_400;
    case 'week':
      return anchor + steps * 7 * 86_400;
    case 'month':
      return addCalendarMonths(anchor, steps);
    case 'year':
      return addCalendarMonths(anchor, steps * 12);
  }
}

function addCalendarMonths(unixSeconds: number, months: number): number {
  const start = new Date(unixSeconds * 1000);
  const targetMonthIndex = start.getUTCMonth() + months;
  const year = start.getUTCFullYear() + Math.floor(targetMonthIndex / 12);
  const month = ((targetMonthIndex % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(start.getUTCDate(), lastDay);
  const ms = Date.UTC(year, month, day, start.getUTCHours(), start.getUTCMinutes(), start.getUTCSeconds());
  return Math.floor(ms / 1000);
}
