/**
 * GET|PATCH /onboarding: the first-run checklist on Overview. Each step is read from what has
 * happened in the account, so it ticks itself: a key exists; a call reached the API with one of
 * the account's keys (its raw usage batch is written within 10 s of the call, 3 s in the
 * emulator, before any aggregation); that call is in the daily usage (folded by the trigger); a
 * plan was chosen (a paid one, or "stay on Free"). Dismissing and staying on Free are the
 * member's own choices, kept on their membership, so each member of a team decides for themself.
 */
import { FieldValue, Timestamp } from 'firebase-admin/firestore';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { accountFor, type AccountAccess } from '../accounts/access.js';
import { memberRef } from '../accounts/account-doc.js';
import { ApiError, notFound } from '../http/api-error.js';
import { userOf } from '../http/auth.js';
import { bodyOf } from '../http/routes.js';
import { takeRouteBudget } from '../http/route-limits.js';
import { db } from '../lib/firebase.js';
import { API_KEYS, API_USAGE_DAILY, API_USAGE_EVENTS } from '../lib/collections.js';
import {
  updateOnboardingRequestSchema,
  type OnboardingResponse,
  type OnboardingStep,
} from '../shared/contracts.js';
import { can } from '../shared/roles.js';

const memberOnboardingSchema = z.object({
  onboarding: z
    .object({
      dismissed_at: z.instanceof(Timestamp).optional(),
      stayed_on_free_at: z.instanceof(Timestamp).optional(),
    })
    .default({}),
});
type MemberOnboarding = z.infer<typeof memberOnboardingSchema>['onboarding'];

async function anyOf(collection: string, accountId: string): Promise<boolean> {
  const snapshot = await db()
    .collection(collection)
    .where('account_id', '==', accountId)
    .select()
    .limit(1)
    .get();
  return !snapshot.empty;
}

async function checklist(account: AccountAccess, choices: MemberOnboarding): Promise<OnboardingResponse> {
  const [hasKey, hasCall, hasCounted] = await Promise.all([
    anyOf(API_KEYS, account.id),
    anyOf(API_USAGE_EVENTS, account.id),
    anyOf(API_USAGE_DAILY, account.id),
  ]);
  const done: Partial<Record<OnboardingStep, boolean>> = {
    create_key: hasKey,
    // Raw batches expire (TTL) long after they are folded: a counted call was made.
    first_call: hasCall || hasCounted,
    call_counted: hasCounted,
  };
  if (can(account.role, 'manage_billing'))
    done.pick_plan = account.doc.plan_tier !== 'free' || choices.stayed_on_free_at !== undefined;
  const steps = Object.entries(done).map(([id, isDone]) => ({ id: id as OnboardingStep, done: isDone }));
  return {
    steps,
    complete: steps.every((step) => step.done),
    dismissed: choices.dismissed_at !== undefined,
  };
}

function choicesOf(data: unknown): MemberOnboarding {
  return memberOnboardingSchema.parse(data ?? {}).onboarding;
}

export async function getOnboarding(_req: Request, res: Response): Promise<void> {
  const account = accountFor(res, 'read_usage');
  takeRouteBudget(res, 'GET /onboarding');
  const member = await memberRef(account.id, userOf(res).uid).get();
  res.json(await checklist(account, choicesOf(member.data())));
}

export async function updateOnboarding(_req: Request, res: Response): Promise<void> {
  const account = accountFor(res, 'read_usage');
  const body = bodyOf(res, updateOnboardingRequestSchema);
  if (body.stay_on_free !== undefined && !can(account.role, 'manage_billing'))
    throw new ApiError('forbidden', `Your role in this account (${account.role}) does not choose its plan.`);
  const ref = memberRef(account.id, userOf(res).uid);
  const choices = await db().runTransaction(async (tx) => {
    const member = await tx.get(ref);
    // Removed between the membership check and now: as for any non-member.
    if (!member.exists) throw notFound('account');
    const current = choicesOf(member.data());
    const now = Timestamp.now();
    const next: MemberOnboarding = { ...current };
    if (body.dismissed === true) next.dismissed_at = current.dismissed_at ?? now;
    if (body.dismissed === false) delete next.dismissed_at;
    if (body.stay_on_free === true) next.stayed_on_free_at = current.stayed_on_free_at ?? now;
    tx.update(ref, {
      'onboarding.dismissed_at': next.dismissed_at ?? FieldValue.delete(),
      'onboarding.stayed_on_free_at': next.stayed_on_free_at ?? FieldValue.delete(),
    });
    return next;
  });
  res.json(await checklist(account, choices));
}
