import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { openApiPath, type JsonObject } from '../http/openapi.js';
import { PLANS } from '../shared/plans.js';
import {
  DEMO_RATES,
  SKIES,
  convertResponseSchema,
  forecastResponseSchema,
  timeResponseSchema,
  verifyEmailsResponseSchema,
} from '../shared/v1-contracts.js';
import { conversion } from './convert.js';
import { forecast } from './forecast.js';
import { BEARER_SCHEME, HEADER_SCHEME, v1OpenApiDocument } from './openapi.js';
import { V1_ROUTES } from './routes.js';
import { currentTime } from './time.js';
import { verifyEmails } from './verify-emails.js';
import { V1_BASE_PATH } from './v1-route.js';

const document = v1OpenApiDocument(V1_ROUTES);

function object(value: unknown): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
  return value as JsonObject;
}

/** `GET /v1/time`-style names of the document's operations. */
function operationsOf(doc: JsonObject): string[] {
  return Object.entries(object(doc.paths)).flatMap(([path, item]) =>
    Object.keys(object(item)).map((method) => `${method.toUpperCase()} ${path}`),
  );
}

function operation(method: string, path: string): JsonObject {
  return object(object(object(document.paths)[path])[method]);
}

async function validate(doc: JsonObject) {
  const validator = new Validator();
  const result = await validator.validate(doc);
  return { ...result, version: validator.version };
}

describe('the /v1 OpenAPI document', () => {
  it('has exactly the routes of the table, method and path', () => {
    const fromTable = V1_ROUTES.map(
      (route) => `${route.method} ${openApiPath(`${V1_BASE_PATH}${route.path}`).path}`,
    );
    expect(fromTable).toContain('GET /v1/openapi.json');
    expect(operationsOf(document).sort()).toEqual(fromTable.sort());
  });

  it('validates as OpenAPI 3.1', async () => {
    const result = await validate(document);
    expect(result.errors).toBeUndefined();
    expect(result).toMatchObject({ valid: true, version: '3.1' });
  });

  it('is refused by the same checks when a route is missing or the document is broken', async () => {
    const paths = { ...object(document.paths) };
    delete paths['/v1/convert'];
    const fromTable = V1_ROUTES.map((route) => `${route.method} ${V1_BASE_PATH}${route.path}`);
    expect(operationsOf({ ...document, paths }).sort()).not.toEqual(fromTable.sort());

    const broken = { ...document, paths: { ...object(document.paths), '/v1/time': { get: { summary: 1 } } } };
    expect((await validate(broken)).valid).toBe(false);
  });

  it('declares both ways to send a key, on every metered route and only there', () => {
    const schemes = object(object(document.components).securitySchemes);
    expect(schemes[BEARER_SCHEME]).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(schemes[HEADER_SCHEME]).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-API-Key' });
    expect(operation('get', '/v1/time').security).toEqual([{ [BEARER_SCHEME]: [] }, { [HEADER_SCHEME]: [] }]);
    expect(operation('get', '/v1/openapi.json').security).toEqual([]);
    expect(operation('post', '/v1/keys/verify').security).toEqual([]);
  });

  it('says what a call costs, its scope, its limit headers and its error codes', () => {
    const emails = operation('post', '/v1/emails/verify');
    expect(emails['x-keymeter-scope']).toBe('read');
    expect(emails['x-keymeter-meter']).toBe('emails_verified');
    expect(emails['x-keymeter-cost']).toContain('one unit per address');
    expect(operation('get', '/v1/time')['x-keymeter-cost']).toBe('1 unit');
    expect(operation('get', '/v1/openapi.json')['x-keymeter-metered']).toBe(false);

    const responses = object(emails.responses);
    expect(Object.keys(object(object(responses['200']).headers))).toEqual(
      expect.arrayContaining([
        'X-RateLimit-Limit',
        'X-RateLimit-Reset',
        'X-Quota-Remaining',
        'X-Quota-Reset',
      ]),
    );
    expect(Object.keys(object(object(responses['429']).headers))).toContain('Retry-After');
    expect(Object.keys(responses).sort()).toEqual([
      '200',
      '400',
      '401',
      '402',
      '403',
      '413',
      '415',
      '429',
      '500',
      '503',
    ]);
    expect(JSON.stringify(responses['429'])).toContain('quota_exceeded');
    expect(String(object(document.info).description)).toContain(
      PLANS.pro.monthly_limit.toLocaleString('en-US'),
    );
  });

  it('takes its schemas from the zod schemas, so a change to them shows up in it', () => {
    const convertBody = object(
      object(object(operation('post', '/v1/convert').requestBody).content)['application/json'],
    );
    const properties = object(object(convertBody.schema).properties);
    expect(object(properties.from).enum).toEqual(Object.keys(DEMO_RATES));
    expect(object(convertBody.schema).additionalProperties).toBe(false);

    const parameters = operation('get', '/v1/forecast').parameters;
    expect(parameters).toEqual([
      expect.objectContaining({ name: 'city', in: 'query', required: true }),
      expect.objectContaining({ name: 'days', in: 'query', required: false }),
    ]);
    const day = JSON.stringify(object(operation('get', '/v1/forecast').responses)['200']);
    for (const sky of SKIES) expect(day).toContain(sky);
  });
});

describe('the /v1 handlers answer what the document says', () => {
  it('time, forecast, convert and emails parse with their response schemas', () => {
    expect(timeResponseSchema.safeParse(currentTime()).success).toBe(true);
    expect(forecastResponseSchema.safeParse(forecast({ city: 'Oslo', days: 7 })).success).toBe(true);
    expect(convertResponseSchema.safeParse(conversion({ amount: 5, from: 'GBP', to: 'JPY' })).success).toBe(
      true,
    );
    const emails = verifyEmails({ emails: ['a@example.com', 'A@example.com ', 'x@yopmail.com', 'nope'] });
    expect(verifyEmailsResponseSchema.safeParse(emails).success).toBe(true);
    expect(emails.units).toBe(3);
  });
});
