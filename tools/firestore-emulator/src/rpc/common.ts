import type { Metadata } from '@grpc/grpc-js';
import type { FieldPath } from '../field-path.js';
import type { DocumentMaskProto } from '../proto/types.js';
import type { AuthContext } from '../store/database.js';
import { parseMask } from '../writes.js';

/** A response message object, handed to the protobuf encoder. */
export type Response = object;

export function maskOf(mask: DocumentMaskProto | null): FieldPath[] | undefined {
  return mask === null ? undefined : parseMask(mask.fieldPaths, 'mask');
}

/**
 * The identity behind a request, for `withAuthContext` triggers: the Admin SDK sends
 * "Bearer owner" to emulators; client SDKs send an ID token whose user_id/sub is the uid.
 */
export function authFrom(metadata: Metadata): AuthContext {
  const header = metadata.get('authorization')[0];
  if (typeof header !== 'string' || header === '') return { authType: 'unauthenticated' };
  const token = header.replace(/^Bearer\s+/i, '');
  if (token === 'owner') return { authType: 'service_account' };
  const payload = token.split('.')[1];
  if (payload !== undefined) {
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
        user_id?: unknown;
        sub?: unknown;
      };
      const uid =
        typeof claims.user_id === 'string'
          ? claims.user_id
          : typeof claims.sub === 'string'
            ? claims.sub
            : undefined;
      if (uid !== undefined) return { authType: 'app_user', authId: uid };
    } catch {
      // Not a JWT: fall through.
    }
  }
  return { authType: 'unknown' };
}
