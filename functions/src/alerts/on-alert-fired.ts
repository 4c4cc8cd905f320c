/**
 * onAlertFired: delivers each alert the lease ledger creates (keys/lease-alerts.ts) on every
 * channel the account has: the in-app notification, the email, the webhook. Firestore triggers are delivered at least
 * once, so each channel is written to be idempotent by the alert's id: the notification and the
 * webhook delivery are created only if absent, the email is claimed before it is sent (mail.ts),
 * and the webhook's first attempt takes the delivery's lease (deliveries.ts). A redelivered or
 * retried event therefore adds nothing that the first one made.
 */
import { onDocumentCreated } from 'firebase-functions/v2/firestore';
import { ALERTS } from '../lib/collections.js';
import { log } from '../lib/log.js';
import { alertDocSchema } from './alert-doc.js';
import { alertText } from './alert-text.js';
import { attemptDelivery, createAlertDelivery } from './deliveries.js';
import { MAIL_SECRETS, sendAlertMail } from './mail.js';
import { createNotification } from './notifications.js';
import { readAlertSettings } from './settings.js';
import { currentPolicy, type TargetPolicy } from './webhook-target.js';

export async function deliverAlert(
  alertId: string,
  data: unknown,
  now: Date,
  policy: TargetPolicy = currentPolicy(),
): Promise<void> {
  const parsed = alertDocSchema.safeParse(data);
  // Retrying cannot mend a document that is not an alert.
  if (!parsed.success) {
    log.alertIgnored({ alert_id: alertId, reason: 'invalid' });
    return;
  }
  const alert = parsed.data;
  const settings = await readAlertSettings(alert.account_id);
  const text = alertText(alert);
  await createNotification(alertId, alert, text, now);
  const deliveryId = settings.webhook === null ? null : await createAlertDelivery(alertId, alert, now);
  await Promise.all([
    sendAlertMail(alertId, alert, settings, text, now),
    deliveryId === null ? undefined : attemptDelivery(deliveryId, { now, policy }),
  ]);
}

export const onAlertFired = onDocumentCreated(
  { document: `${ALERTS}/{alertId}`, retry: true, secrets: MAIL_SECRETS, timeoutSeconds: 60 },
  (event) => deliverAlert(event.params.alertId, event.data?.data(), new Date()),
);
