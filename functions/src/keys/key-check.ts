/**
 * The key check every metered call goes through, in SPEC order: format and checksum → look up
 * by hash (cached) → active → not expired → scopes → per-minute limits → monthly quotas (the
 * account's, shared by its keys, and the key's own caps: limits.ts). Used by
 * `withApiKey` and by `POST /v1/keys/verify`. A client address that keeps presenting unknown or
 * malformed keys is refused before the lookup (client-throttle.ts), and a cached key passes only
 * once the revocation gate confirms it (revocation-watch.ts).
 */
import { ApiError } from '../http/api-error.js';
import type { Scope } from '../shared/contracts.js';
import type { KeyFailureThrottle } from './client-throttle.js';
import type { CachedKey, KeyCache } from './key-cache.js';
import { budgetIdOf, keyStatus } from './key-doc.js';
import { hashApiKey, isWellFormedApiKey } from './key-format.js';
import {
  NOTHING_PAID,
  type CallLimits,
  type LimitDecision,
  type LimitFigures,
  type LimitOwner,
  type LimitRefusalCode,
  type LimitSubject,
  type Paid,
} from './limits.js';
import { meterSubject } from './meter-ledger.js';
import { METER_LABELS, type MeterName } from '../shared/plans.js';

export type KeyCheck =
  /** `paid`: which of the call's units were credits and overage. */
  | { admitted: true; key: CachedKey; limits: LimitFigures; paid: Paid }
  /** `key` is null when no real key was presented; `limits` when the key was usable. */
  | { admitted: false; error: ApiError; key: CachedKey | null; limits: LimitFigures | null };

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

function epochSeconds(ms: number): string {
  return String(Math.ceil(ms / 1000));
}

/**
 * The limit headers of every response to a usable key: of the tighter limit (the account's or
 * the key's cap), whichever has less left. Resets are Unix times in seconds.
 */
export function limitHeaders(limits: LimitFigures): Record<string, string> {
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
  limits: CallLimits;
  /** Limits of named meters, per `meterSubject`; without them no meter is limited. */
  meters?: CallLimits;
  /** Without one, unknown and malformed keys are never throttled. */
  throttle?: KeyFailureThrottle;
  now?: () => number;
  /** Told of each key read the check had to wait for, and of each that found no key. */
  onKeyRead?: () => void;
  onUnknownKeyRead?: () => void;
  /** Told of each request refused by the throttle. */
  onThrottled?: () => void;
}

function throttled(retryAfterMs: number, reason: 'address' | 'instance'): ApiError {
  const message =
    reason === 'address'
      ? 'Too many requests with unknown or malformed API keys from this address. Retry after the reset.'
      : 'Too many requests with unknown API keys are reaching the API right now. Retry after the reset.';
  return new ApiError('rate_limited', message, undefined, { 'Retry-After': String(seconds(retryAfterMs)) });
}

function limitRefusal(
  refusal: { code: LimitRefusalCode; owner: LimitOwner; retryAfterMs: number },
  figures: LimitFigures,
  units: number,
): ApiError {
  const retryAfter = { 'Retry-After': String(seconds(refusal.retryAfterMs)) };
  const whose = refusal.owner === 'key' ? "this key's cap" : "the account's limit";
  if (refusal.code === 'rate_limited') {
    return new ApiError(
      'rate_limited',
      `Rate limit exceeded: ${whose} of ${figures.ratelimit.limit} calls per minute. Retry after the reset.`,
      undefined,
      retryAfter,
      refusal.owner,
    );
  }
  if (refusal.code === 'insufficient_credits')
    return new ApiError(
      'insufficient_credits',
      "The account's included units and prepaid credits are used up. Buy credits in the dashboard's Billing page.",
    );
  if (refusal.code === 'spend_cap_reached')
    return new ApiError(
      'spend_cap_reached',
      "The account's monthly spend cap on overage is reached. Raise or remove it in the dashboard's Billing page.",
      undefined,
      retryAfter,
    );
  const resets = new Date(figures.quota.resetAt).toISOString();
  const advice =
    refusal.owner === 'key' ? 'Raise or remove the cap in the dashboard.' : 'Upgrade your plan for more.';
  const reached =
    units > 1 && figures.quota.remaining > 0
      ? `this call costs ${units} units, more than is left of ${whose} of ${figures.quota.limit} units`
      : `${whose} of ${figures.quota.limit} units is used up`;
  return new ApiError(
    'quota_exceeded',
    `Monthly quota reached: ${reached}; it resets at ${resets}. ${advice}`,
    undefined,
    retryAfter,
    refusal.owner,
  );
}

/** A named meter's limit, reached: the message names the meter and its limit. */
function meterRefusal(meter: MeterName, decision: Extract<LimitDecision, { admitted: false }>): ApiError {
  const retryAfter = { 'Retry-After': String(seconds(decision.refusal.retryAfterMs)) };
  const label = METER_LABELS[meter];
  if (decision.refusal.code === 'rate_limited')
    return new ApiError(
      'rate_limited',
      `Rate limit exceeded: the account's limit of ${decision.figures.ratelimit.limit} ${meter} units per minute. Retry after the reset.`,
      undefined,
      retryAfter,
      'account',
    );
  return new ApiError(
    'quota_exceeded',
    `Monthly limit reached: ${label} (${meter}), ${decision.figures.quota.limit} units a month for this account. Upgrade your plan for more.`,
    undefined,
    retryAfter,
    'account',
  );
}

function unconfirmed(): ApiError {
  return new ApiError('unavailable', 'The API cannot confirm keys right now. Retry in a moment.', undefined, {
    'Retry-After': '1',
  });
}

/** Whose limits a key's calls spend: its account's, and its lineage's caps. */
function subjectOf(key: CachedKey): LimitSubject {
  return {
    accountId: key.doc.account_id,
    budgetId: budgetIdOf(key.id, key.doc),
    capMonthly: key.doc.cap_monthly,
    capPerMinute: key.doc.cap_per_minute,
  };
}

export class KeyChecker {
  private readonly now: () => number;

  constructor(private readonly options: KeyCheckerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** `client` is the caller's address (client-throttle.ts `clientAddress`), when there is one. */
  async check(
    presented: string | undefined,
    scopes: readonly Scope[],
    endpoint: string,
    client?: string,
    units = 1,
    meter?: MeterName,
  ): Promise<KeyCheck> {
    const refuse = (
      error: ApiError,
      key: CachedKey | null = null,
      limits: LimitFigures | null = null,
    ): KeyCheck => ({
      admitted: false,
      error,
      key,
      limits,
    });
    if (presented === undefined || presented === '')
      return refuse(new ApiError('missing_api_key', MISSING_KEY_MESSAGE));
    const throttle = this.options.throttle;
    const blocked = (): KeyCheck | undefined => {
      const wait = throttle?.blockedFor(client) ?? 0;
      if (wait <= 0) return undefined;
      this.options.onThrottled?.();
      return refuse(throttled(wait, 'address'));
    };
    if (!isWellFormedApiKey(presented)) {
      const refused = blocked();
      if (refused !== undefined) return refused;
      throttle?.recordFailure(client);
      return refuse(
        new ApiError(
          'malformed_api_key',
          'This is not a Keymeter API key (sk_live_…): check it was copied whole.',
        ),
      );
    }

    const hash = hashApiKey(presented);
    let key = this.options.cache.peek(hash);
    if (key === null) {
      const refused = blocked();
      if (refused !== undefined) return refused;
      throttle?.recordFailure(client);
    } else if (key === undefined) {
      // A key this instance has read before is a real key being refreshed, never a guess.
      const permit = this.options.cache.knows(hash) ? undefined : throttle?.beginLookup(client);
      if (permit?.allowed === false) {
        this.options.onThrottled?.();
        return refuse(throttled(permit.retryAfterMs, permit.reason));
      }
      this.options.onKeyRead?.();
      // A read that fails is released uncounted: it says nothing about the key.
      let found = true;
      try {
        key = await this.options.cache.load(hash);
        found = key !== null;
      } finally {
        if (permit?.allowed === true) permit.done(found);
      }
      if (key === null) this.options.onUnknownKeyRead?.();
    } else {
      key = await this.confirmed(hash, key);
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

    const subject = subjectOf(key);
    const missing = scopes.filter((scope) => !key.doc.scopes.includes(scope));
    if (missing.length > 0) {
      const needed = missing.map((scope) => `"${scope}"`).join(', ');
      return refuse(
        new ApiError('insufficient_scope', `This key lacks the ${needed} scope needed for ${endpoint}.`),
        key,
        this.options.limits.peek(subject, nowMs),
      );
    }
    // The named meter first: a call it refuses has spent nothing of the account's limits.
    const meters = meter === undefined ? undefined : this.options.meters;
    if (meter !== undefined && meters !== undefined) {
      const metered = await meters.admit(meterSubject(subject.accountId, meter), units, nowMs);
      if (!metered.admitted)
        return refuse(meterRefusal(meter, metered), key, this.options.limits.peek(subject, nowMs));
    }
    const decision = await this.options.limits.admit(subject, units, nowMs);
    if (!decision.admitted) {
      if (meter !== undefined)
        meters?.refund(meterSubject(subject.accountId, meter), units, NOTHING_PAID, nowMs);
      return refuse(limitRefusal(decision.refusal, decision.figures, units), key, decision.figures);
    }
    return { admitted: true, key, limits: decision.figures, paid: decision.paid };
  }

  /**
   * Units an admitted call reserved and did not use go back to the limits they came from; the
   * figures after it, for the call's headers.
   */
  refund(key: CachedKey, units: number, from: Paid, meter?: MeterName): LimitFigures | null {
    const subject = subjectOf(key);
    const now = this.now();
    this.options.limits.refund(subject, units, from, now);
    if (meter !== undefined)
      this.options.meters?.refund(meterSubject(subject.accountId, meter), units, NOTHING_PAID, now);
    return this.options.limits.peek(subject, now);
  }

  /** A cached key, once the revocation gate allows it: the same, or what a re-read found. */
  private async confirmed(hash: string, key: CachedKey): Promise<CachedKey | null> {
    const wait = this.options.cache.confirm(hash);
    if (wait === undefined) return key;
    try {
      await wait;
    } catch {
      // Admitting it unconfirmed could pass a key revoked long ago; the cause is logged by the gate.
      throw unconfirmed();
    }
    const current = this.options.cache.peek(hash);
    if (current !== undefined) return current;
    this.options.onKeyRead?.();
    return this.options.cache.load(hash);
  }
}
