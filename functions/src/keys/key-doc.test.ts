import { Timestamp } from 'firebase-admin/firestore';
import { describe, expect, it } from 'vitest';
import { apiKeySchema } from '../shared/contracts.js';
import { budgetIdOf, keyStatus, readKeyDoc, toApiKey, usageThisPeriod, type KeyDoc } from './key-doc.js';

const NOW = new Date('2026-10-15T12:00:00Z');
const DAY = 86_400_000;

function doc(overrides: Partial<KeyDoc> = {}): KeyDoc {
  return {
    key_hash: 'a'.repeat(64),
    key_prefix: 'sk_live_abcd',
    key_hint: 'wxyz',
    account_id: 'acct-1',
    created_by: 'user-1',
    label: 'Production',
    scopes: ['read'],
    created_at: Timestamp.fromDate(new Date('2026-10-01T00:00:00Z')),
    is_active: true,
    monthly_usage: 42,
    usage_period: '2026-10',
    cap_monthly: null,
    cap_per_minute: null,
    integration: null,
    metadata: null,
    ...overrides,
  };
}

const at = (ms: number) => Timestamp.fromMillis(NOW.getTime() + ms);

describe('readKeyDoc', () => {
  it("reads a key written before accounts as its creator's personal account, with no caps", () => {
    // What a key document looked like then: a user, a tier and per-key limits.
    const {
      account_id: _account,
      created_by: _creator,
      cap_monthly: _m,
      cap_per_minute: _p,
      ...rest
    } = doc();
    const legacy = {
      ...rest,
      user_id: 'user-7',
      tier: 'free',
      rate_limit_monthly: 1_000,
      rate_limit_per_minute: 10,
    };
    expect(readKeyDoc(legacy)).toMatchObject({
      account_id: 'user-7',
      created_by: 'user-7',
      cap_monthly: null,
      cap_per_minute: null,
    });
  });

  it('keeps account_id and created_by of a migrated key, even beside a leftover user_id', () => {
    const read = readKeyDoc({ ...doc({ cap_monthly: 500 }), user_id: 'someone-else' });
    expect(read).toMatchObject({ account_id: 'acct-1', created_by: 'user-1', cap_monthly: 500 });
  });

  it('refuses a document with neither an account nor a user', () => {
    const { account_id: _account, created_by: _creator, ...orphan } = doc();
    expect(() => readKeyDoc(orphan)).toThrow();
  });
});

describe('budgetIdOf', () => {
  it("is the key's own id until it was rolled, then the lineage's first key", () => {
    expect(budgetIdOf('key-1', doc())).toBe('key-1');
    expect(budgetIdOf('key-2', doc({ budget_id: 'key-1' }))).toBe('key-1');
  });
});

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

  it('carries the account, the creator and the caps', () => {
    const key = toApiKey('key1', doc({ cap_per_minute: 5 }), NOW);
    expect(key).toMatchObject({
      account_id: 'acct-1',
      created_by: 'user-1',
      cap_monthly: null,
      cap_per_minute: 5,
    });
  });

  it('shows a counter left on an older period as zero usage this period', () => {
    expect(usageThisPeriod(doc({ usage_period: '2026-09', monthly_usage: 900 }), NOW)).toBe(0);
    const key = toApiKey('key1', doc({ usage_period: '2026-09', monthly_usage: 900 }), NOW);
    expect(key.monthly_usage).toBe(0);
    expect(key.usage_period).toBe('2026-10');
  });
});
