/**
 * Everything the dashboard asks of Firebase Auth, behind a small surface: the rest of the app
 * (and its tests) depend on these functions, never on the SDK directly.
 */
import { FirebaseError, initializeApp, type FirebaseApp } from 'firebase/app';
import {
  EmailAuthProvider,
  GithubAuthProvider,
  GoogleAuthProvider,
  OAuthProvider,
  browserLocalPersistence,
  browserPopupRedirectResolver,
  connectAuthEmulator,
  createUserWithEmailAndPassword,
  fetchSignInMethodsForEmail,
  getRedirectResult,
  indexedDBLocalPersistence,
  initializeAuth,
  isSignInWithEmailLink,
  linkWithCredential,
  onIdTokenChanged,
  reload,
  sendEmailVerification,
  sendPasswordResetEmail,
  sendSignInLinkToEmail,
  signInWithCredential,
  signInWithEmailAndPassword,
  signInWithEmailLink,
  signInWithPopup,
  signInWithRedirect,
  signOut,
  updatePassword,
  type Auth,
  type OAuthCredential,
  type User,
} from 'firebase/auth';
import { z } from 'zod';
import { needsVerifiedEmail } from '@shared/email-sign-in';
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
  /**
   * An email sign-in (password or email link) whose address is not verified yet. The dashboard
   * API refuses such a session (`email_not_verified`), so the dashboard asks for the
   * verification first. Judged on the ID token's claims, as the API judges them.
   */
  needsEmailVerification: boolean;
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
    needsEmailVerification: needsVerifiedEmail({
      signInProvider: token.signInProvider ?? '',
      emailVerified: token.claims['email_verified'] === true,
      email: typeof token.claims['email'] === 'string' ? token.claims['email'] : null,
    }),
  };
}

/** The signed-in user as it is now (after a link or a reload), or null when signed out. */
export async function currentSessionUser(): Promise<SessionUser | null> {
  const user = getAuthInstance().currentUser;
  return user ? toSessionUser(user) : null;
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

// ---------------------------------------------------------------------------------------------
// Email: a sign-in link, or a password

/** The address a sign-in link was sent to from this browser, for when the link comes back. */
const EMAIL_FOR_SIGN_IN = 'keymeter:email-for-sign-in';

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    // Storage can be switched off; the link then asks for the address, as on another device.
    return null;
  }
}

/** Emails a sign-in link that opens `continueUrl`, and remembers the address in this browser. */
export async function sendEmailSignInLink(email: string, continueUrl: string): Promise<void> {
  await sendSignInLinkToEmail(getAuthInstance(), email, { url: continueUrl, handleCodeInApp: true });
  storage()?.setItem(EMAIL_FOR_SIGN_IN, email);
}

export function isEmailSignInLink(href: string): boolean {
  return isSignInWithEmailLink(getAuthInstance(), href);
}

/** The address this browser asked a link for; null on another device (or another browser). */
export function rememberedSignInEmail(): string | null {
  return storage()?.getItem(EMAIL_FOR_SIGN_IN) ?? null;
}

export async function completeEmailLinkSignIn(email: string, href: string): Promise<void> {
  await signInWithEmailLink(getAuthInstance(), email, href);
  storage()?.removeItem(EMAIL_FOR_SIGN_IN);
}

/**
 * Creates a password account and emails the verification link (which opens `continueUrl`). The
 * account exists once the first step succeeds; if the email then fails to go, the "verify your
 * email" screen that follows sends it again.
 */
export async function signUpWithPassword(
  email: string,
  password: string,
  continueUrl: string,
): Promise<void> {
  const { user } = await createUserWithEmailAndPassword(getAuthInstance(), email, password);
  await sendEmailVerification(user, { url: continueUrl }).catch(() => undefined);
}

export async function signInWithPassword(email: string, password: string): Promise<void> {
  await signInWithEmailAndPassword(getAuthInstance(), email, password);
}

/**
 * Emails a password reset link. An unknown address is not an error the visitor sees: with email
 * enumeration protection (on by default) Firebase does not say, and without it neither do we.
 */
export async function sendPasswordReset(email: string, continueUrl: string): Promise<void> {
  try {
    await sendPasswordResetEmail(getAuthInstance(), email, { url: continueUrl });
  } catch (error) {
    if (isFirebaseError(error) && error.code === 'auth/user-not-found') return;
    throw error;
  }
}

export async function resendEmailVerification(continueUrl: string): Promise<void> {
  const user = getAuthInstance().currentUser;
  if (!user) throw new Error('no one is signed in');
  await sendEmailVerification(user, { url: continueUrl });
}

/**
 * Reloads the user and takes a new ID token: the token's `email_verified` is what the API reads,
 * and it changes only with a new token. Resolves to whether the address is verified now.
 */
export async function refreshEmailVerification(): Promise<boolean> {
  const user = getAuthInstance().currentUser;
  if (!user) return false;
  await reload(user);
  await user.getIdToken(true);
  return user.emailVerified;
}

// ---------------------------------------------------------------------------------------------
// One person, one account
//
// Firebase keeps one account per email address. Signing in a second way with an address that
// already has an account either joins it by itself (Google, whose addresses are verified; an
// email link) or is refused: `auth/account-exists-with-different-credential` for a provider
// whose address Firebase does not trust (GitHub), `auth/email-already-in-use` for a password
// sign-up. The refused credential is kept here until the person signs in to the existing
// account, then linked to it, so that every way in reaches the same uid.

export type LinkMethod = 'google' | 'github' | 'password';

/** The ways an account can be signed in to, as Firebase names them. */
export type SignInMethod = 'google.com' | 'github.com' | 'password' | 'emailLink';

export interface PendingLink {
  email: string;
  /** What will be connected once the person is signed in. */
  method: LinkMethod;
  /**
   * How the address's account signs in, when Firebase says. With email enumeration protection
   * (on by default for new projects) it never does, and this is empty.
   */
  existingMethods: SignInMethod[];
}

type HeldCredential = { kind: 'oauth'; credential: OAuthCredential } | { kind: 'password'; password: string };

/** The credentials themselves stay in this module, out of React state and out of storage. */
const heldCredentials = new WeakMap<PendingLink, HeldCredential>();

const SIGN_IN_METHODS = new Set<string>(['google.com', 'github.com', 'password', 'emailLink']);
const LINK_METHODS: Record<string, LinkMethod> = { 'google.com': 'google', 'github.com': 'github' };

async function existingMethodsFor(email: string): Promise<SignInMethod[]> {
  try {
    const methods = await fetchSignInMethodsForEmail(getAuthInstance(), email);
    return methods.filter((method): method is SignInMethod => SIGN_IN_METHODS.has(method));
  } catch {
    return [];
  }
}

const collisionDataSchema = z.object({ email: z.string().min(1) });

/**
 * For a provider sign-in refused because the address already has an account: the credential to
 * link once the person has signed in there. Null for any other failure.
 */
export async function pendingLinkFromError(error: unknown): Promise<PendingLink | null> {
  if (!(error instanceof FirebaseError) || error.code !== 'auth/account-exists-with-different-credential') {
    return null;
  }
  const data = collisionDataSchema.safeParse(error.customData);
  // The generic provider keeps both tokens the sign-in returned (GitHub's own keeps only the
  // access token, which the Auth emulator cannot sign in with).
  const credential = OAuthProvider.credentialFromError(error);
  const method = credential ? LINK_METHODS[credential.providerId] : undefined;
  if (!data.success || !credential || !method) return null;
  const link: PendingLink = {
    email: data.data.email,
    method,
    existingMethods: await existingMethodsFor(data.data.email),
  };
  heldCredentials.set(link, { kind: 'oauth', credential });
  return link;
}

/** For a password sign-up refused with `auth/email-already-in-use`: the password to add later. */
export async function pendingPasswordLink(email: string, password: string): Promise<PendingLink> {
  const link: PendingLink = { email, method: 'password', existingMethods: await existingMethodsFor(email) };
  heldCredentials.set(link, { kind: 'password', password });
  return link;
}

export function sameEmail(a: string | null, b: string | null): boolean {
  return a !== null && b !== null && a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** Links a pending credential to the signed-in user, whose address must be the link's. */
export async function linkPendingCredential(link: PendingLink): Promise<void> {
  const user = getAuthInstance().currentUser;
  const held = heldCredentials.get(link);
  if (!user || !held) throw new Error('nothing to link');
  if (!sameEmail(user.email, link.email)) throw new Error('signed in with another address');
  if (held.kind === 'oauth') {
    await linkWithCredential(user, held.credential);
    return;
  }
  try {
    await linkWithCredential(user, EmailAuthProvider.credential(link.email, held.password));
  } catch (error) {
    // The Auth emulator refuses to link a password under the address the account already has
    // (email-already-in-use), which Firebase itself allows. Setting the signed-in account's
    // password has the same result: the account gains the password sign-in.
    if (!isFirebaseError(error) || error.code !== 'auth/email-already-in-use') throw error;
    await updatePassword(user, held.password);
  }
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
