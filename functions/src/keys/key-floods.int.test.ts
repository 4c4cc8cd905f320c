/**
 * Floods of made-up keys against a real `api` instance in a process of its own (production
 * budgets and cache sizes), counting what they cost at the stack's Firestore emulator. Client
 * addresses are given as Google's front end writes them: `X-Forwarded-For: <whatever the client
 * sent>, <client>, <front end>`.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { errorBodySchema } from '../shared/errors.js';
import { API_KEYS } from '../lib/collections.js';
import { adminDb, clearEmulators, createTestUser, json, waitForDoc } from '../test-support/emulators.js';
import { createKeyViaApi } from '../test-support/fixtures.js';
import { firestoreOperations, startApiInstance, type ApiInstance } from '../test-support/api-instances.js';
import { PRODUCTION_KEY_FAILURE_LIMITS } from './client-throttle.js';
import { KEY_CACHE_TTL_PRODUCTION_MS, MAX_CACHED_KEYS } from './key-cache.js';
import { generateApiKey } from './key-format.js';

const FRONT_END = '66.102.8.142';
const { perAddress, perInstance } = PRODUCTION_KEY_FAILURE_LIMITS;

let instance: ApiInstance | undefined;

beforeAll(async () => {
  await clearEmulators();
});

afterEach(async () => {
  await instance?.stop();
  instance = undefined;
});

async function started(): Promise<ApiInstance> {
  instance = await startApiInstance();
  return instance;
}

function rpcsDelta(before: Record<string, number>, after: Record<string, number>): string {
  return JSON.stringify(
    Object.fromEntries(Object.entries(after).map(([name, n]) => [name, n - (before[name] ?? 0)])),
  );
}

/**
 * Waits until the instance has written the warm-up call's usage and it has been folded
 * (production flush: within 10 s), so that no read but the flood's falls in the window counted.
 */
async function usageSettled(keyId: string): Promise<void> {
  await waitForDoc(
    adminDb().collection(API_KEYS).doc(keyId),
    (data) => typeof data?.monthly_usage === 'number' && data.monthly_usage >= 1,
  );
}

async function codeOf(response: Response): Promise<string> {
  if (response.status === 200) return 'ok';
  return errorBodySchema.parse(await json(response)).error.code;
}

/** Sends `count` made-up keys, `concurrency` at a time; tallies the answers. */
async function flood(
  api: ApiInstance,
  count: number,
  forwardedFor: (i: number) => string,
  concurrency = 16,
): Promise<{ codes: Record<string, number>; badRetryAfter: number }> {
  const codes: Record<string, number> = {};
  let badRetryAfter = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next;
        next += 1;
        const response = await api.call(generateApiKey(), { forwardedFor: forwardedFor(i) });
        const code = await codeOf(response);
        codes[code] = (codes[code] ?? 0) + 1;
        if (response.status === 429 && !(Number(response.headers.get('retry-after')) >= 1))
          badRetryAfter += 1;
      }
    }),
  );
  return { codes, badRetryAfter };
}

describe('unknown-key floods', () => {
  it('throttles one address after its budget, before further reads; other addresses are unaffected', async () => {
    const api = await started();
    const user = await createTestUser();
    const real = await createKeyViaApi(user, { label: 'real' });
    const attacker = '198.51.100.7';
    const neighbour = '203.0.113.20';
    expect(await codeOf(await api.call(real.secret, { forwardedFor: `${neighbour}, ${FRONT_END}` }))).toBe(
      'ok',
    );
    await usageSettled(real.key.id);

    const [metricsBefore, opsBefore] = await Promise.all([api.metrics(), firestoreOperations()]);
    // Whatever the attacker writes in front of its address changes nothing.
    const result = await flood(api, 1_000, (i) => `10.9.${i >> 8}.${i & 255}, ${attacker}, ${FRONT_END}`);
    const [metricsAfter, opsAfter] = await Promise.all([api.metrics(), firestoreOperations()]);

    expect(result.codes).toEqual({ unknown_api_key: perAddress, rate_limited: 1_000 - perAddress });
    expect(result.badRetryAfter).toBe(0);
    const checks = metricsAfter.revocationChecks - metricsBefore.revocationChecks;
    expect(metricsAfter.keyReads - metricsBefore.keyReads).toBe(perAddress);
    expect(opsAfter.queries - opsBefore.queries).toBe(perAddress + checks);
    expect(opsAfter.reads - opsBefore.reads, rpcsDelta(opsBefore.rpcs, opsAfter.rpcs)).toBe(
      perAddress + checks,
    );

    expect(
      await codeOf(await api.call(generateApiKey(), { forwardedFor: `${neighbour}, ${FRONT_END}` })),
    ).toBe('unknown_api_key');
    expect(await codeOf(await api.call('sk_live_typo', { forwardedFor: `${attacker}, ${FRONT_END}` }))).toBe(
      'rate_limited',
    );
    // A real key this instance holds still works, from either address.
    for (const address of [neighbour, attacker])
      expect(await codeOf(await api.call(real.secret, { forwardedFor: `${address}, ${FRONT_END}` }))).toBe(
        'ok',
      );
  });

  it('costs at most the per-instance budget however many addresses flood, and never evicts a real key', async () => {
    const api = await started();
    const user = await createTestUser();
    const real = await createKeyViaApi(user, { label: 'real' });
    const warmedAt = Date.now();
    expect(await codeOf(await api.call(real.secret, { forwardedFor: `192.0.2.1, ${FRONT_END}` }))).toBe('ok');
    await usageSettled(real.key.id);

    const [metricsBefore, opsBefore] = await Promise.all([api.metrics(), firestoreOperations()]);
    const count = MAX_CACHED_KEYS + 500;
    const result = await flood(
      api,
      count,
      (i) => `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}, ${FRONT_END}`,
      32,
    );
    const [metricsAfter, opsAfter] = await Promise.all([api.metrics(), firestoreOperations()]);

    expect(result.codes).toEqual({ unknown_api_key: perInstance, rate_limited: count - perInstance });
    const checks = metricsAfter.revocationChecks - metricsBefore.revocationChecks;
    expect(opsAfter.queries - opsBefore.queries).toBe(perInstance + checks);
    expect(opsAfter.reads - opsBefore.reads, rpcsDelta(opsBefore.rpcs, opsAfter.rpcs)).toBe(
      perInstance + checks,
    );

    // Still within the key's cache life, so a read now could only mean the flood pushed it out.
    expect(Date.now() - warmedAt, 'the flood outlasted the cache TTL: machine too slow').toBeLessThan(
      KEY_CACHE_TTL_PRODUCTION_MS,
    );
    const readsBefore = (await api.metrics()).keyReads;
    expect(await codeOf(await api.call(real.secret, { forwardedFor: `192.0.2.1, ${FRONT_END}` }))).toBe('ok');
    expect((await api.metrics()).keyReads).toBe(readsBefore);
  });
});
