/** Every in-app path, relative to the router's `/dashboard` basename. */
export const paths = {
  signIn: '/sign-in',
  overview: '/',
  keys: '/keys',
  usage: '/usage',
  billing: '/billing',
  alerts: '/alerts',
  settings: '/settings',
  admin: '/admin',
} as const;

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
