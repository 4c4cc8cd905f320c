import { isFirebaseError } from '@/lib/firebase';

/** Codes that mean the visitor changed their mind; nothing went wrong. */
const CANCELLED = new Set([
  'auth/popup-closed-by-user',
  'auth/cancelled-popup-request',
  'auth/user-cancelled',
]);

const MESSAGES: Record<string, string> = {
  'auth/account-exists-with-different-credential':
    'An account with this email already signs in with another provider. Use that provider instead.',
  'auth/network-request-failed': "Can't reach the sign-in service. Check your connection and try again.",
  'auth/too-many-requests': 'Too many sign-in attempts. Wait a minute and try again.',
  'auth/user-disabled': 'This account has been disabled.',
  'auth/operation-not-allowed': 'This sign-in method is turned off for Keymeter.',
  'auth/unauthorized-domain':
    'Sign-in is not allowed from this address. Open the dashboard from its usual URL.',
  'auth/internal-error': 'The sign-in service had a problem. Try again in a moment.',
};

/** A readable reason a sign-in failed, or null when the visitor simply closed the window. */
export function describeSignInError(error: unknown): string | null {
  if (isFirebaseError(error)) {
    if (CANCELLED.has(error.code)) return null;
    return MESSAGES[error.code] ?? "Sign-in didn't work. Try again.";
  }
  return "Sign-in didn't work. Try again.";
}
