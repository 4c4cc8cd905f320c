/**
 * Keymeter's Cloud Functions. This file only wires modules to exports:
 * - api: the metered `/v1` API (Hosting rewrites /v1/** here)
 * - dashboardApi: the dashboard's API (Hosting rewrites /api/dashboard/** here)
 * - foldUsage: folds usage batches into daily and monthly aggregates
 * - closeMonth: the monthly close, 00:00 UTC on the 1st
 * - closeMonthContinue: a Cloud Tasks continuation of a close that outlasted its run
 * - stripeWebhook: Stripe's webhook events (Hosting rewrites /stripe/webhook here)
 * - reportOverage: every hour, the days' overage reported to Stripe's billing meter
 * - onAlertFired: delivers each usage alert (in-app, email, webhook)
 * - retryWebhookDeliveries: every minute, the webhook deliveries due for another attempt
 */
import './lib/global-options.js';
import { onRequest } from 'firebase-functions/v2/https';
import { createApiApp } from './api/app.js';
import { MAIL_SECRETS } from './alerts/mail.js';
import { CHECKOUT_SECRETS } from './billing/config.js';
import { createDashboardApp } from './dashboard/app.js';

/** Hosting calls the HTTP functions on the caller's behalf, so they must be publicly invokable. */
export const api = onRequest(
  { invoker: 'public', concurrency: 80, cpu: 1, timeoutSeconds: 30 },
  createApiApp(),
);
export const dashboardApi = onRequest(
  // Mail: team invitations are emailed from the dashboard's API.
  { invoker: 'public', timeoutSeconds: 60, secrets: [...CHECKOUT_SECRETS, ...MAIL_SECRETS] },
  createDashboardApp(),
);
export { foldUsage } from './usage/fold-usage.js';
export { closeMonthSchedule as closeMonth, closeMonthContinue } from './usage/close-month-schedule.js';
export { stripeWebhook } from './billing/stripe-webhook.js';
export { reportOverageSchedule as reportOverage } from './billing/report-overage-schedule.js';
export { onAlertFired } from './alerts/on-alert-fired.js';
export { retryWebhookDeliveries } from './alerts/retry-deliveries.js';
