/**
 * The contract of team accounts: creating a team, its members and their roles, invitations and
 * the audit log. Roles and what they allow are in roles.ts; seats and audit retention per plan
 * in plans.ts.
 */
import { z } from 'zod';
import { accountSummarySchema } from './contracts.js';
import { isoDateSchema } from './dates.js';
import { isDocumentId, uidSchema } from './ids.js';
import { assignableRoleSchema, roleSchema } from './roles.js';

const timestampSchema = z.iso.datetime();

// ---------------------------------------------------------------------------------------------
// Teams

export const TEAM_NAME_MAX_LENGTH = 80;
/** Teams a user may own, so that no one can create accounts without bound. */
export const MAX_OWNED_TEAMS = 10;

/** A slug names a team in dashboard URLs: lower-case letters, digits and single hyphens. */
export const teamSlugSchema = z
  .string()
  .min(3)
  .max(40)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lower-case letters, digits and single hyphens');

/** `POST /teams {name, slug?}`: a new team account, its creator the owner; the slug is derived when absent. */
export const createTeamRequestSchema = z.strictObject({
  name: z.string().trim().min(1).max(TEAM_NAME_MAX_LENGTH),
  slug: teamSlugSchema.optional(),
});
export type CreateTeamRequest = z.infer<typeof createTeamRequestSchema>;

export const teamResponseSchema = z.object({
  account: accountSummarySchema.extend({ slug: z.string().nullable() }),
});
export type TeamResponse = z.infer<typeof teamResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Members

export const memberSchema = z.object({
  uid: z.string(),
  email: z.string().nullable(),
  display_name: z.string().nullable(),
  role: roleSchema,
  joined_at: timestampSchema,
  invited_by: z.string().nullable(),
});
export type Member = z.infer<typeof memberSchema>;

export const seatsSchema = z.object({
  /** Members, the owner included. */
  used: z.number().int().nonnegative(),
  /** Invitations not yet accepted, which hold a seat each. */
  pending: z.number().int().nonnegative(),
  limit: z.number().int().positive(),
});
export type Seats = z.infer<typeof seatsSchema>;

/** `GET /members`: everyone in the account with their role, owner first, and its seats. */
export const membersResponseSchema = z.object({
  members: z.array(memberSchema),
  seats: seatsSchema,
});
export type MembersResponse = z.infer<typeof membersResponseSchema>;

/** `PATCH /members/:uid {role}`: the owner's role moves only by a transfer. */
export const updateMemberRequestSchema = z.strictObject({ role: assignableRoleSchema });
export type UpdateMemberRequest = z.infer<typeof updateMemberRequestSchema>;

export const memberResponseSchema = z.object({ member: memberSchema });
export type MemberResponse = z.infer<typeof memberResponseSchema>;

/** `POST /transfer {uid}` (owner): the member becomes the owner, the owner an admin. */
export const transferOwnershipRequestSchema = z.strictObject({ uid: uidSchema });
export type TransferOwnershipRequest = z.infer<typeof transferOwnershipRequestSchema>;

// ---------------------------------------------------------------------------------------------
// Invitations

export const INVITATION_TTL_DAYS = 7;
/** Pending invitations an account may hold at once, whatever its seats. */
export const MAX_PENDING_INVITATIONS = 50;

export const invitationStatusSchema = z.enum(['pending', 'accepted', 'revoked', 'expired']);
export type InvitationStatus = z.infer<typeof invitationStatusSchema>;

export const invitationSchema = z.object({
  id: z.string(),
  account_id: z.string(),
  email: z.string(),
  role: assignableRoleSchema,
  invited_by: z.string(),
  created_at: timestampSchema,
  expires_at: timestampSchema,
  status: invitationStatusSchema,
});
export type Invitation = z.infer<typeof invitationSchema>;

/** `POST /invitations {email, role}`: addresses are compared lower-cased. */
export const createInvitationRequestSchema = z.strictObject({
  email: z
    .string()
    .trim()
    .max(254)
    .pipe(z.email('an email address'))
    .transform((email) => email.toLowerCase()),
  role: assignableRoleSchema,
});
export type CreateInvitationRequest = z.input<typeof createInvitationRequestSchema>;

/**
 * The invitation, its single-use token (shown once: only its hash is stored) and the link that
 * carries it, and how it was sent: `email` through the mail path, or `link_only` where mail is
 * not configured (the link is then also in the functions' log).
 */
export const createInvitationResponseSchema = z.object({
  invitation: invitationSchema,
  token: z.string(),
  url: z.string(),
  delivery: z.enum(['email', 'link_only']),
});
export type CreateInvitationResponse = z.infer<typeof createInvitationResponseSchema>;

export const invitationsResponseSchema = z.object({ invitations: z.array(invitationSchema) });
export type InvitationsResponse = z.infer<typeof invitationsResponseSchema>;

/** A token as it travels in a path: 43 base64url characters (32 random bytes). */
export const invitationTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not an invitation token');

/** `GET /invitations/:token`: what the invited user sees before accepting. */
export const invitationPreviewSchema = z.object({
  account_name: z.string(),
  role: assignableRoleSchema,
  email: z.string(),
  invited_by: z.string().nullable(),
  expires_at: timestampSchema,
});
export type InvitationPreview = z.infer<typeof invitationPreviewSchema>;

export const acceptInvitationResponseSchema = z.object({
  account_id: z.string(),
  slug: z.string().nullable(),
  role: assignableRoleSchema,
});
export type AcceptInvitationResponse = z.infer<typeof acceptInvitationResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Audit log

export const AUDIT_ACTIONS = [
  'key.created',
  'key.renamed',
  'key.caps_changed',
  'key.metadata_changed',
  'key.rolled',
  'key.revoked',
  'member.role_changed',
  'member.removed',
  'member.left',
  'member.joined',
  'ownership.transferred',
  'invitation.created',
  'invitation.revoked',
  'team.created',
  'billing.plan_changed',
  'billing.settings_changed',
  'billing.cancel_requested',
  'billing.resumed',
  'billing.credits_bought',
  'billing.credits_adjusted',
  'alerts.settings_changed',
  'alerts.webhook_registered',
  'alerts.webhook_deleted',
  'account.deletion_started',
] as const;
export const auditActionSchema = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof auditActionSchema>;

export const auditTargetTypeSchema = z.enum([
  'key',
  'member',
  'invitation',
  'account',
  'subscription',
  'credits',
  'alerts',
]);
export type AuditTargetType = z.infer<typeof auditTargetTypeSchema>;

/** Small, flat, bounded: what changed (a role, a plan, a label). Never a secret. */
export const auditDetailsSchema = z.record(
  z.string().max(40),
  z.union([z.string().max(200), z.number(), z.boolean(), z.null()]),
);

export const auditEntrySchema = z.object({
  id: z.string(),
  at: timestampSchema,
  action: auditActionSchema,
  actor: z.object({
    /** A uid, or `stripe` / `operator:{uid}` for changes that did not come from a member. */
    id: z.string(),
    email: z.string().nullable(),
  }),
  target: z.object({ type: auditTargetTypeSchema, id: z.string(), label: z.string().nullable() }),
  request_id: z.string().nullable(),
  /** As the request's first X-Forwarded-For hop reported it: a hint, which a client can set. */
  client_ip: z.string().nullable(),
  details: auditDetailsSchema,
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const AUDIT_PAGE_SIZE = 50;
export const AUDIT_EXPORT_MAX_ROWS = 10_000;

/** `GET /audit-log?action&actor&from&to&cursor`: newest first, a page at a time. */
export const auditLogQuerySchema = z.strictObject({
  action: auditActionSchema.optional(),
  actor: z.string().min(1).max(128).optional(),
  from: isoDateSchema.optional(),
  to: isoDateSchema.optional(),
  /** The `next_cursor` of the previous page. */
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,200}$/)
    // `__x__` fits the pattern, and Firestore refuses it as an id: a 400 here, not a 500 later.
    .refine(isDocumentId, 'not a cursor of this log')
    .optional(),
});
export type AuditLogQuery = z.infer<typeof auditLogQuerySchema>;

export const auditLogResponseSchema = z.object({
  entries: z.array(auditEntrySchema),
  next_cursor: z.string().nullable(),
  /** Entries are kept this many days on the account's plan. */
  retention_days: z.number().int().positive(),
});
export type AuditLogResponse = z.infer<typeof auditLogResponseSchema>;

export const auditLogExportQuerySchema = auditLogQuerySchema.omit({ cursor: true });

export const AUDIT_EXPORT_COLUMNS = [
  'at',
  'action',
  'actor_id',
  'actor_email',
  'target_type',
  'target_id',
  'target_label',
  'request_id',
  'client_ip',
  'details',
] as const;
