import { z } from 'zod';

/** Firebase's own floor is 6; a password that is the only way into an account deserves more. */
export const PASSWORD_MIN_LENGTH = 8;

const email = z.string().trim().pipe(z.email('Enter an email address, e.g. ada@example.com'));

export const emailOnlySchema = z.object({ email });

export const passwordSignInSchema = z.object({
  email,
  password: z.string().min(1, 'Enter your password'),
});

export const passwordSignUpSchema = z.object({
  email,
  password: z
    .string()
    .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters`)
    .max(4096, 'Use at most 4,096 characters'),
});

export type EmailFormField = 'email' | 'password';

/**
 * An in-app href (from the router's `useHref`, so inside its basename) as an absolute URL:
 * emailed links must name the whole address.
 */
export function absoluteUrl(href: string): string {
  return new URL(href, window.location.origin).toString();
}

/** The sign-in page, keeping where the visitor was going: emailed links come back here. */
export function signInPageUrl(signInHref: string, redirect: string | null): string {
  const url = new URL(signInHref, window.location.origin);
  if (redirect) url.searchParams.set('redirect', redirect);
  return url.toString();
}
