/**
 * `invitations/{id}`: an invitation to a team, whose id is the SHA-256 of its token, so the token
 * (a bearer secret, sent by email) is never stored and the link finds its invitation with one read.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Timestamp } from 'firebase-admin/firestore';
import { z } from 'zod';
import { db } from '../lib/firebase.js';
import { INVITATIONS } from '../lib/collections.js';
import { assignableRoleSchema } from '../shared/roles.js';
import type { Invitation, InvitationStatus } from '../shared/teams.js';

const timestamp = z.instanceof(Timestamp);

export const invitationDocSchema = z.object({
  account_id: z.string(),
  email: z.string(),
  role: assignableRoleSchema,
  invited_by: z.string(),
  invited_by_email: z.string().nullable(),
  created_at: timestamp,
  expires_at: timestamp,
  status: z.enum(['pending', 'accepted', 'revoked']),
  accepted_by: z.string().nullable(),
  /** TTL: a month after it stopped mattering. */
  expire_at: timestamp,
});
export type InvitationDoc = z.infer<typeof invitationDocSchema>;

export function newInvitationToken(): { token: string; id: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, id: invitationIdOf(token) };
}

/** An invitation's id as it travels in a path: the hex SHA-256 of its token. */
export const invitationIdSchema = z.string().regex(/^[0-9a-f]{64}$/);

export function invitationIdOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function invitationRef(id: string) {
  return db().collection(INVITATIONS).doc(id);
}

export function invitationsCollection() {
  return db().collection(INVITATIONS);
}

/** A pending invitation past its 7 days reads as expired; nothing needs to rewrite it. */
export function statusOf(doc: InvitationDoc, now: Date): InvitationStatus {
  return doc.status === 'pending' && doc.expires_at.toMillis() <= now.getTime() ? 'expired' : doc.status;
}

export function toInvitation(id: string, doc: InvitationDoc, now: Date): Invitation {
  return {
    id,
    account_id: doc.account_id,
    email: doc.email,
    role: doc.role,
    invited_by: doc.invited_by,
    created_at: doc.created_at.toDate().toISOString(),
    expires_at: doc.expires_at.toDate().toISOString(),
    status: statusOf(doc, now),
  };
}
