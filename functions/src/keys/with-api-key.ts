/**
 * The one wrapper that meters an HTTPS endpoint. A metered endpoint is one line:
 *
 *   router.get('/v1/time', withApiKey({ scope: 'read' }, () => ({ body: { now: new Date() } })));
 *
 * Order on every call: extract the key → the call's cost → key check (format, checksum, the
 * caller's address's budget for bad keys, lookup, active, expiry, scope, per-minute limit,
 * monthly quota for the cost) → handler → give back units the handler did not use → record
 * usage. Every call made with a real key is recorded, refused or not; recording only buffers,
 * except that the call which finds the buffer full or overdue waits (at most FLUSH_WAIT_MS) for
 * the write it starts — never for aggregation (see usage-recorder.ts).
 *
 * Costs. A call costs 1 unit unless its endpoint declares `cost`: a number, or one worked out
 * from the request (say, one unit per email in the body). The cost is reserved before the
 * handler runs, so a limit is never passed by work already done; a handler that used fewer
 * (duplicates, items it skipped) reports `units` and the rest goes back. A request whose cost
 * cannot be worked out (a malformed body) costs nothing and is answered with that 4xx once the
 * key has passed; a handler that fails keeps at most one unit of its reservation.
 */
import type { Request, RequestHandler, Response } from 'express';
import { ApiError } from '../http/api-error.js';
import { routeOf, sendError, toApiError } from '../http/errors.js';
import { requestIdOf } from '../http/request-id.js';
import { addedLatency, keyCheckMetrics } from '../lib/metrics.js';
import { log } from '../lib/log.js';
import type { Scope } from '../shared/contracts.js';
import { FLUSH_WAIT_MS, usageRecorder, waitAtMost } from './usage-recorder.js';
import { keyChecker } from './api-key-runtime.js';
import { clientAddress } from './client-throttle.js';
import type { CachedKey } from './key-cache.js';
import { limitHeaders, type KeyCheck } from './key-check.js';
import { paidOfRefund, type Paid } from './limits.js';
import type { MeterName } from '../shared/plans.js';

export interface MeteredContext {
  key: CachedKey;
  requestId: string;
}

export interface ApiResult {
  status?: number;
  body: unknown;
  /** Units the work used, at most the call's cost; what it leaves goes back. Default: the cost. */
  units?: number;
}

export type ApiHandler = (req: Request, context: MeteredContext) => ApiResult | Promise<ApiResult>;

/** The most units one call may cost. */
export const MAX_CALL_COST = 10_000;

export type CallCost = number | ((req: Request) => number | Promise<number>);

export interface MeterOptions {
  scope: Scope;
  /** `METHOD /path` as recorded; defaults to the method and the route pattern. */
  endpoint?: string;
  /** Units reserved for the call (default 1); see "Costs" above. */
  cost?: CallCost;
  /** A named meter the call's units also count on, and are limited by (shared/plans.ts METERS). */
  meter?: MeterName;
}

function checkedCost(units: number): number {
  if (!Number.isInteger(units) || units < 0 || units > MAX_CALL_COST)
    throw new Error(`a call's cost must be a whole number from 0 to ${MAX_CALL_COST}, not ${units}`);
  return units;
}

/** The call's cost, or the 4xx that says why the request has none (its body is malformed). */
async function costOf(
  cost: CallCost | undefined,
  req: Request,
): Promise<{ units: number } | { error: unknown }> {
  if (cost === undefined) return { units: 1 };
  if (typeof cost === 'number') return { units: checkedCost(cost) };
  try {
    return { units: checkedCost(await cost(req)) };
  } catch (error) {
    if (error instanceof ApiError) return { error };
    throw error;
  }
}

/** What an admitted call is charged: what its handler reports, within what it reserved. */
function chargedUnits(reserved: number, outcome: Outcome): number {
  if ('failure' in outcome) return Math.min(reserved, 1);
  const reported = outcome.result.units;
  if (reported === undefined) return reserved;
  if (Number.isInteger(reported) && reported >= 0 && reported <= reserved) return reported;
  // A handler's mistake: the call cannot be charged more than it reserved, which the limits allowed.
  log.handlerUnitsInvalid({ reported: String(reported), reserved });
  return reserved;
}

const QUERY_KEY_NAMES = new Set(['api_key', 'apikey', 'api-key', 'x-api-key', 'access_token']);

function looksLikeKey(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('sk_live_');
  if (Array.isArray(value)) return value.some(looksLikeKey);
  return false;
}

/** A key in the URL is refused, never used: proxies, servers and browsers keep URLs in their logs. */
export function refuseKeyInQuery(req: Request): void {
  for (const [name, value] of Object.entries(req.query)) {
    if (QUERY_KEY_NAMES.has(name.toLowerCase()) || looksLikeKey(value)) {
      throw new ApiError(
        'api_key_in_query',
        'API keys must not be sent in the URL, where proxies and servers log them. Send the key in the ' +
          'Authorization header ("Bearer sk_live_…") or in X-API-Key, and consider rolling this key.',
      );
    }
  }
}

/** The presented key, from `Authorization: Bearer` or `X-API-Key`. Never from the URL. */
export function extractApiKey(req: Request): string | undefined {
  refuseKeyInQuery(req);
  const authorization = req.headers.authorization;
  const bearer = authorization === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
  if (bearer !== undefined) return bearer;
  const header = req.headers['x-api-key'];
  if (typeof header === 'string') return header.trim();
  // An Authorization header of another scheme is a key sent the wrong way, not a missing one.
  return authorization === undefined ? undefined : '';
}

/** Records the call against its key and returns the flush it started, if any. */
export function recordCall(
  key: CachedKey,
  call: {
    endpoint: string;
    method: string;
    status: number;
    at: Date;
    startedAt: number;
    billable: boolean;
    units: number;
    paid?: Paid;
    meter?: MeterName | undefined;
  },
): Promise<void> | undefined {
  return usageRecorder().record({
    key_id: key.id,
    account_id: key.doc.account_id,
    endpoint: call.endpoint,
    method: call.method,
    status: call.status,
    latency_ms: Math.round((performance.now() - call.startedAt) * 10) / 10,
    at: call.at,
    billable: call.billable,
    units: call.billable ? call.units : 0,
    credit_units: call.billable ? (call.paid?.credits ?? 0) : 0,
    overage_units: call.billable ? (call.paid?.overage ?? 0) : 0,
    ...(call.meter === undefined ? {} : { meter: call.meter }),
  });
}

/** Waits, bounded, for a flush this request started: the work must run while CPU is allocated. */
export async function awaitFlush(flush: Promise<void> | undefined): Promise<void> {
  if (flush === undefined) return;
  keyCheckMetrics.flushesAwaited += 1;
  keyCheckMetrics.awaitedRoundTrips += 1;
  await waitAtMost(flush, FLUSH_WAIT_MS);
}

type Outcome = { result: ApiResult } | { failure: unknown };

async function runHandler(handler: ApiHandler, req: Request, context: MeteredContext): Promise<Outcome> {
  try {
    return { result: await handler(req, context) };
  } catch (failure) {
    return { failure };
  }
}

export function withApiKey(options: MeterOptions, handler: ApiHandler): RequestHandler {
  return async (req: Request, res: Response) => {
    const startedAt = performance.now();
    const at = new Date();
    const endpoint = options.endpoint ?? `${req.method} ${routeOf(req)}`;
    const requestId = requestIdOf(res);

    let check: KeyCheck;
    let cost: { units: number } | { error: unknown };
    try {
      const presented = extractApiKey(req);
      cost = await costOf(options.cost, req);
      const reserved = 'units' in cost ? cost.units : 0;
      check = await keyChecker().check(
        presented,
        [options.scope],
        endpoint,
        clientAddress(req),
        reserved,
        options.meter,
      );
    } catch (error) {
      sendError(req, res, error);
      return;
    }
    const checked = performance.now();

    if (!check.admitted) {
      log.apiKeyRefused({ code: check.error.code, endpoint, key_id: check.key?.id, request_id: requestId });
      const headers = check.limits === null ? {} : limitHeaders(check.limits);
      if (check.key !== null) {
        const flush = recordCall(check.key, {
          endpoint,
          method: req.method,
          status: check.error.status,
          at,
          startedAt,
          billable: false,
          units: 0,
        });
        await awaitFlush(flush);
      }
      sendError(req, res, check.error, headers);
      return;
    }

    const reserved = 'units' in cost ? cost.units : 0;
    const outcome: Outcome =
      'error' in cost
        ? { failure: cost.error }
        : await runHandler(handler, req, { key: check.key, requestId });
    const handled = performance.now();
    const units = chargedUnits(reserved, outcome);
    const refunded = paidOfRefund(check.paid, reserved - units);
    const figures =
      units < reserved
        ? (keyChecker().refund(check.key, reserved - units, refunded, options.meter) ?? check.limits)
        : check.limits;
    const paid = {
      credits: check.paid.credits - refunded.credits,
      overage: check.paid.overage - refunded.overage,
    };
    const status = 'failure' in outcome ? toApiError(outcome.failure).status : (outcome.result.status ?? 200);
    const flush = recordCall(check.key, {
      endpoint,
      method: req.method,
      status,
      at,
      startedAt,
      billable: true,
      units,
      paid,
      meter: options.meter,
    });
    await awaitFlush(flush);
    addedLatency.record(checked - startedAt + (performance.now() - handled));

    const headers = limitHeaders(figures);
    if ('failure' in outcome) {
      sendError(req, res, outcome.failure, headers);
      return;
    }
    res.set(headers).status(status).json(outcome.result.body);
  };
}
