import type { Request, Response } from 'express';
import { accountRef, memberDocSchema, readAccountDoc } from '../accounts/account-doc.js';
import { ensureProfile } from '../accounts/profile.js';
import { userOf } from '../http/auth.js';
import { db } from '../lib/firebase.js';
import { ACCOUNTS, MEMBERS } from '../lib/collections.js';
import type { AccountsResponse } from '../shared/contracts.js';

type Listed = AccountsResponse['accounts'][number];

/**
 * GET /accounts: every account the caller belongs to, with the caller's role, the personal
 * account first (created on first use, like `/me`), then the others by name. Memberships are
 * found with one collection-group query on `members` by their `uid` field (firestore.indexes.json
 * declares the collection-group index), then the accounts are read in one batch.
 */
export async function listAccounts(_req: Request, res: Response): Promise<void> {
  const user = userOf(res);
  const [profile, memberships] = await Promise.all([
    ensureProfile(user),
    db().collectionGroup(MEMBERS).where('uid', '==', user.uid).get(),
  ]);
  const roles = new Map<string, Listed['role']>();
  for (const member of memberships.docs) {
    const account = member.ref.parent.parent;
    // Only `accounts/{id}/members`; the personal account is read by its id already.
    if (account === null || account.parent.id !== ACCOUNTS || account.id === user.uid) continue;
    const parsed = memberDocSchema.safeParse(member.data());
    if (parsed.success) roles.set(account.id, parsed.data.role);
  }
  const others: Listed[] = [];
  const ids = [...roles.keys()];
  const snapshots = ids.length === 0 ? [] : await db().getAll(...ids.map((id) => accountRef(id)));
  for (const snapshot of snapshots) {
    const role = roles.get(snapshot.id);
    // A membership left behind by an account being deleted names no account.
    if (!snapshot.exists || role === undefined) continue;
    const doc = readAccountDoc(snapshot.data());
    others.push({
      id: snapshot.id,
      kind: doc.kind,
      name: doc.name,
      role,
      plan_tier: doc.plan_tier,
      slug: doc.slug ?? null,
    });
  }
  others.sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1));
  const personal = profile.account;
  const body: AccountsResponse = {
    accounts: [
      {
        id: user.uid,
        kind: personal.kind,
        name: personal.name,
        role: 'owner',
        plan_tier: personal.plan_tier,
        slug: null,
      },
      ...others,
    ],
  };
  res.json(body);
}
