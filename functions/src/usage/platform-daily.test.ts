import { describe, expect, it } from 'vitest';
import { PLATFORM_SHARDS, nextTopAccounts, platformShard } from './platform-daily.js';

/** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('nextTopAccounts', () => {
  it('adds accounts while there is room, then evicts the smallest only for a larger total', () => {
    expect(nextTopAccounts({}, 'a', 3, 2)).toEqual({ set: { a: 3 }, evict: null });
    expect(nextTopAccounts({ a: 3 }, 'b', 1, 2)).toEqual({ set: { b: 1 }, evict: null });
    expect(nextTopAccounts({ a: 3, b: 1 }, 'c', 1, 2)).toEqual({ set: {}, evict: null });
    expect(nextTopAccounts({ a: 3, b: 1 }, 'c', 2, 2)).toEqual({ set: { c: 2 }, evict: 'b' });
    expect(nextTopAccounts({ a: 3, b: 1 }, 'b', 9, 2)).toEqual({ set: { b: 9 }, evict: null });
  });

  it('is the exact top of the day after any sequence of folds', () => {
    for (let seed = 1; seed <= 20; seed += 1) {
      const rand = random(seed);
      const size = 5;
      const totals = new Map<string, number>();
      let top: Record<string, number> = {};
      for (let fold = 0; fold < 2_000; fold += 1) {
        // A few heavy accounts and a long tail, folded in random order.
        const account = rand() < 0.3 ? `heavy${Math.floor(rand() * 8)}` : `tail${Math.floor(rand() * 200)}`;
        const dayTotal = (totals.get(account) ?? 0) + 1 + Math.floor(rand() * 20);
        totals.set(account, dayTotal);
        const { set, evict } = nextTopAccounts(top, account, dayTotal, size);
        top = { ...Object.fromEntries(Object.entries(top).filter(([name]) => name !== evict)), ...set };
      }
      const kept = Object.values(top).sort((a, b) => b - a);
      const exact = [...totals.values()].sort((a, b) => b - a).slice(0, size);
      expect(kept, `seed ${seed}`).toEqual(exact);
      for (const [account, total] of Object.entries(top)) expect(total).toBe(totals.get(account));
    }
  });
});

describe('platformShard', () => {
  it('puts an account always in the same shard, and spreads accounts over all of them', () => {
    expect(platformShard('user-1')).toBe(platformShard('user-1'));
    const counts = new Array<number>(PLATFORM_SHARDS).fill(0);
    for (let i = 0; i < 4_000; i += 1) {
      const shard = platformShard(`user-${i}`);
      counts[shard] = (counts[shard] ?? 0) + 1;
    }
    for (const count of counts) expect(count).toBeGreaterThan(4_000 / PLATFORM_SHARDS / 2);
  });
});
