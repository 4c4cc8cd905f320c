import type { LinkMethod, PendingLink, SignInMethod } from '@/lib/firebase';

export const LINK_METHOD_NAMES: Record<LinkMethod, string> = {
  google: 'Google',
  github: 'GitHub',
  password: 'this password',
};

const SIGN_IN_METHOD_NAMES: Record<SignInMethod, string> = {
  'google.com': 'Google',
  'github.com': 'GitHub',
  password: 'your password',
  emailLink: 'an email link',
};

/** "Google or your password"; every way in when Firebase keeps them to itself. */
export function existingMethodsText(link: PendingLink): string {
  const names = link.existingMethods.map((method) => SIGN_IN_METHOD_NAMES[method]);
  const candidates = names.length > 0 ? names : ['Google', 'GitHub', 'an email link', 'your password'];
  if (candidates.length === 1) return candidates[0] ?? '';
  return `${candidates.slice(0, -1).join(', ')} or ${candidates.at(-1) ?? ''}`;
}
