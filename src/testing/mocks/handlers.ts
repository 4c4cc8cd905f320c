import { http, HttpResponse, type JsonBodyType } from 'msw';
import type { z } from 'zod';
import {
  MAX_ACTIVE_KEYS_PER_ACCOUNT,
  USAGE_EXPORT_COLUMNS,
  checkoutRequestSchema,
  createKeyRequestSchema,
  createKeyResponseSchema,
  keyResponseSchema,
  listKeysResponseSchema,
  recentUsageQuerySchema,
  recentUsageResponseSchema,
  redirectResponseSchema,
  rollKeyRequestSchema,
  rollKeyResponseSchema,
  NO_INTEGRATION,
  onboardingResponseSchema,
  statsQuerySchema,
  updateKeyRequestSchema,
  updateOnboardingRequestSchema,
  creditAdjustmentRequestSchema,
  creditAdjustmentResponseSchema,
} from '@shared/contracts';
import { addDays } from '@shared/dates';
import { errorBodySchema, ERROR_STATUS, type ErrorCode } from '@shared/errors';
import {
  buildAccountExport,
  buildAdminStats,
  buildKey,
  buildMe,
  buildOnboarding,
  buildSecret,
  buildStats,
  buildSummary,
  db,
  findAccount,
  keysOf,
} from '@/testing/mocks/db';
import type { AccountSummary, ApiKey, StatsQuery } from '@shared/contracts';
import { can } from '@shared/roles';

const API = '/api/dashboard';

/** Every request the handlers answered, for tests that check what the dashboard sent. */
export const apiLog: { method: string; path: string; query: Record<string, string>; body: unknown }[] = [];

export function apiError(code: ErrorCode, message: string, field?: string) {
  const body = errorBodySchema.parse({
    error: { code, message, request_id: 'req_test', ...(field ? { field } : {}) },
  });
  return HttpResponse.json(body, { status: ERROR_STATUS[code] });
}

function respond<Schema extends z.ZodType>(schema: Schema, data: z.input<Schema>, status = 200) {
  return HttpResponse.json(schema.parse(data) as JsonBodyType, { status });
}

async function record(request: Request): Promise<{ query: Record<string, string>; body: unknown }> {
  const url = new URL(request.url);
  const query = Object.fromEntries(url.searchParams);
  const text = request.method === 'GET' ? '' : await request.clone().text();
  const body: unknown = text ? JSON.parse(text) : undefined;
  apiLog.push({ method: request.method, path: url.pathname.slice(API.length), query, body });
  return { query, body };
}

function authorised(request: Request): boolean {
  return /^Bearer test-token-.+/.test(request.headers.get('Authorization') ?? '');
}

/** Wraps a handler with the dashboard API's token check and request logging. */
export function route(
  handle: (input: {
    request: Request;
    params: Record<string, string>;
    query: Record<string, string>;
    body: unknown;
  }) => Response | Promise<Response>,
) {
  return async ({
    request,
    params,
  }: {
    request: Request;
    params: Record<string, string | readonly string[] | undefined>;
  }) => {
    const { query, body } = await record(request);
    if (!authorised(request)) return apiError('unauthenticated', 'missing or invalid ID token');
    const stringParams = Object.fromEntries(
      Object.entries(params).map(([name, value]) => [name, String(value)]),
    );
    return handle({ request, params: stringParams, query, body });
  };
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * An account-scoped route mounted as the API mounts it: unprefixed for the personal account and
 * under `/accounts/:accountId` for any account the user belongs to (404 for any other).
 */
export function accountRoute(
  method: Method,
  path: string,
  handle: (input: {
    request: Request;
    params: Record<string, string>;
    query: Record<string, string>;
    body: unknown;
    account: AccountSummary;
  }) => Response | Promise<Response>,
) {
  const resolver = route((input) => {
    const account = findAccount(input.params.accountId);
    if (!account) return apiError('not_found', 'No such account.');
    return handle({ ...input, account });
  });
  return [
    http[method](`${API}${path}`, resolver),
    http[method](`${API}/accounts/:accountId${path}`, resolver),
  ];
}

function invalid(error: z.ZodError) {
  const issue = error.issues[0];
  return apiError(
    'invalid_request',
    issue?.message ?? 'invalid request',
    issue ? issue.path.join('.') : undefined,
  );
}

function findKey(account: AccountSummary, id: string) {
  return keysOf(account).find((key) => key.id === id);
}

/** The account's keys whose calls a stats or export filter counts. */
function filteredKeys(account: AccountSummary, query: StatsQuery): ApiKey[] {
  return keysOf(account).filter(
    (key) =>
      (query.key_id === undefined || key.id === query.key_id) &&
      (query.integration === undefined || (key.integration ?? NO_INTEGRATION) === query.integration),
  );
}

export const handlers = [
  http.get(
    `${API}/me`,
    route(() => HttpResponse.json(buildMe())),
  ),

  ...accountRoute('get', '/summary', ({ account }) => HttpResponse.json(buildSummary(account))),

  ...accountRoute('get', '/keys', ({ account }) =>
    respond(listKeysResponseSchema, { keys: keysOf(account) }),
  ),

  ...accountRoute('post', '/keys', ({ body, account }) => {
    const parsed = createKeyRequestSchema.safeParse(body);
    if (!parsed.success) return invalid(parsed.error);
    const active = keysOf(account).filter(
      (key) => key.status === 'active' || key.status === 'expiring',
    ).length;
    if (active >= MAX_ACTIVE_KEYS_PER_ACCOUNT) return apiError('key_limit_reached', 'too many active keys');
    const secret = buildSecret();
    const key = buildKey({
      account_id: account.id,
      label: parsed.data.label,
      scopes: parsed.data.scopes,
      key_prefix: secret.slice(0, 12),
      key_hint: secret.slice(-4),
      created_at: new Date().toISOString(),
      integration: parsed.data.integration ?? null,
      // An empty object is no metadata, as the API stores it.
      metadata:
        parsed.data.metadata && Object.keys(parsed.data.metadata).length > 0 ? parsed.data.metadata : null,
      expires_at: parsed.data.expires_in_days
        ? new Date(Date.now() + parsed.data.expires_in_days * 86_400_000).toISOString()
        : null,
    });
    db.keys.push(key);
    db.secrets.set(key.id, secret);
    return respond(createKeyResponseSchema, { key, secret }, 201);
  }),

  ...accountRoute('patch', '/keys/:id', ({ params, body, account }) => {
    const key = findKey(account, params.id ?? '');
    if (!key) return apiError('not_found', 'no such key');
    const parsed = updateKeyRequestSchema.safeParse(body);
    if (!parsed.success) return invalid(parsed.error);
    // Absent fields stay as they are; a null cap is removed, as is null or empty metadata.
    const { label, cap_monthly, cap_per_minute, metadata } = parsed.data;
    if (label !== undefined) key.label = label;
    if (metadata !== undefined) key.metadata = metadata && Object.keys(metadata).length > 0 ? metadata : null;
    if (cap_monthly !== undefined) key.cap_monthly = cap_monthly;
    if (cap_per_minute !== undefined) key.cap_per_minute = cap_per_minute;
    return respond(keyResponseSchema, { key });
  }),

  ...accountRoute('post', '/keys/:id/revoke', ({ params, account }) => {
    const key = findKey(account, params.id ?? '');
    if (!key) return apiError('not_found', 'no such key');
    key.status = 'revoked';
    key.revoked_at = new Date().toISOString();
    return respond(keyResponseSchema, { key });
  }),

  ...accountRoute('post', '/keys/:id/roll', ({ params, body, account }) => {
    const previous = findKey(account, params.id ?? '');
    if (!previous) return apiError('not_found', 'no such key');
    const parsed = rollKeyRequestSchema.safeParse(body ?? {});
    if (!parsed.success) return invalid(parsed.error);
    const secret = buildSecret();
    const key = buildKey({
      account_id: account.id,
      label: previous.label,
      scopes: previous.scopes,
      // A successor keeps its predecessor's caps (they share one budget), integration and metadata.
      cap_monthly: previous.cap_monthly,
      cap_per_minute: previous.cap_per_minute,
      integration: previous.integration,
      metadata: previous.metadata,
      key_prefix: secret.slice(0, 12),
      key_hint: secret.slice(-4),
      created_at: new Date().toISOString(),
    });
    previous.expires_at = new Date(Date.now() + parsed.data.grace_period_hours * 3_600_000).toISOString();
    previous.status = parsed.data.grace_period_hours === 0 ? 'expired' : 'expiring';
    db.keys.push(key);
    return respond(rollKeyResponseSchema, { key, secret, previous });
  }),

  ...accountRoute('get', '/stats', ({ query, account }) => {
    const parsed = statsQuerySchema.safeParse(query);
    if (!parsed.success) return invalid(parsed.error);
    return HttpResponse.json(buildStats(parsed.data, filteredKeys(account, parsed.data)));
  }),

  ...accountRoute('get', '/usage/recent', ({ query, account }) => {
    const parsed = recentUsageQuerySchema.safeParse(query);
    if (!parsed.success) return invalid(parsed.error);
    const ids = new Set(keysOf(account).map((key) => key.id));
    const events = db.events
      .filter((event) => ids.has(event.key_id))
      .filter((event) => parsed.data.key_id === undefined || event.key_id === parsed.data.key_id)
      .sort((a, b) => b.at.localeCompare(a.at));
    return respond(recentUsageResponseSchema, { events });
  }),

  ...accountRoute('get', '/usage/export', ({ query, account }) => {
    const parsed = statsQuerySchema.safeParse(query);
    if (!parsed.success) return invalid(parsed.error);
    const rows = filteredKeys(account, parsed.data).map((key) =>
      [parsed.data.to, key.id, key.label, key.integration ?? '', '10', '1', '50.0'].join(','),
    );
    const csv = [USAGE_EXPORT_COLUMNS.join(','), ...rows].join('\n');
    return new HttpResponse(csv, {
      headers: {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="usage-${parsed.data.from}-${parsed.data.to}.csv"`,
      },
    });
  }),

  ...accountRoute('get', '/onboarding', ({ account }) =>
    respond(onboardingResponseSchema, buildOnboarding(account)),
  ),

  ...accountRoute('patch', '/onboarding', ({ body, account }) => {
    const parsed = updateOnboardingRequestSchema.safeParse(body);
    if (!parsed.success) return invalid(parsed.error);
    if (parsed.data.stay_on_free && !can(account.role, 'manage_billing'))
      return apiError('forbidden', 'this role does not choose the plan');
    if (parsed.data.dismissed !== undefined) db.onboarding.dismissed = parsed.data.dismissed;
    if (parsed.data.stay_on_free) db.onboarding.stayed_on_free = true;
    return respond(onboardingResponseSchema, buildOnboarding(account));
  }),

  http.get(
    `${API}/me/export`,
    route(() => HttpResponse.json(buildAccountExport())),
  ),

  http.delete(
    `${API}/me`,
    route(() => {
      db.keys = [];
      return new HttpResponse(null, { status: 204 });
    }),
  ),

  http.get(
    `${API}/admin/stats`,
    route(() =>
      db.profile.is_admin ? HttpResponse.json(buildAdminStats()) : apiError('forbidden', 'admin only'),
    ),
  ),

  http.post(
    `${API}/admin/accounts/:accountId/credits/adjustments`,
    route(({ params, body }) => {
      const parsed = creditAdjustmentRequestSchema.safeParse(body);
      if (!parsed.success) return invalid(parsed.error);
      if (!db.profile.is_admin) return apiError('forbidden', 'admin only');
      if (params.accountId !== db.account.id) return apiError('not_found', 'No such account.');
      const balance = db.account.credits_balance + parsed.data.units;
      if (balance < 0)
        return apiError('conflict', `The balance is ${db.account.credits_balance} units.`, 'units');
      db.account.credits_balance = balance;
      return respond(
        creditAdjustmentResponseSchema,
        {
          entry: {
            id: `adjustment_${parsed.data.id}`,
            kind: 'adjustment',
            units: parsed.data.units,
            at: new Date().toISOString(),
            date: null,
            amount_cents: null,
            reason: parsed.data.reason,
          },
          balance,
          applied: true,
        },
        201,
      );
    }),
  ),

  http.post(
    `${API}/billing/checkout`,
    route(({ body }) => {
      const parsed = checkoutRequestSchema.safeParse(body);
      if (!parsed.success) return invalid(parsed.error);
      if (db.account.plan_tier === parsed.data.plan) return apiError('already_on_plan', 'already on it');
      if (db.account.plan_tier !== 'free') return apiError('already_subscribed', 'use the portal');
      return respond(redirectResponseSchema, {
        url: `https://checkout.stripe.test/session/${parsed.data.plan}`,
      });
    }),
  ),

  http.post(
    `${API}/billing/portal`,
    route(() =>
      db.account.has_billing_account
        ? respond(redirectResponseSchema, { url: 'https://billing.stripe.test/portal' })
        : apiError('no_billing_account', 'no Stripe customer yet'),
    ),
  ),
];

/** For tests that need a date the API would accept as a range end. */
export function daysAgo(days: number): string {
  return addDays(new Date().toISOString().slice(0, 10), -days);
}
