/**
 * A stand-in for `@/lib/firebase` in component tests: a signed-in user by default, sign-in and
 * sign-out that change the session the way Firebase would, and ID tokens the MSW handlers check.
 */
import type {
  EmulatorAccount,
  LinkMethod,
  PendingLink,
  SessionUser,
  SignInMethod,
  SignInProvider,
} from '@/lib/firebase';

export type { EmulatorAccount, LinkMethod, PendingLink, SessionUser, SignInMethod, SignInProvider };

export const TEST_USER: SessionUser = {
  uid: 'user-ada',
  email: 'ada@example.com',
  displayName: 'Ada Lovelace',
  photoUrl: null,
  providerId: 'google.com',
  isAdmin: false,
  needsEmailVerification: false,
};

let current: SessionUser | null = TEST_USER;
const listeners = new Set<(user: SessionUser | null) => void>();

export const authCalls = {
  signIn: [] as SignInProvider[],
  signOut: 0,
  forcedRefreshes: 0,
  emulatorSignIns: [] as { provider: SignInProvider; account: EmulatorAccount }[],
  emailLinksSent: [] as { email: string; continueUrl: string }[],
  emailLinkSignIns: [] as { email: string; href: string }[],
  passwordSignUps: [] as { email: string; password: string; continueUrl: string }[],
  passwordResets: [] as { email: string; continueUrl: string }[],
  verificationEmails: 0,
  verificationChecks: 0,
  links: [] as { email: string; method: LinkMethod; password?: string }[],
};

/** Replaces the session, notifying subscribers like Firebase's onIdTokenChanged does. */
export function setTestUser(user: SessionUser | null): void {
  current = user;
  for (const listener of listeners) listener(user);
}

export function resetTestAuth(user: SessionUser | null = TEST_USER): void {
  current = user;
  listeners.clear();
  authCalls.signIn = [];
  authCalls.signOut = 0;
  authCalls.forcedRefreshes = 0;
  authCalls.emulatorSignIns = [];
  authCalls.emailLinksSent = [];
  authCalls.emailLinkSignIns = [];
  authCalls.passwordSignUps = [];
  authCalls.passwordResets = [];
  authCalls.verificationEmails = 0;
  authCalls.verificationChecks = 0;
  authCalls.links = [];
  emailAuth.accounts.clear();
  emailAuth.rememberedEmail = null;
  emailAuth.verifiedOnNextCheck = false;
  nextSignInError = null;
  offlineEmulator = false;
  emulatorAccounts.google = [];
  emulatorAccounts.github = [];
}

let nextSignInError: { code: string; message: string } | null = null;

/** Makes the next sign-in fail with a Firebase Auth error code. */
export function failNextSignIn(code: string): void {
  nextSignInError = { code, message: `Firebase: Error (${code}).` };
}

export function tokenFor(user: SessionUser): string {
  return `test-token-${user.uid}`;
}

export function watchSession(callback: (user: SessionUser | null) => void): () => void {
  listeners.add(callback);
  queueMicrotask(() => callback(current));
  return () => listeners.delete(callback);
}

export async function getIdToken(forceRefresh = false): Promise<string | null> {
  if (forceRefresh) authCalls.forcedRefreshes += 1;
  return current ? tokenFor(current) : null;
}

export async function signInWith(provider: SignInProvider): Promise<'signed-in' | 'redirecting'> {
  authCalls.signIn.push(provider);
  if (offlineEmulator)
    throw { code: 'auth/internal-error', message: 'Firebase: Error (auth/internal-error).' };
  if (nextSignInError) {
    const error = nextSignInError;
    nextSignInError = null;
    throw error;
  }
  setTestUser({ ...TEST_USER, providerId: provider === 'github' ? 'github.com' : 'google.com' });
  return 'signed-in';
}

export async function completeRedirectSignIn(): Promise<void> {}

export async function signOutUser(): Promise<void> {
  authCalls.signOut += 1;
  setTestUser(null);
}

export function isFirebaseError(error: unknown): error is { code: string; message: string } {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string' &&
    error.code.startsWith('auth/')
  );
}

export const emulatorAccounts: { google: EmulatorAccount[]; github: EmulatorAccount[] } = {
  google: [],
  github: [],
};
let offlineEmulator = false;

/** Makes popup sign-in fail the way it does offline against the Auth emulator. */
export function simulateOfflineEmulator(): void {
  offlineEmulator = true;
}

export function usesAuthEmulator(): boolean {
  return true;
}

export function needsOfflineEmulatorSignIn(error: unknown): boolean {
  return (
    isFirebaseError(error) &&
    (error.code === 'auth/internal-error' || error.code === 'auth/network-request-failed')
  );
}

export async function listEmulatorAccounts(provider: SignInProvider): Promise<EmulatorAccount[]> {
  return emulatorAccounts[provider];
}

export function newEmulatorSub(): string {
  return '1234567890';
}

export async function signInWithEmulatorAccount(
  provider: SignInProvider,
  account: EmulatorAccount,
): Promise<void> {
  authCalls.emulatorSignIns.push({ provider, account });
  setTestUser({
    ...TEST_USER,
    email: account.email,
    displayName: account.displayName,
    providerId: provider === 'github' ? 'github.com' : 'google.com',
  });
}

// Email sign-in: a small model of Firebase's behaviour, enough for the forms and screens.

/** The email accounts Firebase would know, by address, and what this browser remembers. */
export const emailAuth = {
  accounts: new Map<string, { password: string | null; providers: string[] }>(),
  rememberedEmail: null as string | null,
  /** Whether the next verification check finds the address verified. */
  verifiedOnNextCheck: false,
};

function firebaseError(code: string): { code: string; message: string } {
  return { code, message: `Firebase: Error (${code}).` };
}

export async function currentSessionUser(): Promise<SessionUser | null> {
  return current;
}

export async function sendEmailSignInLink(email: string, continueUrl: string): Promise<void> {
  authCalls.emailLinksSent.push({ email, continueUrl });
  emailAuth.rememberedEmail = email;
}

export function isEmailSignInLink(href: string): boolean {
  const url = new URL(href);
  return url.searchParams.get('mode') === 'signIn' && url.searchParams.has('oobCode');
}

export function rememberedSignInEmail(): string | null {
  return emailAuth.rememberedEmail;
}

export async function completeEmailLinkSignIn(email: string, href: string): Promise<void> {
  authCalls.emailLinkSignIns.push({ email, href });
  if (new URL(href).searchParams.get('email') !== email) throw firebaseError('auth/invalid-email');
  emailAuth.rememberedEmail = null;
  setTestUser({ ...TEST_USER, email, providerId: 'password' });
}

export async function signUpWithPassword(
  email: string,
  password: string,
  continueUrl: string,
): Promise<void> {
  authCalls.passwordSignUps.push({ email, password, continueUrl });
  if (emailAuth.accounts.has(email)) throw firebaseError('auth/email-already-in-use');
  emailAuth.accounts.set(email, { password, providers: ['password'] });
  setTestUser({ ...TEST_USER, email, providerId: 'password', needsEmailVerification: true });
}

export async function signInWithPassword(email: string, password: string): Promise<void> {
  if (emailAuth.accounts.get(email)?.password !== password) throw firebaseError('auth/invalid-credential');
  setTestUser({ ...TEST_USER, email, providerId: 'password' });
}

export async function sendPasswordReset(email: string, continueUrl: string): Promise<void> {
  authCalls.passwordResets.push({ email, continueUrl });
}

export async function resendEmailVerification(): Promise<void> {
  authCalls.verificationEmails += 1;
}

export async function refreshEmailVerification(): Promise<boolean> {
  authCalls.verificationChecks += 1;
  if (!current) return false;
  if (emailAuth.verifiedOnNextCheck) setTestUser({ ...current, needsEmailVerification: false });
  return emailAuth.verifiedOnNextCheck;
}

const heldPasswords = new WeakMap<PendingLink, string>();

export async function pendingLinkFromError(): Promise<PendingLink | null> {
  return null;
}

export async function pendingPasswordLink(email: string, password: string): Promise<PendingLink> {
  const link: PendingLink = { email, method: 'password', existingMethods: [] };
  heldPasswords.set(link, password);
  return link;
}

export function sameEmail(a: string | null, b: string | null): boolean {
  return a !== null && b !== null && a.trim().toLowerCase() === b.trim().toLowerCase();
}

export async function linkPendingCredential(link: PendingLink): Promise<void> {
  if (!current || !sameEmail(current.email, link.email)) throw new Error('signed in with another address');
  const password = heldPasswords.get(link);
  authCalls.links.push({ email: link.email, method: link.method, ...(password ? { password } : {}) });
}
