import { beforeEach, describe, expect, it, vi } from 'vitest';

const written: unknown[] = [];
vi.mock('firebase-functions/logger', () => ({ write: (entry: unknown) => written.push(entry) }));

const { log, redactSecrets } = await import('./log.js');

const KEY = 'sk_live_4f9QabcdefghijklmnopqrstuvwxyzAB0a1b2c';

beforeEach(() => {
  written.length = 0;
});

describe('redactSecrets', () => {
  it('removes API keys and bearer tokens wherever they appear', () => {
    expect(redactSecrets(`bad key ${KEY}, retry`)).toBe('bad key sk_live_[redacted], retry');
    expect(redactSecrets('Authorization: Bearer eyJhbGciOi.payload.sig')).toBe(
      'Authorization: Bearer [redacted]',
    );
    expect(redactSecrets('stripe sk_test_51AbCdEfGh and whsec_abc123XYZ')).toBe(
      'stripe sk_test_[redacted] and whsec_[redacted]',
    );
    expect(redactSecrets('prefix sk_live_4f9Q only')).toBe('prefix sk_live_4f9Q only');
  });
});

describe('log events', () => {
  it('write structured entries with a fixed event name', () => {
    log.keyCreated({
      account_id: 'a1',
      user_id: 'u1',
      key_id: 'k1',
      key_prefix: 'sk_live_4f9Q',
      scopes: ['read'],
    });
    expect(written).toEqual([
      {
        severity: 'INFO',
        message: 'key_created',
        event: 'key_created',
        account_id: 'a1',
        user_id: 'u1',
        key_id: 'k1',
        key_prefix: 'sk_live_4f9Q',
        scopes: ['read'],
      },
    ]);
  });

  it('never let a key through, even inside an unexpected error', () => {
    log.requestFailed({ request_id: 'req_1', method: 'GET', route: '/v1/time' }, new Error(`boom ${KEY}`));
    const text = JSON.stringify(written);
    expect(text).toContain('request_failed');
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(KEY.slice(8));
  });
});
