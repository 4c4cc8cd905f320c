import { beforeAll, describe, expect, it } from 'vitest';
import { API_KEYS, API_USAGE_DAILY, API_USAGE_EVENTS, USERS } from '../lib/collections.js';
import { meResponseSchema } from '../shared/contracts.js';
import {
  adminAuth,
  adminDb,
  apiCall,
  clearEmulators,
  createTestUser,
  dashboardCall,
  json,
  waitForQuery,
} from '../test-support/emulators.js';
import { createKeyViaApi } from '../test-support/fixtures.js';

beforeAll(async () => {
  await clearEmulators();
});

describe('GET /me', () => {
  it('creates the profile from the ID token on the first call, once', async () => {
    const user = await createTestUser({ name: 'Grace Hopper' });
    expect((await adminDb().collection(USERS).doc(user.uid).get()).exists).toBe(false);
    const first = meResponseSchema.parse(await json(await dashboardCall(user, '/me')));
    expect(first.user).toMatchObject({
      email: user.email,
      display_name: 'Grace Hopper',
      plan_tier: 'free',
      is_admin: false,
    });
    expect(first.usage).toMatchObject({ requests: 0, active_keys: 0, limit_per_key: 1_000 });
    const second = meResponseSchema.parse(await json(await dashboardCall(user, '/me')));
    expect(second.user.created_at).toBe(first.user.created_at);
    expect((await adminDb().collection(USERS).doc(user.uid).get()).get('display_name')).toBe('Grace Hopper');
  });

  it('reports the admin claim', async () => {
    const admin = await createTestUser({ admin: true });
    const me = meResponseSchema.parse(await json(await dashboardCall(admin, '/me')));
    expect(me.user.is_admin).toBe(true);
  });
});

describe('DELETE /me', () => {
  it('revokes and deletes keys, deletes usage, profile and the Auth user; repeating is safe', async () => {
    const user = await createTestUser();
    const bystander = await createTestUser();
    const key = await createKeyViaApi(user, { label: 'doomed' });
    const kept = await createKeyViaApi(bystander, { label: 'kept' });
    for (let i = 0; i < 3; i += 1) expect((await apiCall(key.secret, '/time')).status).toBe(200);
    await waitForQuery(adminDb().collection(API_USAGE_DAILY).where('user_id', '==', user.uid), (docs) =>
      docs.some((doc) => doc.get('total_requests') === 3),
    );

    const response = await dashboardCall(user, '/me', { method: 'DELETE' });
    expect(response.status).toBe(204);

    for (const collection of [API_KEYS, API_USAGE_EVENTS, API_USAGE_DAILY]) {
      const left = await adminDb().collection(collection).where('user_id', '==', user.uid).get();
      expect(left.size).toBe(0);
    }
    expect((await adminDb().collection(USERS).doc(user.uid).get()).exists).toBe(false);
    await expect(adminAuth().getUser(user.uid)).rejects.toMatchObject({ code: 'auth/user-not-found' });
    expect((await adminDb().collection(API_KEYS).doc(kept.key.id).get()).exists).toBe(true);

    const deadline = Date.now() + 2_000;
    let status = 200;
    while (Date.now() < deadline && status === 200) status = (await apiCall(key.secret, '/time')).status;
    expect(status).toBe(401);

    // The account is gone: the same token no longer opens anything (the Auth emulator checks the user).
    const again = await dashboardCall(user, '/me', { method: 'DELETE' });
    expect(again.status).toBe(401);
  });

  it('finishes the job when repeated after a deletion that stopped half-way', async () => {
    const user = await createTestUser();
    const key = await createKeyViaApi(user, { label: 'half-deleted' });
    await dashboardCall(user, '/me');
    // As if an earlier DELETE /me had revoked and deleted the keys, then failed.
    await adminDb().collection(API_KEYS).doc(key.key.id).delete();

    const response = await dashboardCall(user, '/me', { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect((await adminDb().collection(USERS).doc(user.uid).get()).exists).toBe(false);
    await expect(adminAuth().getUser(user.uid)).rejects.toMatchObject({ code: 'auth/user-not-found' });
  });
});
