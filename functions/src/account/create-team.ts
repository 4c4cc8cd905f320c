import { randomBytes } from 'node:crypto';
import { FieldValue, Timestamp } from 'firebase-admin/firestore';
import type { Request, Response } from 'express';
import { accountRef, memberRef, readAccountDoc, toAccountSummary } from '../accounts/account-doc.js';
import { recordAudit, requestSource } from '../accounts/audit-log.js';
import { ensureProfile } from '../accounts/profile.js';
import { ApiError } from '../http/api-error.js';
import { userOf } from '../http/auth.js';
import { takeRouteBudget } from '../http/route-limits.js';
import { bodyOf } from '../http/routes.js';
import { db } from '../lib/firebase.js';
import { ACCOUNTS, MEMBERS, TEAM_SLUGS } from '../lib/collections.js';
import { log } from '../lib/log.js';
import { createTeamRequestSchema, MAX_OWNED_TEAMS, type TeamResponse } from '../shared/teams.js';

/** `Acme Labs, Inc.` → `acme-labs-inc`; short or empty names get a `team` stem. */
export function slugFromName(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 33)
    .replace(/-+$/, '');
  return base.length >= 3 ? base : `team-${base}`.replace(/-+$/, '');
}

function withSuffix(slug: string): string {
  return `${slug}-${randomBytes(3).toString('hex')}`;
}

export function teamSlugRef(slug: string) {
  return db().collection(TEAM_SLUGS).doc(slug);
}

/**
 * POST /teams {name, slug?}: a team account with the caller as its owner, on the Free plan, with
 * its own keys, limits, usage, credits, alerts and (once it upgrades) Stripe customer. A chosen
 * slug that is taken is a 409; a derived one gets a random suffix instead. The slug's reservation,
 * the account, its owner and the audit entry are one transaction.
 */
export async function createTeam(req: Request, res: Response): Promise<void> {
  const user = userOf(res);
  const body = bodyOf(res, createTeamRequestSchema);
  takeRouteBudget(res, 'POST /teams');
  const firestore = db();
  const owned = firestore.collectionGroup(MEMBERS).where('uid', '==', user.uid).where('role', '==', 'owner');
  const ref = firestore.collection(ACCOUNTS).doc();
  const base = body.slug ?? slugFromName(body.name);
  const candidates = body.slug === undefined ? [base, withSuffix(base), withSuffix(base)] : [base];
  const source = requestSource(req, res);
  const now = new Date();
  const slug = await firestore.runTransaction(async (tx) => {
    const ownedTeams = (await tx.get(owned.limit(MAX_OWNED_TEAMS + 2))).docs.filter(
      (membership) => membership.ref.parent.parent?.id !== user.uid,
    );
    if (ownedTeams.length >= MAX_OWNED_TEAMS)
      throw new ApiError(
        'conflict',
        `You own ${MAX_OWNED_TEAMS} teams already, the most one person may own.`,
      );
    const taken = await tx.getAll(...candidates.map((candidate) => teamSlugRef(candidate)));
    const free = candidates.find((_, index) => taken[index]?.exists !== true);
    if (free === undefined)
      throw new ApiError('conflict', `The slug "${base}" is taken. Choose another.`, 'slug');
    const createdAt = Timestamp.fromDate(now);
    tx.create(teamSlugRef(free), { account_id: ref.id, created_at: createdAt });
    tx.create(ref, {
      kind: 'team',
      name: body.name,
      slug: free,
      plan_tier: 'free',
      member_count: 1,
      created_at: createdAt,
      updated_at: FieldValue.serverTimestamp(),
    });
    tx.create(memberRef(ref.id, user.uid), {
      uid: user.uid,
      role: 'owner',
      joined_at: createdAt,
      invited_by: null,
    });
    recordAudit(
      tx,
      { id: ref.id, plan_tier: 'free' },
      source,
      {
        action: 'team.created',
        target: { type: 'account', id: ref.id, label: body.name },
        details: { slug: free },
      },
      now,
    );
    return free;
  });
  // After the team: a refused creation writes nothing, not even the caller's first profile.
  await ensureProfile(user);
  log.teamCreated({ account_id: ref.id, user_id: user.uid, slug });
  const doc = readAccountDoc((await accountRef(ref.id).get()).data());
  const response: TeamResponse = { account: { ...toAccountSummary(ref.id, doc, 'owner'), slug } };
  res.status(201).json(response);
}
