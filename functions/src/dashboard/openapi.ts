/**
 * The dashboard API's OpenAPI 3.1 document, for the project's developers: every route of the
 * dashboard's table with the request schemas it checks. Its handlers declare no response
 * schemas, so answers are described by status only; the dashboard parses them with the
 * response schemas of shared/contracts.ts.
 */
import { openApiDocument, type JsonObject } from '../http/openapi.js';
import type { Route } from '../http/routes.js';
import type { ErrorCode } from '../shared/errors.js';

export const ID_TOKEN_SCHEME = 'firebaseIdToken';

const ALWAYS: readonly ErrorCode[] = [
  'unauthenticated',
  'forbidden',
  'not_found',
  'rate_limited',
  'internal',
];

function errorsOf(route: Route): ErrorCode[] {
  const input = route.input ?? {};
  return [
    ...ALWAYS,
    ...(input.query === undefined && input.body === undefined ? [] : (['invalid_request'] as const)),
    ...(input.body === undefined
      ? []
      : (['invalid_json', 'payload_too_large', 'unsupported_media_type'] as const)),
  ];
}

export function dashboardOpenApiDocument(basePath: string, routes: readonly Route[]): JsonObject {
  return openApiDocument({
    info: {
      title: 'Keymeter dashboard API',
      version: '1',
      description:
        'The API behind the dashboard (not for API callers: they use /v1). Every route needs the ' +
        'signed-in user’s Firebase ID token; routes under `/accounts/{account_id}` act for an account ' +
        'the caller is a member of, as its role allows, and the same routes without that prefix act ' +
        'for the caller’s personal account.',
    },
    securitySchemes: {
      [ID_TOKEN_SCHEME]: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'Firebase ID token',
        description: 'The signed-in user’s Firebase ID token: `Authorization: Bearer <token>`.',
      },
    },
    operations: routes.map((route) => ({
      method: route.method,
      path: `${basePath}${route.path}`,
      summary: `${route.method} ${route.path}`,
      tags: [route.path.startsWith('/accounts/:account_id') ? 'Any account' : 'Personal account and user'],
      query: route.input?.query,
      body: route.input?.body,
      security: [{ [ID_TOKEN_SCHEME]: [] }],
      success: { description: 'Done: a JSON answer, a file (the exports) or none (204).' },
      errors: errorsOf(route),
    })),
  });
}
