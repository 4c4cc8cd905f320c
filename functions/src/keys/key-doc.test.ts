import { Timestamp } from 'firebase-admin/firestore';
import { describe, expect, it } from 'vitest';
import { apiKeySchema } from '../shared/contracts.js';
import { keyStatus, toApiKey, usageThisPeriod, type KeyDoc } from './key-doc.js';

const NOW = new Date('2026-10-15T12:00:00Z');
const DAY = 86_400_000;

function doc(overrides: Partial<KeyDoc> = {}): KeyDoc {
  return {
    key_hash: 'a'.repeat(64),
    key_prefix: 'sk_live_abcd',
    key_hint: 'wxyz',
    user_id: 'user-1',
    label: 'Production',
    scopes: ['read'],
    tier: 'free',
    created_at: Timestamp.fromDate(new Date('2026-10-01T00:00:00Z')),
    is_active: true,
    monthly_usage: 42,
    usage_period: '2026-10',
    rate_limit_monthly: 1_000,
    rate_limit_per_minute: 10,
    ...overrides,
  };
}

const at = (ms: number) => Timestamp.fromMillis(NOW.getTime() + ms);

describe('keyStatus', () => {
  it('is active without an expiry, or with one further away than the warning window', () => {
    expect(keyStatus(doc(), NOW)).toBe('active');
    expect(keyStatus(doc({ expires_at: at(8 * DAY) }), NOW)).toBe('active');
  });

  it('is expiring within seven days and expired at the expiry instant', () => {
    expect(keyStatus(doc({ expires_at: at(7 * DAY) }), NOW)).toBe('expiring');
    expect(keyStatus(doc({ expires_at: at(1) }), NOW)).toBe('expiring');
    expect(keyStatus(doc({ expires_at: at(0) }), NOW)).toBe('expired');
    expect(keyStatus(doc({ expires_at: at(-DAY) }), NOW)).toBe('expired');
  });

  it('is revoked whatever the expiry says', () => {
    expect(keyStatus(doc({ is_active: false, revoked_at: at(-1) }), NOW)).toBe('revoked');
    expect(keyStatus(doc({ is_active: false, expires_at: at(-DAY) }), NOW)).toBe('revoked');
  });
});

describe('toApiKey', () => {
  it('satisfies the dashboard contract and never carries the hash', () => {
    const key = toApiKey('key1', doc({ last_used_at: at(-60_000) }), NOW);
    expect(apiKeySchema.parse(key)).toEqual(key);
    expect(JSON.stringify(key)).not.toContain('a'.repeat(64));
    expect(key.expires_at).toBeNull();
    expect(key.last_used_at).toBe(new Date(NOW.getTime() - 60_000).toISOString());
  });

  it('shows a counter left on an older period as zero usage this period', () => {
    expect(usageThisPeriod(doc({ usage_period: '2026-09', monthly_usage: 900 }), NOW)).toBe(0);
    const key = toApiKey('key1', doc({ usage_period: '2026-09', monthly_usage: 900 }), NOW);
    expect(key.monthly_usage).toBe(0);
    expect(key.usage_period).toBe('2026-10');
  });
});
