import type { Request, Response } from 'express';
import { teamFor } from '../accounts/access.js';
import { recordAudit, requestSource } from '../accounts/audit-log.js';
import { db } from '../lib/firebase.js';
import { log } from '../lib/log.js';
import { teamSlugRef } from './create-team.js';
import { eraseAccount } from './delete-account.js';

/**
 * DELETE /accounts/:account_id (the team's owner): keys are revoked at once, the subscription is
 * cancelled, and the team's data erased as an account deletion erases a personal one, its
 * members, invitations, audit log and slug included. The deletion's own audit entry is written
 * first, so a deletion that stops half-way is on record until it is repeated and finishes.
 */
export async function deleteTeam(req: Request, res: Response): Promise<void> {
  const team = teamFor(res, 'delete_account');
  const source = requestSource(req, res);
  const batch = db().batch();
  recordAudit(batch, { id: team.id, plan_tier: team.doc.plan_tier }, source, {
    action: 'account.deletion_started',
    target: { type: 'account', id: team.id, label: team.doc.name },
  });
  await batch.commit();
  const slug = team.doc.slug;
  const { keys, documents } = await eraseAccount(
    team.id,
    team.doc.stripe_customer_id,
    slug === undefined ? [] : [teamSlugRef(slug)],
  );
  log.teamDeleted({ account_id: team.id, user_id: source.actorId, keys, documents });
  res.status(204).end();
}
