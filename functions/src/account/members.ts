import { FieldValue, Timestamp, type Transaction } from 'firebase-admin/firestore';
import type { Request, Response } from 'express';
import { accountFor, teamFor, type AccountAccess } from '../accounts/access.js';
import { accountRef, memberDocSchema, memberRef, seatLimitOf } from '../accounts/account-doc.js';
import { recordAudit, requestSource, type AuditSource } from '../accounts/audit-log.js';
import { userDocSchema } from '../accounts/profile.js';
import { ApiError, notFound } from '../http/api-error.js';
import { userOf } from '../http/auth.js';
import { bodyOf } from '../http/routes.js';
import { db } from '../lib/firebase.js';
import { MEMBERS, USERS } from '../lib/collections.js';
import { log } from '../lib/log.js';
import { uidSchema } from '../shared/ids.js';
import { mayManageMember, type Role } from '../shared/roles.js';
import {
  transferOwnershipRequestSchema,
  updateMemberRequestSchema,
  type Member,
  type MemberResponse,
  type MembersResponse,
} from '../shared/teams.js';
import { pendingInvitations } from './invitations.js';

const ROLE_ORDER: Readonly<Record<Role, number>> = { owner: 0, admin: 1, member: 2, viewer: 3 };
/** Far above any plan's seats: the members list is read in one page. */
const MAX_MEMBERS_READ = 500;

async function membersOf(accountId: string): Promise<Member[]> {
  const members = await accountRef(accountId).collection(MEMBERS).limit(MAX_MEMBERS_READ).get();
  const parsed = members.docs.flatMap((doc) => {
    const member = memberDocSchema.safeParse(doc.data());
    return member.success ? [{ uid: doc.id, ...member.data }] : [];
  });
  const profiles =
    parsed.length === 0 ? [] : await db().getAll(...parsed.map((m) => db().collection(USERS).doc(m.uid)));
  return parsed
    .map((member, index): Member => {
      const profile = userDocSchema.safeParse(profiles[index]?.data());
      return {
        uid: member.uid,
        email: profile.success ? profile.data.email : null,
        display_name: profile.success ? profile.data.display_name : null,
        role: member.role,
        joined_at: member.joined_at.toDate().toISOString(),
        invited_by: member.invited_by,
      };
    })
    .sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.joined_at.localeCompare(b.joined_at));
}

async function membersResponse(account: AccountAccess, now: Date): Promise<MembersResponse> {
  const [members, pending] = await Promise.all([
    membersOf(account.id),
    account.doc.kind === 'team' ? pendingInvitations(account.id, now).count().get() : null,
  ]);
  return {
    members,
    seats: { used: members.length, pending: pending?.data().count ?? 0, limit: seatLimitOf(account.doc) },
  };
}

/** GET /members: everyone in the account, owner first, and its seats. Every member may read it. */
export async function listMembers(_req: Request, res: Response): Promise<void> {
  const account = accountFor(res, 'read_members');
  res.json(await membersResponse(account, new Date()));
}

function targetUid(req: Request): string {
  const uid = uidSchema.safeParse(req.params.uid);
  if (!uid.success) throw notFound('member');
  return uid.data;
}

/** Reads the member in `tx`; a uid that is not a member of this account is a 404. */
async function readMember(tx: Transaction, accountId: string, uid: string) {
  const snapshot = await tx.get(memberRef(accountId, uid));
  const member = memberDocSchema.safeParse(snapshot.data());
  if (!snapshot.exists || !member.success) throw notFound('member');
  return member.data;
}

function cannotManage(role: Role): ApiError {
  return new ApiError(
    'forbidden',
    role === 'owner'
      ? "The owner's role changes only by a transfer of ownership."
      : 'Your role in this account does not allow changing members.',
  );
}

/** PATCH /members/:uid {role}: owners and admins change the role of anyone below the owner. */
export async function updateMember(req: Request, res: Response): Promise<void> {
  const account = teamFor(res, 'manage_members');
  const { role } = bodyOf(res, updateMemberRequestSchema);
  const uid = targetUid(req);
  const source = requestSource(req, res);
  const updated = await db().runTransaction(async (tx) => {
    const member = await readMember(tx, account.id, uid);
    if (!mayManageMember(account.role, member.role)) throw cannotManage(member.role);
    if (member.role !== role) {
      tx.update(memberRef(account.id, uid), { role });
      recordAudit(tx, { id: account.id, plan_tier: account.doc.plan_tier }, source, {
        action: 'member.role_changed',
        target: { type: 'member', id: uid },
        details: { from: member.role, to: role },
      });
    }
    return { ...member, role };
  });
  log.membershipChanged({
    account_id: account.id,
    user_id: source.actorId,
    member_uid: uid,
    change: 'role',
    role,
  });
  const member = (await membersOf(account.id)).find((candidate) => candidate.uid === uid);
  const body: MemberResponse = {
    member: member ?? {
      uid,
      email: null,
      display_name: null,
      role: updated.role,
      joined_at: updated.joined_at.toDate().toISOString(),
      invited_by: updated.invited_by,
    },
  };
  res.json(body);
}

function removeInTx(
  tx: Transaction,
  account: AccountAccess,
  uid: string,
  source: AuditSource,
  action: 'member.removed' | 'member.left',
  role: Role,
): void {
  tx.delete(memberRef(account.id, uid));
  tx.update(accountRef(account.id), { member_count: FieldValue.increment(-1), updated_at: Timestamp.now() });
  recordAudit(tx, { id: account.id, plan_tier: account.doc.plan_tier }, source, {
    action,
    target: { type: 'member', id: uid },
    details: { role },
  });
}

/**
 * DELETE /members/:uid: owners and admins remove anyone below the owner; with the caller's own
 * uid, any member but the owner leaves. The removed member's next request is a 404: access is
 * checked against the membership on every request. Keys they created stay the team's.
 */
export async function removeMember(req: Request, res: Response): Promise<void> {
  const uid = targetUid(req);
  const leaving = uid === userOf(res).uid;
  const account = teamFor(res, leaving ? 'read_members' : 'manage_members');
  const source = requestSource(req, res);
  await db().runTransaction(async (tx) => {
    const member = await readMember(tx, account.id, uid);
    if (leaving) {
      if (member.role === 'owner')
        throw new ApiError(
          'conflict',
          'The owner cannot leave: transfer ownership to another member first, or delete the team.',
        );
    } else if (!mayManageMember(account.role, member.role)) throw cannotManage(member.role);
    removeInTx(tx, account, uid, source, leaving ? 'member.left' : 'member.removed', member.role);
  });
  log.membershipChanged({
    account_id: account.id,
    user_id: source.actorId,
    member_uid: uid,
    change: leaving ? 'left' : 'removed',
    role: null,
  });
  res.status(204).end();
}

/** POST /transfer {uid} (owner): the member becomes the owner, and the owner an admin. */
export async function transferOwnership(req: Request, res: Response): Promise<void> {
  const account = teamFor(res, 'transfer_ownership');
  const { uid } = bodyOf(res, transferOwnershipRequestSchema);
  const source = requestSource(req, res);
  if (uid === source.actorId) throw new ApiError('conflict', 'You own this team already.', 'uid');
  await db().runTransaction(async (tx) => {
    const [member, self] = await Promise.all([
      readMember(tx, account.id, uid),
      readMember(tx, account.id, source.actorId),
    ]);
    if (self.role !== 'owner') throw cannotManage('admin');
    tx.update(memberRef(account.id, uid), { role: 'owner' });
    tx.update(memberRef(account.id, source.actorId), { role: 'admin' });
    recordAudit(tx, { id: account.id, plan_tier: account.doc.plan_tier }, source, {
      action: 'ownership.transferred',
      target: { type: 'member', id: uid },
      details: { from_role: member.role },
    });
  });
  log.membershipChanged({
    account_id: account.id,
    user_id: source.actorId,
    member_uid: uid,
    change: 'owner',
    role: 'owner',
  });
  res.json(await membersResponse({ ...account, role: 'admin' }, new Date()));
}
