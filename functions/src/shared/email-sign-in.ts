/**
 * Which sessions must prove their email address before they may act, decided the same way by the
 * dashboard (the "verify your email" screen) and by the dashboard API (`email_not_verified`).
 *
 * Anyone can type someone else's address into a sign-up form. Until the owner of the address has
 * followed the verification link, such a session must not act: whatever it created would stay
 * behind in the personal account (keyed by the uid) that the owner takes over when they sign in
 * with Google, which Firebase lets through and links to the same uid. Provider sign-ins are not
 * judged by their address: the provider account is the credential (and Firebase leaves GitHub
 * addresses unverified), so a feature that trusts the address itself, such as accepting a team
 * invitation sent to it, checks `email_verified` on its own.
 */

/**
 * `firebase.sign_in_provider` of an email sign-in. An email-link sign-in carries `password` too
 * (so the Auth emulator's tokens show; the SDK names that method `emailLink`): both spellings
 * count, so that neither slips through.
 */
export const EMAIL_SIGN_IN_PROVIDERS: readonly string[] = ['password', 'emailLink'];

/** True when an email sign-in has no verified address: judged on the ID token's own claims. */
export function needsVerifiedEmail(claims: {
  signInProvider: string;
  emailVerified: boolean;
  email: string | null;
}): boolean {
  return EMAIL_SIGN_IN_PROVIDERS.includes(claims.signInProvider) && (!claims.emailVerified || !claims.email);
}
