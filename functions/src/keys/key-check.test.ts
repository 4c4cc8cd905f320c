import { Timestamp } from 'firebase-admin/firestore';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../http/api-error.js';
import { accountLimits, type AccountLimits } from '../shared/plans.js';
import { MemoryLedger } from '../test-support/memory-ledger.js';
import { KeyCache } from './key-cache.js';
import { KeyChecker, limitHeaders } from './key-check.js';
import type { KeyDoc } from './key-doc.js';
import { generateApiKey, hashApiKey } from './key-format.js';
import { LeasedLimits } from './leased-limits.js';
import { meterSubject } from './meter-ledger.js';

const NOW = Date.parse('2026-10-15T12:00:00Z');
const TTL_MS = 1_000;
const ACCOUNT = 'acct-1';

function keyDoc(secret: string, overrides: Partial<KeyDoc> = {}): KeyDoc {
  return {
    key_hash: hashApiKey(secret),
    key_prefix: secret.slice(0, 12),
    key_hint: secret.slice(-4),
    account_id: ACCOUNT,
    created_by: 'u1',
    label: 'test',
    scopes: ['read'],
    created_at: Timestamp.fromMillis(NOW - 86_400_000),
    is_active: true,
    monthly_usage: 0,
    usage_period: '2026-10',
    cap_monthly: null,
    cap_per_minute: null,
    integration: null,
    metadata: null,
    ...overrides,
  };
}

/**
 * One API instance's key check over a key's stored document, with exact limits leased from an
 * in-memory ledger (the real ledger logic). By default the account is on Free (1,000 a month,
 * 10 a minute); `account` overrides those limits, `used` is what the month has already spent.
 */
function harness(
  overrides: Partial<KeyDoc> = {},
  options: { account?: Partial<AccountLimits>; used?: number; ledger?: MemoryLedger } = {},
) {
  const secret = generateApiKey();
  let clock = NOW;
  let reads = 0;
  const ledger = options.ledger ?? new MemoryLedger();
  if (options.account !== undefined) ledger.setAccount(ACCOUNT, accountLimits('free', options.account));
  if (options.used !== undefined)
    ledger.setBudget(ACCOUNT, { period: '2026-10', period_granted: options.used, windows: {} });
  // Firestore's copy: each read returns a snapshot of it, so a later write reaches the checker
  // only through a new read, as it does in production.
  let stored: KeyDoc = keyDoc(secret, overrides);
  const cache = new KeyCache({
    ttlMs: TTL_MS,
    load: async (hash) => {
      reads += 1;
      return hash === stored.key_hash ? { id: 'key-1', doc: { ...stored } } : null;
    },
    now: () => clock,
  });
  const checker = new KeyChecker({
    cache,
    limits: new LeasedLimits({ lease: ledger.lease }),
    now: () => clock,
  });
  return {
    secret,
    checker,
    cache,
    ledger,
    reads: () => reads,
    /** Writes to the stored document only, as another instance's revocation would. */
    write: (changes: Partial<KeyDoc>) => (stored = { ...stored, ...changes }),
    advance: (ms: number) => (clock += ms),
    check: (presented: string | undefined, scopes: ('read' | 'write')[] = ['read']) =>
      checker.check(presented, scopes, 'GET /v1/time'),
    call: (units = 1) => checker.check(secret, ['read'], 'GET /v1/time', undefined, units),
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
    // After one call, one is left in the minute and in the month: a refusal that consumed either
    // would leave the next good call refused.
    const h = harness({}, { account: { per_minute: 2 }, used: 998 });
    expect(codeOf(await h.call())).toBe('admitted');
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
  });

  it('refuses the 11th call in a minute with Retry-After, and admits again after the window', async () => {
    const h = harness();
    for (let i = 0; i < 10; i += 1) expect(codeOf(await h.call())).toBe('admitted');
    h.advance(15_000);
    const limited = await h.call();
    expect(codeOf(limited)).toBe('rate_limited');
    expect(!limited.admitted && limited.error.headers['Retry-After']).toBe('45');
    expect(!limited.admitted && limited.limits?.ratelimit.remaining).toBe(0);
    expect(!limited.admitted && limited.error.limit).toBe('account');
    h.advance(45_000);
    expect(codeOf(await h.call())).toBe('admitted');
  });

  it('refuses once the monthly quota is used, counting what other instances took and this one admitted', async () => {
    const h = harness({}, { account: { per_minute: 600 }, used: 998 });
    expect(codeOf(await h.call())).toBe('admitted');
    expect(codeOf(await h.call())).toBe('admitted');
    const refused = await h.call();
    expect(codeOf(refused)).toBe('quota_exceeded');
    expect(!refused.admitted && refused.error.headers['Retry-After']).toBe(
      String((Date.parse('2026-11-01T00:00:00Z') - NOW) / 1000),
    );
    expect(!refused.admitted && refused.error.limit).toBe('account');
  });

  it('counts units: a call of 3 units takes 3 from the quota, and one that does not fit is refused', async () => {
    const h = harness({}, { used: 995 });
    const first = await h.call(3);
    expect(first.admitted && first.limits.quota.remaining).toBe(2);
    expect(codeOf(await h.call(3))).toBe('quota_exceeded');
    expect(codeOf(await h.call(2))).toBe('admitted');
  });

  it('counts a budget left on the previous month as zero in the new month', async () => {
    const ledger = new MemoryLedger();
    ledger.setBudget(ACCOUNT, { period: '2026-09', period_granted: 1_000, windows: {} });
    const h = harness({}, { ledger });
    expect(codeOf(await h.call())).toBe('admitted');
  });

  it('checks the rate limit before the quota', async () => {
    // The first call uses the minute's only call and the month's last one, so the second is
    // over both limits: which code it gets shows which check ran first.
    const h = harness({}, { account: { per_minute: 1 }, used: 999 });
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
    const h = harness({}, { account: { per_minute: 1 }, used: 998 });
    const first = await h.call();
    expect(first.admitted && first.limits.quota.remaining).toBe(1);
    for (let i = 0; i < 5; i += 1) {
      const limited = await h.call();
      expect(codeOf(limited)).toBe('rate_limited');
      expect(!limited.admitted && limited.limits?.quota.remaining).toBe(1);
    }
    h.advance(60_000);
    const second = await h.call();
    expect(codeOf(second)).toBe('admitted');
    expect(second.admitted && second.limits.quota.remaining).toBe(0);
    h.advance(60_000);
    expect(codeOf(await h.call())).toBe('quota_exceeded');
  });
});

describe("KeyChecker: the account's limits and the key's caps", () => {
  it("refuses on the key's cap with a refusal that says so, and shows the tighter limit", async () => {
    const h = harness({ cap_per_minute: 3, cap_monthly: 500 });
    const first = await h.call();
    if (!first.admitted) throw new Error('expected admission');
    expect(limitHeaders(first.limits)).toMatchObject({
      'X-RateLimit-Limit': '3',
      'X-RateLimit-Remaining': '2',
    });
    expect(first.limits.quota).toMatchObject({ owner: 'key', limit: 500, remaining: 499 });
    expect(codeOf(await h.call())).toBe('admitted');
    expect(codeOf(await h.call())).toBe('admitted');
    const capped = await h.call();
    expect(codeOf(capped)).toBe('rate_limited');
    expect(!capped.admitted && capped.error.limit).toBe('key');
    expect(!capped.admitted && capped.error.message).toContain("this key's cap of 3 calls per minute");
  });

  it("shows the account's limit when it is the tighter one", async () => {
    const h = harness({ cap_per_minute: 50 });
    const first = await h.call();
    expect(first.admitted && first.limits.ratelimit).toMatchObject({
      owner: 'account',
      limit: 10,
      remaining: 9,
    });
  });

  it("shares the account's quota between its keys on two instances", async () => {
    const ledger = new MemoryLedger().setAccount(
      ACCOUNT,
      accountLimits('free', { monthly: 30, per_minute: 600 }),
    );
    const one = harness({}, { ledger });
    const two = harness({}, { ledger });
    let admitted = 0;
    for (let i = 0; i < 40; i += 1) {
      for (const instance of [one, two]) {
        if ((await instance.call()).admitted) admitted += 1;
        instance.advance(100);
      }
    }
    expect(admitted).toBe(30);
    const refused = await one.call();
    expect(codeOf(refused)).toBe('quota_exceeded');
    expect(!refused.admitted && refused.error.limit).toBe('account');
  });

  it('answers 503 unavailable when limits cannot be leased, and admits once they can', async () => {
    const h = harness();
    h.ledger.failNext(1);
    const failed = await h.call().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failed instanceof ApiError && [failed.code, failed.status]).toEqual(['unavailable', 503]);
    expect(codeOf(await h.call())).toBe('admitted');
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

describe('KeyChecker: named meters', () => {
  /** The account's own limits and, for `emails_verified`, a meter of 5 a month and 3 a minute. */
  function metered(account: Partial<AccountLimits> = {}) {
    const secret = generateApiKey();
    const clock = { now: NOW };
    const ledger = new MemoryLedger().setAccount(ACCOUNT, accountLimits('free', account));
    const meterLedger = new MemoryLedger().setAccount(meterSubject(ACCOUNT, 'emails_verified').accountId, {
      monthly: 5,
      per_minute: 3,
    });
    const checker = new KeyChecker({
      cache: new KeyCache({
        ttlMs: TTL_MS,
        load: async (hash) => (hash === hashApiKey(secret) ? { id: 'key-1', doc: keyDoc(secret) } : null),
        now: () => clock.now,
      }),
      limits: new LeasedLimits({ lease: ledger.lease }),
      meters: new LeasedLimits({ lease: meterLedger.lease, minuteCountsUnits: true }),
      now: () => clock.now,
    });
    const call = async (units: number) => {
      const check = await checker.check(
        secret,
        ['read'],
        'POST /v1/emails/verify',
        undefined,
        units,
        'emails_verified',
      );
      return check.admitted ? 'ok' : `${check.error.code}: ${check.error.message}`;
    };
    return { checker, call, clock, ledger, meterLedger };
  }

  it("counts a meter's units per minute and per month, apart from the account's limits", async () => {
    const { call, clock, ledger } = metered();
    expect(await call(2)).toBe('ok');
    // Units per minute: 2 + 2 would pass 3.
    expect(await call(2)).toMatch(/^rate_limited: .*3 emails_verified units per minute/);
    clock.now += 60_000;
    expect(await call(3)).toBe('ok');
    expect(await call(1)).toMatch(/^quota_exceeded: .*Emails verified \(emails_verified\), 5 units a month/);
    // The account's own quota was spent only by the admitted calls.
    expect(ledger.budget(ACCOUNT).period_granted).toBeGreaterThanOrEqual(5);
  });

  it("gives the meter's units back when the account's own quota refuses the call", async () => {
    const { call, clock, ledger } = metered({ monthly: 2 });
    expect(await call(2)).toBe('ok');
    expect(await call(1)).toMatch(/^quota_exceeded: .*the account's limit of 2 units/);
    // The account gets room; in the next minute the meter has 3 units of its 5 left, not 2.
    ledger.setAccount(ACCOUNT, accountLimits('free', { monthly: 100 }));
    clock.now += 61_000;
    expect(await call(3)).toBe('ok');
    expect(await call(1)).toMatch(/^rate_limited|^quota_exceeded: .*emails_verified/);
  });
});
