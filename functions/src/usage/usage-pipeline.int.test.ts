import { beforeAll, describe, expect, it } from 'vitest';
import { API_KEYS, API_USAGE_DAILY, API_USAGE_EVENTS, API_USAGE_PLATFORM_DAILY } from '../lib/collections.js';
import { recentUsageResponseSchema, statsResponseSchema, RECENT_USAGE_LIMIT } from '../shared/contracts.js';
import { utcDate } from '../shared/dates.js';
import { redeliverCreated } from '../test-support/cloud-events.js';
import {
  adminDb,
  apiCall,
  clearEmulators,
  createTestUser,
  dashboardCall,
  waitForLog,
  json,
  waitForQuery,
} from '../test-support/emulators.js';
import { insertKey, setAccountLimits, type InsertedKey } from '../test-support/fixtures.js';
import { platformDayRef } from './platform-daily.js';

beforeAll(async () => {
  await clearEmulators();
});

const BIG_LIMITS = { monthly: 5_000_000, per_minute: 6_000 };

interface Expected {
  total: number;
  errors: number;
  byKey: Map<string, number>;
  byEndpoint: Map<string, number>;
  byStatus: Map<string, number>;
}

function bump(map: Map<string, number>, name: string): void {
  map.set(name, (map.get(name) ?? 0) + 1);
}

/** A mix of endpoints and outcomes; call `i` is deterministic so the test knows what to expect. */
async function oneCall(key: InsertedKey, i: number): Promise<{ endpoint: string; status: number }> {
  if (i % 10 === 0) {
    const response = await apiCall(key.secret, '/convert', {
      method: 'POST',
      body: { amount: i, from: 'USD', to: 'XXX' },
    });
    await response.arrayBuffer();
    return { endpoint: 'POST /v1/convert', status: response.status };
  }
  if (i % 3 === 0) {
    const response = await apiCall(key.secret, '/convert', {
      method: 'POST',
      body: { amount: i, from: 'USD', to: 'EUR' },
    });
    await response.arrayBuffer();
    return { endpoint: 'POST /v1/convert', status: response.status };
  }
  if (i % 3 === 1) {
    const response = await apiCall(key.secret, `/forecast?city=City${i % 7}`);
    await response.arrayBuffer();
    return { endpoint: 'GET /v1/forecast', status: response.status };
  }
  const response = await apiCall(key.secret, '/time');
  await response.arrayBuffer();
  return { endpoint: 'GET /v1/time', status: response.status };
}

async function dailyTotal(userId: string): Promise<number> {
  const days = await adminDb().collection(API_USAGE_DAILY).where('account_id', '==', userId).get();
  return days.docs.reduce((sum, doc) => sum + Number(doc.get('total_requests') ?? 0), 0);
}

async function snapshotAggregates(userId: string, keys: InsertedKey[]) {
  const days = await adminDb().collection(API_USAGE_DAILY).where('account_id', '==', userId).get();
  const keyDocs = await Promise.all(keys.map((key) => adminDb().collection(API_KEYS).doc(key.id).get()));
  const platform = await adminDb().collection(API_USAGE_PLATFORM_DAILY).get();
  return {
    days: days.docs.map((doc) => ({ id: doc.id, data: doc.data() })).sort((a, b) => a.id.localeCompare(b.id)),
    platform: platform.docs
      .map((doc) => ({ id: doc.id, data: doc.data() }))
      .sort((a, b) => a.id.localeCompare(b.id)),
    keys: keyDocs.map((doc) => ({
      monthly_usage: doc.get('monthly_usage'),
      usage_period: doc.get('usage_period'),
    })),
  };
}

describe('usage pipeline: aggregates under concurrency', () => {
  // Slow by nature in the emulator: every call is a request to a worker process (about 40 calls/s on 2 cores).
  it(
    '2,000 calls from 20 concurrent callers over 3 keys: aggregates equal the calls made; redelivery changes nothing',
    { timeout: 300_000 },
    async () => {
      const user = await createTestUser();
      await setAccountLimits(user.uid, BIG_LIMITS);
      await setAccountLimits(user.uid, BIG_LIMITS);
      const keys = await Promise.all([0, 1, 2].map((i) => insertKey(user.uid, { label: `key ${i}` })));
      const expected: Expected = {
        total: 0,
        errors: 0,
        byKey: new Map(),
        byEndpoint: new Map(),
        byStatus: new Map(),
      };

      const CALLERS = 20;
      const CALLS_EACH = 100;
      await Promise.all(
        Array.from({ length: CALLERS }, async (_, caller) => {
          for (let j = 0; j < CALLS_EACH; j += 1) {
            const i = caller * CALLS_EACH + j;
            const key = keys[i % 3];
            if (key === undefined) throw new Error('no key');
            const { endpoint, status } = await oneCall(key, i);
            expected.total += 1;
            if (status >= 400) expected.errors += 1;
            bump(expected.byKey, key.id);
            bump(expected.byEndpoint, endpoint);
            bump(expected.byStatus, String(status));
          }
        }),
      );
      expect(expected.total).toBe(2_000);
      expect(expected.byStatus.get('400')).toBe(200);

      const daysQuery = adminDb().collection(API_USAGE_DAILY).where('account_id', '==', user.uid);
      const days = await waitForQuery(
        daysQuery,
        (docs) => docs.reduce((sum, doc) => sum + Number(doc.get('total_requests') ?? 0), 0) >= 2_000,
        120_000,
      );
      const sumOf = (field: string) => days.reduce((sum, doc) => sum + Number(doc.get(field) ?? 0), 0);
      const sumMap = (field: string) => {
        const out = new Map<string, number>();
        for (const doc of days) {
          for (const [name, value] of Object.entries((doc.get(field) ?? {}) as Record<string, number>)) {
            out.set(name, (out.get(name) ?? 0) + value);
          }
        }
        return out;
      };
      expect(sumOf('total_requests')).toBe(expected.total);
      expect(sumOf('error_count')).toBe(expected.errors);
      expect(sumMap('requests_by_key')).toEqual(expected.byKey);
      expect(sumMap('requests_by_endpoint')).toEqual(expected.byEndpoint);
      expect(sumMap('requests_by_status')).toEqual(expected.byStatus);
      // The platform's totals got every call once too, and the account's exact day total.
      const platformDays = await Promise.all(
        days.map((doc) => platformDayRef(user.uid, String(doc.get('date'))).get()),
      );
      expect(
        platformDays.reduce((sum, doc) => sum + Number(doc.get('top_accounts')?.[user.uid] ?? 0), 0),
      ).toBe(expected.total);

      for (const key of keys) {
        const stored = await adminDb().collection(API_KEYS).doc(key.id).get();
        // Every call passed the key check, so every call is billable; handler 400s included.
        expect(stored.get('monthly_usage')).toBe(expected.byKey.get(key.id));
        expect(stored.get('last_used_at')).toBeDefined();
      }

      const batches = await adminDb().collection(API_USAGE_EVENTS).where('account_id', '==', user.uid).get();
      expect(batches.docs.reduce((sum, doc) => sum + Number(doc.get('count')), 0)).toBe(2_000);
      expect(batches.docs.every((doc) => doc.get('folded_at') !== undefined)).toBe(true);
      expect(batches.size).toBeLessThan(2_000);

      // At-least-once delivery: deliver every usage event again. Nothing may change.
      const before = await snapshotAggregates(user.uid, keys);
      for (let start = 0; start < batches.docs.length; start += 10) {
        const responses = await Promise.all(
          batches.docs.slice(start, start + 10).map((doc) => redeliverCreated('foldUsage', doc)),
        );
        for (const response of responses) {
          expect(response.status).toBe(200);
          expect(await response.json()).toEqual({ status: 'acknowledged' });
        }
      }
      // Each redelivery reached foldUsage, which saw the batch's marker and skipped it.
      const skippedAll = (log: string) => {
        const skipped = log
          .split('\n')
          .filter((line) => line.includes('"reason":"already_folded"'))
          .join('\n');
        return batches.docs.every((doc) => skipped.includes(`"batch_id":"${doc.id}"`));
      };
      await waitForLog(skippedAll);
      const after = await snapshotAggregates(user.uid, keys);
      expect(after.keys).toEqual(before.keys);
      expect(after.days).toEqual(before.days);
      expect(after.platform).toEqual(before.platform);
      expect(await dailyTotal(user.uid)).toBe(2_000);
    },
  );
});

describe('usage pipeline: what the dashboard reads', () => {
  it('recent usage returns the key’s last 50 calls, newest first, and stats reflect every call', async () => {
    const user = await createTestUser();
    await setAccountLimits(user.uid, BIG_LIMITS);
    const key = await insertKey(user.uid);
    for (let i = 0; i < 60; i += 1) {
      const response = await apiCall(key.secret, i % 2 === 0 ? '/time' : '/forecast?city=Oslo');
      expect(response.status).toBe(200);
    }
    await waitForQuery(
      adminDb().collection(API_USAGE_DAILY).where('account_id', '==', user.uid),
      (docs) => docs.reduce((sum, doc) => sum + Number(doc.get('total_requests') ?? 0), 0) === 60,
    );

    const recent = recentUsageResponseSchema.parse(
      await json(await dashboardCall(user, `/usage/recent?key_id=${key.id}`)),
    );
    expect(recent.events).toHaveLength(RECENT_USAGE_LIMIT);
    const times = recent.events.map((event) => Date.parse(event.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(recent.events[0]).toMatchObject({ key_id: key.id, status: 200, method: 'GET' });

    const today = utcDate(new Date());
    const stats = statsResponseSchema.parse(
      await json(await dashboardCall(user, `/stats?from=${today}&to=${today}&key_id=${key.id}`)),
    );
    expect(stats.totals.requests).toBe(60);
    // Real calls, so real latencies: each endpoint has percentiles, in order.
    const percentiles = {
      p50_ms: expect.any(Number),
      p95_ms: expect.any(Number),
      p99_ms: expect.any(Number),
    };
    expect(stats.by_endpoint).toEqual([
      { endpoint: 'GET /v1/forecast', requests: 30, ...percentiles },
      { endpoint: 'GET /v1/time', requests: 30, ...percentiles },
    ]);
    for (const row of [stats.totals, ...stats.by_endpoint]) {
      expect(row.p50_ms ?? 0).toBeGreaterThan(0);
      expect(row.p50_ms ?? 0).toBeLessThanOrEqual(row.p95_ms ?? 0);
      expect(row.p95_ms ?? 0).toBeLessThanOrEqual(row.p99_ms ?? 0);
    }
    expect(stats.totals.minutes_with_calls).toBeGreaterThan(0);
    expect(stats.totals.availability).toBe(1);
  });

  it('recent usage without key_id returns the account’s latest calls across its keys, and only its own', async () => {
    const user = await createTestUser();
    await setAccountLimits(user.uid, BIG_LIMITS);
    const stranger = await createTestUser();
    await setAccountLimits(stranger.uid, BIG_LIMITS);
    const first = await insertKey(user.uid);
    const second = await insertKey(user.uid);
    const theirs = await insertKey(stranger.uid);
    for (const key of [first, second, theirs, first]) {
      expect((await apiCall(key.secret, '/time')).status).toBe(200);
    }
    await waitForQuery(
      adminDb().collection(API_USAGE_DAILY).where('account_id', 'in', [user.uid, stranger.uid]),
      (docs) => docs.reduce((sum, doc) => sum + Number(doc.get('total_requests') ?? 0), 0) === 4,
    );

    const recent = recentUsageResponseSchema.parse(await json(await dashboardCall(user, '/usage/recent')));
    expect(recent.events.map((event) => event.key_id).sort()).toEqual([first.id, first.id, second.id].sort());
    const times = recent.events.map((event) => Date.parse(event.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('exports usage as CSV, one row per day and key, quoted per RFC 4180', async () => {
    const user = await createTestUser();
    await setAccountLimits(user.uid, BIG_LIMITS);
    const key = await insertKey(user.uid, { label: 'Label, with "quotes"' });
    for (let i = 0; i < 3; i += 1) expect((await apiCall(key.secret, '/time')).status).toBe(200);
    await waitForQuery(
      adminDb().collection(API_USAGE_DAILY).where('account_id', '==', user.uid),
      (docs) => docs.reduce((sum, doc) => sum + Number(doc.get('total_requests') ?? 0), 0) === 3,
    );
    const today = utcDate(new Date());
    const response = await dashboardCall(user, `/usage/export?from=${today}&to=${today}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="keymeter-usage-/);
    const lines = (await response.text()).split('\r\n');
    expect(lines[0]).toBe(
      'date,key_id,key_label,key_integration,requests,units,errors,avg_latency_ms,server_errors,p50_ms,p95_ms,p99_ms,' +
        'minutes_with_calls,minutes_with_server_errors,availability',
    );
    // Three calls within seconds: one or two minutes with calls (a minute may turn), none with a 5xx.
    expect(lines[1]).toMatch(
      new RegExp(
        `^${today},${key.id},"Label, with ""quotes""",none,3,3,0,\\d+(\\.\\d)?,0,\\d+,\\d+,\\d+,[12],0,1$`,
      ),
    );
    expect(lines[2]).toBe('');
  });
});

describe('usage pipeline: POST /v1/keys/verify records what the key holder cannot choose', () => {
  it('meters an admitted verify under its endpoint and a refused one under the verify route itself', async () => {
    const user = await createTestUser();
    await setAccountLimits(user.uid, BIG_LIMITS);
    const key = await insertKey(user.uid, { scopes: ['read'] });
    const revoked = await insertKey(user.uid, { revoked: true });
    const verify = async (body: Record<string, unknown>) => {
      const response = await apiCall(null, '/keys/verify', { method: 'POST', body });
      return { status: response.status, body: await json<Record<string, unknown>>(response) };
    };
    expect((await verify({ key: key.secret, endpoint: 'GET /orders', scopes: ['read'] })).body).toMatchObject(
      {
        valid: true,
      },
    );
    expect((await verify({ key: key.secret, endpoint: 'GET /orders/{id}' })).body).toMatchObject({
      valid: true,
    });
    expect(
      (await verify({ key: key.secret, endpoint: 'DELETE /chosen-by-caller', scopes: ['write'] })).body,
    ).toMatchObject({
      code: 'insufficient_scope',
    });
    for (let i = 0; i < 3; i += 1)
      expect((await verify({ key: revoked.secret, endpoint: `GET /bloat/${i}` })).body).toMatchObject({
        code: 'revoked_api_key',
      });
    // Not a route pattern: refused before the key check, recorded nowhere.
    for (const endpoint of ['GET /a b', 'GET /caf\u00e9', `GET /${'x'.repeat(100)}`, 'get /orders']) {
      const refused = await verify({ key: key.secret, endpoint });
      expect(refused.status, endpoint).toBe(400);
      expect(refused.body).toMatchObject({ error: { code: 'invalid_request', field: 'endpoint' } });
    }

    const [day] = await waitForQuery(
      adminDb().collection(API_USAGE_DAILY).where('account_id', '==', user.uid),
      (docs) => docs.reduce((sum, doc) => sum + Number(doc.get('total_requests') ?? 0), 0) === 6,
    );
    expect(day?.get('requests_by_endpoint')).toEqual({
      'GET /orders': 1,
      'GET /orders/{id}': 1,
      'POST /v1/keys/verify': 4,
    });
    expect(day?.get('requests_by_status')).toEqual({ '200': 2, '403': 1, '401': 3 });
    expect(day?.get(`key_stats`)[revoked.id].by_endpoint).toEqual({ 'POST /v1/keys/verify': 3 });
  });
});
