import { randomInt } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function randomBase62(length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += BASE62[randomInt(BASE62.length)];
  return out;
}

/** An id shaped like Stripe's: a type prefix and a random body, e.g. `cus_Qx3…`. */
export function newId(prefix: string, length = 24): string {
  return `${prefix}_${randomBase62(length)}`;
}

/** Checkout session ids are long and carry the mode, e.g. `cs_test_a1…`. */
export function newCheckoutSessionId(): string {
  return `cs_test_a1${randomBase62(56)}`;
}

export function newWebhookSecret(): string {
  return `whsec_${randomBase62(32)}`;
}

/** Stripe gives each customer a random 8-character invoice number prefix. */
export function newInvoicePrefix(): string {
  return randomBase62(8).toUpperCase();
}
