import { FieldPath, type Query, type QueryDocumentSnapshot } from 'firebase-admin/firestore';
import { db } from '../lib/firebase.js';
import { API_USAGE_DAILY } from '../lib/collections.js';
import { ACCOUNT_DAY_FIELDS, readDailyDoc, type DailyDoc } from './daily-doc.js';
import { DAILY_BOUNDS } from './usage-bounds.js';

export function accountDaysQuery(accountId: string, from: string, to: string): Query {
  return db()
    .collection(API_USAGE_DAILY)
    .where('account_id', '==', accountId)
    .where('date', '>=', from)
    .where('date', '<=', to)
    .orderBy('date');
}

/**
 * The account's daily documents in a range (at most 366, one per day), by date: the account's
 * figures, or with `keyIds` those keys' figures only. key_stats, the bulk of a busy account's
 * documents, is read only for the keys asked for (none asked for: nothing to read).
 */
export async function loadAccountDays(
  accountId: string,
  from: string,
  to: string,
  keyIds: ReadonlySet<string> | null = null,
): Promise<Map<string, DailyDoc>> {
  if (keyIds !== null && keyIds.size === 0) return new Map();
  // A day keeps at most DAILY_BOUNDS.keys keys apart: asking for more (an integration's keys after
  // many rolls) reads the bounded key_stats whole rather than a projection of unbounded length.
  const fields =
    keyIds === null
      ? ACCOUNT_DAY_FIELDS
      : keyIds.size > DAILY_BOUNDS.keys
        ? ['account_id', 'date', 'key_stats']
        : ['account_id', 'date', ...[...keyIds].map((keyId) => new FieldPath('key_stats', keyId))];
  const snapshot = await accountDaysQuery(accountId, from, to)
    .select(...fields)
    .get();
  return new Map(
    snapshot.docs.map((doc) => {
      const day = readDailyDoc(doc.data());
      return [day.date, day];
    }),
  );
}

/**
 * Every account's daily documents in a date range, read page by page (cursor on date and
 * document id) with only `fields`, so a platform-wide walk never holds more than one page.
 */
export async function* allAccountDays(
  range: { from: string; to: string },
  fields: readonly string[],
  pageSize: number,
): AsyncGenerator<QueryDocumentSnapshot> {
  let cursor: QueryDocumentSnapshot | undefined;
  for (;;) {
    let query = db()
      .collection(API_USAGE_DAILY)
      .where('date', '>=', range.from)
      .where('date', '<=', range.to)
      .orderBy('date')
      .orderBy(FieldPath.documentId())
      // A cursor needs every ordered field, so `date` always comes along.
      .select('date', ...fields)
      .limit(pageSize);
    if (cursor !== undefined) query = query.startAfter(cursor);
    const page = await query.get();
    yield* page.docs;
    cursor = page.docs.at(-1);
    if (page.size < pageSize || cursor === undefined) return;
  }
}
