/**
 * Webhook signatures: `Keymeter-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret,
 * "<t>.<raw body>")>`, as Stripe signs its own. The timestamp is inside the signed text, so a
 * receiver that refuses old timestamps also refuses a replayed request. The receiving side's
 * check is the README's snippet (Alerts), which alerts-delivery.int.test.ts runs as written.
 */
import { createHmac, randomBytes } from 'node:crypto';

export const SIGNATURE_HEADER = 'Keymeter-Signature';
export const EVENT_ID_HEADER = 'Keymeter-Event-Id';

/** `whsec_` and 64 hex digits (256 bits); the log redacts anything shaped like it. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('hex')}`;
}

export function signatureOf(secret: string, timestamp: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex');
}

export function signatureHeader(secret: string, timestamp: number, rawBody: string): string {
  return `t=${timestamp},v1=${signatureOf(secret, timestamp, rawBody)}`;
}
