import { beforeAll, describe, expect, it } from 'vitest';
import { API_KEYS, API_USAGE_DAILY, dailyDocId } from '../lib/collections.js';
import { errorBodySchema } from '../shared/errors.js';
import { periodEnd, utcDate, utcPeriod } from '../shared/dates.js';
import {
  apiCall,
  adminDb,
  clearEmulators,
  createTestUser,
  dashboardCall,
  HOSTING_URL,
  json,
  waitForDoc,
} from '../test-support/emulators.js';
import { insertKey, setAccountLimits } from '../test-support/fixtures.js';
import { generateApiKey } from '../keys/key-format.js';

beforeAll(async () => {
  await clearEmulators();
});

async function errorOf(response: Response) {
  return errorBodySchema.parse(await json(response)).error;
}

const LIMIT_HEADERS = [
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'x-quota-limit',
  'x-quota-remaining',
  'x-quota-reset',
];

describe('/v1: happy path', () => {
  it('serves the demo endpoints with limit headers on every response', async () => {
    const user = await createTestUser();
    await setAccountLimits(user.uid, { monthly: 1_000, per_minute: 10 });
    const key = await insertKey(user.uid);

    const time = await apiCall(key.secret, '/time');
    expect(time.status).toBe(200);
    for (const header of LIMIT_HEADERS) expect(time.headers.get(header)).toMatch(/^\d+$/);
    expect(time.headers.get('x-ratelimit-limit')).toBe('10');
    expect(time.headers.get('x-ratelimit-remaining')).toBe('9');
    expect(time.headers.get('x-quota-limit')).toBe('1000');
    expect(time.headers.get('x-quota-remaining')).toBe('999');
    expect(Number(time.headers.get('x-quota-reset'))).toBe(periodEnd(utcPeriod(new Date())).getTime() / 1000);

    const forecast = await fetch(`${HOSTING_URL}/v1/forecast?city=Lisbon&days=2`, {
      headers: { 'x-api-key': key.secret },
    });
    expect(forecast.status).toBe(200);
    const body = await json<{ city: string; days: unknown[] }>(forecast);
    expect(body.city).toBe('Lisbon');
    expect(body.days).toHaveLength(2);

    const convert = await apiCall(key.secret, '/convert', {
      method: 'POST',
      body: { amount: 100, from: 'USD', to: 'EUR' },
    });
    expect(convert.status).toBe(200);
    expect(await json(convert)).toMatchObject({ rate: 0.92, result: 92 });
    expect(convert.headers.get('x-ratelimit-remaining')).toBe('7');
  });
});

describe('/v1: refusals', () => {
  it('gives missing, malformed and unknown keys distinct 401 codes', async () => {
    const missing = await apiCall(null, '/time');
    expect(missing.status).toBe(401);
    expect((await errorOf(missing)).code).toBe('missing_api_key');

    const malformed = await apiCall('sk_live_notarealkey', '/time');
    expect(malformed.status).toBe(401);
    expect((await errorOf(malformed)).code).toBe('malformed_api_key');

    const unknown = await apiCall(generateApiKey(), '/time');
    expect(unknown.status).toBe(401);
    const error = await errorOf(unknown);
    expect(error.code).toBe('unknown_api_key');
    expect(error.request_id).toMatch(/^req_/);
    expect(unknown.headers.get('x-ratelimit-limit')).toBeNull();
  });

  it('refuses revoked and expired keys with their own codes', async () => {
    const user = await createTestUser();
    const revoked = await insertKey(user.uid, { revoked: true });
    const expired = await insertKey(user.uid, { expiresAt: new Date(Date.now() - 60_000) });
    const revokedResponse = await apiCall(revoked.secret, '/time');
    expect(revokedResponse.status).toBe(401);
    expect((await errorOf(revokedResponse)).code).toBe('revoked_api_key');
    const expiredResponse = await apiCall(expired.secret, '/time');
    expect(expiredResponse.status).toBe(401);
    expect((await errorOf(expiredResponse)).code).toBe('expired_api_key');
  });

  it('refuses a key without the endpoint’s scope with 403', async () => {
    const user = await createTestUser();
    const key = await insertKey(user.uid, { scopes: ['read'] });
    const response = await apiCall(key.secret, '/convert', {
      method: 'POST',
      body: { amount: 1, from: 'USD', to: 'EUR' },
    });
    expect(response.status).toBe(403);
    expect((await errorOf(response)).code).toBe('insufficient_scope');
    expect(response.headers.get('x-ratelimit-remaining')).toBe(response.headers.get('x-ratelimit-limit'));
  });

  it('refuses a key in the query string with an explanation and never echoes it', async () => {
    const user = await createTestUser();
    const key = await insertKey(user.uid);
    const response = await fetch(`${HOSTING_URL}/v1/time?api_key=${key.secret}`);
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).not.toContain(key.secret);
    const error = errorBodySchema.parse(JSON.parse(text)).error;
    expect(error.code).toBe('api_key_in_query');
    expect(error.message).toMatch(/Authorization/);
  });

  it('validates endpoint input with 400 naming the field, still metering the call', async () => {
    const user = await createTestUser();
    const key = await insertKey(user.uid);
    const response = await apiCall(key.secret, '/forecast?city=Lisbon&days=9');
    expect(response.status).toBe(400);
    expect((await errorOf(response)).field).toBe('query.days');
    expect(response.headers.get('x-ratelimit-remaining')).not.toBeNull();
  });

  it('answers 404 for unknown /v1 routes and 405 for the wrong method', async () => {
    expect((await apiCall(null, '/nope')).status).toBe(404);
    const wrong = await apiCall(null, '/time', { method: 'POST', body: {} });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('/v1: limits', () => {
  it('answers 429 rate_limited with Retry-After and limit headers after the per-minute limit', async () => {
    const user = await createTestUser();
    await setAccountLimits(user.uid, { monthly: 1_000, per_minute: 5 });
    const key = await insertKey(user.uid);
    for (let i = 1; i <= 5; i += 1) {
      const response = await apiCall(key.secret, '/time');
      expect(response.status).toBe(200);
      expect(response.headers.get('x-ratelimit-remaining')).toBe(String(5 - i));
    }
    const limited = await apiCall(key.secret, '/time');
    expect(limited.status).toBe(429);
    expect(await errorOf(limited)).toMatchObject({ code: 'rate_limited', limit: 'account' });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.headers.get('x-ratelimit-limit')).toBe('5');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    const reset = Number(limited.headers.get('x-ratelimit-reset'));
    expect(Math.abs(reset - (Math.ceil(Date.now() / 1000) + retryAfter))).toBeLessThanOrEqual(2);
  });

  it('answers 429 quota_exceeded with Retry-After until the period ends, once the month is used', async () => {
    const user = await createTestUser();
    const period = utcPeriod(new Date());
    await setAccountLimits(user.uid, { monthly: 10, per_minute: 600 });
    const key = await insertKey(user.uid);
    for (let used = 1; used <= 8; used += 1) expect((await apiCall(key.secret, '/time')).status).toBe(200);
    expect((await apiCall(key.secret, '/time')).headers.get('x-quota-remaining')).toBe('1');
    expect((await apiCall(key.secret, '/time')).headers.get('x-quota-remaining')).toBe('0');
    const refused = await apiCall(key.secret, '/time');
    expect(refused.status).toBe(429);
    expect(await errorOf(refused)).toMatchObject({ code: 'quota_exceeded', limit: 'account' });
    expect(refused.headers.get('x-quota-limit')).toBe('10');
    expect(refused.headers.get('x-quota-remaining')).toBe('0');
    const untilReset = (periodEnd(period).getTime() - Date.now()) / 1000;
    expect(Math.abs(Number(refused.headers.get('retry-after')) - untilReset)).toBeLessThan(5);

    // Refused calls are recorded but not billed: the key's counter ends at exactly the limit.
    const stored = await waitForDoc(
      adminDb().collection(API_KEYS).doc(key.id),
      (data) => data?.monthly_usage === 10,
    );
    expect(stored).toMatchObject({ monthly_usage: 10, usage_period: period });
  });
});

describe('calls that cost more than one unit', () => {
  it('charges POST /v1/emails/verify one unit per distinct address, and the aggregates keep calls and units', async () => {
    const user = await createTestUser();
    await setAccountLimits(user.uid, { monthly: 10, per_minute: 60 });
    const key = await insertKey(user.uid);
    const verify = (emails: string[]) =>
      apiCall(key.secret, '/emails/verify', { method: 'POST', body: { emails } });

    // Four sent, three distinct: four reserved, three charged, one given back.
    const first = await verify(['a@example.com', 'A@example.com', 'b@mailinator.com', 'not-an-email']);
    expect(first.status).toBe(200);
    expect(await json(first)).toMatchObject({
      units: 3,
      results: [
        { email: 'a@example.com', result: 'valid' },
        { email: 'b@mailinator.com', result: 'disposable' },
        { email: 'not-an-email', result: 'invalid_syntax' },
      ],
    });
    expect(first.headers.get('x-quota-remaining')).toBe('7');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('59');

    // Eight addresses cannot be reserved from the seven left: refused before any work.
    const tooMany = await verify(Array.from({ length: 8 }, (_, i) => `u${i}@example.com`));
    expect(tooMany.status).toBe(429);
    expect(await errorOf(tooMany)).toMatchObject({ code: 'quota_exceeded', limit: 'account' });
    // A malformed body costs nothing, once the key has passed.
    const malformed = await apiCall(key.secret, '/emails/verify', { method: 'POST', body: { emails: [] } });
    expect(malformed.status).toBe(400);
    expect((await errorOf(malformed)).field).toBe('emails');
    const exact = await verify(Array.from({ length: 7 }, (_, i) => `u${i}@example.com`));
    expect(exact.status).toBe(200);
    expect(exact.headers.get('x-quota-remaining')).toBe('0');

    const stored = await waitForDoc(
      adminDb().collection(API_KEYS).doc(key.id),
      (data) => data?.monthly_usage === 10,
    );
    expect(stored.monthly_usage).toBe(10);
    const day = await waitForDoc(
      adminDb()
        .collection(API_USAGE_DAILY)
        .doc(dailyDocId(user.uid, utcDate(new Date()))),
      (data) => data?.total_requests === 4,
    );
    expect(day).toMatchObject({ total_requests: 4, total_units: 10 });
    expect(day.key_stats[key.id]).toMatchObject({ requests: 4, units: 10 });
  });
});

describe('named meters', () => {
  it("limits emails_verified on its own: its limit refuses emails while the account's other calls go on", async () => {
    const user = await createTestUser();
    await setAccountLimits(user.uid, {
      monthly: 1_000,
      per_minute: 600,
      meters: { emails_verified: { monthly: 5 } },
    });
    const key = await insertKey(user.uid);
    const verify = (emails: string[]) =>
      apiCall(key.secret, '/emails/verify', { method: 'POST', body: { emails } });
    expect((await verify(['a@example.com', 'b@example.com', 'c@example.com'])).status).toBe(200);
    const over = await verify(['d@example.com', 'e@example.com', 'f@example.com']);
    expect(over.status).toBe(429);
    const error = await errorOf(over);
    expect(error).toMatchObject({ code: 'quota_exceeded', limit: 'account' });
    expect(error.message).toContain('emails_verified');
    // Refused by the meter, the call spent none of the account's units.
    expect(over.headers.get('x-quota-remaining')).toBe('997');
    expect((await verify(['d@example.com', 'e@example.com'])).status).toBe(200);
    expect((await apiCall(key.secret, '/time')).status).toBe(200);

    const day = await waitForDoc(
      adminDb()
        .collection(API_USAGE_DAILY)
        .doc(dailyDocId(user.uid, utcDate(new Date()))),
      (data) => data?.total_requests === 4,
    );
    expect(day).toMatchObject({ total_units: 6, meter_units: { emails_verified: 5 } });
    const summary = await json<{ usage: { meters: unknown[] } }>(await dashboardCall(user, '/summary'));
    expect(summary.usage.meters).toEqual([
      { meter: 'emails_verified', label: 'Emails verified', used: 5, monthly: 5, per_minute: null },
    ]);
  });
});

describe('POST /v1/keys/verify', () => {
  it('spends the given cost, and a cost of 0 passes an exhausted quota but still counts the call', async () => {
    const user = await createTestUser();
    await setAccountLimits(user.uid, { monthly: 5, per_minute: 60 });
    const key = await insertKey(user.uid);
    const verify = (cost?: number) =>
      apiCall(null, '/keys/verify', {
        method: 'POST',
        body: { key: key.secret, ...(cost === undefined ? {} : { cost }) },
      });
    expect(await json(await verify(4))).toMatchObject({ valid: true, units: 4, quota: { remaining: 1 } });
    expect(await json(await verify(2))).toMatchObject({ valid: false, code: 'quota_exceeded', units: 0 });
    expect(await json(await verify())).toMatchObject({ valid: true, units: 1, quota: { remaining: 0 } });
    expect(await json(await verify(0))).toMatchObject({
      valid: true,
      units: 0,
      ratelimit: { remaining: 57 },
    });
    const tooDear = await apiCall(null, '/keys/verify', {
      method: 'POST',
      body: { key: key.secret, cost: 10_001 },
    });
    expect(tooDear.status).toBe(400);
    expect((await errorOf(tooDear)).field).toBe('cost');
  });

  it('verifies a key and meters the call under the given endpoint', async () => {
    const user = await createTestUser();
    await setAccountLimits(user.uid, { monthly: 100, per_minute: 60 });
    const key = await insertKey(user.uid, { scopes: ['read'] });
    const response = await apiCall(null, '/keys/verify', {
      method: 'POST',
      body: { key: key.secret, endpoint: 'GET /orders', scopes: ['read'] },
    });
    expect(response.status).toBe(200);
    const body = await json<Record<string, unknown>>(response);
    expect(body).toMatchObject({
      valid: true,
      code: 'valid',
      key_id: key.id,
      owner: user.uid,
      scopes: ['read'],
      ratelimit: { limit: 60, remaining: 59 },
      quota: { limit: 100, remaining: 99 },
    });
    expect(JSON.stringify(body)).not.toContain(key.secret);
  });

  it('answers 200 with valid:false and the reason for refused keys', async () => {
    const user = await createTestUser();
    const key = await insertKey(user.uid, { scopes: ['read'] });
    const revoked = await insertKey(user.uid, { revoked: true });
    const cases: [string, string[] | undefined, string][] = [
      [key.secret, ['write'], 'insufficient_scope'],
      [revoked.secret, undefined, 'revoked_api_key'],
      [generateApiKey(), undefined, 'unknown_api_key'],
      ['sk_live_typo', undefined, 'malformed_api_key'],
    ];
    for (const [candidate, scopes, code] of cases) {
      const response = await apiCall(null, '/keys/verify', {
        method: 'POST',
        body: { key: candidate, ...(scopes === undefined ? {} : { scopes }) },
      });
      expect(response.status).toBe(200);
      expect(await json(response)).toMatchObject({ valid: false, code });
    }
  });

  it('answers 400 for a malformed request body', async () => {
    const missing = await apiCall(null, '/keys/verify', { method: 'POST', body: { endpoint: 'GET /x' } });
    expect(missing.status).toBe(400);
    expect((await errorOf(missing)).field).toBe('key');
    const badEndpoint = await apiCall(null, '/keys/verify', {
      method: 'POST',
      body: { key: 'x', endpoint: 'orders' },
    });
    expect((await errorOf(badEndpoint)).field).toBe('endpoint');
  });
});
