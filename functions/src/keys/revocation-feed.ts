/**
 * `key_revocations/{keyId}`: one small document per recent revocation, written in the same
 * commit as the key's own change by revoke, roll and account deletion. API instances query it
 * (revocation-watch.ts): querying `api_keys` instead would miss deleted keys and, since a key's
 * `revoked_at` is set before its commit, could order a revocation before a check that did not
 * see it. A change's time is the document's `updateTime`, the exact commit time, which is what a
 * key read's read time is compared with; `at` (a server timestamp, millisecond precision) only
 * serves the range query, widened by a second for that rounding. Documents expire through the
 * TTL policy on `expire_at`; instances never look further back than the key cache's TTL.
 */
import {
  FieldValue,
  Timestamp,
  type DocumentData,
  type DocumentReference,
  type QueryDocumentSnapshot,
} from 'firebase-admin/firestore';
import { z } from 'zod';
import { KEY_REVOCATIONS } from '../lib/collections.js';
import { db } from '../lib/firebase.js';
import type { RevocationChange, RevocationSource } from './revocation-watch.js';

/** Longer than any instance looks back (the cache TTL and a minute); TTL deletion may lag further. */
export const REVOCATION_RETENTION_MS = 3_600_000;
const PAGE_SIZE = 500;
/** `at` is rounded to milliseconds and assigned while the commit is processed, not after it. */
const SERVER_TIMESTAMP_SLACK_MICROS = 1_000_000;

/**
 * Why a key's cached copies must go: it was revoked, rolled (its expiry moved, possibly to now)
 * or its account deleted. Room for an account-wide entry later: one document naming the account.
 */
export type RevocationReason = 'revoked' | 'rolled' | 'account_deleted';

export function toMicros(time: Timestamp): number {
  return time.seconds * 1_000_000 + Math.floor(time.nanoseconds / 1_000);
}

export function fromMicros(micros: number): Timestamp {
  const seconds = Math.floor(micros / 1_000_000);
  return new Timestamp(seconds, Math.round(micros - seconds * 1_000_000) * 1_000);
}

/** The write to add to the transaction or batch that changes the key. */
export function keyRevocationWrite(
  keyId: string,
  reason: RevocationReason,
  now = Date.now(),
): { ref: DocumentReference; data: DocumentData } {
  return {
    ref: db().collection(KEY_REVOCATIONS).doc(keyId),
    data: {
      key_id: keyId,
      reason,
      at: FieldValue.serverTimestamp(),
      expire_at: Timestamp.fromMillis(now + REVOCATION_RETENTION_MS),
    },
  };
}

const revocationDocSchema = z.object({ key_id: z.string().min(1), at: z.instanceof(Timestamp) });

function changeOf(doc: QueryDocumentSnapshot): RevocationChange[] {
  const parsed = revocationDocSchema.safeParse(doc.data());
  return parsed.success ? [{ keyId: parsed.data.key_id, at: toMicros(doc.updateTime) }] : [];
}

function feedSince(sinceMicros: number) {
  return db()
    .collection(KEY_REVOCATIONS)
    .where('at', '>=', fromMicros(sinceMicros - SERVER_TIMESTAMP_SLACK_MICROS));
}

export const firestoreRevocationSource: RevocationSource = {
  async changesSince(sinceMicros) {
    const base = feedSince(sinceMicros).orderBy('at').limit(PAGE_SIZE);
    const changes: RevocationChange[] = [];
    let after: QueryDocumentSnapshot | undefined;
    let readTime: number | undefined;
    for (;;) {
      const page = await (after === undefined ? base : base.startAfter(after)).get();
      changes.push(...page.docs.flatMap(changeOf));
      // Complete up to the first page's read time: a document committed by then is on that
      // page or sorts after it, and a later overwrite only moves it further on. A commit after
      // it may sort before the cursor (`at` is rounded), so later read times vouch for nothing.
      readTime ??= toMicros(page.readTime);
      after = page.docs.at(-1);
      if (page.size < PAGE_SIZE || after === undefined) return { changes, readTime };
    }
  },

  listen(sinceMicros, onChanges, onError) {
    return feedSince(sinceMicros).onSnapshot((snapshot) => {
      const changes = snapshot
        .docChanges()
        .filter((change) => change.type !== 'removed')
        .flatMap((change) => changeOf(change.doc));
      if (changes.length > 0) onChanges(changes);
    }, onError);
  },
};
