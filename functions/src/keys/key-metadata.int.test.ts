/**
 * A key's integration tag and metadata: set at creation (metadata also by PATCH), carried by a
 * roll, shown in the dashboard and answered by `POST /v1/keys/verify` while the key is usable.
 * Bad metadata is refused with a 400 naming the field, and writes nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { API_KEYS, AUDIT_LOG } from '../lib/collections.js';
import {
  KEY_METADATA_MAX_BYTES,
  KEY_METADATA_MAX_PROPERTIES,
  keyResponseSchema,
  listKeysResponseSchema,
  rollKeyResponseSchema,
} from '../shared/contracts.js';
import { errorBodySchema } from '../shared/errors.js';
import { verifyKeyResponseSchema } from '../shared/v1-contracts.js';
import {
  adminDb,
  apiCall,
  clearEmulators,
  createTestUser,
  dashboardCall,
  json,
  untilElapsed,
} from '../test-support/emulators.js';
import { createKeyViaApi } from '../test-support/fixtures.js';
import { KEY_CACHE_TTL_EMULATOR_MS } from './key-cache.js';

beforeAll(async () => {
  await clearEmulators();
});

async function verify(secret: string) {
  const response = await apiCall(null, '/keys/verify', { method: 'POST', body: { key: secret } });
  expect(response.status).toBe(200);
  return verifyKeyResponseSchema.parse(await json(response));
}

const METADATA = { customer_id: 'cus_42', seats: 3, beta: true, note: null };

describe('key metadata and integrations: happy path', () => {
  it('keeps both from creation, lists them, answers them on verify and hands them to a rolled key', async () => {
    const user = await createTestUser();
    const created = await createKeyViaApi(user, { label: 'Zap', integration: 'zapier', metadata: METADATA });
    expect(created.key).toMatchObject({ integration: 'zapier', metadata: METADATA });
    const stored = await adminDb().collection(API_KEYS).doc(created.key.id).get();
    expect(stored.get('integration')).toBe('zapier');
    expect(stored.get('metadata')).toEqual(METADATA);

    const list = listKeysResponseSchema.parse(await json(await dashboardCall(user, '/keys')));
    expect(list.keys[0]).toMatchObject({ integration: 'zapier', metadata: METADATA });

    expect(await verify(created.secret)).toMatchObject({
      valid: true,
      key_id: created.key.id,
      integration: 'zapier',
      metadata: METADATA,
    });

    const rolled = rollKeyResponseSchema.parse(
      await json(await dashboardCall(user, `/keys/${created.key.id}/roll`, { method: 'POST' })),
    );
    expect(rolled.key).toMatchObject({ integration: 'zapier', metadata: METADATA });
    expect(await verify(rolled.secret)).toMatchObject({ valid: true, metadata: METADATA });
  });

  it('a key made without either has neither, and verify says null', async () => {
    const user = await createTestUser();
    const created = await createKeyViaApi(user, { label: 'Plain' });
    expect(created.key).toMatchObject({ integration: null, metadata: null });
    const stored = (await adminDb().collection(API_KEYS).doc(created.key.id).get()).data() ?? {};
    expect('integration' in stored || 'metadata' in stored).toBe(false);
    expect(await verify(created.secret)).toMatchObject({ valid: true, integration: null, metadata: null });
  });

  it('PATCH replaces the metadata whole and null clears it; verify follows within the cache bound', async () => {
    const user = await createTestUser();
    const created = await createKeyViaApi(user, {
      label: 'Meta',
      metadata: { customer_id: 'cus_1', tier: 'gold' },
    });
    expect((await verify(created.secret)).metadata).toEqual({ customer_id: 'cus_1', tier: 'gold' });

    const replacedAt = Date.now();
    const replaced = await dashboardCall(user, `/keys/${created.key.id}`, {
      method: 'PATCH',
      body: { metadata: { customer_id: 'cus_2' } },
    });
    expect(replaced.status).toBe(200);
    expect(keyResponseSchema.parse(await json(replaced)).key.metadata).toEqual({ customer_id: 'cus_2' });
    await untilElapsed(replacedAt, KEY_CACHE_TTL_EMULATOR_MS);
    expect((await verify(created.secret)).metadata).toEqual({ customer_id: 'cus_2' });

    const cleared = await dashboardCall(user, `/keys/${created.key.id}`, {
      method: 'PATCH',
      body: { metadata: null },
    });
    expect(keyResponseSchema.parse(await json(cleared)).key.metadata).toBeNull();
    const stored = (await adminDb().collection(API_KEYS).doc(created.key.id).get()).data() ?? {};
    expect('metadata' in stored).toBe(false);

    // Each change leaves one audit entry naming the properties, never their values.
    const entries = await adminDb()
      .collection(AUDIT_LOG)
      .where('account_id', '==', user.uid)
      .where('action', '==', 'key.metadata_changed')
      .get();
    const details = entries.docs.map((doc) => doc.get('details') as Record<string, unknown>);
    expect(details.map((detail) => detail.properties).sort()).toEqual(['', 'customer_id']);
    expect(JSON.stringify(details)).not.toContain('cus_2');
  });
});

describe('key metadata and integrations: errors', () => {
  const tooMany = Object.fromEntries(
    Array.from({ length: KEY_METADATA_MAX_PROPERTIES + 1 }, (_, i) => [`p${i}`, i]),
  );
  // Four values of 250 characters: under the per-value limit, over the whole object's.
  const tooBig = Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`v${i}`, 'x'.repeat(250)]));
  const refusals: [string, unknown, string][] = [
    ['too many properties', tooMany, 'metadata'],
    [`more than ${KEY_METADATA_MAX_BYTES} bytes`, tooBig, 'metadata'],
    ['a nested object', { customer: { id: 'cus_1' } }, 'metadata.customer'],
    ['an array', ['cus_1'], 'metadata'],
    ['a reserved Firestore name', { __name__: 'x' }, 'metadata.__name__'],
    ['a name not starting with a letter', { '1st': 'x' }, 'metadata.1st'],
    ['a name with a dot', { 'a.b': 'x' }, 'metadata.a.b'],
    ['a string that is too long', { note: 'x'.repeat(257) }, 'metadata.note'],
  ];

  it.each(refusals)(
    'refuses metadata with %s, naming the field, and creates nothing',
    async (_, metadata, field) => {
      const user = await createTestUser();
      const response = await dashboardCall(user, '/keys', { method: 'POST', body: { label: 'x', metadata } });
      expect(response.status).toBe(400);
      expect(errorBodySchema.parse(await json(response)).error.field).toBe(field);
      const keys = await adminDb().collection(API_KEYS).where('account_id', '==', user.uid).get();
      expect(keys.size).toBe(0);
    },
  );

  it('refuses an unknown integration, and changing the integration after creation', async () => {
    const user = await createTestUser();
    const unknown = await dashboardCall(user, '/keys', {
      method: 'POST',
      body: { label: 'x', integration: 'ifttt' },
    });
    expect(unknown.status).toBe(400);
    expect(errorBodySchema.parse(await json(unknown)).error.field).toBe('integration');

    const created = await createKeyViaApi(user, { label: 'Sheets', integration: 'google_sheets' });
    const change = await dashboardCall(user, `/keys/${created.key.id}`, {
      method: 'PATCH',
      body: { integration: 'zapier' },
    });
    expect(change.status).toBe(400);
    expect(errorBodySchema.parse(await json(change)).error.field).toBe('integration');
    const stored = await adminDb().collection(API_KEYS).doc(created.key.id).get();
    expect(stored.get('integration')).toBe('google_sheets');
  });

  it('a refused PATCH leaves the metadata as it was', async () => {
    const user = await createTestUser();
    const created = await createKeyViaApi(user, { label: 'Keep', metadata: { customer_id: 'cus_7' } });
    const response = await dashboardCall(user, `/keys/${created.key.id}`, {
      method: 'PATCH',
      body: { label: 'Renamed', metadata: tooMany },
    });
    expect(response.status).toBe(400);
    const stored = await adminDb().collection(API_KEYS).doc(created.key.id).get();
    expect(stored.get('metadata')).toEqual({ customer_id: 'cus_7' });
    expect(stored.get('label')).toBe('Keep');
  });
});

describe('key metadata and integrations: security', () => {
  it('verify tells nothing of a revoked key’s metadata', async () => {
    const user = await createTestUser();
    const created = await createKeyViaApi(user, { label: 'Gone', integration: 'n8n', metadata: METADATA });
    const revokedAt = Date.now();
    await dashboardCall(user, `/keys/${created.key.id}/revoke`, { method: 'POST' });
    await untilElapsed(revokedAt, KEY_CACHE_TTL_EMULATOR_MS);
    expect(await verify(created.secret)).toMatchObject({
      valid: false,
      code: 'revoked_api_key',
      integration: null,
      metadata: null,
    });
  });

  it('another account cannot read or change a key’s metadata', async () => {
    const [holder, stranger] = await Promise.all([createTestUser(), createTestUser()]);
    const created = await createKeyViaApi(holder, { label: 'Mine', metadata: { customer_id: 'cus_9' } });
    const response = await dashboardCall(stranger, `/keys/${created.key.id}`, {
      method: 'PATCH',
      body: { metadata: { customer_id: 'stolen' } },
    });
    expect(response.status).toBe(404);
    const stored = await adminDb().collection(API_KEYS).doc(created.key.id).get();
    expect(stored.get('metadata')).toEqual({ customer_id: 'cus_9' });
    const strangers = listKeysResponseSchema.parse(await json(await dashboardCall(stranger, '/keys')));
    expect(JSON.stringify(strangers)).not.toContain('cus_9');
  });
});
