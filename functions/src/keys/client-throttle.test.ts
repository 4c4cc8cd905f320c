import { describe, expect, it } from 'vitest';
import {
  clientAddress,
  KeyFailureThrottle,
  normalizeAddress,
  PRODUCTION_KEY_FAILURE_LIMITS,
  type KeyFailureLimits,
} from './client-throttle.js';

const LIMITS: KeyFailureLimits = { perAddress: 3, perInstance: 10, maxAddresses: 4, windowMs: 60_000 };

function harness(limits = LIMITS) {
  let clock = 1_000_000;
  const throttle = new KeyFailureThrottle(limits, () => clock);
  return { throttle, advance: (ms: number) => (clock += ms) };
}

function miss(throttle: KeyFailureThrottle, address: string | undefined): boolean {
  const permit = throttle.beginLookup(address);
  if (!permit.allowed) return false;
  permit.done(false);
  return true;
}

describe('KeyFailureThrottle: per address', () => {
  it('lets an address fail perAddress times a minute, then refuses it until its window ends', () => {
    const h = harness();
    expect([1, 2, 3].map(() => miss(h.throttle, 'a'))).toEqual([true, true, true]);
    const refused = h.throttle.beginLookup('a');
    expect(refused).toEqual({ allowed: false, retryAfterMs: 60_000, reason: 'address' });
    expect(h.throttle.blockedFor('a')).toBe(60_000);
    h.advance(59_999);
    expect(h.throttle.blockedFor('a')).toBe(1);
    h.advance(1);
    expect(h.throttle.blockedFor('a')).toBe(0);
    expect(miss(h.throttle, 'a')).toBe(true);
  });

  it('counts failures that cost no read (malformed keys, cached unknown ones) too', () => {
    const h = harness();
    for (let i = 0; i < 3; i += 1) h.throttle.recordFailure('a');
    expect(h.throttle.blockedFor('a')).toBeGreaterThan(0);
    expect(h.throttle.beginLookup('a').allowed).toBe(false);
  });

  it('does not count lookups that found a real key', () => {
    const h = harness();
    for (let i = 0; i < 50; i += 1) {
      const permit = h.throttle.beginLookup('a');
      if (!permit.allowed) throw new Error(`refused at ${i}`);
      permit.done(true);
    }
    expect(h.throttle.blockedFor('a')).toBe(0);
  });

  it('counts lookups in flight, so concurrent guesses cannot overshoot the budget', () => {
    const h = harness();
    const permits = Array.from({ length: 20 }, () => h.throttle.beginLookup('a'));
    expect(permits.filter((permit) => permit.allowed)).toHaveLength(3);
    for (const permit of permits) if (permit.allowed) permit.done(false);
    expect(h.throttle.beginLookup('a').allowed).toBe(false);
  });

  it('leaves other addresses alone', () => {
    const h = harness();
    for (let i = 0; i < 3; i += 1) miss(h.throttle, 'a');
    expect(h.throttle.blockedFor('a')).toBeGreaterThan(0);
    expect(h.throttle.blockedFor('b')).toBe(0);
    expect(miss(h.throttle, 'b')).toBe(true);
  });

  it('tracks a bounded number of addresses, forgetting the least recently seen', () => {
    const h = harness();
    for (let i = 0; i < 1_000; i += 1) h.throttle.recordFailure(`10.0.${i >> 8}.${i & 255}`);
    expect(h.throttle.trackedAddresses()).toBe(LIMITS.maxAddresses);
  });
});

describe('KeyFailureThrottle: per instance', () => {
  it('reads at most perInstance unknown keys a window, however many addresses send them', () => {
    const h = harness({ ...LIMITS, maxAddresses: 10_000 });
    let reads = 0;
    for (let i = 0; i < 5_000; i += 1) if (miss(h.throttle, `addr-${i}`)) reads += 1;
    expect(reads).toBe(LIMITS.perInstance);
    const refused = h.throttle.beginLookup('fresh');
    expect(refused).toMatchObject({ allowed: false, reason: 'instance' });
    h.advance(LIMITS.windowMs);
    expect(miss(h.throttle, 'fresh')).toBe(true);
  });

  it('applies the instance budget to callers without an address', () => {
    const h = harness();
    let reads = 0;
    for (let i = 0; i < 100; i += 1) if (miss(h.throttle, undefined)) reads += 1;
    expect(reads).toBe(LIMITS.perInstance);
    expect(h.throttle.blockedFor(undefined)).toBe(0);
  });

  it('documents production budgets that bound reads per instance to 600 a minute, 20 per address', () => {
    expect(PRODUCTION_KEY_FAILURE_LIMITS).toEqual({
      perAddress: 20,
      perInstance: 600,
      maxAddresses: 10_000,
      windowMs: 60_000,
    });
  });
});

describe('clientAddress: what is trusted', () => {
  const from = (xff: string | undefined, remoteAddress = '169.254.8.129') =>
    clientAddress({
      headers: xff === undefined ? {} : { 'x-forwarded-for': xff },
      socket: { remoteAddress },
    });

  it('takes the first entry the platform appended, ignoring whatever the client put before it', () => {
    expect(from('203.0.113.9, 66.102.8.142')).toBe('203.0.113.9');
    expect(from('1.1.1.1, 2.2.2.2, 203.0.113.9, 66.102.8.142')).toBe('203.0.113.9');
    expect(from('evil, 203.0.113.9,66.102.8.142')).toBe('203.0.113.9');
  });

  it('falls back to the only entry, then to the socket peer', () => {
    expect(from('203.0.113.9')).toBe('203.0.113.9');
    expect(from(undefined, '::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(clientAddress({ headers: {} })).toBe('unknown');
  });

  it('groups IPv6 by /64 and strips ports, zones and IPv4 mapping', () => {
    expect(from('2001:db8:1:2:3:4:5:6, 66.102.8.142')).toBe('2001:db8:1:2::/64');
    expect(from('2001:db8:1:2::99, 66.102.8.142')).toBe('2001:db8:1:2::/64');
    expect(normalizeAddress('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(normalizeAddress('[2001:db8:1:2::1]:443')).toBe('2001:db8:1:2::/64');
    expect(normalizeAddress('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(normalizeAddress('::ffff:198.51.100.7')).toBe('198.51.100.7');
    expect(normalizeAddress('198.51.100.7:8080')).toBe('198.51.100.7');
    expect(normalizeAddress('64:ff9b::1.2.3.4')).toBe('64:ff9b:0:0::/64');
  });

  it('puts anything that is not an address into one shared bucket, so junk cannot mint budgets', () => {
    expect(from('junk-1, 66.102.8.142')).toBe('unparseable');
    expect(from('junk-2, 66.102.8.142')).toBe('unparseable');
    expect(normalizeAddress('')).toBe('unparseable');
  });
});
