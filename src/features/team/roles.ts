import type { Role } from '@shared/roles';

export const ROLE_NAMES: Readonly<Record<Role, string>> = {
  owner: 'Owner',
  admin: 'Admin',
  member: 'Member',
  viewer: 'Viewer',
};

/** What each role may do, in a line, beside the role picker. */
export const ROLE_DESCRIPTIONS: Readonly<Record<Role, string>> = {
  owner: 'Everything, including billing, members and deleting the team',
  admin: 'All keys, members below the owner, alerts and the audit log',
  member: 'Creates keys and manages the keys it created; reads usage',
  viewer: 'Reads keys and usage only',
};
