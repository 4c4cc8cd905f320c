import type { Query } from 'firebase-admin/firestore';
import { db } from '../lib/firebase.js';
import { API_USAGE_DAILY } from '../lib/collections.js';
import { readDailyDoc, type DailyDoc } from './daily-doc.js';

export function accountDaysQuery(userId: string, from: string, to: string): Query {
  return db()
    .collection(API_USAGE_DAILY)
    .where('user_id', '==', userId)
    .where('date', '>=', from)
    .where('date', '<=', to)
    .orderBy('date');
}

/** The account's daily documents in a range (at most 366, one per day), by date. */
export async function loadAccountDays(
  userId: string,
  from: string,
  to: string,
): Promise<Map<string, DailyDoc>> {
  const snapshot = await accountDaysQuery(userId, from, to).get();
  return new Map(
    snapshot.docs.map((doc) => {
      const day = readDailyDoc(doc.data());
      return [day.date, day];
    }),
  );
}
