/**
 * requireUser against the Auth emulator's real email sign-ins: an unverified password sign-up
 * cannot act in the dashboard API, and once its address is verified it can. The refusal rests
 * on the token's own claims (`firebase.sign_in_provider`, `email_verified`), which the emulator
 * issues as production does; auth.test.ts checks the same refusal on tokens signed like
 * production's.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { API_KEYS, USERS } from '../lib/collections.js';
import { errorBodySchema } from '../shared/errors.js';
import {
  adminDb,
  clearEmulators,
  dashboardCall,
  json,
  signInWithPassword,
  type TestUser,
} from '../test-support/emulators.js';

const AUTH_URL = `http://${process.env.FIREBASE_AUTH_EMULATOR_HOST ?? '127.0.0.1:9099'}`;
const PROJECT = process.env.GCLOUD_PROJECT ?? 'demo-keymeter';
const PASSWORD = 'correct horse battery staple';

async function identityToolkit(method: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${AUTH_URL}/identitytoolkit.googleapis.com/v1/accounts:${method}?key=any`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await json<Record<string, unknown>>(response);
  if (!response.ok) throw new Error(`${method} failed: ${JSON.stringify(answer)}`);
  return answer;
}

/** A sign-up as the dashboard makes it: a password account, its address not verified. */
async function signUp(email: string): Promise<TestUser> {
  const answer = await identityToolkit('signUp', { email, password: PASSWORD, returnSecureToken: true });
  const { localId, idToken } = answer;
  if (typeof localId !== 'string' || typeof idToken !== 'string') throw new Error('no token from signUp');
  return { uid: localId, email, idToken };
}

async function verifyEmailOf(user: TestUser): Promise<void> {
  await identityToolkit('sendOobCode', { requestType: 'VERIFY_EMAIL', idToken: user.idToken });
  const listed = await json<{ oobCodes: { email: string; requestType: string; oobCode: string }[] }>(
    await fetch(`${AUTH_URL}/emulator/v1/projects/${PROJECT}/oobCodes`),
  );
  const code = listed.oobCodes.findLast(
    (oob) => oob.email === user.email && oob.requestType === 'VERIFY_EMAIL',
  );
  if (code === undefined) throw new Error('no verification code');
  await identityToolkit('update', { oobCode: code.oobCode });
}

async function errorCodeOf(response: Response): Promise<string> {
  return errorBodySchema.parse(await json(response)).error.code;
}

let count = 0;
const newEmail = () => `signup${(count += 1)}-${Date.now()}@example.test`;

beforeAll(async () => {
  await clearEmulators();
});

describe('dashboard API and email sign-ins: security', () => {
  it('refuses an unverified password sign-up on every kind of route, and writes nothing', async () => {
    const user = await signUp(newEmail());
    for (const [path, options] of [
      ['/me', {}],
      ['/summary', {}],
      ['/keys', { method: 'POST', body: { label: 'squatter' } }],
    ] as const) {
      const response = await dashboardCall(user, path, options);
      expect(response.status, path).toBe(403);
      expect(await errorCodeOf(response), path).toBe('email_not_verified');
    }
    expect((await adminDb().collection(USERS).doc(user.uid).get()).exists).toBe(false);
    expect((await adminDb().collection(API_KEYS).where('account_id', '==', user.uid).get()).size).toBe(0);
  });

  it('lets the same account in once its address is verified and it holds a new token', async () => {
    const user = await signUp(newEmail());
    await verifyEmailOf(user);
    // The old token still says email_verified: false, and the API reads the token.
    expect((await dashboardCall(user, '/me')).status).toBe(403);

    const fresh = { ...user, idToken: await signInWithPassword(user.email, PASSWORD) };
    const me = await dashboardCall(fresh, '/me');
    expect(me.status).toBe(200);
    expect((await dashboardCall(fresh, '/keys', { method: 'POST', body: { label: 'mine' } })).status).toBe(
      201,
    );
  });
});
