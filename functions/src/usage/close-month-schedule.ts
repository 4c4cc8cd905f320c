import { onSchedule } from 'firebase-functions/v2/scheduler';
import { previousPeriod, utcPeriod } from '../shared/dates.js';
import { closeMonth } from './close-month.js';

/** At 00:00 UTC on the 1st, closes the month that just ended. */
export const closeMonthSchedule = onSchedule(
  { schedule: '0 0 1 * *', timeZone: 'UTC', retryCount: 3 },
  async (event) => {
    const scheduled = new Date(event.scheduleTime);
    const now = Number.isNaN(scheduled.getTime()) ? new Date() : scheduled;
    await closeMonth(previousPeriod(utcPeriod(now)));
  },
);
