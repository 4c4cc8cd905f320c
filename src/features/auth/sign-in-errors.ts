import { isFirebaseError } from '@/lib/firebase';

/** Codes that mean the visitor changed their mind; nothing went wrong. */
const CANCELLED = new Set([
  'auth/popup-closed-by-user',
  'auth/cancelled-popup-request',
  'auth/user-cancelled',
]);

const WRONG_PASSWORD =
  'Wrong email or password. If you signed up with Google or GitHub, continue with it instead, or email yourself a sign-in link.';

const MESSAGES: Record<string, string> = {
  'auth/account-exists-with-different-credential':
    'An account with this email already signs in with another provider. Use that provider instead.',
  'auth/network-request-failed': "Can't reach the sign-in service. Check your connection and try again.",
  'auth/too-many-requests': 'Too many attempts. Wait a minute and try again.',
  'auth/user-disabled': 'This account has been disabled.',
  'auth/operation-not-allowed': 'This sign-in method is turned off for Keymeter.',
  'auth/unauthorized-domain':
    'Sign-in is not allowed from this address. Open the dashboard from its usual URL.',
  'auth/unauthorized-continue-uri':
    'Sign-in is not allowed from this address. Open the dashboard from its usual URL.',
  'auth/internal-error': 'The sign-in service had a problem. Try again in a moment.',
  // Email enumeration protection answers every wrong address or password with invalid-credential;
  // without it Firebase tells them apart, and saying which would let anyone test addresses.
  'auth/invalid-credential': WRONG_PASSWORD,
  'auth/invalid-login-credentials': WRONG_PASSWORD,
  'auth/wrong-password': WRONG_PASSWORD,
  'auth/user-not-found': WRONG_PASSWORD,
  'auth/email-already-in-use': 'This email already has a Keymeter account. Sign in instead.',
  'auth/weak-password': 'Choose a stronger password: at least 8 characters, not a common one.',
  'auth/password-does-not-meet-requirements':
    'Choose a stronger password: it does not meet the password rules for Keymeter.',
  'auth/invalid-email': 'Enter an email address, e.g. ada@example.com',
  'auth/missing-email': 'Enter an email address, e.g. ada@example.com',
  'auth/invalid-action-code': 'This link has expired or has already been used. Ask for a new one.',
  'auth/expired-action-code': 'This link has expired or has already been used. Ask for a new one.',
  'auth/quota-exceeded': 'We have sent too many emails for now. Try again later.',
  'auth/requires-recent-login': 'Sign in again, then try once more.',
  'auth/credential-already-in-use': 'That sign-in is already connected to another Keymeter account.',
  'auth/provider-already-linked': 'This account already has that way of signing in.',
};

/** A readable reason a sign-in failed, or null when the visitor simply closed the window. */
export function describeSignInError(error: unknown): string | null {
  if (isFirebaseError(error)) {
    if (CANCELLED.has(error.code)) return null;
    return MESSAGES[error.code] ?? "Sign-in didn't work. Try again.";
  }
  return "Sign-in didn't work. Try again.";
}
