/**
 * Every hour, the overage of the last days is reported to Stripe's billing meter
 * (overage-reporter.ts). A run that fails or stops early loses nothing: whatever it left
 * pending or unreported is the next run's, an hour later.
 */
import { onSchedule } from 'firebase-functions/v2/scheduler';
import { ApiError } from '../http/api-error.js';
import { log } from '../lib/log.js';
import { REPORTER_SECRETS, reporterConfig } from './config.js';
import { reportOverage } from './overage-reporter.js';
import { stripeClient } from './stripe-client.js';

export const REPORT_TIMEOUT_SECONDS = 300;
/** Stop starting new days a minute before the timeout. */
const DEADLINE_MARGIN_MS = 60_000;

export const reportOverageSchedule = onSchedule(
  {
    schedule: '17 * * * *',
    timeZone: 'UTC',
    // The next hourly run is the retry; a retry of a failed run would only race it.
    retryCount: 0,
    timeoutSeconds: REPORT_TIMEOUT_SECONDS,
    secrets: REPORTER_SECRETS,
  },
  async () => {
    const started = Date.now();
    try {
      const config = reporterConfig('reportOverage');
      await reportOverage({
        stripe: stripeClient(config),
        eventName: config.meterEventName,
        deadline: started + REPORT_TIMEOUT_SECONDS * 1000 - DEADLINE_MARGIN_MS,
      });
    } catch (error) {
      // Not configured is logged once by reporterConfig; anything else is a run to try again.
      if (!(error instanceof ApiError)) log.taskFailed({ task: 'report_overage' }, error);
    }
  },
);
