/**
 * Everything the dashboard asks of Firebase Auth, behind a small surface: the rest of the app
 * (and its tests) depend on these functions, never on the SDK directly.
 */
import { initializeApp, type FirebaseApp } from 'firebase/app';
import {
  GithubAuthProvider,
  GoogleAuthProvider,
  OAuthProvider,
  browserLocalPersistence,
  browserPopupRedirectResolver,
  connectAuthEmulator,
  getRedirectResult,
  indexedDBLocalPersistence,
  initializeAuth,
  onIdTokenChanged,
  signInWithCredential,
  signInWithPopup,
  signInWithRedirect,
  signOut,
  type Auth,
  type User,
} from 'firebase/auth';
import { z } from 'zod';
import { getEnv } from '@/config/env';

export type SignInProvider = 'google' | 'github';

export interface SessionUser {
  uid: string;
  email: string | null;
  displayName: string | null;
  photoUrl: string | null;
  /** `google.com`, `github.com`, … — the provider of the first linked account. */
  providerId: string | null;
  /** From the ID token's `admin` custom claim. */
  isAdmin: boolean;
}

let app: FirebaseApp | undefined;
let auth: Auth | undefined;

function getAuthInstance(): Auth {
  if (auth) return auth;
  const env = getEnv();
  app = initializeApp(env.firebase);
  auth = initializeAuth(app, {
    persistence: [indexedDBLocalPersistence, browserLocalPersistence],
    popupRedirectResolver: browserPopupRedirectResolver,
  });
  if (env.authEmulatorUrl) {
    connectAuthEmulator(auth, env.authEmulatorUrl, { disableWarnings: true });
  }
  return auth;
}

async function toSessionUser(user: User): Promise<SessionUser> {
  const token = await user.getIdTokenResult();
  return {
    uid: user.uid,
    email: user.email,
    displayName: user.displayName,
    photoUrl: user.photoURL,
    providerId: user.providerData[0]?.providerId ?? null,
    isAdmin: token.claims['admin'] === true,
  };
}

/** Calls back with the signed-in user (claims included) or null, now and on every change. */
export function watchSession(callback: (user: SessionUser | null) => void): () => void {
  return onIdTokenChanged(getAuthInstance(), (user) => {
    if (!user) {
      callback(null);
      return;
    }
    toSessionUser(user).then(callback, () => callback(null));
  });
}

/** The current user's ID token, or null when signed out. `forceRefresh` skips the SDK's cache. */
export async function getIdToken(forceRefresh = false): Promise<string | null> {
  const user = getAuthInstance().currentUser;
  return user ? user.getIdToken(forceRefresh) : null;
}

function providerFor(name: SignInProvider): GoogleAuthProvider | GithubAuthProvider {
  if (name === 'github') {
    const github = new GithubAuthProvider();
    github.addScope('read:user');
    github.addScope('user:email');
    return github;
  }
  const google = new GoogleAuthProvider();
  google.setCustomParameters({ prompt: 'select_account' });
  return google;
}

/** Error codes after which a full-page redirect can still succeed where a popup could not. */
const POPUP_UNAVAILABLE = new Set([
  'auth/popup-blocked',
  'auth/operation-not-supported-in-this-environment',
  'auth/web-storage-unsupported',
]);

/**
 * Signs in with a popup and falls back to a full-page redirect where popups are blocked.
 * Resolves to `redirecting` when the page is about to navigate away.
 */
export async function signInWith(name: SignInProvider): Promise<'signed-in' | 'redirecting'> {
  const instance = getAuthInstance();
  const provider = providerFor(name);
  try {
    await signInWithPopup(instance, provider);
    return 'signed-in';
  } catch (error) {
    if (isFirebaseError(error) && POPUP_UNAVAILABLE.has(error.code)) {
      sessionStorage.setItem(REDIRECT_MARKER, name);
      await signInWithRedirect(instance, provider);
      return 'redirecting';
    }
    throw error;
  }
}

const REDIRECT_MARKER = 'keymeter:sign-in-redirect';

/**
 * Settles a redirect sign-in that brought the visitor back to the page (errors surface here).
 * Only after a redirect we started: otherwise there is nothing to settle, and asking would load
 * the SDK's helper iframe for nothing.
 */
export async function completeRedirectSignIn(): Promise<void> {
  if (sessionStorage.getItem(REDIRECT_MARKER) === null) return;
  sessionStorage.removeItem(REDIRECT_MARKER);
  await getRedirectResult(getAuthInstance());
}

// ---------------------------------------------------------------------------------------------
// Offline sign-in against the Auth emulator
//
// The SDK's popup and redirect flows, and the emulator's own helper page, load
// https://apis.google.com/js/api.js to pass the result back. Without internet access that
// script never loads and sign-in fails with auth/internal-error. Against the emulator only, the
// dashboard then offers the emulator's accounts itself and signs in with the kind of unsigned
// test credential the emulator's account chooser produces.

const PROVIDER_IDS: Record<SignInProvider, string> = { google: 'google.com', github: 'github.com' };

export interface EmulatorAccount {
  /** The provider's user id (`sub`) the emulator stored for this account. */
  sub: string;
  email: string | null;
  displayName: string | null;
  photoUrl: string | null;
}

export function usesAuthEmulator(): boolean {
  return getEnv().authEmulatorUrl !== null;
}

/** True when a popup sign-in failed only because the emulator's chooser could not reach Google. */
export function needsOfflineEmulatorSignIn(error: unknown): boolean {
  return (
    usesAuthEmulator() &&
    isFirebaseError(error) &&
    (error.code === 'auth/internal-error' || error.code === 'auth/network-request-failed')
  );
}

const accountsQuerySchema = z.object({
  userInfo: z
    .array(
      z.object({
        providerUserInfo: z
          .array(
            z.object({
              providerId: z.string(),
              rawId: z.string(),
              email: z.string().optional(),
              displayName: z.string().optional(),
              photoUrl: z.string().optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
});

/** The emulator's accounts for a provider, the same list its account chooser shows. */
export async function listEmulatorAccounts(provider: SignInProvider): Promise<EmulatorAccount[]> {
  const env = getEnv();
  if (!env.authEmulatorUrl) return [];
  const response = await fetch(
    `${env.authEmulatorUrl}/identitytoolkit.googleapis.com/v1/projects/${env.firebase.projectId}/accounts:query`,
    {
      method: 'POST',
      // The emulator's documented admin token; it means nothing outside the emulator.
      headers: { Authorization: 'Bearer owner', 'Content-Type': 'application/json' },
      body: JSON.stringify({ returnUserInfo: true }),
    },
  );
  if (!response.ok) throw new Error(`Auth emulator answered ${response.status}`);
  const { userInfo = [] } = accountsQuerySchema.parse(await response.json());
  return userInfo.flatMap(({ providerUserInfo = [] }) =>
    providerUserInfo
      .filter((info) => info.providerId === PROVIDER_IDS[provider])
      .map((info) => ({
        sub: info.rawId,
        email: info.email ?? null,
        displayName: info.displayName ?? null,
        photoUrl: info.photoUrl ?? null,
      })),
  );
}

/** A provider user id for a new test account, in the emulator chooser's format. */
export function newEmulatorSub(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(40)), (byte) => String(byte % 10)).join('');
}

/** Signs in to the Auth emulator as a test account of the provider (emulator only). */
export async function signInWithEmulatorAccount(
  provider: SignInProvider,
  account: EmulatorAccount,
): Promise<void> {
  if (!usesAuthEmulator()) throw new Error('test accounts exist only in the Auth emulator');
  const claims = JSON.stringify({
    sub: account.sub,
    email: account.email ?? undefined,
    email_verified: true,
    name: account.displayName ?? undefined,
    picture: account.photoUrl ?? undefined,
  });
  const credential =
    provider === 'google'
      ? GoogleAuthProvider.credential(claims)
      : new OAuthProvider(PROVIDER_IDS.github).credential({ idToken: claims });
  await signInWithCredential(getAuthInstance(), credential);
}

export async function signOutUser(): Promise<void> {
  await signOut(getAuthInstance());
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
