/**
 * Which strings Firestore accepts as a document id. An id from outside (a path segment, a query
 * parameter, a webhook's metadata) is checked against this before it names a document: Firestore
 * answers an id it refuses with an error, and that error must be our 404, never a 500.
 */
import { z } from 'zod';

/**
 * Firestore reserves ids that start and end with two underscores (`__proto__`, `__name__`),
 * except its numeric ids, `__id<int64>__`.
 */
const RESERVED = /^__.*__$/;
const NUMERIC = /^__id-?\d{1,19}__$/;
const MAX_ID_BYTES = 1500;

export function isDocumentId(id: string): boolean {
  return (
    id !== '' &&
    id !== '.' &&
    id !== '..' &&
    !id.includes('/') &&
    (!RESERVED.test(id) || NUMERIC.test(id)) &&
    new TextEncoder().encode(id).length <= MAX_ID_BYTES
  );
}

export const documentIdSchema = z.string().refine(isDocumentId, 'not a document id');

/** A Firebase Auth uid: at most 128 characters, and a document id (it names `users/{uid}`). */
export const uidSchema = documentIdSchema.refine((id) => id.length <= 128, 'not a uid');
