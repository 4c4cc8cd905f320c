import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { meResponseSchema } from '@shared/contracts';
import { apiRequest } from '@/lib/api-client';
import { ApiError, describeError } from '@/lib/api-error';
import { authCalls, setTestUser } from '@/testing/mocks/firebase';
import { apiError } from '@/testing/mocks/handlers';
import { server } from '@/testing/mocks/server';

describe('api client', () => {
  describe('happy path', () => {
    it('sends the ID token and returns the parsed response', async () => {
      let authorization: string | null = null;
      server.use(
        http.get('/api/dashboard/me', ({ request }) => {
          authorization = request.headers.get('Authorization');
          return HttpResponse.json({ ...validMe(), extra: 'ignored' });
        }),
      );
      const me = await apiRequest('/me', meResponseSchema);
      expect(authorization).toBe('Bearer test-token-user-ada');
      expect(me.user.uid).toBe('user-ada');
    });

    it('drops empty query parameters', async () => {
      let url = '';
      server.use(
        http.get('/api/dashboard/stats', ({ request }) => {
          url = request.url;
          return apiError('not_found', 'x');
        }),
      );
      await expect(
        apiRequest('/stats', meResponseSchema, { query: { from: '2025-01-01', key_id: undefined, to: '' } }),
      ).rejects.toThrow();
      expect(new URL(url).search).toBe('?from=2025-01-01');
    });
  });

  describe('errors', () => {
    it('turns the API error body into a typed error with a readable message', async () => {
      server.use(http.post('/api/dashboard/keys', () => apiError('key_limit_reached', 'limit')));
      const error = await apiRequest('/keys', meResponseSchema, { method: 'POST', body: {} }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ code: 'key_limit_reached', status: 409, requestId: 'req_test' });
      expect(describeError(error)).toBe(
        'You already have 25 active keys. Revoke one you no longer use to create another.',
      );
    });

    it('reads Retry-After on rate limits', async () => {
      server.use(
        http.get('/api/dashboard/me', () =>
          HttpResponse.json(
            { error: { code: 'rate_limited', message: 'slow down' } },
            { status: 429, headers: { 'Retry-After': '12' } },
          ),
        ),
      );
      const error = await apiRequest('/me', meResponseSchema).catch((e: unknown) => e);
      expect(describeError(error)).toBe('Too many requests in a short time. Try again in 12 s.');
    });

    it('reports a network failure as such', async () => {
      server.use(http.get('/api/dashboard/me', () => HttpResponse.error()));
      const error = await apiRequest('/me', meResponseSchema).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'network_error' });
    });

    it('rejects a response that does not match the contract', async () => {
      vi.spyOn(console, 'error').mockImplementation(() => {});
      server.use(http.get('/api/dashboard/me', () => HttpResponse.json({ user: { uid: 1 } })));
      const error = await apiRequest('/me', meResponseSchema).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'invalid_response' });
      expect(console.error).toHaveBeenCalledWith('Unexpected response from /me', expect.any(Array));
    });

    it('maps a bare 502 from a proxy to "internal"', async () => {
      server.use(http.get('/api/dashboard/me', () => new HttpResponse('Bad gateway', { status: 502 })));
      const error = await apiRequest('/me', meResponseSchema).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'internal', status: 502 });
    });

    it('shows the API’s own message for an invalid request', async () => {
      server.use(
        http.patch('/api/dashboard/keys/k1', () =>
          apiError('invalid_request', 'label is at most 64 characters', 'label'),
        ),
      );
      const error = await apiRequest('/keys/k1', meResponseSchema, { method: 'PATCH', body: {} }).catch(
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ field: 'label' });
      expect(describeError(error)).toBe('Label is at most 64 characters.');
    });
  });

  describe('security', () => {
    it('refreshes an expired token once and retries', async () => {
      let calls = 0;
      server.use(
        http.get('/api/dashboard/me', () => {
          calls += 1;
          return calls === 1 ? apiError('unauthenticated', 'token expired') : HttpResponse.json(validMe());
        }),
      );
      await apiRequest('/me', meResponseSchema);
      expect(calls).toBe(2);
      expect(authCalls.forcedRefreshes).toBe(1);
    });

    it('sends nothing when signed out', async () => {
      setTestUser(null);
      const error = await apiRequest('/me', meResponseSchema).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'signed_out' });
    });
  });
});

function validMe() {
  return {
    user: {
      uid: 'user-ada',
      email: 'ada@example.com',
      display_name: 'Ada',
      photo_url: null,
      created_at: '2025-01-01T00:00:00.000Z',
      is_admin: false,
    },
    account: {
      id: 'user-ada',
      kind: 'personal',
      name: 'Ada',
      role: 'owner',
      plan_tier: 'free',
      subscription_status: null,
      current_period_end: null,
      cancel_at_period_end: false,
      has_billing_account: false,
      credits_balance: 0,
      has_credits: false,
      billing_settings: { overage: 'stop', spend_cap_cents: null },
      created_at: '2025-01-01T00:00:00.000Z',
    },
    usage: {
      period: '2025-03',
      requests: 0,
      units: 0,
      quota: 1000,
      per_minute_limit: 10,
      resets_at: '2025-04-01T00:00:00.000Z',
      active_keys: 0,
      meters: [],
      keys: [],
    },
  };
}
