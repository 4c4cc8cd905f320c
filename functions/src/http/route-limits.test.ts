import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.js';
import { DASHBOARD_ROUTE_LIMITS, RouteLimits } from './route-limits.js';

function harness() {
  let clock = 1_000_000;
  const limits = new RouteLimits(
    { ...DASHBOARD_ROUTE_LIMITS, 'GET /stats': { limit: 3, windowMs: 60_000 } },
    () => clock,
  );
  return { limits, advance: (ms: number) => (clock += ms) };
}

function refusal(run: () => void): ApiError {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('RouteLimits', () => {
  it('admits `limit` requests per window, then answers 429 rate_limited with Retry-After', () => {
    const h = harness();
    for (let i = 0; i < 3; i += 1) h.limits.take('GET /stats', 'alice');
    h.advance(15_500);
    const refused = refusal(() => h.limits.take('GET /stats', 'alice'));
    expect(refused.code).toBe('rate_limited');
    expect(refused.status).toBe(429);
    expect(refused.headers).toMatchObject({ 'Retry-After': '45', 'X-RateLimit-Limit': '3' });
    // A refused request does not use the next window's budget.
    h.advance(44_500);
    for (let i = 0; i < 3; i += 1) h.limits.take('GET /stats', 'alice');
    expect(refusal(() => h.limits.take('GET /stats', 'alice')).code).toBe('rate_limited');
  });

  it('keeps users and routes apart', () => {
    const h = harness();
    for (let i = 0; i < 3; i += 1) h.limits.take('GET /stats', 'alice');
    expect(() => h.limits.take('GET /stats', 'bob')).not.toThrow();
    expect(() => h.limits.take('GET /usage/recent', 'alice')).not.toThrow();
    expect(refusal(() => h.limits.take('GET /stats', 'alice')).code).toBe('rate_limited');
  });

  it('limits every expensive dashboard route', () => {
    expect(Object.keys(DASHBOARD_ROUTE_LIMITS).sort()).toEqual([
      'GET /admin/stats',
      'GET /audit-log/export',
      'GET /me/export',
      'GET /onboarding',
      'GET /stats',
      'GET /usage/export',
      'GET /usage/recent',
      'POST /invitations',
      'POST /teams',
    ]);
    const h = new RouteLimits(DASHBOARD_ROUTE_LIMITS, () => 0);
    for (let i = 0; i < DASHBOARD_ROUTE_LIMITS['GET /me/export'].limit; i += 1)
      h.take('GET /me/export', 'carol');
    expect(refusal(() => h.take('GET /me/export', 'carol')).headers['Retry-After']).toBe('600');
  });
});
