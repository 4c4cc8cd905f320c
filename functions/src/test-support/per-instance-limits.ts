/**
 * TODAY's limits, for bench/limits.ts's baseline only: what every instance did before limits
 * were leased (leased-limits.ts), expressed as a CallLimits so both designs run in one harness.
 *
 * What it reproduces, per instance and with nothing shared between instances:
 * - the per-minute limit: lib/rate-limiter.ts's fixed windows (opened by a name's first call,
 *   not UTC-aligned), keyed by account id, and by budget id for a key's own cap;
 * - the monthly quota: a local count of the units this instance admitted this UTC month. Today
 *   an instance added its local count to Firestore's folded counter, and folding lags, so each
 *   instance effectively admitted up to the whole quota by itself; the benchmark runs no folds,
 *   so the folded counter would be zero and the local count is all there is;
 * - the limits themselves: `accounts/{id}` read once per account per instance and kept, as
 *   today's cached key document carried its limits (one awaited read, counted as such).
 * With N instances serving an account, up to N times each limit is admitted.
 */
import { accountRef, limitsOf, readAccountDoc } from '../accounts/account-doc.js';
import {
  NOTHING_PAID,
  type CallLimits,
  type LimitDecision,
  type LimitFigures,
  type LimitOwner,
  type LimitSubject,
  type Paid,
} from '../keys/limits.js';
import { keyCheckMetrics } from '../lib/metrics.js';
import { RateLimiter, type LimitState } from '../lib/rate-limiter.js';
import { periodEnd, utcPeriod } from '../shared/dates.js';
import type { AccountLimits } from '../shared/plans.js';

type Owned = LimitState & { owner: LimitOwner };

/** Units this instance admitted in one UTC month. */
class MonthlyCounter {
  private readonly used = new Map<string, { period: string; units: number }>();

  state(name: string, limit: number, now: number): LimitState {
    const period = utcPeriod(new Date(now));
    const entry = this.used.get(name);
    const units = entry?.period === period ? entry.units : 0;
    return { limit, remaining: Math.max(0, limit - units), resetAt: periodEnd(period).getTime() };
  }

  add(name: string, units: number, now: number): void {
    const period = utcPeriod(new Date(now));
    const entry = this.used.get(name);
    this.used.set(name, { period, units: (entry?.period === period ? entry.units : 0) + units });
  }
}

/** The limit that bites first goes in the headers: the one with less left. */
function tighter(account: LimitState, key: LimitState | null): Owned {
  return key !== null && key.remaining < account.remaining
    ? { ...key, owner: 'key' }
    : { ...account, owner: 'account' };
}

export class PerInstanceLimits implements CallLimits {
  private readonly accountMinutes = new RateLimiter();
  private readonly keyMinutes = new RateLimiter();
  private readonly accountMonths = new MonthlyCounter();
  private readonly keyMonths = new MonthlyCounter();
  private readonly accounts = new Map<string, Promise<AccountLimits>>();
  /** What `peek` reports for an account whose document was never read here. */
  private readonly known = new Map<string, AccountLimits>();

  async admit(subject: LimitSubject, units: number, now: number): Promise<LimitDecision> {
    await this.limitsOf(subject.accountId);
    const figures = this.peek(subject, now);
    if (figures.ratelimit.remaining < 1) {
      return {
        admitted: false,
        figures,
        refusal: {
          code: 'rate_limited',
          owner: figures.ratelimit.owner,
          retryAfterMs: figures.ratelimit.resetAt - now,
        },
      };
    }
    if (figures.quota.remaining < units) {
      return {
        admitted: false,
        figures,
        refusal: {
          code: 'quota_exceeded',
          owner: figures.quota.owner,
          retryAfterMs: figures.quota.resetAt - now,
        },
      };
    }
    const limits = this.limitsKnown(subject.accountId);
    this.accountMinutes.consume(subject.accountId, limits.per_minute, now);
    if (subject.capPerMinute !== null) this.keyMinutes.consume(subject.budgetId, subject.capPerMinute, now);
    this.accountMonths.add(subject.accountId, units, now);
    if (subject.capMonthly !== null) this.keyMonths.add(subject.budgetId, units, now);
    return { admitted: true, figures: this.peek(subject, now), paid: NOTHING_PAID };
  }

  refund(subject: LimitSubject, units: number, _from: Paid, now: number): void {
    this.accountMonths.add(subject.accountId, -units, now);
    if (subject.capMonthly !== null) this.keyMonths.add(subject.budgetId, -units, now);
  }

  peek(subject: LimitSubject, now: number): LimitFigures {
    const limits = this.limitsKnown(subject.accountId);
    const keyRate =
      subject.capPerMinute === null
        ? null
        : this.keyMinutes.peek(subject.budgetId, subject.capPerMinute, now);
    const keyQuota =
      subject.capMonthly === null ? null : this.keyMonths.state(subject.budgetId, subject.capMonthly, now);
    return {
      ratelimit: tighter(this.accountMinutes.peek(subject.accountId, limits.per_minute, now), keyRate),
      quota: tighter(this.accountMonths.state(subject.accountId, limits.monthly, now), keyQuota),
    };
  }

  /** Nothing is held anywhere but in this instance's memory. */
  async release(): Promise<void> {}

  private limitsKnown(accountId: string): AccountLimits {
    // Only a refused call before any admission can get here unread; it shows no allowance.
    return this.known.get(accountId) ?? { monthly: 0, per_minute: 0 };
  }

  private limitsOf(accountId: string): Promise<AccountLimits> {
    let loading = this.accounts.get(accountId);
    if (loading === undefined) {
      loading = this.readAccount(accountId);
      this.accounts.set(accountId, loading);
      // A failed read is not kept: the next call tries again.
      loading.catch(() => this.accounts.delete(accountId));
    }
    return loading;
  }

  private async readAccount(accountId: string): Promise<AccountLimits> {
    keyCheckMetrics.awaitedRoundTrips += 1;
    const snapshot = await accountRef(accountId).get();
    if (!snapshot.exists) throw new Error(`account ${accountId} does not exist`);
    const limits = limitsOf(readAccountDoc(snapshot.data()));
    this.known.set(accountId, limits);
    return limits;
  }
}
