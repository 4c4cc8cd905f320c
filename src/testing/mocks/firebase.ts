/**
 * A stand-in for `@/lib/firebase` in component tests: a signed-in user by default, sign-in and
 * sign-out that change the session the way Firebase would, and ID tokens the MSW handlers check.
 */
import type { EmulatorAccount, SessionUser, SignInProvider } from '@/lib/firebase';

export type { EmulatorAccount, SessionUser, SignInProvider };

export const TEST_USER: SessionUser = {
  uid: 'user-ada',
  email: 'ada@example.com',
  displayName: 'Ada Lovelace',
  photoUrl: null,
  providerId: 'google.com',
  isAdmin: false,
};

let current: SessionUser | null = TEST_USER;
const listeners = new Set<(user: SessionUser | null) => void>();

export const authCalls = {
  signIn: [] as SignInProvider[],
  signOut: 0,
  forcedRefreshes: 0,
  emulatorSignIns: [] as { provider: SignInProvider; account: EmulatorAccount }[],
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
