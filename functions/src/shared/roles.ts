/**
 * Accounts and the roles of their members: one table, enforced by the functions and reflected
 * in the dashboard. A personal account has exactly one member, its user, as `owner`.
 */
import { z } from 'zod';

export const ACCOUNT_KINDS = ['personal', 'team'] as const;
export const accountKindSchema = z.enum(ACCOUNT_KINDS);
export type AccountKind = z.infer<typeof accountKindSchema>;

export const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/**
 * What a request may do in an account. `manage_own_keys` covers keys the member created;
 * `manage_members` covers members and invitations below the owner; `delete_account` and
 * `transfer_ownership` are the owner's alone.
 */
export const PERMISSIONS = [
  'read_usage',
  'read_keys',
  'manage_own_keys',
  'manage_all_keys',
  'manage_billing',
  'manage_alerts',
  'read_members',
  'manage_members',
  'read_audit_log',
  'transfer_ownership',
  'delete_account',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  owner: PERMISSIONS,
  admin: [
    'read_usage',
    'read_keys',
    'manage_own_keys',
    'manage_all_keys',
    'manage_alerts',
    'read_members',
    'manage_members',
    'read_audit_log',
  ],
  member: ['read_usage', 'read_keys', 'manage_own_keys', 'read_members'],
  viewer: ['read_usage', 'read_keys', 'read_members'],
};

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** The roles a member can be given or invited to: a team has one owner, moved by a transfer. */
export const ASSIGNABLE_ROLES = ['admin', 'member', 'viewer'] as const;
export const assignableRoleSchema = z.enum(ASSIGNABLE_ROLES);
export type AssignableRole = z.infer<typeof assignableRoleSchema>;

/**
 * Whether `actor` may change, remove or invite someone whose role is `target`: the owner anyone
 * but itself as owner; an admin anyone below the owner. A member's own leaving is not this.
 */
export function mayManageMember(actor: Role, target: Role): boolean {
  if (!can(actor, 'manage_members')) return false;
  return target !== 'owner';
}
