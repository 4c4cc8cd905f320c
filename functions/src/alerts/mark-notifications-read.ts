import { Timestamp } from 'firebase-admin/firestore';
import type { Request, Response } from 'express';
import { accountFor } from '../accounts/access.js';
import { bodyOf } from '../http/routes.js';
import { db } from '../lib/firebase.js';
import {
  markNotificationsReadRequestSchema,
  type MarkNotificationsReadResponse,
} from '../shared/contracts.js';
import { unreadQuery } from './list-notifications.js';
import { notificationsCollection } from './notifications.js';

const PAGE = 400;
/** Notifications expire after 90 days and come a few per period: this is far more than any has. */
const MAX_PAGES = 25;

/**
 * POST /notifications/read {ids} | {all: true}: marks them read for the whole account. Ids of
 * another account's notifications, or of none, are skipped like read ones: they say nothing.
 */
export async function markNotificationsRead(_req: Request, res: Response): Promise<void> {
  const account = accountFor(res, 'read_usage');
  const body = bodyOf(res, markNotificationsReadRequestSchema);
  const now = Timestamp.now();
  const firestore = db();
  if (body.ids !== undefined) {
    const refs = [...new Set(body.ids)].map((id) => notificationsCollection().doc(id));
    await firestore.runTransaction(async (tx) => {
      const docs = await tx.getAll(...refs);
      for (const doc of docs)
        if (doc.exists && doc.get('account_id') === account.id && doc.get('read_at') === null)
          tx.update(doc.ref, { read_at: now });
    });
  } else {
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const unread = await unreadQuery(account.id).limit(PAGE).select().get();
      if (unread.empty) break;
      const batch = firestore.batch();
      for (const doc of unread.docs) batch.update(doc.ref, { read_at: now });
      await batch.commit();
      if (unread.size < PAGE) break;
    }
  }
  const response: MarkNotificationsReadResponse = {
    unread: (await unreadQuery(account.id).count().get()).data().count,
  };
  res.json(response);
}
