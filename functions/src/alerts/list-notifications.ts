import type { Request, Response } from 'express';
import { accountFor } from '../accounts/access.js';
import { RECENT_NOTIFICATIONS_LIMIT, type NotificationsResponse } from '../shared/contracts.js';
import { notificationDocSchema, notificationsCollection, toNotification } from './notifications.js';

export function unreadQuery(accountId: string) {
  return notificationsCollection().where('account_id', '==', accountId).where('read_at', '==', null);
}

/** GET /notifications: the latest, newest first, and how many of all of them are unread. */
export async function listNotifications(_req: Request, res: Response): Promise<void> {
  const account = accountFor(res, 'read_usage');
  const [latest, unread] = await Promise.all([
    notificationsCollection()
      .where('account_id', '==', account.id)
      .orderBy('created_at', 'desc')
      .limit(RECENT_NOTIFICATIONS_LIMIT)
      .get(),
    unreadQuery(account.id).count().get(),
  ]);
  const body: NotificationsResponse = {
    notifications: latest.docs.flatMap((doc) => {
      const parsed = notificationDocSchema.safeParse(doc.data());
      return parsed.success ? [toNotification(doc.id, parsed.data)] : [];
    }),
    unread: unread.data().count,
  };
  res.json(body);
}
