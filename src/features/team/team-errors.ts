import { ApiError, describeError } from '@/lib/api-error';

/**
 * Refusals whose own message says what to do (a slug taken, the seats full, an invitation used
 * or for another address): the API writes them for people, so they are shown as sent rather
 * than as the generic text of their code ("Someone changed this at the same time" for a slug).
 */
const SAID_BY_THE_API = new Set([
  'conflict',
  'seat_limit_reached',
  'invitation_expired',
  'invitation_used',
  'invitation_revoked',
  'invitation_email_mismatch',
  'email_not_verified',
  'forbidden',
]);

export function describeTeamError(error: unknown): string {
  if (error instanceof ApiError && SAID_BY_THE_API.has(error.code) && error.message.trim() !== '') {
    const text = error.message.trim();
    const sentence = text.charAt(0).toUpperCase() + text.slice(1);
    return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
  }
  return describeError(error);
}
