/**
 * Team accounts for component tests: the account list, creating a team, members and seats,
 * invitations (their links and what opening one shows), the audit log and deleting a team. The
 * teams themselves are `db.teams` (so the account-scoped routes of handlers.ts serve their keys
 * and summary); their members, invitations and log live in `teamDb`, emptied after every test.
 * Requests and answers are parsed with the shared schemas, as in handlers.ts.
 */
import { http, HttpResponse, type JsonBodyType } from 'msw';
import type { z } from 'zod';
import { accountsResponseSchema, notificationsResponseSchema, type AccountSummary } from '@shared/contracts';
import { PLANS } from '@shared/plans';
import { can, mayManageMember, type AssignableRole, type Role } from '@shared/roles';
import {
  AUDIT_EXPORT_COLUMNS,
  AUDIT_PAGE_SIZE,
  acceptInvitationResponseSchema,
  auditLogExportQuerySchema,
  auditLogQuerySchema,
  auditLogResponseSchema,
  createInvitationRequestSchema,
  createInvitationResponseSchema,
  createTeamRequestSchema,
  invitationPreviewSchema,
  invitationsResponseSchema,
  memberResponseSchema,
  membersResponseSchema,
  teamResponseSchema,
  transferOwnershipRequestSchema,
  updateMemberRequestSchema,
  type AuditAction,
  type AuditEntry,
  type AuditLogQuery,
  type Invitation,
  type InvitationStatus,
  type Member,
} from '@shared/teams';
import { db, isoAgo, type TeamAccount } from '@/testing/mocks/db';
import { accountRoute, apiError, route } from '@/testing/mocks/handlers';

const API = '/api/dashboard';
const DAY = 86_400_000;

interface TeamState {
  members: Member[];
  invitations: Invitation[];
  /** Newest first, as the API pages them. */
  audit: AuditEntry[];
}

/** An invitation link as the API resolves its token: the invitation and the team it is for. */
interface InvitationLink {
  invitation: Invitation;
  account_name: string;
  invited_by: string | null;
}

interface TeamDb {
  teams: Map<string, TeamState>;
  links: Map<string, InvitationLink>;
  /** How `POST /invitations` says the link went out. */
  delivery: 'email' | 'link_only';
  /** Entries per page of `GET /audit-log` (the API's is AUDIT_PAGE_SIZE). */
  auditPageSize: number;
}

function defaults(): TeamDb {
  return { teams: new Map(), links: new Map(), delivery: 'link_only', auditPageSize: AUDIT_PAGE_SIZE };
}

export const teamDb: TeamDb = defaults();

export function resetTeamDb(): void {
  Object.assign(teamDb, defaults());
  counter = 0;
}

let counter = 0;
function nextId(prefix: string): string {
  counter += 1;
  return `${prefix}_${counter}`;
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
export function buildInvitationToken(): string {
  return Array.from({ length: 43 }, () => BASE64URL[Math.floor(Math.random() * BASE64URL.length)]).join('');
}

function respond<Schema extends z.ZodType>(schema: Schema, data: z.input<Schema>, status = 200) {
  return HttpResponse.json(schema.parse(data) as JsonBodyType, { status });
}

function invalid(error: z.ZodError) {
  const issue = error.issues[0];
  return apiError(
    'invalid_request',
    issue?.message ?? 'invalid request',
    issue ? issue.path.join('.') : undefined,
  );
}

/** The signed-in user as a member. */
export function selfMember(role: Role): Member {
  return {
    uid: db.profile.uid,
    email: db.profile.email,
    display_name: db.profile.display_name,
    role,
    joined_at: isoAgo(40 * DAY),
    invited_by: null,
  };
}

export function buildMember(overrides: Partial<Member> & { uid: string }): Member {
  return {
    email: `${overrides.uid}@example.com`,
    display_name: null,
    role: 'member',
    joined_at: isoAgo(10 * DAY),
    invited_by: db.profile.uid,
    ...overrides,
  };
}

/**
 * A team the signed-in user belongs to with `role`, and its other members (the owner among
 * them when the user is not it).
 */
export function seedTeam({
  name = 'Acme',
  slug = 'acme',
  role = 'owner',
  plan_tier = 'free',
  others = [],
}: {
  name?: string;
  slug?: string;
  role?: Role;
  plan_tier?: AccountSummary['plan_tier'];
  others?: Member[];
} = {}): TeamAccount {
  const team: TeamAccount = {
    id: `team_${slug}`,
    kind: 'team',
    name,
    slug,
    role,
    plan_tier,
    subscription_status: null,
    current_period_end: null,
    cancel_at_period_end: false,
    has_billing_account: false,
    credits_balance: 0,
    has_credits: false,
    billing_settings: { overage: 'stop', spend_cap_cents: null },
    created_at: isoAgo(60 * DAY),
  };
  const owner =
    role === 'owner' || others.some((member) => member.role === 'owner')
      ? []
      : [
          buildMember({
            uid: 'user-owner',
            email: 'owner@example.com',
            display_name: 'Olive Owner',
            role: 'owner',
          }),
        ];
  const members = [...owner, selfMember(role), ...others].sort(
    (a, b) => Number(b.role === 'owner') - Number(a.role === 'owner'),
  );
  db.teams.push(team);
  teamDb.teams.set(team.id, { members, invitations: [], audit: [] });
  return team;
}

export function teamState(accountId: string): TeamState {
  const state = teamDb.teams.get(accountId);
  if (!state) throw new Error(`no team ${accountId} in teamDb`);
  return state;
}

export function buildInvitation(
  team: TeamAccount,
  overrides: Partial<Invitation> & { email: string },
): Invitation {
  return {
    id: nextId('inv'),
    account_id: team.id,
    role: 'member',
    invited_by: db.profile.uid,
    created_at: isoAgo(DAY),
    expires_at: new Date(Date.now() + 6 * DAY).toISOString(),
    status: 'pending',
    ...overrides,
  };
}

/** An invitation link someone sent the user: opening `/invitations/{token}` previews it. */
export function seedInvitationLink({
  team = 'Acme',
  slug = 'acme',
  email = db.profile.email ?? 'ada@example.com',
  role = 'member',
  status = 'pending',
}: {
  team?: string;
  slug?: string;
  email?: string;
  role?: AssignableRole;
  status?: InvitationStatus;
} = {}): { token: string; accountId: string } {
  const token = buildInvitationToken();
  const accountId = `team_${slug}`;
  teamDb.links.set(token, {
    account_name: team,
    invited_by: 'olive@example.com',
    invitation: {
      id: nextId('inv'),
      account_id: accountId,
      email,
      role,
      invited_by: 'user-owner',
      created_at: isoAgo(DAY),
      expires_at: new Date(Date.now() + (status === 'expired' ? -DAY : 6 * DAY)).toISOString(),
      status,
    },
  });
  return { token, accountId };
}

export function buildAuditEntry(overrides: Partial<AuditEntry> & { action: AuditAction }): AuditEntry {
  return {
    id: nextId('audit'),
    at: isoAgo(DAY),
    actor: { id: db.profile.uid, email: db.profile.email },
    target: { type: 'key', id: 'key_1', label: 'Production server' },
    request_id: `req_${counter}`,
    client_ip: '203.0.113.7',
    details: {},
    ...overrides,
  };
}

function seatsOf(team: AccountSummary, state: TeamState) {
  return {
    used: state.members.length,
    pending: state.invitations.filter((invitation) => invitation.status === 'pending').length,
    limit: team.kind === 'personal' ? 1 : PLANS[team.plan_tier].seats,
  };
}

/** The personal account has one member, its user, and nothing to invite to. */
function stateOf(account: AccountSummary): TeamState {
  return teamDb.teams.get(account.id) ?? { members: [selfMember('owner')], invitations: [], audit: [] };
}

function slugFrom(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'team'
  );
}

function matches(entry: AuditEntry, query: AuditLogQuery): boolean {
  const day = entry.at.slice(0, 10);
  return (
    (query.action === undefined || entry.action === query.action) &&
    (query.actor === undefined || entry.actor.id === query.actor) &&
    (query.from === undefined || day >= query.from) &&
    (query.to === undefined || day <= query.to)
  );
}

function csvCell(value: string | null): string {
  if (value === null) return '';
  return /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export const teamHandlers = [
  http.get(
    `${API}/accounts`,
    route(() =>
      respond(accountsResponseSchema, {
        accounts: [
          { ...db.account, slug: null },
          ...[...db.teams].sort((a, b) => a.name.localeCompare(b.name)),
        ].map(({ id, kind, name, role, plan_tier, slug }) => ({ id, kind, name, role, plan_tier, slug })),
      }),
    ),
  ),

  http.post(
    `${API}/teams`,
    route(({ body }) => {
      const parsed = createTeamRequestSchema.safeParse(body);
      if (!parsed.success) return invalid(parsed.error);
      const slug = parsed.data.slug ?? slugFrom(parsed.data.name);
      if (db.teams.some((team) => team.slug === slug))
        return apiError('conflict', `The URL name “${slug}” is taken. Choose another.`, 'slug');
      const team = seedTeam({ name: parsed.data.name, slug, role: 'owner' });
      return respond(teamResponseSchema, { account: team }, 201);
    }),
  ),

  ...accountRoute('get', '/members', ({ account }) => {
    const state = stateOf(account);
    return respond(membersResponseSchema, { members: state.members, seats: seatsOf(account, state) });
  }),

  ...accountRoute('patch', '/members/:uid', ({ account, params, body }) => {
    const parsed = updateMemberRequestSchema.safeParse(body);
    if (!parsed.success) return invalid(parsed.error);
    const member = stateOf(account).members.find((candidate) => candidate.uid === params.uid);
    if (!member) return apiError('not_found', 'No such member.');
    if (!mayManageMember(account.role, member.role))
      return apiError('forbidden', 'Your role may not do that.');
    member.role = parsed.data.role;
    return respond(memberResponseSchema, { member });
  }),

  ...accountRoute('delete', '/members/:uid', ({ account, params }) => {
    const state = stateOf(account);
    const member = state.members.find((candidate) => candidate.uid === params.uid);
    if (!member) return apiError('not_found', 'No such member.');
    const leaving = member.uid === db.profile.uid;
    if (leaving && member.role === 'owner')
      return apiError('forbidden', 'The owner cannot leave the team. Transfer ownership first.');
    if (!leaving && !mayManageMember(account.role, member.role))
      return apiError('forbidden', 'Your role may not do that.');
    state.members = state.members.filter((candidate) => candidate !== member);
    if (leaving) db.teams = db.teams.filter((team) => team.id !== account.id);
    return new HttpResponse(null, { status: 204 });
  }),

  ...accountRoute('post', '/transfer', ({ account, body }) => {
    const parsed = transferOwnershipRequestSchema.safeParse(body);
    if (!parsed.success) return invalid(parsed.error);
    if (!can(account.role, 'transfer_ownership')) return apiError('forbidden', 'Only the owner may do that.');
    const state = stateOf(account);
    const next = state.members.find((member) => member.uid === parsed.data.uid);
    const self = state.members.find((member) => member.uid === db.profile.uid);
    if (!next || !self || next === self) return apiError('not_found', 'No such member.');
    next.role = 'owner';
    self.role = 'admin';
    account.role = 'admin';
    state.members.sort((a, b) => Number(b.role === 'owner') - Number(a.role === 'owner'));
    return respond(membersResponseSchema, { members: state.members, seats: seatsOf(account, state) });
  }),

  ...accountRoute('get', '/invitations', ({ account }) => {
    if (!can(account.role, 'manage_members')) return apiError('forbidden', 'Your role may not do that.');
    const invitations = stateOf(account).invitations.filter((invitation) => invitation.status === 'pending');
    return respond(invitationsResponseSchema, { invitations });
  }),

  ...accountRoute('post', '/invitations', ({ account, body }) => {
    const parsed = createInvitationRequestSchema.safeParse(body);
    if (!parsed.success) return invalid(parsed.error);
    if (!can(account.role, 'manage_members')) return apiError('forbidden', 'Your role may not do that.');
    const state = stateOf(account);
    const seats = seatsOf(account, state);
    if (seats.used + seats.pending >= seats.limit)
      return apiError(
        'seat_limit_reached',
        `All ${seats.limit} seats of this team are taken, pending invitations included.`,
      );
    const team = db.teams.find((candidate) => candidate.id === account.id);
    if (!team) return apiError('not_found', 'No such account.');
    const invitation = buildInvitation(team, {
      email: parsed.data.email,
      role: parsed.data.role,
      created_at: new Date().toISOString(),
    });
    state.invitations.push(invitation);
    const token = buildInvitationToken();
    teamDb.links.set(token, { invitation, account_name: team.name, invited_by: db.profile.email });
    return respond(
      createInvitationResponseSchema,
      {
        invitation,
        token,
        url: `${window.location.origin}/dashboard/invitations/${token}`,
        delivery: teamDb.delivery,
      },
      201,
    );
  }),

  ...accountRoute('delete', '/invitations/:id', ({ account, params }) => {
    if (!can(account.role, 'manage_members')) return apiError('forbidden', 'Your role may not do that.');
    const invitation = stateOf(account).invitations.find((candidate) => candidate.id === params.id);
    if (!invitation || invitation.status !== 'pending') return apiError('not_found', 'No such invitation.');
    invitation.status = 'revoked';
    return new HttpResponse(null, { status: 204 });
  }),

  ...accountRoute('get', '/audit-log', ({ account, query }) => {
    const parsed = auditLogQuerySchema.safeParse(query);
    if (!parsed.success) return invalid(parsed.error);
    if (!can(account.role, 'read_audit_log')) return apiError('forbidden', 'Your role may not do that.');
    const entries = stateOf(account).audit.filter((entry) => matches(entry, parsed.data));
    const start = parsed.data.cursor ? Number(parsed.data.cursor.slice(1)) : 0;
    const end = start + teamDb.auditPageSize;
    return respond(auditLogResponseSchema, {
      entries: entries.slice(start, end),
      next_cursor: end < entries.length ? `c${end}` : null,
      retention_days: PLANS[account.plan_tier].audit_retention_days,
    });
  }),

  ...accountRoute('get', '/audit-log/export', ({ account, query }) => {
    const parsed = auditLogExportQuerySchema.safeParse(query);
    if (!parsed.success) return invalid(parsed.error);
    if (!can(account.role, 'read_audit_log')) return apiError('forbidden', 'Your role may not do that.');
    const rows = stateOf(account)
      .audit.filter((entry) => matches(entry, parsed.data))
      .map((entry) =>
        [
          entry.at,
          entry.action,
          entry.actor.id,
          entry.actor.email,
          entry.target.type,
          entry.target.id,
          entry.target.label,
          entry.request_id,
          entry.client_ip,
          JSON.stringify(entry.details),
        ]
          .map(csvCell)
          .join(','),
      );
    return new HttpResponse([AUDIT_EXPORT_COLUMNS.join(','), ...rows].join('\n'), {
      headers: {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': 'attachment; filename="audit-log.csv"',
      },
    });
  }),

  // The layout's bell asks every account; team notifications are not modelled here.
  http.get(
    `${API}/accounts/:accountId/notifications`,
    route(({ params }) =>
      db.teams.some((team) => team.id === params.accountId)
        ? respond(notificationsResponseSchema, { notifications: [], unread: 0 })
        : apiError('not_found', 'No such account.'),
    ),
  ),

  http.delete(
    `${API}/accounts/:accountId`,
    route(({ params }) => {
      const team = db.teams.find((candidate) => candidate.id === params.accountId);
      if (!team) return apiError('not_found', 'No such account.');
      if (!can(team.role, 'delete_account'))
        return apiError('forbidden', 'Only the owner may delete the team.');
      db.teams = db.teams.filter((candidate) => candidate !== team);
      teamDb.teams.delete(team.id);
      return new HttpResponse(null, { status: 204 });
    }),
  ),

  http.get(
    `${API}/invitations/:token/preview`,
    route(({ params }) => {
      const link = teamDb.links.get(params.token ?? '');
      if (!link) return apiError('not_found', 'No such invitation.');
      const refusal = refusalOf(link.invitation.status);
      if (refusal) return refusal;
      return respond(invitationPreviewSchema, {
        account_name: link.account_name,
        role: link.invitation.role,
        email: link.invitation.email,
        invited_by: link.invited_by,
        expires_at: link.invitation.expires_at,
      });
    }),
  ),

  http.post(
    `${API}/invitations/:token/accept`,
    route(({ params }) => {
      const link = teamDb.links.get(params.token ?? '');
      if (!link) return apiError('not_found', 'No such invitation.');
      const refusal = refusalOf(link.invitation.status);
      if (refusal) return refusal;
      if (link.invitation.email !== db.profile.email?.toLowerCase())
        return apiError(
          'invitation_email_mismatch',
          `This invitation is for ${link.invitation.email}. Sign in with that address to accept it.`,
        );
      link.invitation.status = 'accepted';
      const slug = link.invitation.account_id.replace(/^team_/, '');
      const team = seedTeam({ name: link.account_name, slug, role: link.invitation.role });
      return respond(acceptInvitationResponseSchema, {
        account_id: team.id,
        slug: team.slug,
        role: link.invitation.role,
      });
    }),
  ),
];

function refusalOf(status: InvitationStatus) {
  if (status === 'expired') return apiError('invitation_expired', 'This invitation has expired.');
  if (status === 'accepted') return apiError('invitation_used', 'This invitation was already accepted.');
  if (status === 'revoked') return apiError('invitation_revoked', 'This invitation was revoked.');
  return null;
}
