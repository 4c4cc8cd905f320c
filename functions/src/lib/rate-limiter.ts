/**
 * Fixed-window limits, per name (an API key's id, a user's uid) and per instance: a window of
 * `windowMs` opens at the name's first counted call and admits `limit` calls. Instances do not
 * share windows, so with N warm instances serving one name the effective limit is up to N × the
 * limit; where a hard bound matters (the API's monthly quota) it is kept in Firestore instead.
 * Refused calls do not consume the window. Memory is bounded: past MAX_TRACKED_KEYS names the
 * oldest windows are forgotten, which can only let a forgotten name through early, never refuse.
 */
export const RATE_LIMIT_WINDOW_MS = 60_000;
const MAX_TRACKED_KEYS = 10_000;

export interface LimitState {
  limit: number;
  remaining: number;
  /** Epoch milliseconds at which the window (or period) resets. */
  resetAt: number;
}

interface Window {
  start: number;
  count: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly windowMs = RATE_LIMIT_WINDOW_MS) {}

  private current(keyId: string, now: number): Window | undefined {
    const window = this.windows.get(keyId);
    return window !== undefined && now < window.start + this.windowMs ? window : undefined;
  }

  /** Whether a call may pass now, without counting it. */
  peek(keyId: string, limit: number, now: number): LimitState & { allowed: boolean } {
    const window = this.current(keyId, now);
    const count = window?.count ?? 0;
    return {
      allowed: count < limit,
      limit,
      remaining: Math.max(0, limit - count),
      resetAt: (window?.start ?? now) + this.windowMs,
    };
  }

  /** Counts a call that passed every check. */
  consume(keyId: string, limit: number, now: number): LimitState {
    let window = this.current(keyId, now);
    if (window === undefined) {
      window = { start: now, count: 0 };
      this.windows.delete(keyId);
      this.windows.set(keyId, window);
      this.prune();
    }
    window.count += 1;
    return { limit, remaining: Math.max(0, limit - window.count), resetAt: window.start + this.windowMs };
  }

  /** Insertion order is window start order, so the first entries are the oldest windows. */
  private prune(): void {
    for (const keyId of this.windows.keys()) {
      if (this.windows.size <= MAX_TRACKED_KEYS) return;
      this.windows.delete(keyId);
    }
  }
}
