import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminAuth,
  clearEmulators,
  createTestUser,
  dashboardCall,
  signInWithPassword,
} from '../functions/src/test-support/emulators.js';

const run = promisify(execFile);

beforeAll(async () => {
  await clearEmulators();
});

function setAdmin(...args: string[]) {
  return run('npx', ['tsx', 'scripts/set-admin.ts', ...args], { env: { ...process.env } });
}

describe('npm run set-admin', () => {
  it('grants and removes the admin claim, keeping the user’s other claims', async () => {
    const user = await createTestUser();
    await adminAuth().setCustomUserClaims(user.uid, { plan: 'kept' });
    const granted = await setAdmin(user.email);
    expect(granted.stdout).toContain(`Granted the admin claim to ${user.email}`);
    expect((await adminAuth().getUser(user.uid)).customClaims).toEqual({ plan: 'kept', admin: true });
    // A fresh token carries it: the Admin routes let the user in.
    const token = await signInWithPassword(user.email, 'correct horse battery staple');
    expect((await dashboardCall({ ...user, idToken: token }, '/admin/stats')).status).toBe(200);

    await setAdmin(user.email, '--remove');
    expect((await adminAuth().getUser(user.uid)).customClaims).toEqual({ plan: 'kept' });
    const after = await signInWithPassword(user.email, 'correct horse battery staple');
    expect((await dashboardCall({ ...user, idToken: after }, '/admin/stats')).status).toBe(403);
  });

  it('refuses anything but an email and an optional --remove', async () => {
    await expect(setAdmin('not-an-email')).rejects.toMatchObject({ code: 2 });
    await expect(setAdmin('a@example.test', '--grant')).rejects.toMatchObject({ code: 2 });
  });
});
