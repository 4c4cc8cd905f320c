import { describe, expect, it } from 'vitest';
import { newWebhookSecret, signatureHeader, signatureOf } from './signature.js';

const SECRET = 'whsec_0123456789abcdef';
const BODY = '{"id":"evt_1","type":"alert.test"}';
const TIMESTAMP = 1_767_225_600;
/** `printf '%s' '1767225600.{"id":"evt_1","type":"alert.test"}' | openssl dgst -sha256 -hmac 'whsec_0123456789abcdef'` */
const EXPECTED = 'df9f0947c98b4061bbe177887eb97990ada8945d58030ca82c0384a709c5acd2';

describe('webhook signatures', () => {
  it('is HMAC-SHA256 of "<t>.<body>" under the secret, as openssl computes it', () => {
    expect(signatureOf(SECRET, TIMESTAMP, BODY)).toBe(EXPECTED);
  });

  it('puts the timestamp and the signature in the header', () => {
    expect(signatureHeader(SECRET, TIMESTAMP, BODY)).toBe(`t=${TIMESTAMP},v1=${EXPECTED}`);
  });

  it('changes with the body, the timestamp and the secret', () => {
    expect(signatureOf(SECRET, TIMESTAMP, `${BODY} `)).not.toBe(EXPECTED);
    expect(signatureOf(SECRET, TIMESTAMP + 1, BODY)).not.toBe(EXPECTED);
    expect(signatureOf(`${SECRET}0`, TIMESTAMP, BODY)).not.toBe(EXPECTED);
  });

  it('makes a new 256-bit secret each time, in a shape the log redacts', () => {
    const secrets = new Set(Array.from({ length: 50 }, () => newWebhookSecret()));
    expect(secrets.size).toBe(50);
    for (const secret of secrets) expect(secret).toMatch(/^whsec_[0-9a-f]{64}$/);
  });
});
