/**
 * POST /v1/emails/verify {emails}: the demo of a call that costs more than one unit. It reserves
 * one unit per address sent (the call's cost, worked out from the body before the key check) and
 * charges one per distinct address it checked: duplicates are free, and the rest goes back.
 * Its units also count on the `emails_verified` meter, which plans limit on their own.
 * Checks are offline and deterministic (syntax, a short list of disposable domains): demo data,
 * not a deliverability service.
 */
import { z } from 'zod';
import type { EmailVerdict, VerifyEmailsResponse } from '../shared/v1-contracts.js';

export const MAX_EMAILS_PER_CALL = 100;

export const verifyEmailsRequestSchema = z.strictObject({
  emails: z
    .array(z.string().max(254))
    .min(1)
    .max(MAX_EMAILS_PER_CALL)
    .meta({ example: ['ada@example.com', 'someone@mailinator.com'] }),
});
export type VerifyEmailsRequest = z.output<typeof verifyEmailsRequestSchema>;

const DISPOSABLE_DOMAINS = new Set([
  'mailinator.com',
  'guerrillamail.com',
  'yopmail.com',
  '10minutemail.com',
]);

// One @, no spaces, a dot in the domain: what a form checks, not RFC 5322.
const EMAIL_PATTERN = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/;

export function verdictOf(email: string): EmailVerdict {
  if (!EMAIL_PATTERN.test(email)) return 'invalid_syntax';
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  return DISPOSABLE_DOMAINS.has(domain) ? 'disposable' : 'valid';
}

/** The call's cost: one unit per address sent. */
export function emailsCost(body: VerifyEmailsRequest): number {
  return body.emails.length;
}

export function verifyEmails({ emails }: VerifyEmailsRequest): VerifyEmailsResponse {
  const distinct = [...new Set(emails.map((email) => email.trim().toLowerCase()))];
  const results = distinct.map((email) => ({ email, result: verdictOf(email) }));
  return { results, units: distinct.length };
}
