import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  it('admits `limit` calls per window and reports what remains', () => {
    const limiter = new RateLimiter(60_000);
    const t0 = 1_000_000;
    for (let i = 1; i <= 10; i += 1) {
      expect(limiter.peek('k', 10, t0 + i).allowed).toBe(true);
      expect(limiter.consume('k', 10, t0 + i)).toEqual({
        limit: 10,
        remaining: 10 - i,
        resetAt: t0 + 1 + 60_000,
      });
    }
    expect(limiter.peek('k', 10, t0 + 20)).toEqual({
      allowed: false,
      limit: 10,
      remaining: 0,
      resetAt: t0 + 1 + 60_000,
    });
  });

  it('opens a new window once the old one has passed', () => {
    const limiter = new RateLimiter(60_000);
    for (let i = 0; i < 3; i += 1) limiter.consume('k', 3, 0);
    expect(limiter.peek('k', 3, 59_999).allowed).toBe(false);
    expect(limiter.peek('k', 3, 60_000)).toEqual({ allowed: true, limit: 3, remaining: 3, resetAt: 120_000 });
    expect(limiter.consume('k', 3, 60_000).remaining).toBe(2);
  });

  it('keeps keys apart', () => {
    const limiter = new RateLimiter(60_000);
    limiter.consume('a', 1, 0);
    expect(limiter.peek('a', 1, 1).allowed).toBe(false);
    expect(limiter.peek('b', 1, 1).allowed).toBe(true);
  });

  it('does not count a peek', () => {
    const limiter = new RateLimiter(60_000);
    for (let i = 0; i < 5; i += 1) limiter.peek('k', 1, i);
    expect(limiter.consume('k', 1, 10).remaining).toBe(0);
  });
});
