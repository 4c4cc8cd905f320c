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

/** What a request may do in an account. `manage_own_keys` covers keys the member created. */
export const PERMISSIONS = [
  'read_usage',
  'read_keys',
  'manage_own_keys',
  'manage_all_keys',
  'manage_billing',
  'manage_alerts',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  owner: ['read_usage', 'read_keys', 'manage_own_keys', 'manage_all_keys', 'manage_billing', 'manage_alerts'],
  admin: ['read_usage', 'read_keys', 'manage_own_keys', 'manage_all_keys', 'manage_alerts'],
  member: ['read_usage', 'read_keys', 'manage_own_keys'],
  viewer: ['read_usage', 'read_keys'],
};

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}
