/**
 * POST /v1/emails/verify {emails}: the demo of a call that costs more than one unit. It reserves
 * one unit per address sent (the call's cost, worked out from the body before the key check) and
 * charges one per distinct address it checked: duplicates are free, and the rest goes back.
 * Its units also count on the `emails_verified` meter, which plans limit on their own.
 * Checks are offline and deterministic (syntax, a short list of disposable domains): demo data,
 * not a deliverability service.
 */
import type { Request } from 'express';
import { z } from 'zod';
import { parseBody } from '../http/parse.js';
import type { ApiHandler } from '../keys/with-api-key.js';

export const MAX_EMAILS_PER_CALL = 100;

export const verifyEmailsRequestSchema = z.strictObject({
  emails: z.array(z.string().max(254)).min(1).max(MAX_EMAILS_PER_CALL),
});

const DISPOSABLE_DOMAINS = new Set([
  'mailinator.com',
  'guerrillamail.com',
  'yopmail.com',
  '10minutemail.com',
]);

// One @, no spaces, a dot in the domain: what a form checks, not RFC 5322.
const EMAIL_PATTERN = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/;

export type EmailVerdict = 'valid' | 'invalid_syntax' | 'disposable';

export function verdictOf(email: string): EmailVerdict {
  if (!EMAIL_PATTERN.test(email)) return 'invalid_syntax';
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  return DISPOSABLE_DOMAINS.has(domain) ? 'disposable' : 'valid';
}

/** The call's cost: one unit per address sent. A malformed body is a 400 (and costs nothing). */
export async function emailsCost(req: Request): Promise<number> {
  return (await parseBody(req, verifyEmailsRequestSchema)).emails.length;
}

export const postVerifyEmails: ApiHandler = async (req) => {
  const { emails } = await parseBody(req, verifyEmailsRequestSchema);
  const distinct = [...new Set(emails.map((email) => email.trim().toLowerCase()))];
  const results = distinct.map((email) => ({ email, result: verdictOf(email) }));
  return { body: { results, units: distinct.length }, units: distinct.length };
};
