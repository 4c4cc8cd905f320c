/**
 * `notifications/{alert_id}`: an alert as the dashboard's bell shows it, one per alert (its id
 * is the alert's), read or unread for the whole account, removed by a TTL policy on
 * `expire_at` after NOTIFICATION_TTL_DAYS.
 */
import { Timestamp } from 'firebase-admin/firestore';
import { z } from 'zod';
import { db } from '../lib/firebase.js';
import { NOTIFICATIONS } from '../lib/collections.js';
import { alertKindSchema, type Notification } from '../shared/contracts.js';
import type { AlertDoc } from './alert-doc.js';
import type { AlertText } from './alert-text.js';

export const NOTIFICATION_TTL_DAYS = 90;
const DAY_MS = 86_400_000;
const ALREADY_EXISTS = 6;

const timestamp = z.instanceof(Timestamp);

export const notificationDocSchema = z.object({
  account_id: z.string(),
  kind: alertKindSchema,
  title: z.string(),
  body: z.string(),
  created_at: timestamp,
  read_at: timestamp.nullable(),
  expire_at: timestamp,
});
export type NotificationDoc = z.infer<typeof notificationDocSchema>;

export function notificationsCollection() {
  return db().collection(NOTIFICATIONS);
}

/** Creates the alert's notification unless it exists (a redelivered trigger changes nothing). */
export async function createNotification(
  alertId: string,
  alert: AlertDoc,
  text: AlertText,
  now: Date,
): Promise<void> {
  const doc: NotificationDoc = {
    account_id: alert.account_id,
    kind: alert.kind,
    title: text.title,
    body: text.body,
    created_at: alert.fired_at,
    read_at: null,
    expire_at: Timestamp.fromMillis(now.getTime() + NOTIFICATION_TTL_DAYS * DAY_MS),
  };
  try {
    await notificationsCollection().doc(alertId).create(doc);
  } catch (error) {
    if (typeof error !== 'object' || error === null || !('code' in error) || error.code !== ALREADY_EXISTS)
      throw error;
  }
}

export function toNotification(id: string, doc: NotificationDoc): Notification {
  return {
    id,
    kind: doc.kind,
    title: doc.title,
    body: doc.body,
    created_at: doc.created_at.toDate().toISOString(),
    read_at: doc.read_at?.toDate().toISOString() ?? null,
  };
}
