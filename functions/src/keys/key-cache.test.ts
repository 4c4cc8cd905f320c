import { Timestamp } from 'firebase-admin/firestore';
import { describe, expect, it } from 'vitest';
import { KeyCache, type StoredKey } from './key-cache.js';
import type { KeyDoc } from './key-doc.js';

function stored(id: string): StoredKey {
  const doc: KeyDoc = {
    key_hash: `hash-${id}`,
    key_prefix: 'sk_live_abcd',
    key_hint: 'wxyz',
    user_id: 'u1',
    label: id,
    scopes: ['read'],
    tier: 'free',
    created_at: Timestamp.fromMillis(0),
    is_active: true,
    monthly_usage: 0,
    usage_period: '2026-10',
    rate_limit_monthly: 1_000,
    rate_limit_per_minute: 10,
  };
  return { id, doc };
}

function harness(ttlMs = 1_000) {
  let clock = 0;
  const reads: string[] = [];
  const cache = new KeyCache({
    ttlMs,
    load: async (hash) => {
      reads.push(hash);
      return hash.startsWith('known') ? stored(hash.replace('known-', 'key-')) : null;
    },
    pendingBillable: () => 7,
    now: () => clock,
  });
  return { cache, reads, advance: (ms: number) => (clock += ms) };
}

describe('KeyCache', () => {
  it('serves a loaded key without reading again until the TTL passes', async () => {
    const h = harness();
    expect(h.cache.peek('known-1')).toBeUndefined();
    const key = await h.cache.load('known-1', '2026-10');
    expect(key?.id).toBe('key-1');
    h.advance(999);
    expect(h.cache.peek('known-1')?.id).toBe('key-1');
    h.advance(1);
    expect(h.cache.peek('known-1')).toBeUndefined();
    expect(h.reads).toEqual(['known-1']);
  });

  it('caches unknown hashes too, so guessing costs one read per TTL', async () => {
    const h = harness();
    expect(await h.cache.load('guess', '2026-10')).toBeNull();
    expect(h.cache.peek('guess')).toBeNull();
  });

  it('shares one read between concurrent loads of a hash', async () => {
    const h = harness();
    const [a, b] = await Promise.all([
      h.cache.load('known-1', '2026-10'),
      h.cache.load('known-1', '2026-10'),
    ]);
    expect(a).toBe(b);
    expect(h.reads).toHaveLength(1);
  });

  it('forgets a key at once when invalidated by id', async () => {
    const h = harness();
    await h.cache.load('known-1', '2026-10');
    await h.cache.load('known-2', '2026-10');
    h.cache.invalidate('key-1');
    expect(h.cache.peek('known-1')).toBeUndefined();
    expect(h.cache.peek('known-2')?.id).toBe('key-2');
  });

  it('starts a loaded key with the calls this instance has buffered but not written', async () => {
    const h = harness();
    const key = await h.cache.load('known-1', '2026-10');
    expect(key?.local).toEqual({ period: '2026-10', billable: 7 });
  });
});
