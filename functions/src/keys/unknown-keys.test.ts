/**
 * Unknown-key floods through the real key check, cache and throttle, with a fake clock and a
 * counting loader standing in for Firestore (the integration suite does it over HTTP).
 */
import { Timestamp } from 'firebase-admin/firestore';
import { describe, expect, it } from 'vitest';
import { accountLimits } from '../shared/plans.js';
import { MemoryLedger } from '../test-support/memory-ledger.js';
import { KeyFailureThrottle, PRODUCTION_KEY_FAILURE_LIMITS } from './client-throttle.js';
import { KEY_CACHE_TTL_PRODUCTION_MS, KeyCache, MAX_CACHED_KEYS } from './key-cache.js';
import { KeyChecker } from './key-check.js';
import type { KeyDoc } from './key-doc.js';
import { generateApiKey, hashApiKey } from './key-format.js';
import { LeasedLimits } from './leased-limits.js';

const NOW = Date.parse('2026-10-15T12:00:00Z');
const LIMITS = PRODUCTION_KEY_FAILURE_LIMITS;

function keyDoc(secret: string): KeyDoc {
  return {
    key_hash: hashApiKey(secret),
    key_prefix: secret.slice(0, 12),
    key_hint: secret.slice(-4),
    account_id: 'acct-1',
    created_by: 'u1',
    label: 'real',
    scopes: ['read'],
    created_at: Timestamp.fromMillis(NOW - 86_400_000),
    is_active: true,
    monthly_usage: 0,
    usage_period: '2026-10',
    cap_monthly: null,
    cap_per_minute: null,
    integration: null,
    metadata: null,
  };
}

/** Exact limits over an in-memory ledger, with limits no test here reaches. */
function leasedLimits(): LeasedLimits {
  const ledger = new MemoryLedger().setAccount(
    'acct-1',
    accountLimits('enterprise', { monthly: 1_000_000_000, per_minute: 1_000_000 }),
  );
  return new LeasedLimits({ lease: ledger.lease });
}

function harness() {
  let clock = NOW;
  const secret = generateApiKey();
  const doc = keyDoc(secret);
  const reads: string[] = [];
  const cache = new KeyCache({
    ttlMs: KEY_CACHE_TTL_PRODUCTION_MS,
    load: async (hash) => {
      reads.push(hash);
      return hash === doc.key_hash ? { id: 'real', doc } : null;
    },
    now: () => clock,
  });
  const checker = new KeyChecker({
    cache,
    limits: leasedLimits(),
    throttle: new KeyFailureThrottle(LIMITS, () => clock),
    now: () => clock,
  });
  const call = async (key: string, address: string) => {
    const result = await checker.check(key, ['read'], 'GET /v1/time', address);
    return result.admitted
      ? { code: 'admitted', retryAfter: undefined }
      : { code: result.error.code, retryAfter: result.error.headers['Retry-After'] };
  };
  return { secret, reads, cache, call, advance: (ms: number) => (clock += ms) };
}

describe('unknown keys from one address', () => {
  it('cost at most perAddress reads a minute, then 429 with Retry-After; other addresses are unaffected', async () => {
    const h = harness();
    const codes = new Map<string, number>();
    for (let i = 0; i < 2_000; i += 1) {
      const { code, retryAfter } = await h.call(generateApiKey(), '198.51.100.7');
      codes.set(code, (codes.get(code) ?? 0) + 1);
      if (code === 'rate_limited') expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    }
    expect(Object.fromEntries(codes)).toEqual({ unknown_api_key: LIMITS.perAddress, rate_limited: 1_980 });
    expect(h.reads).toHaveLength(LIMITS.perAddress);

    expect((await h.call(generateApiKey(), '203.0.113.1')).code).toBe('unknown_api_key');
    expect((await h.call('sk_live_nope', '203.0.113.1')).code).toBe('malformed_api_key');
    // Malformed keys from the throttled address are refused the same way, still without a read.
    expect((await h.call('sk_live_nope', '198.51.100.7')).code).toBe('rate_limited');

    h.advance(60_000);
    expect((await h.call(generateApiKey(), '198.51.100.7')).code).toBe('unknown_api_key');
  });

  it('still admits a real key this instance has cached, even from the throttled address', async () => {
    const h = harness();
    expect((await h.call(h.secret, '198.51.100.7')).code).toBe('admitted');
    for (let i = 0; i < 100; i += 1) await h.call(generateApiKey(), '198.51.100.7');
    expect((await h.call(h.secret, '198.51.100.7')).code).toBe('admitted');
    // Once the copy is too old it is read again: a known key is a refresh, never a guess.
    h.advance(KEY_CACHE_TTL_PRODUCTION_MS);
    expect((await h.call(h.secret, '198.51.100.7')).code).toBe('admitted');
    expect(h.reads.filter((hash) => hash === hashApiKey(h.secret))).toHaveLength(2);
  });
});

describe('unknown keys from many addresses', () => {
  it('cost at most perInstance reads a minute and never evict a real key', async () => {
    const h = harness();
    expect((await h.call(h.secret, '192.0.2.1')).code).toBe('admitted');
    const flood = MAX_CACHED_KEYS + 2_000;
    let unknown = 0;
    for (let i = 0; i < flood; i += 1) {
      const address = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      if ((await h.call(generateApiKey(), address)).code === 'unknown_api_key') unknown += 1;
    }
    expect(unknown).toBe(LIMITS.perInstance);
    expect(h.reads).toHaveLength(1 + LIMITS.perInstance);
    expect((await h.call(h.secret, '192.0.2.1')).code).toBe('admitted');
    expect(h.reads).toHaveLength(1 + LIMITS.perInstance);
  });

  it('keeps a real key cached when the unknown space is full, without a throttle at all', async () => {
    let clock = NOW;
    const real = generateApiKey();
    let reads = 0;
    const cache = new KeyCache({
      ttlMs: KEY_CACHE_TTL_PRODUCTION_MS,
      load: async (hash) => {
        reads += 1;
        return hash === hashApiKey(real) ? { id: 'real', doc: keyDoc(real) } : null;
      },
      now: () => clock,
    });
    const checker = new KeyChecker({ cache, limits: leasedLimits(), now: () => clock });
    expect((await checker.check(real, ['read'], 'GET /v1/time')).admitted).toBe(true);
    for (let i = 0; i < MAX_CACHED_KEYS + 1_000; i += 1) await checker.check(generateApiKey(), ['read'], 'x');
    clock += 1;
    const before = reads;
    expect((await checker.check(real, ['read'], 'GET /v1/time')).admitted).toBe(true);
    expect(reads).toBe(before);
  });
});
