import { FieldValue, Timestamp } from 'firebase-admin/firestore';
import type { Request, Response } from 'express';
import { teamFor } from '../accounts/access.js';
import { accountRef, memberRef, readAccountDoc, seatLimitOf } from '../accounts/account-doc.js';
import { recordAudit, requestSource } from '../accounts/audit-log.js';
import { ensureProfile } from '../accounts/profile.js';
import { sendPlainMail } from '../alerts/mail.js';
import { ApiError, notFound } from '../http/api-error.js';
import { userOf } from '../http/auth.js';
import { takeRouteBudget } from '../http/route-limits.js';
import { bodyOf } from '../http/routes.js';
import { appUrl } from '../lib/app-url.js';
import { db } from '../lib/firebase.js';
import { log } from '../lib/log.js';
import { PLANS } from '../shared/plans.js';
import { mayManageMember } from '../shared/roles.js';
import {
  createInvitationRequestSchema,
  INVITATION_TTL_DAYS,
  invitationTokenSchema,
  MAX_PENDING_INVITATIONS,
  type AcceptInvitationResponse,
  type CreateInvitationResponse,
  type InvitationPreview,
  type InvitationsResponse,
} from '../shared/teams.js';
import {
  invitationDocSchema,
  invitationIdOf,
  invitationIdSchema,
  invitationRef,
  invitationsCollection,
  newInvitationToken,
  statusOf,
  toInvitation,
  type InvitationDoc,
} from './invitation-doc.js';

const DAY_MS = 86_400_000;
/** How long an invitation's record outlives its expiry, for the team to see what became of it. */
const RECORD_TTL_DAYS = 30;

/** An account's invitations that still hold a seat: pending and not past their 7 days. */
export function pendingInvitations(accountId: string, now: Date) {
  return invitationsCollection()
    .where('account_id', '==', accountId)
    .where('status', '==', 'pending')
    .where('expires_at', '>', Timestamp.fromDate(now));
}

export function invitationUrl(origin: string, token: string): string {
  return `${origin}/dashboard/invitations/${token}`;
}

function seatsFullMessage(tier: keyof typeof PLANS, limit: number): string {
  return (
    `All ${limit} seats of the ${PLANS[tier].name} plan are taken (members and pending invitations). ` +
    'Upgrade the team on its Billing page for more seats, or revoke a pending invitation.'
  );
}

/**
 * POST /invitations {email, role}: owners and admins invite someone by address, to a role below
 * the owner. Each pending invitation holds a seat; beyond the plan's seats it is a 409
 * `seat_limit_reached` that says how to get more. The answer carries the single-use token and
 * its link once; the link is also emailed through the alerts' SMTP path, or, where mail is not
 * configured, written to the functions' log.
 */
export async function createInvitation(req: Request, res: Response): Promise<void> {
  const account = teamFor(res, 'manage_members');
  const body = bodyOf(res, createInvitationRequestSchema);
  takeRouteBudget(res, 'POST /invitations');
  if (!mayManageMember(account.role, body.role))
    throw new ApiError('forbidden', 'Your role in this account does not allow inviting to this role.');
  const origin = appUrl();
  if (origin === null) throw new ApiError('unavailable', 'Invitations are not configured (APP_URL).');
  const source = requestSource(req, res);
  const now = new Date();
  const { token, id } = newInvitationToken();
  const doc: InvitationDoc = {
    account_id: account.id,
    email: body.email,
    role: body.role,
    invited_by: source.actorId,
    invited_by_email: source.actorEmail,
    created_at: Timestamp.fromDate(now),
    expires_at: Timestamp.fromMillis(now.getTime() + INVITATION_TTL_DAYS * DAY_MS),
    status: 'pending',
    accepted_by: null,
    expire_at: Timestamp.fromMillis(now.getTime() + (INVITATION_TTL_DAYS + RECORD_TTL_DAYS) * DAY_MS),
  };
  await db().runTransaction(async (tx) => {
    const [accountSnapshot, pending] = await Promise.all([
      tx.get(accountRef(account.id)),
      tx.get(pendingInvitations(account.id, now).limit(MAX_PENDING_INVITATIONS + 1)),
    ]);
    if (!accountSnapshot.exists) throw notFound('account');
    const current = readAccountDoc(accountSnapshot.data());
    if (pending.docs.some((invitation) => invitation.get('email') === body.email))
      throw new ApiError('conflict', `${body.email} has a pending invitation already.`, 'email');
    if (pending.size >= MAX_PENDING_INVITATIONS)
      throw new ApiError(
        'conflict',
        `At most ${MAX_PENDING_INVITATIONS} invitations may be pending at once.`,
      );
    const limit = seatLimitOf(current);
    if (current.member_count + pending.size >= limit)
      throw new ApiError('seat_limit_reached', seatsFullMessage(current.plan_tier, limit));
    tx.create(invitationRef(id), doc);
    recordAudit(
      tx,
      { id: account.id, plan_tier: current.plan_tier },
      source,
      {
        action: 'invitation.created',
        target: { type: 'invitation', id, label: body.email },
        details: { role: body.role },
      },
      now,
    );
  });

  const url = invitationUrl(origin, token);
  const inviter = source.actorEmail ?? 'A member';
  const sent = await sendPlainMail({
    to: body.email,
    subject: `${inviter} invited you to ${account.doc.name} on Keymeter`,
    text:
      `${inviter} invited you to join the team "${account.doc.name}" on Keymeter as ${body.role}.\n\n` +
      `Accept within ${INVITATION_TTL_DAYS} days, signed in with ${body.email}:\n${url}\n\n` +
      'If you did not expect this, ignore this email.',
  });
  const delivery = sent === 'sent' ? 'email' : 'link_only';
  log.invitationCreated({
    account_id: account.id,
    invitation_id: id,
    role: body.role,
    delivery,
    url: delivery === 'link_only' ? url : null,
  });
  const response: CreateInvitationResponse = { invitation: toInvitation(id, doc, now), token, url, delivery };
  res.status(201).json(response);
}

/** GET /invitations: the team's pending invitations, newest first (never their tokens). */
export async function listInvitations(_req: Request, res: Response): Promise<void> {
  const account = teamFor(res, 'manage_members');
  const now = new Date();
  const pending = await pendingInvitations(account.id, now).limit(MAX_PENDING_INVITATIONS).get();
  const invitations = pending.docs
    .flatMap((snapshot) => {
      const doc = invitationDocSchema.safeParse(snapshot.data());
      return doc.success ? [toInvitation(snapshot.id, doc.data, now)] : [];
    })
    .sort((a, b) => b.created_at.localeCompare(a.created_at));
  const body: InvitationsResponse = { invitations };
  res.json(body);
}

/** DELETE /invitations/:invitation_id: revokes a pending invitation, whose link then answers 410. */
export async function revokeInvitation(req: Request, res: Response): Promise<void> {
  const account = teamFor(res, 'manage_members');
  const parsedId = invitationIdSchema.safeParse(req.params.invitation_id);
  if (!parsedId.success) throw notFound('invitation');
  const id = parsedId.data;
  const source = requestSource(req, res);
  await db().runTransaction(async (tx) => {
    const snapshot = await tx.get(invitationRef(id));
    const doc = invitationDocSchema.safeParse(snapshot.data());
    if (!doc.success || doc.data.account_id !== account.id) throw notFound('invitation');
    if (doc.data.status !== 'pending')
      throw new ApiError('conflict', `This invitation was ${doc.data.status} already.`);
    tx.update(invitationRef(id), { status: 'revoked' });
    recordAudit(tx, { id: account.id, plan_tier: account.doc.plan_tier }, source, {
      action: 'invitation.revoked',
      target: { type: 'invitation', id, label: doc.data.email },
    });
  });
  res.status(204).end();
}

/** The invitation a token names, refused with the code that says why it cannot be used. */
function usable(doc: InvitationDoc | undefined, now: Date): InvitationDoc {
  if (doc === undefined) throw notFound('invitation');
  switch (statusOf(doc, now)) {
    case 'accepted':
      throw new ApiError('invitation_used', 'This invitation was accepted already. Ask for a new one.');
    case 'revoked':
      throw new ApiError('invitation_revoked', 'This invitation was revoked. Ask for a new one.');
    case 'expired':
      throw new ApiError(
        'invitation_expired',
        `This invitation is older than ${INVITATION_TTL_DAYS} days. Ask for a new one.`,
      );
    case 'pending':
      return doc;
  }
}

function tokenId(req: Request): string {
  const token = invitationTokenSchema.safeParse(req.params.token);
  if (!token.success) throw notFound('invitation');
  return invitationIdOf(token.data);
}

async function readInvitation(id: string): Promise<InvitationDoc | undefined> {
  const parsed = invitationDocSchema.safeParse((await invitationRef(id).get()).data());
  return parsed.success ? parsed.data : undefined;
}

/** GET /invitations/:token: what the link offers, for the page that accepts it. */
export async function previewInvitation(req: Request, res: Response): Promise<void> {
  const now = new Date();
  const doc = usable(await readInvitation(tokenId(req)), now);
  const account = await accountRef(doc.account_id).get();
  if (!account.exists) throw notFound('invitation');
  const body: InvitationPreview = {
    account_name: readAccountDoc(account.data()).name,
    role: doc.role,
    email: doc.email,
    invited_by: doc.invited_by_email,
    expires_at: doc.expires_at.toDate().toISOString(),
  };
  res.json(body);
}

/**
 * POST /invitations/:token/accept: the signed-in user joins the team, if their verified email is
 * the invited one and a seat is free. One transaction reads the invitation and the account's
 * member count and writes the membership, the count, the used invitation and the audit entry,
 * so concurrent accepts never pass the seats and a token is used once.
 */
export async function acceptInvitation(req: Request, res: Response): Promise<void> {
  const user = userOf(res);
  const id = tokenId(req);
  if (user.email === null || !user.emailVerified)
    throw new ApiError(
      'email_not_verified',
      'Invitations go to an email address: sign in with a verified one to accept.',
    );
  const now = new Date();
  const source = requestSource(req, res);
  const result = await db().runTransaction(async (tx): Promise<AcceptInvitationResponse> => {
    const snapshot = await tx.get(invitationRef(id));
    const parsed = invitationDocSchema.safeParse(snapshot.data());
    const doc = usable(parsed.success ? parsed.data : undefined, now);
    if (doc.email !== user.email?.toLowerCase())
      throw new ApiError(
        'invitation_email_mismatch',
        `This invitation is for another email address. Sign in as the invited address to accept it.`,
      );
    const [accountSnapshot, member] = await tx.getAll(
      accountRef(doc.account_id),
      memberRef(doc.account_id, user.uid),
    );
    if (accountSnapshot?.exists !== true) throw notFound('invitation');
    const account = readAccountDoc(accountSnapshot.data());
    if (member?.exists === true)
      throw new ApiError('conflict', `You are a member of ${account.name} already.`);
    const limit = seatLimitOf(account);
    if (account.member_count >= limit)
      throw new ApiError('seat_limit_reached', seatsFullMessage(account.plan_tier, limit));
    const joinedAt = Timestamp.fromDate(now);
    tx.create(memberRef(doc.account_id, user.uid), {
      uid: user.uid,
      role: doc.role,
      joined_at: joinedAt,
      invited_by: doc.invited_by,
    });
    tx.update(accountRef(doc.account_id), { member_count: FieldValue.increment(1), updated_at: joinedAt });
    tx.update(invitationRef(id), { status: 'accepted', accepted_by: user.uid });
    recordAudit(
      tx,
      { id: doc.account_id, plan_tier: account.plan_tier },
      source,
      {
        action: 'member.joined',
        target: { type: 'member', id: user.uid, label: doc.email },
        details: { role: doc.role, invitation: id },
      },
      now,
    );
    return { account_id: doc.account_id, slug: account.slug ?? null, role: doc.role };
  });
  // Only now: a refused accept writes nothing, not even the caller's first profile.
  await ensureProfile(user);
  log.membershipChanged({
    account_id: result.account_id,
    user_id: user.uid,
    member_uid: user.uid,
    change: 'joined',
    role: result.role,
  });
  res.json(result);
}
