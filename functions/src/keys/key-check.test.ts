import { Timestamp } from 'firebase-admin/firestore';
import { describe, expect, it } from 'vitest';
import { KeyCache } from './key-cache.js';
import { KeyChecker, limitHeaders } from './key-check.js';
import type { KeyDoc } from './key-doc.js';
import { generateApiKey, hashApiKey } from './key-format.js';
import { RateLimiter } from '../lib/rate-limiter.js';

const NOW = Date.parse('2026-10-15T12:00:00Z');
const TTL_MS = 1_000;
/**
 * For tests that span minutes: the harness has no usage recorder to hand a reloaded key the
 * calls this instance admitted, so the key must stay cached for the quota to count them.
 */
const MINUTES = { ttlMs: 3_600_000 };

function harness(overrides: Partial<KeyDoc> = {}, { ttlMs = TTL_MS } = {}) {
  const secret = generateApiKey();
  let clock = NOW;
  let reads = 0;
  const doc: KeyDoc = {
    key_hash: hashApiKey(secret),
    key_prefix: secret.slice(0, 12),
    key_hint: secret.slice(-4),
    user_id: 'u1',
    label: 'test',
    scopes: ['read'],
    tier: 'free',
    created_at: Timestamp.fromMillis(NOW - 86_400_000),
    is_active: true,
    monthly_usage: 0,
    usage_period: '2026-10',
    rate_limit_monthly: 1_000,
    rate_limit_per_minute: 10,
    ...overrides,
  };
  // Firestore's copy: each read returns a snapshot of it, so a later write reaches the checker
  // only through a new read, as it does in production.
  let stored: KeyDoc = doc;
  const cache = new KeyCache({
    ttlMs,
    load: async (hash) => {
      reads += 1;
      return hash === stored.key_hash ? { id: 'key-1', doc: { ...stored } } : null;
    },
    pendingBillable: () => 0,
    now: () => clock,
  });
  const checker = new KeyChecker({ cache, limiter: new RateLimiter(), now: () => clock });
  return {
    secret,
    checker,
    cache,
    reads: () => reads,
    /** Writes to the stored document only, as another instance's revocation would. */
    write: (changes: Partial<KeyDoc>) => (stored = { ...stored, ...changes }),
    advance: (ms: number) => (clock += ms),
    check: (presented: string | undefined, scopes: ('read' | 'write')[] = ['read']) =>
      checker.check(presented, scopes, 'GET /v1/time'),
    call: () => checker.check(secret, ['read'], 'GET /v1/time'),
  };
}

function codeOf(result: Awaited<ReturnType<KeyChecker['check']>>): string {
  return result.admitted ? 'admitted' : result.error.code;
}

describe('KeyChecker: happy path', () => {
  it('admits a valid key and reads it once while cached', async () => {
    const h = harness();
    const first = await h.call();
    expect(codeOf(first)).toBe('admitted');
    for (let i = 0; i < 5; i += 1) await h.call();
    expect(h.reads()).toBe(1);
    const last = await h.call();
    expect(last.admitted && last.limits.ratelimit).toMatchObject({ limit: 10, remaining: 3 });
    expect(last.admitted && last.limits.quota).toMatchObject({ limit: 1_000, remaining: 993 });
  });

  it('reports reset times as headers in Unix seconds', async () => {
    const h = harness();
    const result = await h.call();
    if (!result.admitted) throw new Error('expected admission');
    expect(limitHeaders(result.limits)).toEqual({
      'X-RateLimit-Limit': '10',
      'X-RateLimit-Remaining': '9',
      'X-RateLimit-Reset': String((NOW + 60_000) / 1000),
      'X-Quota-Limit': '1000',
      'X-Quota-Remaining': '999',
      'X-Quota-Reset': String(Date.parse('2026-11-01T00:00:00Z') / 1000),
    });
  });
});

describe('KeyChecker: refusals, in order', () => {
  it('refuses missing and malformed keys without any read', async () => {
    const h = harness();
    expect(codeOf(await h.check(undefined))).toBe('missing_api_key');
    expect(codeOf(await h.check(''))).toBe('missing_api_key');
    expect(codeOf(await h.check('sk_live_short'))).toBe('malformed_api_key');
    const typo = h.secret.slice(0, 20) + (h.secret[20] === 'x' ? 'y' : 'x') + h.secret.slice(21);
    expect(codeOf(await h.check(typo))).toBe('malformed_api_key');
    expect(h.reads()).toBe(0);
  });

  it('refuses a well-formed key that does not exist', async () => {
    const h = harness();
    expect(codeOf(await h.check(generateApiKey()))).toBe('unknown_api_key');
  });

  it('refuses revoked and expired keys with their own codes, revoked first', async () => {
    expect(
      codeOf(await harness({ is_active: false, revoked_at: Timestamp.fromMillis(NOW - 1) }).call()),
    ).toBe('revoked_api_key');
    expect(codeOf(await harness({ expires_at: Timestamp.fromMillis(NOW) }).call())).toBe('expired_api_key');
    const both = harness({ is_active: false, expires_at: Timestamp.fromMillis(NOW - 1) });
    expect(codeOf(await both.call())).toBe('revoked_api_key');
  });

  it('refuses a missing scope with 403 and the limits, without consuming them', async () => {
    // One call left in the minute and in the month: a refusal that consumed either would leave
    // the next good call refused.
    const h = harness({ rate_limit_per_minute: 1, monthly_usage: 999 });
    for (let i = 0; i < 3; i += 1) {
      const refused = await h.check(h.secret, ['write']);
      expect(codeOf(refused)).toBe('insufficient_scope');
      expect(!refused.admitted && refused.error.status).toBe(403);
      expect(!refused.admitted && refused.limits?.ratelimit.remaining).toBe(1);
      expect(!refused.admitted && refused.limits?.quota.remaining).toBe(1);
    }
    const admitted = await h.call();
    expect(codeOf(admitted)).toBe('admitted');
    expect(admitted.admitted && admitted.limits.ratelimit.remaining).toBe(0);
    expect(admitted.admitted && admitted.limits.quota.remaining).toBe(0);
    expect(admitted.admitted && admitted.key.local.billable).toBe(1);
  });

  it('refuses the 11th call in a minute with Retry-After, and admits again after the window', async () => {
    const h = harness();
    for (let i = 0; i < 10; i += 1) expect(codeOf(await h.call())).toBe('admitted');
    h.advance(15_000);
    const limited = await h.call();
    expect(codeOf(limited)).toBe('rate_limited');
    expect(!limited.admitted && limited.error.headers['Retry-After']).toBe('45');
    expect(!limited.admitted && limited.limits?.ratelimit.remaining).toBe(0);
    h.advance(45_000);
    expect(codeOf(await h.call())).toBe('admitted');
  });

  it('refuses once the monthly quota is used, counting calls this instance admitted', async () => {
    const h = harness({ monthly_usage: 998, rate_limit_per_minute: 600 });
    expect(codeOf(await h.call())).toBe('admitted');
    expect(codeOf(await h.call())).toBe('admitted');
    const refused = await h.call();
    expect(codeOf(refused)).toBe('quota_exceeded');
    expect(!refused.admitted && refused.error.headers['Retry-After']).toBe(
      String((Date.parse('2026-11-01T00:00:00Z') - NOW) / 1000),
    );
  });

  it('counts a counter left on the previous month as zero in the new month', async () => {
    const h = harness({ monthly_usage: 1_000, usage_period: '2026-09' });
    expect(codeOf(await h.call())).toBe('admitted');
  });

  it('checks the rate limit before the quota', async () => {
    // The first call uses the minute's only call and the month's last one, so the second is
    // over both limits: which code it gets shows which check ran first.
    const h = harness({ monthly_usage: 999, rate_limit_per_minute: 1 }, MINUTES);
    expect(codeOf(await h.call())).toBe('admitted');
    h.advance(20_000);
    const both = await h.call();
    expect(codeOf(both)).toBe('rate_limited');
    expect(!both.admitted && both.error.headers['Retry-After']).toBe('40');
    expect(!both.admitted && both.limits).toMatchObject({
      ratelimit: { remaining: 0 },
      quota: { remaining: 0 },
    });
    // Once the minute is over, the quota is what refuses.
    h.advance(40_000);
    expect(codeOf(await h.call())).toBe('quota_exceeded');
  });

  it('does not take a rate-limited call out of the quota', async () => {
    // Two calls left this month, one per minute: refusals on the rate limit must leave both.
    const h = harness({ monthly_usage: 998, rate_limit_per_minute: 1 }, MINUTES);
    const first = await h.call();
    expect(first.admitted && first.limits.quota.remaining).toBe(1);
    for (let i = 0; i < 5; i += 1) {
      const limited = await h.call();
      expect(codeOf(limited)).toBe('rate_limited');
      expect(!limited.admitted && limited.limits?.quota.remaining).toBe(1);
      expect(limited.key?.local.billable).toBe(1);
    }
    h.advance(60_000);
    const second = await h.call();
    expect(codeOf(second)).toBe('admitted');
    expect(second.admitted && second.limits.quota.remaining).toBe(0);
    h.advance(60_000);
    expect(codeOf(await h.call())).toBe('quota_exceeded');
  });
});

describe('KeyChecker: revocation through the cache', () => {
  it('refuses a key revoked elsewhere once the cache TTL has passed, and not later', async () => {
    const h = harness();
    expect(codeOf(await h.call())).toBe('admitted');
    h.write({ is_active: false, revoked_at: Timestamp.fromMillis(NOW + 10) });
    // Within the bound the cached copy may still admit it: that is the documented trade.
    h.advance(TTL_MS - 1);
    expect(codeOf(await h.call())).toBe('admitted');
    h.advance(1);
    const refused = await h.call();
    expect(codeOf(refused)).toBe('revoked_api_key');
    expect(!refused.admitted && refused.error.status).toBe(401);
    expect(h.reads()).toBe(2);
  });

  it('refuses at once once the cache forgets the key, as the revocation watch makes it', async () => {
    const h = harness();
    expect(codeOf(await h.call())).toBe('admitted');
    h.write({ is_active: false, revoked_at: Timestamp.fromMillis(NOW) });
    h.cache.invalidate('key-1');
    expect(codeOf(await h.call())).toBe('revoked_api_key');
  });

  it('refuses a key that expired early elsewhere within the same bound', async () => {
    const h = harness({ expires_at: Timestamp.fromMillis(NOW + 86_400_000) });
    expect(codeOf(await h.call())).toBe('admitted');
    h.write({ expires_at: Timestamp.fromMillis(NOW) });
    h.advance(TTL_MS);
    expect(codeOf(await h.call())).toBe('expired_api_key');
  });
});
