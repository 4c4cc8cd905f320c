import { describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS, nextAttemptAt, RETRY_DELAYS_MS } from './backoff.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('the retry schedule', () => {
  it('waits 1 min, 5 min, 30 min, 2 h, 6 h, 12 h and 24 h between attempts', () => {
    const start = new Date('2026-12-01T00:00:00Z');
    const waits: number[] = [];
    let at = start;
    for (let attempts = 1; ; attempts += 1) {
      const next = nextAttemptAt(attempts, at);
      if (next === null) break;
      waits.push(next.getTime() - at.getTime());
      at = next;
    }
    expect(waits).toEqual([MINUTE, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR]);
    expect(MAX_ATTEMPTS).toBe(8);
  });

  it('keeps trying for more than a day, each wait longer than the last', () => {
    const span = RETRY_DELAYS_MS.reduce((sum, delay) => sum + delay, 0);
    expect(span).toBeGreaterThan(24 * HOUR);
    for (let index = 1; index < RETRY_DELAYS_MS.length; index += 1)
      expect(RETRY_DELAYS_MS[index]).toBeGreaterThan(RETRY_DELAYS_MS[index - 1] ?? Infinity);
  });

  it('gives up after the last attempt', () => {
    expect(nextAttemptAt(MAX_ATTEMPTS, new Date())).toBeNull();
    expect(nextAttemptAt(MAX_ATTEMPTS - 1, new Date(0))?.getTime()).toBe(24 * HOUR);
  });

  it('has no wait before a first attempt', () => {
    expect(() => nextAttemptAt(0, new Date())).toThrow();
  });
});
