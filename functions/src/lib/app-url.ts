/**
 * APP_URL: the public origin of the dashboard host. Billing sends Stripe's Checkout and Portal
 * back to it, and invitation links point at it; it is a param rather than the request's Host
 * header, which a caller chooses, so no link Keymeter sends can be made to point elsewhere.
 */
import { defineString } from 'firebase-functions/params';
import { z } from 'zod';

export const appUrlParam = defineString('APP_URL', {
  description: 'Public URL of the dashboard host, e.g. https://keymeter.web.app (no trailing slash)',
});

export function httpUrl(value: string): URL | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

export const appUrlSchema = z
  .string()
  .min(1, { message: 'not set', abort: true })
  .refine((value) => {
    const url = httpUrl(value);
    return url !== undefined && url.pathname === '/' && url.search === '' && url.hash === '';
  }, 'not an http(s) origin such as https://keymeter.web.app')
  .transform((value) => value.replace(/\/+$/, ''));

/** The configured origin, or null when APP_URL is missing or malformed (check-deploy says so). */
export function appUrl(): string | null {
  const parsed = appUrlSchema.safeParse(appUrlParam.value());
  return parsed.success ? parsed.data : null;
}
