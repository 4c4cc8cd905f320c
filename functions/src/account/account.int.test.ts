import { beforeAll, describe, expect, it } from 'vitest';
import type { Timestamp } from 'firebase-admin/firestore';
import { API_KEYS, API_USAGE_DAILY, API_USAGE_EVENTS, DELETED_USERS, USERS } from '../lib/collections.js';
import { meResponseSchema } from '../shared/contracts.js';
import {
  adminAuth,
  adminDb,
  apiCall,
  clearEmulators,
  createTestUser,
  dashboardCall,
  json,
  signInWithPassword,
  untilElapsed,
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
  });

  it('a token issued before the deletion cannot bring the account back; a new sign-in can', async () => {
    const user = await createTestUser();
    await createKeyViaApi(user, { label: 'before' });
    expect((await dashboardCall(user, '/me', { method: 'DELETE' })).status).toBe(204);
    const tombstone = await adminDb().collection(DELETED_USERS).doc(user.uid).get();
    const deletedAt = tombstone.get('deleted_at') as Timestamp;

    // Production verifies ID tokens by signature and expiry; the Auth emulator also looks the user
    // up. The same uid again, with no password (so no `validSince`), makes the emulator accept the
    // old token as production would without a revocation check: what refuses it now must be ours.
    await adminAuth().createUser({ uid: user.uid, email: user.email });
    await expect(adminAuth().verifyIdToken(user.idToken)).resolves.toMatchObject({ uid: user.uid });

    for (const [path, options] of [
      ['/me', {}],
      ['/me/export', {}],
      ['/keys', { method: 'POST', body: { label: 'after' } }],
      ['/billing/checkout', { method: 'POST', body: { plan: 'pro' } }],
    ] as const) {
      const response = await dashboardCall(user, path, options);
      expect(response.status, path).toBe(401);
      expect(await json(response), path).toMatchObject({ error: { code: 'unauthenticated' } });
    }
    expect((await adminDb().collection(USERS).doc(user.uid).get()).exists).toBe(false);
    expect((await adminDb().collection(API_KEYS).where('user_id', '==', user.uid).get()).size).toBe(0);

    // A sign-in after the deletion (auth_time has whole seconds) starts a new, empty account.
    await untilElapsed(deletedAt.toMillis(), 1_000);
    await adminAuth().updateUser(user.uid, { password: 'another horse battery staple' });
    const fresh = { ...user, idToken: await signInWithPassword(user.email, 'another horse battery staple') };
    const me = meResponseSchema.parse(await json(await dashboardCall(fresh, '/me')));
    expect(me.usage.active_keys).toBe(0);
    expect((await adminDb().collection(DELETED_USERS).doc(user.uid).get()).exists).toBe(false);
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
