/**
 * The `/v1` API's OpenAPI 3.1 document, from its route table: paths, schemas, the key's two
 * ways in, the limit headers, each route's scope, cost and error codes, and the plan table.
 */
import { openApiDocument, type JsonObject, type OpenApiOperation } from '../http/openapi.js';
import { METER_LABELS, PLAN_TIERS, PLANS } from '../shared/plans.js';
import type { ErrorCode } from '../shared/errors.js';
import { V1_BASE_PATH, type V1Route } from './v1-route.js';

export const BEARER_SCHEME = 'bearerAuth';
export const HEADER_SCHEME = 'apiKeyHeader';

const LIMIT_HEADERS = [
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
  'X-Quota-Limit',
  'X-Quota-Remaining',
  'X-Quota-Reset',
] as const;

const integerHeader = (description: string): JsonObject => ({
  description,
  schema: { type: 'integer', minimum: 0 },
});

const HEADERS: Record<string, JsonObject> = {
  'X-RateLimit-Limit': integerHeader(
    'Calls allowed in the current UTC minute (the tighter of the account’s and the key’s).',
  ),
  'X-RateLimit-Remaining': integerHeader('Calls left in the current minute, as this instance sees it.'),
  'X-RateLimit-Reset': integerHeader('When the minute ends, in Unix seconds.'),
  'X-Quota-Limit': integerHeader(
    'Units the plan includes this month (UTC), or the key’s monthly cap if tighter.',
  ),
  'X-Quota-Remaining': integerHeader('Units left this month, as this instance sees it.'),
  'X-Quota-Reset': integerHeader('When the month ends, in Unix seconds.'),
  'Retry-After': integerHeader('Seconds to wait before trying again.'),
  'X-Request-Id': { description: 'This request’s id; error bodies repeat it.', schema: { type: 'string' } },
};

const KEY_ERRORS: readonly ErrorCode[] = [
  'api_key_in_query',
  'missing_api_key',
  'malformed_api_key',
  'unknown_api_key',
  'revoked_api_key',
  'expired_api_key',
  'insufficient_credits',
  'spend_cap_reached',
  'insufficient_scope',
  'rate_limited',
  'quota_exceeded',
  'unavailable',
];

function inputErrors(route: V1Route): ErrorCode[] {
  const { query, body } = route.request;
  return [
    ...(query === undefined && body === undefined ? [] : (['invalid_request'] as const)),
    ...(body === undefined ? [] : (['invalid_json', 'payload_too_large', 'unsupported_media_type'] as const)),
  ];
}

function errorsOf(route: V1Route): ErrorCode[] {
  switch (route.access.kind) {
    case 'api_key':
      return [...KEY_ERRORS, ...inputErrors(route), 'internal'];
    case 'key_in_body':
      return ['api_key_in_query', ...inputErrors(route), 'internal'];
    case 'public':
      return ['internal'];
  }
}

function meteredErrorHeaders(status: number): readonly string[] {
  if (status === 429) return [...LIMIT_HEADERS, 'Retry-After', 'X-Request-Id'];
  if (status === 503) return ['Retry-After', 'X-Request-Id'];
  if (status === 402) return [...LIMIT_HEADERS, 'X-Request-Id'];
  return ['X-Request-Id'];
}

function accessInWords(route: V1Route): string {
  const access = route.access;
  switch (access.kind) {
    case 'api_key': {
      const meter =
        access.meter === undefined ? '' : ` Its units also count on the \`${access.meter}\` meter.`;
      return `**Scope** \`${access.scope}\`. **Cost** ${access.cost}.${meter}`;
    }
    case 'key_in_body':
      return 'No key in the headers: the key to check is in the body, and the call is metered against it.';
    case 'public':
      return 'Public: no key, and not metered.';
  }
}

function extensionsOf(route: V1Route): Record<`x-${string}`, unknown> {
  const access = route.access;
  if (access.kind !== 'api_key') return { 'x-keymeter-metered': access.kind === 'key_in_body' };
  return {
    'x-keymeter-metered': true,
    'x-keymeter-scope': access.scope,
    'x-keymeter-cost': access.cost,
    ...(access.meter === undefined ? {} : { 'x-keymeter-meter': access.meter }),
  };
}

function operationOf(route: V1Route): OpenApiOperation {
  const keyed = route.access.kind === 'api_key';
  return {
    method: route.method,
    path: `${V1_BASE_PATH}${route.path}`,
    summary: route.summary,
    description: `${route.description}\n\n${accessInWords(route)}`,
    tags: [keyed ? 'Endpoints' : route.access.kind === 'key_in_body' ? 'Keys' : 'Reference'],
    query: route.request.query,
    body: route.request.body,
    security: keyed ? [{ [BEARER_SCHEME]: [] }, { [HEADER_SCHEME]: [] }] : [],
    success: {
      description: 'OK',
      body: route.response,
      headers: keyed ? [...LIMIT_HEADERS, 'X-Request-Id'] : ['X-Request-Id'],
    },
    errors: errorsOf(route),
    errorHeaders: keyed ? meteredErrorHeaders : () => ['X-Request-Id'],
    extensions: extensionsOf(route),
  };
}

const number = (value: number) => value.toLocaleString('en-US');

function plansTable(): string {
  const meters = Object.entries(METER_LABELS);
  const header = [
    'plan',
    'units per month',
    'calls per minute',
    ...meters.map(([, label]) => `${label} per month`),
  ];
  const rows = PLAN_TIERS.map((tier) => {
    const plan = PLANS[tier];
    return [
      plan.name,
      number(plan.monthly_limit),
      number(plan.per_minute_limit),
      ...meters.map(([meter]) => {
        const limit = plan.meters[meter as keyof typeof METER_LABELS];
        return limit === undefined ? 'unlimited' : number(limit.monthly);
      }),
    ];
  });
  return [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

function description(): string {
  return [
    'The metered Keymeter API. Every call needs an API key (`sk_live_…`, made on the dashboard’s',
    'Keys page), sent as `Authorization: Bearer sk_live_…` or `X-API-Key: sk_live_…`; a key in the',
    'URL is refused (proxies and servers log URLs).',
    '',
    '**Units and limits.** Quotas count units, per-minute limits count calls. A call costs 1 unit',
    'unless its route says otherwise (`x-keymeter-cost`); refused calls cost nothing. Limits are the',
    'account’s, shared by all its keys (a key may have tighter caps of its own):',
    '',
    plansTable(),
    '',
    'Every answer to a real key carries `X-RateLimit-*` (this minute) and `X-Quota-*` (this month) of',
    'whichever limit has less left; a refusal for a limit is 429 with `Retry-After`. Errors are',
    '`{"error": {"code", "message", "request_id"}}` with a stable `code`.',
  ].join('\n');
}

export function v1OpenApiDocument(routes: readonly V1Route[]): JsonObject {
  return openApiDocument({
    info: { title: 'Keymeter API', version: '1', description: description() },
    tags: [
      { name: 'Endpoints', description: 'Metered: each call needs a key with the route’s scope.' },
      { name: 'Keys', description: 'For services that put Keymeter in front of their own API.' },
      { name: 'Reference', description: 'Public and unmetered.' },
    ],
    securitySchemes: {
      [BEARER_SCHEME]: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'sk_live_…',
        description: 'Your API key as a bearer token: `Authorization: Bearer sk_live_…`.',
      },
      [HEADER_SCHEME]: {
        type: 'apiKey',
        in: 'header',
        name: 'X-API-Key',
        description: 'Your API key in its own header: `X-API-Key: sk_live_…`.',
      },
    },
    headers: HEADERS,
    operations: routes.map(operationOf),
  });
}
