import type { NextFunction, Request, Response } from 'express';
import { auth } from '../lib/firebase.js';
import { needsVerifiedEmail } from '../shared/email-sign-in.js';
import { ApiError } from './api-error.js';

export interface AuthedUser {
  uid: string;
  email: string | null;
  name: string | null;
  picture: string | null;
  isAdmin: boolean;
  /**
   * The token's `email_verified`: always true for an email sign-in (requireUser refuses the
   * others), not necessarily for a provider's (GitHub's). Anything that trusts the address itself,
   * such as a team invitation sent to it, checks this.
   */
  emailVerified: boolean;
  /** When the user signed in (the token's `auth_time`); refreshed tokens keep it. */
  authTime: Date;
}

declare module 'express-serve-static-core' {
  interface Locals {
    user?: AuthedUser;
  }
}

function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

function stringClaim(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** `firebase.sign_in_provider`, which every token Firebase issues has; typed, not trusted. */
function signInProviderOf(firebaseClaim: unknown): string | null {
  if (typeof firebaseClaim !== 'object' || firebaseClaim === null) return null;
  if (!('sign_in_provider' in firebaseClaim)) return null;
  return stringClaim(firebaseClaim.sign_in_provider);
}

/**
 * Verifies the Firebase ID token; every dashboard route sits behind this. Revocation is checked
 * too (one Auth lookup per request): a deleted or disabled user, or one whose sessions were
 * revoked, is refused even with an ID token that has not expired yet. The Auth emulator always
 * checks this; production only when asked, so without it a token issued before `DELETE /me`
 * would go on working for up to an hour. An email sign-in whose address is not verified is
 * refused (`email_not_verified`), judged by the signed claims `firebase.sign_in_provider` and
 * `email_verified` alone, as production issues them.
 */
export async function requireUser(req: Request, res: Response, next: NextFunction): Promise<void> {
  const token = bearerToken(req);
  if (token === undefined) {
    throw new ApiError(
      'unauthenticated',
      'Sign in: send your Firebase ID token as Authorization: Bearer <token>.',
    );
  }
  let decoded;
  try {
    decoded = await auth().verifyIdToken(token, true);
  } catch {
    throw new ApiError('unauthenticated', 'The ID token is invalid or expired. Sign in again.');
  }
  const signInProvider = signInProviderOf(decoded.firebase);
  if (signInProvider === null) {
    throw new ApiError('unauthenticated', 'The ID token is invalid or expired. Sign in again.');
  }
  const emailVerified = decoded.email_verified === true;
  const email = stringClaim(decoded.email);
  if (needsVerifiedEmail({ signInProvider, emailVerified, email })) {
    throw new ApiError(
      'email_not_verified',
      'Verify your email address first: open the link we emailed you, then try again.',
    );
  }
  res.locals.user = {
    uid: decoded.uid,
    email,
    emailVerified,
    name: stringClaim(decoded.name),
    picture: stringClaim(decoded.picture),
    isAdmin: decoded.admin === true,
    authTime: new Date(decoded.auth_time * 1000),
  };
  next();
}

/** Operator routes: the `admin` custom claim, checked after the token itself. */
export function assertAdmin(res: Response): void {
  if (res.locals.user?.isAdmin !== true) {
    throw new ApiError('forbidden', 'This route is for operators (admin claim) only.');
  }
}

export function userOf(res: Response): AuthedUser {
  const user = res.locals.user;
  if (user === undefined) throw new Error('route mounted without requireUser');
  return user;
}
