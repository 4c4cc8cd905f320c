import { Timestamp } from 'firebase-admin/firestore';
import { describe, expect, it } from 'vitest';
import { KeyCache, type KeyCacheOptions, type RevocationGate, type StoredKey } from './key-cache.js';
import type { KeyDoc } from './key-doc.js';

function stored(id: string): StoredKey {
  const doc: KeyDoc = {
    key_hash: `hash-${id}`,
    key_prefix: 'sk_live_abcd',
    key_hint: 'wxyz',
    account_id: 'acct-1',
    created_by: 'u1',
    label: id,
    scopes: ['read'],
    created_at: Timestamp.fromMillis(0),
    is_active: true,
    monthly_usage: 0,
    usage_period: '2026-10',
    cap_monthly: null,
    cap_per_minute: null,
    integration: null,
    metadata: null,
  };
  return { id, doc };
}

function harness(ttlMs = 1_000, options: Partial<KeyCacheOptions> = {}) {
  let clock = 0;
  const reads: string[] = [];
  const cache = new KeyCache({
    ttlMs,
    load: async (hash) => {
      reads.push(hash);
      return hash.startsWith('known') ? stored(hash.replace('known-', 'key-')) : null;
    },
    now: () => clock,
    ...options,
  });
  return { cache, reads, advance: (ms: number) => (clock += ms) };
}

function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe('KeyCache', () => {
  it('serves a loaded key without reading again until the TTL passes', async () => {
    const h = harness(1_000, { refreshAfterMs: 1_000 });
    expect(h.cache.peek('known-1')).toBeUndefined();
    const key = await h.cache.load('known-1');
    expect(key?.id).toBe('key-1');
    h.advance(999);
    expect(h.cache.peek('known-1')?.id).toBe('key-1');
    h.advance(1);
    expect(h.cache.peek('known-1')).toBeUndefined();
    expect(h.reads).toEqual(['known-1']);
  });

  it('re-reads a key in use in the background after half its TTL, so no call waits for it', async () => {
    const refreshes: number[] = [];
    const h = harness(1_000, { onRefresh: () => refreshes.push(1) });
    await h.cache.load('known-1');
    h.advance(499);
    expect(h.cache.peek('known-1')?.id).toBe('key-1');
    expect(h.reads).toEqual(['known-1']);
    h.advance(1);
    // Served at once, and read again behind the call; a second call meanwhile starts no second read.
    expect(h.cache.peek('known-1')?.id).toBe('key-1');
    expect(h.cache.peek('known-1')?.id).toBe('key-1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.reads).toEqual(['known-1', 'known-1']);
    expect(refreshes).toHaveLength(1);
    // The refreshed copy counts from its own read: still served where the first would have expired.
    h.advance(900);
    expect(h.cache.peek('known-1')?.id).toBe('key-1');
  });

  it('caches unknown hashes too, so guessing costs one read per TTL', async () => {
    const h = harness();
    expect(await h.cache.load('guess')).toBeNull();
    expect(h.cache.peek('guess')).toBeNull();
  });

  it('shares one read between concurrent loads of a hash', async () => {
    const h = harness();
    const [a, b] = await Promise.all([h.cache.load('known-1'), h.cache.load('known-1')]);
    expect(a).toBe(b);
    expect(h.reads).toHaveLength(1);
  });

  it('forgets a key at once when invalidated by id', async () => {
    const h = harness();
    await h.cache.load('known-1');
    await h.cache.load('known-2');
    h.cache.invalidate('key-1');
    expect(h.cache.peek('known-1')).toBeUndefined();
    expect(h.cache.peek('known-2')?.id).toBe('key-2');
  });

  it('keeps unknown hashes in their own bounded space: a flood of them never evicts a real key', async () => {
    const h = harness(60_000, { maxKeys: 2, maxUnknown: 100 });
    await h.cache.load('known-1');
    await h.cache.load('known-2');
    for (let i = 0; i < 5_000; i += 1) await h.cache.load(`guess-${i}`);
    expect(h.cache.peek('known-1')?.id).toBe('key-1');
    expect(h.cache.peek('known-2')?.id).toBe('key-2');
    expect(h.cache.size()).toEqual({ keys: 2, unknown: 100 });
    // The newest guesses are remembered, the oldest forgotten.
    expect(h.cache.peek('guess-4999')).toBeNull();
    expect(h.cache.peek('guess-0')).toBeUndefined();
  });

  it('bounds real keys too, forgetting the longest cached first', async () => {
    const h = harness(60_000, { maxKeys: 2 });
    for (const hash of ['known-1', 'known-2', 'known-3']) await h.cache.load(hash);
    expect(h.cache.peek('known-1')).toBeUndefined();
    expect(h.cache.peek('known-3')?.id).toBe('key-3');
    expect(h.cache.size().keys).toBe(2);
  });

  it('knows a real key it has read even once its copy is too old to serve', async () => {
    const h = harness();
    await h.cache.load('known-1');
    await h.cache.load('guess');
    h.advance(5_000);
    expect(h.cache.peek('known-1')).toBeUndefined();
    expect(h.cache.knows('known-1')).toBe(true);
    expect(h.cache.knows('guess')).toBe(false);
  });

  it('forgets a copy read before a revocation, and keeps one read after it', async () => {
    const h = harness(60_000, {
      load: async (hash) => ({ ...stored(hash.replace('known-', 'key-')), readTime: 1_000 }),
    });
    await h.cache.load('known-1');
    await h.cache.load('known-2');
    h.cache.invalidate('key-1', 999);
    expect(h.cache.peek('known-1')?.id).toBe('key-1');
    h.cache.invalidate('key-1', 1_000);
    h.cache.invalidate('key-2', 5_000);
    expect(h.cache.peek('known-1')).toBeUndefined();
    expect(h.cache.peek('known-2')).toBeUndefined();
  });

  it('reads again when a revocation arrives while the read was in flight and postdates it', async () => {
    const first = deferred<StoredKey | null>();
    const answers = [first.promise, Promise.resolve({ ...stored('key-1'), readTime: 3_000 })];
    let reads = 0;
    const h = harness(60_000, {
      load: () => answers[reads++] ?? Promise.resolve(null),
    });
    const loading = h.cache.load('known-1');
    h.cache.invalidate('key-1', 2_000);
    first.resolve({ ...stored('key-1'), readTime: 1_000 });
    const key = await loading;
    expect(reads).toBe(2);
    expect(key?.readTime).toBe(3_000);
  });

  it('asks the revocation gate before serving a cached key, with the time its read was sent', async () => {
    const asked: number[] = [];
    const noted: number[] = [];
    const gate: RevocationGate = {
      confirm: (loadedAt) => {
        asked.push(loadedAt);
        return undefined;
      },
      noteRead: (readTime) => noted.push(readTime),
    };
    const h = harness(60_000, {
      revocations: gate,
      load: async (hash) => (hash === 'guess' ? null : { ...stored('key-1'), readTime: 42 }),
    });
    h.advance(500);
    await h.cache.load('known-1');
    await h.cache.load('guess');
    h.advance(100);
    expect(h.cache.confirm('known-1')).toBeUndefined();
    expect(h.cache.confirm('guess')).toBeUndefined();
    expect(asked).toEqual([500]);
    expect(noted).toEqual([42]);
  });
});
