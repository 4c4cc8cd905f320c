/**
 * retryWebhookDeliveries: every minute, the webhook deliveries whose next attempt is due
 * (deliveries.ts), at most DUE_DELIVERIES_PER_RUN a run. The emulator does not run schedules;
 * tests call `runDueDeliveries` with the time they want.
 */
import { onSchedule } from 'firebase-functions/v2/scheduler';
import { runDueDeliveries } from './deliveries.js';
import { currentPolicy } from './webhook-target.js';

export const retryWebhookDeliveries = onSchedule(
  { schedule: 'every 1 minutes', timeZone: 'UTC', timeoutSeconds: 120, retryCount: 0 },
  async () => {
    await runDueDeliveries({ now: new Date(), policy: currentPolicy() });
  },
);
