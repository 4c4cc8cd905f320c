import { Validator } from '@seriousme/openapi-schema-validator';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_USAGE_EVENTS } from '../lib/collections.js';
import {
  adminDb,
  clearEmulators,
  createTestUser,
  HOSTING_URL,
  json,
  waitForQuery,
} from '../test-support/emulators.js';
import { insertKey } from '../test-support/fixtures.js';
import { V1_ROUTES } from './routes.js';

beforeAll(async () => {
  await clearEmulators();
});

type Document = { openapi: string; paths: Record<string, Record<string, unknown>> };

describe('GET /v1/openapi.json through Hosting', () => {
  it('answers 200 without a key: a valid OpenAPI 3.1 document of every route, cacheable', async () => {
    const response = await fetch(`${HOSTING_URL}/v1/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const etag = response.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);

    const document = await json<Document>(response);
    expect(document.openapi).toBe('3.1.0');
    for (const route of V1_ROUTES)
      expect(document.paths[`/v1${route.path}`]).toHaveProperty(route.method.toLowerCase());
    const validator = new Validator();
    expect(await validator.validate(document)).toEqual({ valid: true });
    expect(validator.version).toBe('3.1');

    const again = await fetch(`${HOSTING_URL}/v1/openapi.json`, { headers: { 'if-none-match': etag ?? '' } });
    expect(again.status).toBe(304);
  });

  it('records no usage, even when a key is sent with it', async () => {
    const user = await createTestUser();
    const key = await insertKey(user.uid);
    const headers = { authorization: `Bearer ${key.secret}` };
    const document = await fetch(`${HOSTING_URL}/v1/openapi.json`, { headers });
    expect(document.status).toBe(200);
    // No rate or quota headers: the key was neither checked nor charged.
    expect(document.headers.get('x-quota-remaining')).toBeNull();

    // A metered call after it, with the same key on the same instance: its batch holds every call
    // the instance recorded for the key before it, so the document's would be there too.
    const time = await fetch(`${HOSTING_URL}/v1/time`, { headers });
    expect(time.status).toBe(200);
    expect(time.headers.get('x-quota-remaining')).toBe(String(Number(time.headers.get('x-quota-limit')) - 1));
    const batches = await waitForQuery(
      adminDb().collection(API_USAGE_EVENTS).where('key_id', '==', key.id),
      (docs) => docs.some((doc) => JSON.stringify(doc.get('calls')).includes('GET /v1/time')),
    );
    const endpoints = batches.flatMap((doc) =>
      (doc.get('calls') as { endpoint: string }[]).map((call) => call.endpoint),
    );
    expect(endpoints).toEqual(['GET /v1/time']);
  });
});

describe('GET /api/dashboard/openapi.json through Hosting', () => {
  it('answers 200 without an ID token, while the routes it describes still need one', async () => {
    const response = await fetch(`${HOSTING_URL}/api/dashboard/openapi.json`);
    expect(response.status).toBe(200);
    const document = await json<Document>(response);
    expect(document.paths['/api/dashboard/keys']).toHaveProperty('post');
    expect(await new Validator().validate(document)).toEqual({ valid: true });
    expect((await fetch(`${HOSTING_URL}/api/dashboard/keys`)).status).toBe(401);
  });
});
