/** Writes usage batches as an API instance's flush does, for tests of what the fold leads to. */
import type { DocumentReference } from 'firebase-admin/firestore';
import { toBatchDoc } from '../keys/batch-doc.js';
import type { UsageBatch } from '../keys/usage-buffer.js';
import { API_USAGE_EVENTS } from '../lib/collections.js';
import { adminDb } from './emulators.js';

/** Creates the batch's `api_usage_events` document, which the foldUsage trigger then folds. */
export async function writeUsageBatch(batch: UsageBatch): Promise<DocumentReference> {
  const ref = adminDb().collection(API_USAGE_EVENTS).doc(batch.id);
  await ref.create(toBatchDoc(batch));
  return ref;
}
