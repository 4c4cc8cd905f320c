import { beforeAll, describe, expect, it } from 'vitest';
import { API_KEYS } from '../lib/collections.js';
import {
  keyResponseSchema,
  listKeysResponseSchema,
  MAX_ACTIVE_KEYS_PER_ACCOUNT,
  rollKeyResponseSchema,
} from '../shared/contracts.js';
import { errorBodySchema } from '../shared/errors.js';
import {
  adminDb,
  apiCall,
  clearEmulators,
  createTestUser,
  dashboardCall,
  dumpFirestore,
  emulatorLog,
  json,
  untilElapsed,
  waitForDoc,
} from '../test-support/emulators.js';
import { createKeyViaApi, insertKey } from '../test-support/fixtures.js';
import { KEY_CACHE_TTL_EMULATOR_MS } from './key-cache.js';
import { hashApiKey, isWellFormedApiKey } from './key-format.js';

beforeAll(async () => {
  await clearEmulators();
});

async function errorCode(response: Response): Promise<string> {
  return errorBodySchema.parse(await json(response)).error.code;
}

describe('keys: happy path', () => {
  it('creates a key that is shown once, stored hashed, listed, and works on /v1 at once', async () => {
    const user = await createTestUser();
    const created = await createKeyViaApi(user, { label: 'Production', scopes: ['read', 'write'] });
    expect(isWellFormedApiKey(created.secret)).toBe(true);
    expect(created.key).toMatchObject({
      label: 'Production',
      scopes: ['read', 'write'],
      status: 'active',
      account_id: user.uid,
      created_by: user.uid,
      key_prefix: created.secret.slice(0, 12),
      key_hint: created.secret.slice(-4),
      cap_monthly: null,
      cap_per_minute: null,
      monthly_usage: 0,
    });

    const stored = await adminDb().collection(API_KEYS).doc(created.key.id).get();
    expect(stored.get('key_hash')).toBe(hashApiKey(created.secret));

    const list = listKeysResponseSchema.parse(await json(await dashboardCall(user, '/keys')));
    expect(list.keys.map((key) => key.id)).toEqual([created.key.id]);
    expect(JSON.stringify(list)).not.toContain(created.secret);

    const call = await apiCall(created.secret, '/time');
    expect(call.status).toBe(200);
    expect(await json(call)).toMatchObject({ timezone: 'UTC' });
  });

  it('sets an expiry when asked and renames a key', async () => {
    const user = await createTestUser();
    const created = await createKeyViaApi(user, { label: 'Temp', expires_in_days: 3 });
    expect(created.key.status).toBe('expiring');
    const expiresAt = Date.parse(created.key.expires_at ?? '');
    expect(Math.abs(expiresAt - (Date.now() + 3 * 86_400_000))).toBeLessThan(60_000);

    const renamed = await dashboardCall(user, `/keys/${created.key.id}`, {
      method: 'PATCH',
      body: { label: 'Staging' },
    });
    expect(renamed.status).toBe(200);
    expect(keyResponseSchema.parse(await json(renamed)).key.label).toBe('Staging');
  });

  it('rolls a key: the new one inherits label, scopes and limits; the old one expires after the grace period', async () => {
    const user = await createTestUser();
    const created = await createKeyViaApi(user, { label: 'Rolling', scopes: ['read'] });
    const response = await dashboardCall(user, `/keys/${created.key.id}/roll`, {
      method: 'POST',
      body: { grace_period_hours: 2 },
    });
    expect(response.status).toBe(201);
    const rolled = rollKeyResponseSchema.parse(await json(response));
    expect(rolled.key).toMatchObject({ label: 'Rolling', scopes: ['read'], status: 'active' });
    expect(rolled.key).toMatchObject({ account_id: user.uid, created_by: user.uid, cap_monthly: null });
    expect(rolled.secret).not.toBe(created.secret);
    expect(rolled.previous.id).toBe(created.key.id);
    expect(rolled.previous.status).toBe('expiring');
    expect(
      Math.abs(Date.parse(rolled.previous.expires_at ?? '') - (Date.now() + 2 * 3_600_000)),
    ).toBeLessThan(60_000);

    expect((await apiCall(rolled.secret, '/time')).status).toBe(200);
    expect((await apiCall(created.secret, '/time')).status).toBe(200);

    const again = await dashboardCall(user, `/keys/${created.key.id}/roll`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(await errorCode(again)).toBe('conflict');
  });

  it('rolls with the default grace period of 24 hours', async () => {
    const user = await createTestUser();
    const created = await createKeyViaApi(user, { label: 'Default grace' });
    const rolled = rollKeyResponseSchema.parse(
      await json(await dashboardCall(user, `/keys/${created.key.id}/roll`, { method: 'POST' })),
    );
    expect(
      Math.abs(Date.parse(rolled.previous.expires_at ?? '') - (Date.now() + 24 * 3_600_000)),
    ).toBeLessThan(60_000);
  });

  it('revokes a key: idempotent, and the key is refused within the documented bound', async () => {
    const user = await createTestUser();
    const created = await createKeyViaApi(user, { label: 'To revoke' });
    // The API now holds the key in its cache, as a busy instance would.
    expect((await apiCall(created.secret, '/time')).status).toBe(200);

    const revoked = await dashboardCall(user, `/keys/${created.key.id}/revoke`, { method: 'POST' });
    const revokedAt = Date.now();
    expect(revoked.status).toBe(200);
    const body = keyResponseSchema.parse(await json(revoked));
    expect(body.key.status).toBe('revoked');
    const again = keyResponseSchema.parse(
      await json(await dashboardCall(user, `/keys/${created.key.id}/revoke`, { method: 'POST' })),
    );
    expect(again.key.revoked_at).toBe(body.key.revoked_at);

    // The documented bound (KEY_CACHE_TTL_EMULATOR_MS, 1 s here): any call that arrives once it has
    // passed since the revocation is refused, however loaded the machine is.
    await untilElapsed(revokedAt, KEY_CACHE_TTL_EMULATOR_MS);
    const response = await apiCall(created.secret, '/time');
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe('revoked_api_key');
  });
});

describe('keys: errors', () => {
  it(`caps active keys at ${MAX_ACTIVE_KEYS_PER_ACCOUNT} with key_limit_reached, revoked keys not counted`, async () => {
    const user = await createTestUser();
    await dashboardCall(user, '/me');
    await Promise.all(
      Array.from({ length: MAX_ACTIVE_KEYS_PER_ACCOUNT - 1 }, (_, i) =>
        insertKey(user.uid, { label: `k${i}` }),
      ),
    );
    await insertKey(user.uid, { label: 'revoked', revoked: true });
    const last = await createKeyViaApi(user, { label: 'twenty-fifth' });
    const refused = await dashboardCall(user, '/keys', { method: 'POST', body: { label: 'one too many' } });
    expect(refused.status).toBe(409);
    expect(await errorCode(refused)).toBe('key_limit_reached');

    await dashboardCall(user, `/keys/${last.key.id}/revoke`, { method: 'POST' });
    expect(
      (await dashboardCall(user, '/keys', { method: 'POST', body: { label: 'room again' } })).status,
    ).toBe(201);
  });

  it('refuses to roll a revoked or expired key', async () => {
    const user = await createTestUser();
    const revoked = await insertKey(user.uid, { revoked: true });
    const expired = await insertKey(user.uid, { expiresAt: new Date(Date.now() - 1_000) });
    for (const key of [revoked, expired]) {
      const response = await dashboardCall(user, `/keys/${key.id}/roll`, { method: 'POST' });
      expect(response.status).toBe(409);
    }
  });

  it('refuses unknown scopes, bad expiries and unknown fields with 400 naming the field', async () => {
    const user = await createTestUser();
    const cases: [unknown, string][] = [
      [{ label: 'x', scopes: ['admin'] }, 'scopes.0'],
      [{ label: 'x', scopes: [] }, 'scopes'],
      [{ label: 'x', expires_in_days: 0 }, 'expires_in_days'],
      [{ label: 'x', expires_in_days: 1.5 }, 'expires_in_days'],
      [{ label: 'x'.repeat(65) }, 'label'],
      [{ label: 'x', key_hash: 'mine' }, 'key_hash'],
    ];
    for (const [body, field] of cases) {
      const response = await dashboardCall(user, '/keys', { method: 'POST', body });
      expect(response.status).toBe(400);
      expect(errorBodySchema.parse(await json(response)).error.field).toBe(field);
    }
    const snapshot = await adminDb().collection(API_KEYS).where('account_id', '==', user.uid).get();
    expect(snapshot.size).toBe(0);
  });

  it('refuses a body that is not JSON', async () => {
    const user = await createTestUser();
    const response = await dashboardCall(user, '/keys', {
      method: 'POST',
      rawBody: 'label=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(415);
  });
});

describe('keys: ids Firestore would refuse', () => {
  it('answers 404 not_found, never a 5xx, on every route that takes a key id', async () => {
    const user = await createTestUser();
    await createKeyViaApi(user, { label: 'real' });
    const routes = [
      { method: 'PATCH', suffix: '', body: { label: 'renamed' } },
      { method: 'POST', suffix: '/revoke', body: undefined },
      { method: 'POST', suffix: '/roll', body: {} },
    ];
    // ('.' and '..' never reach a key route: URLs are normalised before they are sent.)
    const ids = ['__proto__', '__name__', '__id__', '__id7__', 'a'.repeat(65), '%00', 'x%2Fy'];
    for (const { method, suffix, body } of routes) {
      for (const id of ids) {
        const response = await dashboardCall(user, `/keys/${id}${suffix}`, {
          method,
          ...(body === undefined ? {} : { body }),
        });
        const what = `${method} /keys/${id}${suffix}`;
        expect(response.status, what).toBe(404);
        expect(await errorCode(response), what).toBe('not_found');
      }
    }
    const keys = listKeysResponseSchema.parse(await json(await dashboardCall(user, '/keys'))).keys;
    expect(keys.map((key) => [key.label, key.status])).toEqual([['real', 'active']]);
  });

  it('answers 400 naming the field for a key_id query parameter Firestore would refuse', async () => {
    const range = 'from=2026-11-01&to=2026-11-02';
    const user = await createTestUser();
    for (const path of [
      `/stats?${range}&key_id=__proto__`,
      '/usage/recent?key_id=__name__',
      `/usage/export?${range}&key_id=..`,
    ]) {
      const response = await dashboardCall(user, path);
      expect(response.status, path).toBe(400);
      expect(errorBodySchema.parse(await json(response)).error.field, path).toBe('query.key_id');
    }
  });
});

describe('keys: security', () => {
  it("stores and logs no key's plaintext, anywhere", async () => {
    const user = await createTestUser();
    const created = await createKeyViaApi(user, { label: 'Secret keeper', scopes: ['read', 'write'] });
    const rolled = rollKeyResponseSchema.parse(
      await json(await dashboardCall(user, `/keys/${created.key.id}/roll`, { method: 'POST' })),
    );
    const secrets = [created.secret, rolled.secret];
    for (const secret of secrets) {
      expect((await apiCall(secret, '/forecast?city=Lisbon')).status).toBe(200);
      const bad = await apiCall(secret, '/convert', {
        method: 'POST',
        body: { amount: 1, from: 'USD', to: 'XXX' },
      });
      expect(bad.status).toBe(400);
      expect(await bad.text()).not.toContain(secret);
    }
    await dashboardCall(user, `/keys/${rolled.key.id}/revoke`, { method: 'POST' });
    // The calls above become usage documents and aggregates: wait until they exist, then look everywhere.
    await waitForDoc(
      adminDb().collection(API_KEYS).doc(rolled.key.id),
      (data) => data?.last_used_at !== undefined,
    );

    const everything = await dumpFirestore();
    const logs = emulatorLog();
    for (const secret of secrets) {
      expect(everything).not.toContain(secret);
      expect(everything).not.toContain(secret.slice(8, 40));
      expect(logs).not.toContain(secret);
      expect(logs).not.toContain(secret.slice(8, 40));
    }
    expect(everything).toContain(hashApiKey(created.secret));
  });

  it('lists only the caller’s own keys', async () => {
    const [alice, bob] = await Promise.all([createTestUser(), createTestUser()]);
    const aliceKey = await createKeyViaApi(alice, { label: 'alice' });
    await createKeyViaApi(bob, { label: 'bob' });
    const list = listKeysResponseSchema.parse(await json(await dashboardCall(alice, '/keys')));
    expect(list.keys.map((key) => key.id)).toEqual([aliceKey.key.id]);
  });
});
