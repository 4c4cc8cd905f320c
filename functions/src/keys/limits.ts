/**
 * What the key check asks once a key is known to be usable: may this call spend `units` now?
 * The answer names the tighter of the account's and the key's limits, whose figures go in the
 * response headers, and on refusal which limit was hit.
 *
 * Production uses LeasedLimits (leased-limits.ts), exact across instances. The interface exists
 * so the benchmark can run today's per-instance design beside it in the same harness.
 */
import type { LimitState } from '../lib/rate-limiter.js';

export type { LimitState };

/** Whose limit: the account's (shared by all its keys) or the key's own cap. */
export type LimitOwner = 'account' | 'key';

export interface LimitSubject {
  accountId: string;
  /** The key's budget lineage: its own id, or the id of the key it was rolled from, and so on. */
  budgetId: string;
  capMonthly: number | null;
  capPerMinute: number | null;
}

export interface LimitFigures {
  ratelimit: LimitState & { owner: LimitOwner };
  quota: LimitState & { owner: LimitOwner };
}

/** Of a call's units, those paid from prepaid credits and as overage; the rest were included. */
export interface Paid {
  credits: number;
  overage: number;
}

export const NOTHING_PAID: Paid = { credits: 0, overage: 0 };

export type LimitRefusalCode =
  'rate_limited' | 'quota_exceeded' | 'insufficient_credits' | 'spend_cap_reached';

export type LimitDecision =
  | { admitted: true; figures: LimitFigures; paid: Paid }
  | {
      admitted: false;
      figures: LimitFigures;
      refusal: { code: LimitRefusalCode; owner: LimitOwner; retryAfterMs: number };
    };

/**
 * Which of a call's sources `units` given back came from: overage first, then credits, then
 * the included units, the reverse of the order they are spent in.
 */
export function paidOfRefund(paid: Paid, units: number): Paid {
  const overage = Math.min(units, paid.overage);
  return { overage, credits: Math.min(units - overage, paid.credits) };
}

export interface CallLimits {
  /** Spends one call of every per-minute limit and `units` of every monthly one, or refuses. */
  admit(subject: LimitSubject, units: number, now: number): Promise<LimitDecision>;
  /**
   * Gives back units an admitted call reserved and did not use (its handler reported fewer);
   * `from` says which of them were credits and overage (paidOfRefund).
   */
  refund(subject: LimitSubject, units: number, from: Paid, now: number): void;
  /**
   * What `admit` would report for this subject without spending anything (refused calls'
   * headers); null while this instance knows nothing of the account's limits yet.
   */
  peek(subject: LimitSubject, now: number): LimitFigures | null;
  /** Gives back what this instance holds (SIGTERM); resolves when done or failed. */
  release(): Promise<void>;
}

/** Limits per minute are counted in UTC-aligned minutes: window `n` is [n·60 s, (n+1)·60 s). */
export const LIMIT_WINDOW_MS = 60_000;

export function windowOf(now: number): number {
  return Math.floor(now / LIMIT_WINDOW_MS);
}

export function windowEnd(window: number): number {
  return (window + 1) * LIMIT_WINDOW_MS;
}
