/**
 * Per-user limits on the dashboard routes that read the most: a signed-in user looping them
 * would otherwise cost hundreds of Firestore reads per click. Each route has its own window per
 * uid, counted by the instance that serves the request (lib/rate-limiter.ts): with N dashboard
 * instances warm, one user gets at most N × the limit per window. That is the documented bound;
 * it is enough here because these limits protect cost and the instances, not a quota anyone
 * pays for. A refused request costs no Firestore read: the check runs before any.
 */
import type { Response } from 'express';
import { RateLimiter } from '../lib/rate-limiter.js';
import { ApiError } from './api-error.js';
import { userOf } from './auth.js';

interface RouteLimit {
  /** Requests per window, per user and per instance. */
  limit: number;
  windowMs: number;
}

const MINUTE_MS = 60_000;

export const DASHBOARD_ROUTE_LIMITS = {
  'GET /stats': { limit: 60, windowMs: MINUTE_MS },
  'GET /usage/recent': { limit: 60, windowMs: MINUTE_MS },
  // Overview polls it every 2 s while the checklist waits for a first call.
  'GET /onboarding': { limit: 90, windowMs: MINUTE_MS },
  'GET /usage/export': { limit: 10, windowMs: MINUTE_MS },
  'GET /me/export': { limit: 5, windowMs: 10 * MINUTE_MS },
  'GET /admin/stats': { limit: 30, windowMs: MINUTE_MS },
  'GET /audit-log/export': { limit: 10, windowMs: MINUTE_MS },
  'POST /invitations': { limit: 20, windowMs: MINUTE_MS },
  'POST /teams': { limit: 10, windowMs: MINUTE_MS },
} as const satisfies Record<string, RouteLimit>;

export type LimitedRoute = keyof typeof DASHBOARD_ROUTE_LIMITS;

export class RouteLimits {
  private readonly limiters = new Map<LimitedRoute, RateLimiter>();

  constructor(
    private readonly limits: Readonly<Record<LimitedRoute, RouteLimit>> = DASHBOARD_ROUTE_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request of `uid` on `route`, or throws 429 `rate_limited` with Retry-After. */
  take(route: LimitedRoute, uid: string): void {
    const { limit, windowMs } = this.limits[route];
    let limiter = this.limiters.get(route);
    if (limiter === undefined) {
      limiter = new RateLimiter(windowMs);
      this.limiters.set(route, limiter);
    }
    const now = this.now();
    const state = limiter.peek(uid, limit, now);
    if (!state.allowed) {
      const retryAfter = Math.max(1, Math.ceil((state.resetAt - now) / 1000));
      throw new ApiError(
        'rate_limited',
        `Too many requests to ${route}: at most ${limit} per ${windowMs / 1000} s. Retry in ${retryAfter} s.`,
        undefined,
        {
          'Retry-After': String(retryAfter),
          'X-RateLimit-Limit': String(limit),
          'X-RateLimit-Remaining': '0',
          'X-RateLimit-Reset': String(Math.ceil(state.resetAt / 1000)),
        },
      );
    }
    limiter.consume(uid, limit, now);
  }
}

const instanceLimits = new RouteLimits();

/** For a route handler, after authentication and before any read: the signed-in user's budget. */
export function takeRouteBudget(res: Response, route: LimitedRoute): void {
  instanceLimits.take(route, userOf(res).uid);
}
