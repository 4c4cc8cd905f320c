/**
 * The key check every metered call goes through, in SPEC order: format and checksum → look up
 * by hash (cached) → active → not expired → scopes → per-minute limit → monthly quota. Used by
 * `withApiKey` and by `POST /v1/keys/verify`.
 */
import { ApiError } from '../http/api-error.js';
import type { Scope } from '../shared/contracts.js';
import { periodEnd, utcPeriod } from '../shared/dates.js';
import type { CachedKey, KeyCache } from './key-cache.js';
import { keyStatus, usageThisPeriod } from './key-doc.js';
import { hashApiKey, isWellFormedApiKey } from './key-format.js';
import type { LimitState, RateLimiter } from './rate-limiter.js';

export interface Limits {
  ratelimit: LimitState;
  quota: LimitState;
}

export type KeyCheck =
  | { admitted: true; key: CachedKey; limits: Limits }
  /** `key` is null when no real key was presented; `limits` when the key was usable. */
  | { admitted: false; error: ApiError; key: CachedKey | null; limits: Limits | null };

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

function epochSeconds(ms: number): string {
  return String(Math.ceil(ms / 1000));
}

/** The limit headers of every response to a usable key. Resets are Unix times in seconds. */
export function limitHeaders(limits: Limits): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(limits.ratelimit.limit),
    'X-RateLimit-Remaining': String(limits.ratelimit.remaining),
    'X-RateLimit-Reset': epochSeconds(limits.ratelimit.resetAt),
    'X-Quota-Limit': String(limits.quota.limit),
    'X-Quota-Remaining': String(limits.quota.remaining),
    'X-Quota-Reset': epochSeconds(limits.quota.resetAt),
  };
}

export const MISSING_KEY_MESSAGE =
  'Send your API key in the Authorization header as "Bearer sk_live_…", or in the X-API-Key header.';

export interface KeyCheckerOptions {
  cache: KeyCache;
  limiter: RateLimiter;
  now?: () => number;
  /** Told of each key read the check had to wait for. */
  onKeyRead?: () => void;
}

export class KeyChecker {
  private readonly now: () => number;

  constructor(private readonly options: KeyCheckerOptions) {
    this.now = options.now ?? Date.now;
  }

  async check(presented: string | undefined, scopes: readonly Scope[], endpoint: string): Promise<KeyCheck> {
    const refuse = (
      error: ApiError,
      key: CachedKey | null = null,
      limits: Limits | null = null,
    ): KeyCheck => ({
      admitted: false,
      error,
      key,
      limits,
    });
    if (presented === undefined || presented === '')
      return refuse(new ApiError('missing_api_key', MISSING_KEY_MESSAGE));
    if (!isWellFormedApiKey(presented)) {
      return refuse(
        new ApiError(
          'malformed_api_key',
          'This is not a Keymeter API key (sk_live_…): check it was copied whole.',
        ),
      );
    }

    const hash = hashApiKey(presented);
    const period = utcPeriod(new Date(this.now()));
    let key = this.options.cache.peek(hash);
    if (key === undefined) {
      this.options.onKeyRead?.();
      key = await this.options.cache.load(hash, period);
    }
    if (key === null) return refuse(new ApiError('unknown_api_key', 'This API key does not exist.'));

    const nowMs = this.now();
    const now = new Date(nowMs);
    const status = keyStatus(key.doc, now);
    if (status === 'revoked') {
      return refuse(
        new ApiError('revoked_api_key', 'This API key was revoked. Create a new one in the dashboard.'),
        key,
      );
    }
    if (status === 'expired') {
      const expiredAt = key.doc.expires_at?.toDate().toISOString() ?? 'an earlier date';
      return refuse(new ApiError('expired_api_key', `This API key expired at ${expiredAt}.`), key);
    }

    const currentPeriod = utcPeriod(now);
    if (key.local.period !== currentPeriod) key.local = { period: currentPeriod, billable: 0 };
    const rate = this.options.limiter.peek(key.id, key.doc.rate_limit_per_minute, nowMs);
    const used = usageThisPeriod(key.doc, now) + key.local.billable;
    const quotaLimit = key.doc.rate_limit_monthly;
    const quota: LimitState = {
      limit: quotaLimit,
      remaining: Math.max(0, quotaLimit - used),
      resetAt: periodEnd(currentPeriod).getTime(),
    };
    const peeked: Limits = { ratelimit: rate, quota };

    const missing = scopes.filter((scope) => !key.doc.scopes.includes(scope));
    if (missing.length > 0) {
      const needed = missing.map((scope) => `"${scope}"`).join(', ');
      return refuse(
        new ApiError('insufficient_scope', `This key lacks the ${needed} scope needed for ${endpoint}.`),
        key,
        peeked,
      );
    }
    if (!rate.allowed) {
      return refuse(
        new ApiError(
          'rate_limited',
          `Rate limit of ${rate.limit} calls per minute exceeded for this key. Retry after the reset.`,
          undefined,
          { 'Retry-After': String(seconds(rate.resetAt - nowMs)) },
        ),
        key,
        peeked,
      );
    }
    if (quota.remaining <= 0) {
      return refuse(
        new ApiError(
          'quota_exceeded',
          `Monthly quota of ${quotaLimit} calls used up; it resets at ${new Date(quota.resetAt).toISOString()}. Upgrade your plan for more.`,
          undefined,
          { 'Retry-After': String(seconds(quota.resetAt - nowMs)) },
        ),
        key,
        peeked,
      );
    }

    const ratelimit = this.options.limiter.consume(key.id, key.doc.rate_limit_per_minute, nowMs);
    key.local.billable += 1;
    return {
      admitted: true,
      key,
      limits: { ratelimit, quota: { ...quota, remaining: quota.remaining - 1 } },
    };
  }
}
