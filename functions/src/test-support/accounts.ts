/** Account fixtures for emulator-backed tests: team accounts, which no route creates yet. */
import { Timestamp } from 'firebase-admin/firestore';
import { ACCOUNTS, MEMBERS } from '../lib/collections.js';
import type { PlanTier } from '../shared/plans.js';
import type { Role } from '../shared/roles.js';
import { adminDb, type TestUser } from './emulators.js';

/** Writes a team account with these members (uid → role) and returns its id. */
export async function insertTeamAccount(
  members: readonly (readonly [TestUser, Role])[],
  options: { name?: string; plan_tier?: PlanTier } = {},
): Promise<string> {
  const ref = adminDb().collection(ACCOUNTS).doc();
  const now = Timestamp.now();
  const batch = adminDb().batch();
  batch.set(ref, {
    kind: 'team',
    name: options.name ?? 'Analytical Engines',
    plan_tier: options.plan_tier ?? 'free',
    member_count: members.length,
    created_at: now,
  });
  for (const [user, role] of members)
    batch.set(ref.collection(MEMBERS).doc(user.uid), {
      uid: user.uid,
      role,
      joined_at: now,
      invited_by: null,
    });
  await batch.commit();
  return ref.id;
}
