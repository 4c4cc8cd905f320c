/** Every in-app path, relative to the router's `/dashboard` basename. */
export const paths = {
  signIn: '/sign-in',
  overview: '/',
  keys: '/keys',
  usage: '/usage',
  billing: '/billing',
  alerts: '/alerts',
  settings: '/settings',
  team: '/team',
  auditLog: '/audit-log',
  docs: '/docs',
  admin: '/admin',
} as const;

/**
 * The pages every account has. The personal account's live at today's paths (`/keys`); a
 * team's at the same sub-paths under `/t/:slug` (`/t/acme/keys`), so the URL names the account.
 */
export const ACCOUNT_PAGE_PATHS = [
  paths.overview,
  paths.keys,
  paths.usage,
  paths.billing,
  paths.alerts,
  paths.settings,
  paths.team,
  paths.auditLog,
] as const;
export type AccountPagePath = (typeof ACCOUNT_PAGE_PATHS)[number];

export const TEAM_PATH_PREFIX = '/t';

/** `path` (an account page, optionally with a query) in the account named by `slug`; null: personal. */
export function accountPagePath(slug: string | null, path: string): string {
  if (slug === null) return path;
  const prefix = `${TEAM_PATH_PREFIX}/${encodeURIComponent(slug)}`;
  return path === paths.overview ? prefix : `${prefix}${path}`;
}

/** The account page a pathname shows, whichever account it is in (null: not an account page). */
export function accountPageOf(pathname: string): AccountPagePath | null {
  const sub = pathname.startsWith(`${TEAM_PATH_PREFIX}/`)
    ? `/${pathname.split('/').slice(3).join('/')}`
    : pathname;
  const trimmed = sub.length > 1 ? sub.replace(/\/+$/, '') : sub;
  return ACCOUNT_PAGE_PATHS.find((page) => page === trimmed) ?? null;
}

/** Where an invitation link lands: `${origin}/dashboard/invitations/${token}`. */
export function invitationPath(token: string): string {
  return `/invitations/${encodeURIComponent(token)}`;
}

export function signInPath(redirectTo?: string): string {
  if (!redirectTo || redirectTo === paths.overview) return paths.signIn;
  return `${paths.signIn}?redirect=${encodeURIComponent(redirectTo)}`;
}

/** Only in-app paths are followed after sign-in, so `?redirect=` cannot send anyone off-site. */
export function safeRedirect(value: string | null): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith(paths.signIn)) {
    return paths.overview;
  }
  return value;
}
