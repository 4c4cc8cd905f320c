/**
 * Team accounts end to end against the emulator suite: creating a team, inviting and accepting,
 * roles, removal, ownership, seats under concurrent accepts, the audit entries each change
 * leaves, and deleting a team.
 */
import { Timestamp } from 'firebase-admin/firestore';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ACCOUNTS,
  API_KEYS,
  AUDIT_LOG,
  INVITATIONS,
  MEMBERS,
  TEAM_SLUGS,
  USERS,
} from '../lib/collections.js';
import { accountsResponseSchema, createKeyResponseSchema } from '../shared/contracts.js';
import { errorBodySchema } from '../shared/errors.js';
import {
  acceptInvitationResponseSchema,
  auditLogResponseSchema,
  createInvitationResponseSchema,
  invitationsResponseSchema,
  membersResponseSchema,
  teamResponseSchema,
  type AuditAction,
} from '../shared/teams.js';
import {
  adminDb,
  apiCall,
  clearEmulators,
  createTestUser,
  dashboardCall,
  json,
  type TestUser,
} from '../test-support/emulators.js';

beforeAll(async () => {
  await clearEmulators();
});

async function createTeam(owner: TestUser, name: string, slug?: string) {
  const response = await dashboardCall(owner, '/teams', {
    method: 'POST',
    body: slug === undefined ? { name } : { name, slug },
  });
  expect(response.status).toBe(201);
  return teamResponseSchema.parse(await json(response)).account;
}

async function invite(inviter: TestUser, teamId: string, email: string, role = 'member') {
  const response = await dashboardCall(inviter, `/accounts/${teamId}/invitations`, {
    method: 'POST',
    body: { email, role },
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return createInvitationResponseSchema.parse(await json(response));
}

function accept(user: TestUser, token: string) {
  return dashboardCall(user, `/invitations/${token}/accept`, { method: 'POST' });
}

async function errorCode(response: Response): Promise<string> {
  return errorBodySchema.parse(await json(response)).error.code;
}

/** A team with its owner and one member of each other role, joined through invitations. */
async function staffedTeam() {
  const owner = await createTestUser({ name: 'Owner' });
  const team = await createTeam(owner, 'Staffed Team');
  await adminDb().collection(ACCOUNTS).doc(team.id).update({ plan_tier: 'pro' });
  const people: Record<'admin' | 'member' | 'viewer', TestUser> = {
    admin: await createTestUser({ name: 'Admin' }),
    member: await createTestUser({ name: 'Member' }),
    viewer: await createTestUser({ name: 'Viewer' }),
  };
  for (const [role, user] of Object.entries(people)) {
    const { token } = await invite(owner, team.id, user.email, role);
    expect((await accept(user, token)).status).toBe(200);
  }
  return { owner, team, ...people };
}

async function auditActions(teamId: string): Promise<{ action: string; actor: string; target: string }[]> {
  const log = await adminDb().collection(AUDIT_LOG).where('account_id', '==', teamId).get();
  return log.docs
    .map((doc) => ({
      action: String(doc.get('action')),
      actor: String(doc.get('actor_id')),
      target: String(doc.get('target_id')),
      at: doc.get('at') as Timestamp,
    }))
    .sort((a, b) => a.at.toMillis() - b.at.toMillis())
    .map(({ action, actor, target }) => ({ action, actor, target }));
}

describe('creating a team', () => {
  it('makes the creator its owner, on its own Free plan, listed with its slug', async () => {
    const owner = await createTestUser();
    const team = await createTeam(owner, 'Analytical Engines');
    expect(team).toMatchObject({
      kind: 'team',
      name: 'Analytical Engines',
      role: 'owner',
      plan_tier: 'free',
    });
    expect(team.slug).toBe('analytical-engines');
    const accounts = accountsResponseSchema.parse(await json(await dashboardCall(owner, '/accounts')));
    expect(accounts.accounts.map((account) => [account.kind, account.slug])).toEqual([
      ['personal', null],
      ['team', 'analytical-engines'],
    ]);
    const members = membersResponseSchema.parse(
      await json(await dashboardCall(owner, `/accounts/${team.id}/members`)),
    );
    expect(members.members.map((member) => [member.uid, member.role])).toEqual([[owner.uid, 'owner']]);
    expect(members.seats).toEqual({ used: 1, pending: 0, limit: 3 });
    expect(await auditActions(team.id)).toEqual([
      { action: 'team.created', actor: owner.uid, target: team.id },
    ]);
  });

  it('refuses a chosen slug that is taken, and gives a derived one a suffix instead', async () => {
    const first = await createTestUser();
    const second = await createTestUser();
    await createTeam(first, 'Difference Engine', 'difference');
    const taken = await dashboardCall(second, '/teams', {
      method: 'POST',
      body: { name: 'Another', slug: 'difference' },
    });
    expect(taken.status).toBe(409);
    expect(errorBodySchema.parse(await json(taken)).error.field).toBe('slug');
    // Refused, it wrote nothing: not even the new caller's profile and personal account.
    expect((await adminDb().collection(ACCOUNTS).doc(second.uid).get()).exists).toBe(false);
    expect((await adminDb().collection(USERS).doc(second.uid).get()).exists).toBe(false);
    const derived = await createTeam(second, 'Difference');
    expect(derived.slug).toMatch(/^difference-[0-9a-f]{6}$/);
    expect((await adminDb().collection(TEAM_SLUGS).doc('difference').get()).get('account_id')).not.toBe(
      derived.id,
    );
  });

  it('refuses bad input with 400 and creates nothing', async () => {
    const owner = await createTestUser();
    for (const body of [
      { name: '' },
      { name: 'x'.repeat(81) },
      { name: 'ok', slug: 'Not A Slug' },
      { name: 'ok', extra: 1 },
    ]) {
      const response = await dashboardCall(owner, '/teams', { method: 'POST', body });
      expect(response.status).toBe(400);
    }
    // Input is checked before anything is written: not even the caller's personal account.
    const owned = await adminDb().collectionGroup(MEMBERS).where('uid', '==', owner.uid).get();
    expect(owned.size).toBe(0);
  });
});

describe('invitations', () => {
  it('lets the invited address join with the invited role, once', async () => {
    const owner = await createTestUser();
    const team = await createTeam(owner, 'Invites Ltd');
    const invitee = await createTestUser();
    const created = await invite(owner, team.id, invitee.email.toUpperCase(), 'viewer');
    expect(created.invitation).toMatchObject({ email: invitee.email, role: 'viewer', status: 'pending' });
    expect(created.url).toBe(`http://127.0.0.1:5000/dashboard/invitations/${created.token}`);
    // Only the token's hash is stored.
    const stored = await adminDb().collection(INVITATIONS).doc(created.invitation.id).get();
    expect(JSON.stringify(stored.data())).not.toContain(created.token);

    const preview = await dashboardCall(invitee, `/invitations/${created.token}/preview`);
    expect(await json(preview)).toMatchObject({
      account_name: 'Invites Ltd',
      role: 'viewer',
      invited_by: owner.email,
    });
    const accepted = await accept(invitee, created.token);
    expect(accepted.status).toBe(200);
    expect(acceptInvitationResponseSchema.parse(await json(accepted))).toEqual({
      account_id: team.id,
      slug: 'invites-ltd',
      role: 'viewer',
    });
    const again = await accept(invitee, created.token);
    expect(again.status).toBe(410);
    expect(await errorCode(again)).toBe('invitation_used');
    const accounts = accountsResponseSchema.parse(await json(await dashboardCall(invitee, '/accounts')));
    expect(accounts.accounts.find((account) => account.id === team.id)?.role).toBe('viewer');
    expect((await adminDb().collection(ACCOUNTS).doc(team.id).get()).get('member_count')).toBe(2);
  });

  it('refuses another address, an expired token, a revoked one and a made-up one, and writes nothing', async () => {
    const owner = await createTestUser();
    const team = await createTeam(owner, 'Refusals');
    const invitee = await createTestUser();
    const stranger = await createTestUser();

    const forInvitee = await invite(owner, team.id, invitee.email);
    const wrong = await accept(stranger, forInvitee.token);
    expect(wrong.status).toBe(403);
    expect(await errorCode(wrong)).toBe('invitation_email_mismatch');

    await adminDb()
      .collection(INVITATIONS)
      .doc(forInvitee.invitation.id)
      .update({ expires_at: Timestamp.fromMillis(Date.now() - 1000) });
    const expired = await accept(invitee, forInvitee.token);
    expect(expired.status).toBe(410);
    expect(await errorCode(expired)).toBe('invitation_expired');

    const second = await invite(owner, team.id, invitee.email);
    const revoke = await dashboardCall(owner, `/accounts/${team.id}/invitations/${second.invitation.id}`, {
      method: 'DELETE',
    });
    expect(revoke.status).toBe(204);
    const revoked = await accept(invitee, second.token);
    expect(revoked.status).toBe(410);
    expect(await errorCode(revoked)).toBe('invitation_revoked');

    for (const token of ['A'.repeat(43), 'short', `${second.token}x`]) {
      expect((await accept(invitee, token)).status).toBe(404);
    }
    // A brand-new user's refused accept creates nothing of theirs either.
    const newcomer = await createTestUser();
    expect((await accept(newcomer, 'B'.repeat(43))).status).toBe(404);
    expect((await adminDb().collection(USERS).doc(newcomer.uid).get()).exists).toBe(false);
    expect((await adminDb().collection(ACCOUNTS).doc(newcomer.uid).get()).exists).toBe(false);
    const members = await adminDb().collection(ACCOUNTS).doc(team.id).collection(MEMBERS).get();
    expect(members.docs.map((doc) => doc.id)).toEqual([owner.uid]);
    expect((await adminDb().collection(ACCOUNTS).doc(team.id).get()).get('member_count')).toBe(1);
    expect((await auditActions(team.id)).map((entry) => entry.action)).toEqual([
      'team.created',
      'invitation.created',
      'invitation.created',
      'invitation.revoked',
    ]);
  });

  it('counts pending invitations against the seats and says how to get more', async () => {
    const owner = await createTestUser();
    const team = await createTeam(owner, 'Three Seats');
    await invite(owner, team.id, 'one@example.test');
    await invite(owner, team.id, 'two@example.test');
    const full = await dashboardCall(owner, `/accounts/${team.id}/invitations`, {
      method: 'POST',
      body: { email: 'three@example.test', role: 'member' },
    });
    expect(full.status).toBe(409);
    const error = errorBodySchema.parse(await json(full)).error;
    expect(error.code).toBe('seat_limit_reached');
    expect(error.message).toMatch(/3 seats of the Free plan/);
    expect(error.message).toMatch(/Upgrade/);
    const listed = invitationsResponseSchema.parse(
      await json(await dashboardCall(owner, `/accounts/${team.id}/invitations`)),
    );
    expect(listed.invitations.map((invitation) => invitation.email)).toEqual([
      'two@example.test',
      'one@example.test',
    ]);
    expect(
      (await auditActions(team.id)).filter((entry) => entry.action === 'invitation.created'),
    ).toHaveLength(2);
  });

  it('admits exactly as many of many concurrent accepts as there are seats free', async () => {
    const owner = await createTestUser();
    const team = await createTeam(owner, 'Crowded');
    await adminDb().collection(ACCOUNTS).doc(team.id).update({ plan_tier: 'pro' });
    const invitees = await Promise.all(Array.from({ length: 8 }, () => createTestUser()));
    const tokens: string[] = [];
    for (const invitee of invitees) tokens.push((await invite(owner, team.id, invitee.email)).token);
    // Seats taken since (members who joined another way): three of Pro's ten are left.
    await adminDb().collection(ACCOUNTS).doc(team.id).update({ member_count: 7 });
    const statuses = await Promise.all(
      invitees.map((invitee, i) => accept(invitee, tokens[i] ?? '').then((r) => r.status)),
    );
    expect(statuses.filter((status) => status === 200)).toHaveLength(3);
    expect(statuses.filter((status) => status === 409)).toHaveLength(5);
    const members = await adminDb().collection(ACCOUNTS).doc(team.id).collection(MEMBERS).get();
    expect(members.size).toBe(4);
    expect((await adminDb().collection(ACCOUNTS).doc(team.id).get()).get('member_count')).toBe(10);
    expect((await auditActions(team.id)).filter((entry) => entry.action === 'member.joined')).toHaveLength(3);
  });
});

describe('members and roles', () => {
  it('lets owners and admins change roles below the owner, and no one else', async () => {
    const { owner, team, admin, member, viewer } = await staffedTeam();
    const path = (uid: string) => `/accounts/${team.id}/members/${uid}`;
    const byAdmin = await dashboardCall(admin, path(viewer.uid), {
      method: 'PATCH',
      body: { role: 'member' },
    });
    expect(byAdmin.status).toBe(200);
    expect(
      (await dashboardCall(member, path(viewer.uid), { method: 'PATCH', body: { role: 'admin' } })).status,
    ).toBe(403);
    expect(
      (await dashboardCall(viewer, path(member.uid), { method: 'PATCH', body: { role: 'viewer' } })).status,
    ).toBe(403);
    expect(
      (await dashboardCall(admin, path(owner.uid), { method: 'PATCH', body: { role: 'viewer' } })).status,
    ).toBe(403);
    // No one is made owner but by a transfer.
    expect(
      (await dashboardCall(owner, path(admin.uid), { method: 'PATCH', body: { role: 'owner' } })).status,
    ).toBe(400);
    const members = membersResponseSchema.parse(
      await json(await dashboardCall(viewer, `/accounts/${team.id}/members`)),
    );
    expect(Object.fromEntries(members.members.map((m) => [m.uid, m.role]))).toEqual({
      [owner.uid]: 'owner',
      [admin.uid]: 'admin',
      [member.uid]: 'member',
      [viewer.uid]: 'member',
    });
    const changes = (await auditActions(team.id)).filter((entry) => entry.action === 'member.role_changed');
    expect(changes).toEqual([{ action: 'member.role_changed', actor: admin.uid, target: viewer.uid }]);
  });

  it('takes a removed member’s access away on their next request, and keeps their keys the team’s', async () => {
    const { team, admin, member } = await staffedTeam();
    const created = await dashboardCall(member, `/accounts/${team.id}/keys`, {
      method: 'POST',
      body: { label: 'mine' },
    });
    expect(created.status).toBe(201);
    const { secret } = createKeyResponseSchema.parse(await json(created));
    expect((await dashboardCall(member, `/accounts/${team.id}/keys`)).status).toBe(200);
    expect(
      (await dashboardCall(admin, `/accounts/${team.id}/members/${member.uid}`, { method: 'DELETE' })).status,
    ).toBe(204);
    const after = await dashboardCall(member, `/accounts/${team.id}/keys`);
    expect(after.status).toBe(404);
    expect((await apiCall(secret, '/time')).status).toBe(200);
    const accounts = accountsResponseSchema.parse(await json(await dashboardCall(member, '/accounts')));
    expect(accounts.accounts.map((account) => account.id)).not.toContain(team.id);
    expect((await adminDb().collection(ACCOUNTS).doc(team.id).get()).get('member_count')).toBe(3);
  });

  it('lets members leave but not the owner, who transfers ownership first', async () => {
    const { owner, team, admin, viewer } = await staffedTeam();
    expect(
      (await dashboardCall(viewer, `/accounts/${team.id}/members/${viewer.uid}`, { method: 'DELETE' }))
        .status,
    ).toBe(204);
    const ownerLeaves = await dashboardCall(owner, `/accounts/${team.id}/members/${owner.uid}`, {
      method: 'DELETE',
    });
    expect(ownerLeaves.status).toBe(409);
    expect(
      (
        await dashboardCall(admin, `/accounts/${team.id}/transfer`, {
          method: 'POST',
          body: { uid: admin.uid },
        })
      ).status,
    ).toBe(403);
    const transfer = await dashboardCall(owner, `/accounts/${team.id}/transfer`, {
      method: 'POST',
      body: { uid: admin.uid },
    });
    expect(transfer.status).toBe(200);
    const members = membersResponseSchema.parse(await json(transfer));
    expect(members.members.filter((m) => m.role === 'owner').map((m) => m.uid)).toEqual([admin.uid]);
    expect(members.members.find((m) => m.uid === owner.uid)?.role).toBe('admin');
    expect(
      (await dashboardCall(owner, `/accounts/${team.id}/members/${owner.uid}`, { method: 'DELETE' })).status,
    ).toBe(204);
    const actions = (await auditActions(team.id)).map(
      (entry) =>
        `${entry.action} ${entry.actor === admin.uid ? 'admin' : entry.actor === owner.uid ? 'owner' : 'viewer'}`,
    );
    expect(actions.slice(-3)).toEqual([
      'member.left viewer',
      'ownership.transferred owner',
      'member.left owner',
    ]);
  });

  it('refuses to delete the personal account of someone who owns a team', async () => {
    const owner = await createTestUser();
    const team = await createTeam(owner, 'Keep Me');
    const refused = await dashboardCall(owner, '/me', { method: 'DELETE' });
    expect(refused.status).toBe(409);
    expect((await adminDb().collection(ACCOUNTS).doc(team.id).get()).exists).toBe(true);
    expect((await adminDb().collection(ACCOUNTS).doc(owner.uid).get()).exists).toBe(true);
  });
});

describe('the audit log', () => {
  it('records each key change once with its actor, request and address, for owners and admins to read', async () => {
    const { owner, team, admin, member, viewer } = await staffedTeam();
    const created = createKeyResponseSchema.parse(
      await json(
        await dashboardCall(member, `/accounts/${team.id}/keys`, { method: 'POST', body: { label: 'ci' } }),
      ),
    );
    const keyPath = `/accounts/${team.id}/keys/${created.key.id}`;
    expect(
      // As Google's front end reports the caller: the client's address first.
      (
        await dashboardCall(member, keyPath, {
          method: 'PATCH',
          body: { label: 'ci runner' },
          headers: { 'x-forwarded-for': '203.0.113.7, 10.0.0.1' },
        })
      ).status,
    ).toBe(200);
    expect(
      (await dashboardCall(admin, keyPath, { method: 'PATCH', body: { cap_monthly: 500 } })).status,
    ).toBe(200);
    expect(
      (await dashboardCall(member, `${keyPath}/roll`, { method: 'POST', body: { grace_period_hours: 0 } }))
        .status,
    ).toBe(201);
    expect((await dashboardCall(owner, `${keyPath}/revoke`, { method: 'POST' })).status).toBe(200);
    // A refused change leaves nothing: a viewer may not create keys.
    expect(
      (await dashboardCall(viewer, `/accounts/${team.id}/keys`, { method: 'POST', body: { label: 'no' } }))
        .status,
    ).toBe(403);

    const keyEntries = (await auditActions(team.id)).filter((entry) => entry.action.startsWith('key.'));
    expect(keyEntries).toEqual([
      { action: 'key.created', actor: member.uid, target: created.key.id },
      { action: 'key.renamed', actor: member.uid, target: created.key.id },
      { action: 'key.caps_changed', actor: admin.uid, target: created.key.id },
      { action: 'key.rolled', actor: member.uid, target: created.key.id },
      { action: 'key.revoked', actor: owner.uid, target: created.key.id },
    ]);

    for (const reader of [owner, admin]) {
      const page = await dashboardCall(reader, `/accounts/${team.id}/audit-log?action=key.renamed`);
      expect(page.status).toBe(200);
      const body = auditLogResponseSchema.parse(await json(page));
      expect(body.retention_days).toBe(90);
      expect(body.entries).toHaveLength(1);
      expect(body.entries[0]).toMatchObject({
        action: 'key.renamed',
        actor: { id: member.uid, email: member.email },
        target: { type: 'key', id: created.key.id, label: 'ci runner' },
        details: { from: 'ci', to: 'ci runner' },
        request_id: expect.stringMatching(/^req_/),
        client_ip: '203.0.113.7',
      });
    }
    for (const reader of [member, viewer])
      expect((await dashboardCall(reader, `/accounts/${team.id}/audit-log`)).status).toBe(403);

    const byActor = auditLogResponseSchema.parse(
      await json(await dashboardCall(owner, `/accounts/${team.id}/audit-log?actor=${admin.uid}`)),
    );
    // Newest first: the admin's own joining is theirs too.
    expect(byActor.entries.map((entry) => entry.action)).toEqual(['key.caps_changed', 'member.joined']);
    const csv = await dashboardCall(owner, `/accounts/${team.id}/audit-log/export?action=key.revoked`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`key.revoked,${owner.uid},${owner.email},key,${created.key.id},ci runner`);
  });

  it('records alert, webhook, overage and operator credit changes once each, and refused ones not at all', async () => {
    const { owner, team, admin, member } = await staffedTeam();
    const prefix = `/accounts/${team.id}`;
    const alerts = {
      quota_thresholds: [50],
      low_credits_units: null,
      email: { enabled: false, recipients: [] },
    };
    expect(
      (await dashboardCall(admin, `${prefix}/alerts/settings`, { method: 'PUT', body: alerts })).status,
    ).toBe(200);
    expect(
      (await dashboardCall(member, `${prefix}/alerts/settings`, { method: 'PUT', body: alerts })).status,
    ).toBe(403);
    const hook = { url: 'http://127.0.0.1:9/keymeter?token=receiver-secret' };
    expect(
      (await dashboardCall(admin, `${prefix}/alerts/webhook`, { method: 'PUT', body: hook })).status,
    ).toBe(200);
    expect((await dashboardCall(owner, `${prefix}/alerts/webhook`, { method: 'DELETE' })).status).toBe(204);
    const stop = { overage: 'stop', spend_cap_cents: null };
    expect(
      (await dashboardCall(owner, `${prefix}/billing/settings`, { method: 'PUT', body: stop })).status,
    ).toBe(200);
    expect(
      (await dashboardCall(admin, `${prefix}/billing/settings`, { method: 'PUT', body: stop })).status,
    ).toBe(403);
    const operator = await createTestUser({ admin: true });
    const adjustment = { id: `audit-${team.id}`, units: 250, reason: 'onboarding credits' };
    expect(
      (
        await dashboardCall(operator, `/admin/accounts/${team.id}/credits/adjustments`, {
          method: 'POST',
          body: adjustment,
        })
      ).status,
    ).toBe(201);

    const entries = (await auditActions(team.id)).filter(
      (entry) => !['team.created', 'invitation.created', 'member.joined'].includes(entry.action),
    );
    expect(entries).toEqual([
      { action: 'alerts.settings_changed', actor: admin.uid, target: team.id },
      { action: 'alerts.webhook_registered', actor: admin.uid, target: team.id },
      { action: 'alerts.webhook_deleted', actor: owner.uid, target: team.id },
      { action: 'billing.settings_changed', actor: owner.uid, target: team.id },
      {
        action: 'billing.credits_adjusted',
        actor: `operator:${operator.uid}`,
        target: `adjustment_${adjustment.id}`,
      },
    ]);
    // The webhook's URL is audited by its host only: its query may carry the receiver's token.
    const all = await adminDb().collection(AUDIT_LOG).where('account_id', '==', team.id).get();
    expect(JSON.stringify(all.docs.map((doc) => doc.data()))).not.toContain('receiver-secret');
  });

  it('pages newest first with a cursor, and refuses another account’s cursor', async () => {
    const owner = await createTestUser();
    const team = await createTeam(owner, 'Many Changes');
    const { key } = createKeyResponseSchema.parse(
      await json(
        await dashboardCall(owner, `/accounts/${team.id}/keys`, { method: 'POST', body: { label: 'k' } }),
      ),
    );
    for (let i = 1; i < 55; i += 1)
      await dashboardCall(owner, `/accounts/${team.id}/keys/${key.id}`, {
        method: 'PATCH',
        body: { label: `k${i}` },
      }).then((r) => expect(r.status).toBe(200));
    const first = auditLogResponseSchema.parse(
      await json(await dashboardCall(owner, `/accounts/${team.id}/audit-log`)),
    );
    expect(first.entries).toHaveLength(50);
    expect(first.next_cursor).not.toBeNull();
    const second = auditLogResponseSchema.parse(
      await json(await dashboardCall(owner, `/accounts/${team.id}/audit-log?cursor=${first.next_cursor}`)),
    );
    const all = [...first.entries, ...second.entries];
    expect(all).toHaveLength(56);
    expect(second.next_cursor).toBeNull();
    expect(new Set(all.map((entry) => entry.id)).size).toBe(56);
    expect(all.map((entry) => entry.at)).toEqual([...all.map((entry) => entry.at)].sort().reverse());
    expect(all.at(-1)?.action).toBe<AuditAction>('team.created');

    const other = await createTestUser();
    const otherTeam = await createTeam(other, 'Other');
    // An id Firestore reserves is refused as input, not passed on to Firestore.
    expect((await dashboardCall(owner, `/accounts/${team.id}/audit-log?cursor=__x__`)).status).toBe(400);
    const foreign = await dashboardCall(
      other,
      `/accounts/${otherTeam.id}/audit-log?cursor=${first.next_cursor}`,
    );
    expect(foreign.status).toBe(400);
  });
});

describe('deleting a team', () => {
  it('is the owner’s alone, revokes its keys at once and erases the team, its slug and memberships', async () => {
    const { owner, team, admin, member } = await staffedTeam();
    const { secret } = createKeyResponseSchema.parse(
      await json(
        await dashboardCall(member, `/accounts/${team.id}/keys`, { method: 'POST', body: { label: 'prod' } }),
      ),
    );
    expect((await apiCall(secret, '/time')).status).toBe(200);
    expect((await dashboardCall(admin, `/accounts/${team.id}`, { method: 'DELETE' })).status).toBe(403);
    expect((await dashboardCall(owner, `/accounts/${team.id}`, { method: 'DELETE' })).status).toBe(204);

    const deadline = Date.now() + 5_000;
    let status = 0;
    while (Date.now() < deadline && (status = (await apiCall(secret, '/time')).status) === 200)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(status).toBe(401);
    expect((await adminDb().collection(ACCOUNTS).doc(team.id).get()).exists).toBe(false);
    expect((await adminDb().collection(ACCOUNTS).doc(team.id).collection(MEMBERS).get()).size).toBe(0);
    expect((await adminDb().collection(API_KEYS).where('account_id', '==', team.id).get()).size).toBe(0);
    expect((await adminDb().collection(AUDIT_LOG).where('account_id', '==', team.id).get()).size).toBe(0);
    expect((await adminDb().collection(INVITATIONS).where('account_id', '==', team.id).get()).size).toBe(0);
    expect((await adminDb().collection(TEAM_SLUGS).doc(String(team.slug)).get()).exists).toBe(false);
    for (const user of [owner, admin, member]) {
      const accounts = accountsResponseSchema.parse(await json(await dashboardCall(user, '/accounts')));
      expect(accounts.accounts.map((account) => account.id)).toEqual([user.uid]);
      expect((await dashboardCall(user, `/accounts/${team.id}/keys`)).status).toBe(404);
    }
  });

  it('is not how a personal account is deleted', async () => {
    const owner = await createTestUser();
    expect((await dashboardCall(owner, '/me')).status).toBe(200);
    const response = await dashboardCall(owner, `/accounts/${owner.uid}`, { method: 'DELETE' });
    expect(response.status).toBe(409);
    expect((await adminDb().collection(ACCOUNTS).doc(owner.uid).get()).exists).toBe(true);
  });
});
