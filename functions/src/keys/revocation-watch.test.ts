import { Timestamp } from 'firebase-admin/firestore';
import { describe, expect, it } from 'vitest';
import { accountLimits } from '../shared/plans.js';
import { MemoryLedger } from '../test-support/memory-ledger.js';
import { KeyCache, type StoredKey } from './key-cache.js';
import { KeyChecker } from './key-check.js';
import type { KeyDoc } from './key-doc.js';
import { generateApiKey, hashApiKey } from './key-format.js';
import { LeasedLimits } from './leased-limits.js';
import {
  REVOCATION_BOUND_MS,
  REVOCATION_MAX_AGE_MS,
  REVOCATION_REFRESH_AFTER_MS,
  RevocationCheckTooSlow,
  RevocationWatch,
  type RevocationChange,
  type RevocationSource,
} from './revocation-watch.js';

const START = Date.parse('2026-10-15T12:00:00Z');
/** The production cache TTL: revocation must not wait for it. */
const TTL_MS = 30_000;
const LOOKBACK_MS = TTL_MS + 60_000;

function deferred() {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/**
 * Firestore as the instances see it: one clock, key documents and the revocation feed. Every
 * commit and read gets a distinct microsecond time, so a read after a commit sees it.
 */
class FakeFirestore {
  clock = START;
  private tick = 0;
  readonly docs = new Map<string, { id: string; doc: KeyDoc }>();
  /** The budget ledger, with limits no test here reaches: revocation is what is under test. */
  readonly ledger = new MemoryLedger().setAccount(
    'acct-1',
    accountLimits('enterprise', { monthly: 1_000_000_000, per_minute: 1_000_000 }),
  );
  readonly feed: RevocationChange[] = [];
  keyReads = 0;
  checks: number[] = [];
  /** When set, checks wait for it (a slow Firestore), or fail (an unreachable one). */
  hold: Promise<void> | undefined;
  failing = false;
  listeners = new Set<(changes: RevocationChange[]) => void>();

  micros(): number {
    this.tick += 1;
    return this.clock * 1_000 + this.tick;
  }

  addKey(id: string): string {
    const secret = generateApiKey();
    const doc: KeyDoc = {
      key_hash: hashApiKey(secret),
      key_prefix: secret.slice(0, 12),
      key_hint: secret.slice(-4),
      account_id: 'acct-1',
      created_by: 'u1',
      label: id,
      scopes: ['read'],
      created_at: Timestamp.fromMillis(START - 86_400_000),
      is_active: true,
      monthly_usage: 0,
      usage_period: '2026-10',
      cap_monthly: null,
      cap_per_minute: null,
      integration: null,
      metadata: null,
    };
    this.docs.set(doc.key_hash, { id, doc });
    return secret;
  }

  /** What revoke-key.ts commits: the key and its feed entry, at one commit time. */
  revoke(secret: string): void {
    const entry = this.docs.get(hashApiKey(secret));
    if (entry === undefined) throw new Error('no such key');
    entry.doc = { ...entry.doc, is_active: false, revoked_at: Timestamp.fromMillis(this.clock) };
    const change = { keyId: entry.id, at: this.micros() };
    this.feed.push(change);
    for (const listener of this.listeners) listener([change]);
  }

  async load(hash: string): Promise<StoredKey | null> {
    this.keyReads += 1;
    const entry = this.docs.get(hash);
    return entry === undefined ? null : { id: entry.id, doc: { ...entry.doc }, readTime: this.micros() };
  }

  source(options: { listen?: boolean } = {}): RevocationSource {
    const source: RevocationSource = {
      changesSince: async (since) => {
        this.checks.push(since);
        if (this.failing) throw new Error('unreachable');
        // Answered as of the moment it was sent, the latest a real read could be.
        const answer = { changes: this.feed.filter((change) => change.at >= since), readTime: this.micros() };
        if (this.hold !== undefined) await this.hold;
        return answer;
      },
    };
    if (options.listen === true) {
      source.listen = (_since, onChanges) => {
        this.listeners.add(onChanges);
        return () => this.listeners.delete(onChanges);
      };
    }
    return source;
  }
}

/** One API instance: its own cache, watch and checker over the shared Firestore. */
function instance(firestore: FakeFirestore, options: { listen?: boolean } = {}) {
  let waits = 0;
  const errors: unknown[] = [];
  const holder: { cache?: KeyCache } = {};
  const watch = new RevocationWatch({
    source: firestore.source(options),
    apply: (changes) => {
      for (const change of changes) holder.cache?.invalidate(change.keyId, change.at);
    },
    lookbackMs: LOOKBACK_MS,
    now: () => firestore.clock,
    onWait: () => (waits += 1),
    onError: (error) => errors.push(error),
  });
  const cache = new KeyCache({
    ttlMs: TTL_MS,
    // Key reads are counted here as what the revocation bound costs: no refreshes before the TTL.
    refreshAfterMs: TTL_MS,
    load: (hash) => firestore.load(hash),
    revocations: watch,
    now: () => firestore.clock,
  });
  holder.cache = cache;
  const checker = new KeyChecker({
    cache,
    limits: new LeasedLimits({ lease: firestore.ledger.lease }),
    now: () => firestore.clock,
  });
  return {
    watch,
    errors,
    waits: () => waits,
    call: async (secret: string) => {
      const result = await checker.check(secret, ['read'], 'GET /v1/time');
      return result.admitted ? 'admitted' : result.error.code;
    },
  };
}

/** Lets background checks that the fake answers at once finish. */
async function settle(): Promise<void> {
  // Background checks start on the next turn of the event loop (lib/start-soon.ts).
  await new Promise((resolve) => setImmediate(resolve));
  for (let i = 0; i < 5; i += 1) await Promise.resolve();
}

describe('RevocationWatch: happy path', () => {
  it('serves a freshly read key without any check, then checks in the background, never per call', async () => {
    const firestore = new FakeFirestore();
    const secret = firestore.addKey('key-1');
    const api = instance(firestore);
    // A busy instance: a call every 10 ms for 20 s.
    for (let elapsed = 0; elapsed < 20_000; elapsed += 10) {
      expect(await api.call(secret)).toBe('admitted');
      await settle();
      firestore.clock += 10;
    }
    expect(firestore.keyReads).toBe(1);
    // About one check per REVOCATION_REFRESH_AFTER_MS, and no call ever waited for one.
    expect(firestore.checks.length).toBeGreaterThanOrEqual(20_000 / REVOCATION_MAX_AGE_MS);
    expect(firestore.checks.length).toBeLessThanOrEqual(20_000 / REVOCATION_REFRESH_AFTER_MS + 1);
    expect(api.waits()).toBe(0);
  });

  it('refuses a key revoked elsewhere within the bound on every instance, busy or idle', async () => {
    const firestore = new FakeFirestore();
    const secret = firestore.addKey('key-1');
    const busy = instance(firestore);
    const idle = instance(firestore);
    expect(await busy.call(secret)).toBe('admitted');
    expect(await idle.call(secret)).toBe('admitted');

    for (let elapsed = 0; elapsed < 3_000; elapsed += 50) {
      firestore.clock += 50;
      await busy.call(secret);
      await settle();
    }
    firestore.revoke(secret);
    const revokedAt = firestore.clock;
    let refusedAt: number | undefined;
    while (refusedAt === undefined && firestore.clock < revokedAt + TTL_MS) {
      firestore.clock += 50;
      if ((await busy.call(secret)) === 'revoked_api_key') refusedAt = firestore.clock;
      await settle();
    }
    expect(refusedAt).toBeDefined();
    expect((refusedAt ?? Number.POSITIVE_INFINITY) - revokedAt).toBeLessThanOrEqual(REVOCATION_BOUND_MS);

    // The idle instance ran nothing meanwhile (a throttled CPU): its first call catches up first.
    firestore.clock = Math.max(firestore.clock, START + REVOCATION_MAX_AGE_MS + 1);
    expect(await idle.call(secret)).toBe('revoked_api_key');
    expect(idle.waits()).toBe(1);
  });

  it('holds the bound for a revocation at any moment, whatever the calls in between', async () => {
    for (let revokeAfter = 0; revokeAfter <= 6_000; revokeAfter += 370) {
      for (const gap of [5, 700, 3_900, 4_100, 9_000]) {
        const firestore = new FakeFirestore();
        const secret = firestore.addKey('key-1');
        const api = instance(firestore);
        expect(await api.call(secret)).toBe('admitted');
        let revokedAt: number | undefined;
        while (firestore.clock < START + revokeAfter + 12_000) {
          firestore.clock += gap;
          if (revokedAt === undefined && firestore.clock >= START + revokeAfter) {
            firestore.revoke(secret);
            revokedAt = firestore.clock;
          }
          firestore.clock += 1;
          const outcome = await api.call(secret);
          await settle();
          if (revokedAt !== undefined && firestore.clock - revokedAt > REVOCATION_MAX_AGE_MS)
            expect(outcome, `revoked after ${revokeAfter} ms, calls ${gap} ms apart`).toBe('revoked_api_key');
        }
      }
    }
  });

  it('applies revocations from the listener at once, without waiting for a check', async () => {
    const firestore = new FakeFirestore();
    const secret = firestore.addKey('key-1');
    const api = instance(firestore, { listen: true });
    expect(await api.call(secret)).toBe('admitted');
    firestore.clock += 100;
    firestore.revoke(secret);
    firestore.clock += 1;
    expect(await api.call(secret)).toBe('revoked_api_key');
    expect(firestore.checks).toHaveLength(0);
  });
});

describe('RevocationWatch: a check is what the bound rests on', () => {
  it('does not let a silent listener stand in for a check', async () => {
    const firestore = new FakeFirestore();
    const secret = firestore.addKey('key-1');
    const api = instance(firestore, { listen: true });
    expect(await api.call(secret)).toBe('admitted');
    // The revocation reaches the feed but the listener never delivers it (stalled stream).
    firestore.listeners.clear();
    firestore.revoke(secret);
    firestore.clock += REVOCATION_MAX_AGE_MS + 1;
    expect(await api.call(secret)).toBe('revoked_api_key');
    expect(api.waits()).toBe(1);
  });

  it('sends one catch-up check for many requests arriving together after an idle spell', async () => {
    const firestore = new FakeFirestore();
    const secret = firestore.addKey('key-1');
    const api = instance(firestore);
    expect(await api.call(secret)).toBe('admitted');
    firestore.clock += 20_000;
    const outcomes = await Promise.all(Array.from({ length: 50 }, () => api.call(secret)));
    expect(new Set(outcomes)).toEqual(new Set(['admitted']));
    expect(firestore.checks).toHaveLength(1);
    expect(firestore.keyReads).toBe(1);
  });

  it('sends another check when the one in flight was sent too long ago', async () => {
    const firestore = new FakeFirestore();
    const secret = firestore.addKey('key-1');
    const api = instance(firestore);
    expect(await api.call(secret)).toBe('admitted');
    firestore.clock += REVOCATION_REFRESH_AFTER_MS;
    const slow = deferred();
    firestore.hold = slow.promise;
    expect(await api.call(secret)).toBe('admitted'); // starts a background check, which hangs
    await settle();
    firestore.clock += REVOCATION_MAX_AGE_MS;
    firestore.revoke(secret);
    const waiting = api.call(secret);
    firestore.clock += 10;
    firestore.hold = undefined;
    slow.resolve();
    // The first check was sent before the revocation, so it cannot vouch for this call.
    expect(await waiting).toBe('revoked_api_key');
    expect(firestore.checks).toHaveLength(2);
  });

  it('answers unavailable, never admits, when Firestore cannot be checked', async () => {
    const firestore = new FakeFirestore();
    const secret = firestore.addKey('key-1');
    const api = instance(firestore);
    expect(await api.call(secret)).toBe('admitted');
    firestore.failing = true;
    firestore.clock += REVOCATION_MAX_AGE_MS + 1;
    await expect(api.call(secret)).rejects.toMatchObject({ code: 'unavailable', status: 503 });
    expect(api.errors).toHaveLength(1);
  });

  it('gives up after three checks that each take longer than the allowance', async () => {
    let clock = START;
    const watch = new RevocationWatch({
      source: {
        changesSince: async () => {
          clock += REVOCATION_MAX_AGE_MS + 1;
          return { changes: [], readTime: clock * 1_000 };
        },
      },
      apply: () => undefined,
      lookbackMs: LOOKBACK_MS,
      now: () => clock,
    });
    watch.noteRead(clock * 1_000);
    clock += REVOCATION_MAX_AGE_MS + 1;
    await expect(watch.confirm(START)).rejects.toBeInstanceOf(RevocationCheckTooSlow);
  });
});

describe('RevocationWatch: what each check asks for', () => {
  it('starts from the earliest read, then from each check’s read time, never past the lookback', async () => {
    let clock = START;
    const sinces: number[] = [];
    let readTime = 0;
    const watch = new RevocationWatch({
      source: {
        changesSince: async (since) => {
          sinces.push(since);
          return { changes: [], readTime };
        },
      },
      apply: () => undefined,
      lookbackMs: LOOKBACK_MS,
      now: () => clock,
    });
    const micros = (ms: number) => ms * 1_000;
    watch.noteRead(micros(START + 5));
    watch.noteRead(micros(START + 2));
    readTime = micros(START + 10);
    await watch.check();
    readTime = micros(START + 20);
    await watch.check();
    expect(sinces).toEqual([micros(START + 2), micros(START + 10)]);

    // A slow read, sent before the last check's range, is noted while a check runs.
    readTime = micros(START + 30);
    const running = watch.check();
    watch.noteRead(micros(START + 7));
    await running;
    await watch.check();
    expect(sinces.at(-1)).toBe(micros(START + 7));

    clock += 10 * LOOKBACK_MS;
    await watch.check();
    expect(sinces.at(-1)).toBe(micros(clock - LOOKBACK_MS));
  });
});
