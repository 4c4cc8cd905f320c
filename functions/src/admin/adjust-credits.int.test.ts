import { beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS, CREDIT_LEDGER } from '../lib/collections.js';
import {
  accountExportSchema,
  creditAdjustmentResponseSchema,
  creditsResponseSchema,
} from '../shared/contracts.js';
import { errorBodySchema } from '../shared/errors.js';
import {
  adminDb,
  clearEmulators,
  createTestUser,
  dashboardCall,
  json,
  type TestUser,
} from '../test-support/emulators.js';

let operator: TestUser;

beforeAll(async () => {
  await clearEmulators();
  operator = await createTestUser({ admin: true });
});

function adjust(accountId: string, body: unknown) {
  return dashboardCall(operator, `/admin/accounts/${accountId}/credits/adjustments`, {
    method: 'POST',
    body,
  });
}

async function balanceOf(holder: TestUser): Promise<number> {
  return creditsResponseSchema.parse(await json(await dashboardCall(holder, '/billing/credits'))).balance;
}

async function ledgerSize(accountId: string): Promise<number> {
  return (await adminDb().collection(CREDIT_LEDGER).where('account_id', '==', accountId).get()).size;
}

describe('POST /admin/accounts/:account_id/credits/adjustments', () => {
  it('adds credits once per id, shown with the reason in the holder’s ledger and export', async () => {
    const holder = await createTestUser();
    await dashboardCall(holder, '/me');
    const first = await adjust(holder.uid, { id: 'goodwill-0001', units: 500, reason: 'outage on 1 Dec' });
    expect(first.status).toBe(201);
    expect(creditAdjustmentResponseSchema.parse(await json(first))).toMatchObject({
      applied: true,
      balance: 500,
      entry: { kind: 'adjustment', units: 500, reason: 'outage on 1 Dec' },
    });
    // A retry of the same request applies nothing more.
    const retry = await adjust(holder.uid, { id: 'goodwill-0001', units: 500, reason: 'outage on 1 Dec' });
    expect(retry.status).toBe(200);
    expect(creditAdjustmentResponseSchema.parse(await json(retry))).toMatchObject({
      applied: false,
      balance: 500,
    });
    expect(await balanceOf(holder)).toBe(500);

    const credits = creditsResponseSchema.parse(await json(await dashboardCall(holder, '/billing/credits')));
    expect(credits.entries).toEqual([
      expect.objectContaining({ kind: 'adjustment', units: 500, reason: 'outage on 1 Dec' }),
    ]);
    const exported = accountExportSchema.parse(await json(await dashboardCall(holder, '/me/export')));
    expect(exported.credit_ledger.map((entry) => entry.units)).toEqual([500]);
  });

  it('takes credits back down to zero and never below, and refuses a reused id', async () => {
    const holder = await createTestUser();
    await dashboardCall(holder, '/me');
    expect(
      (await adjust(holder.uid, { id: 'grant-00000001', units: 300, reason: 'trial credits' })).status,
    ).toBe(201);
    const tooMuch = await adjust(holder.uid, { id: 'claw-00000001', units: -301, reason: 'correction' });
    expect(tooMuch.status).toBe(409);
    expect(errorBodySchema.parse(await json(tooMuch)).error).toMatchObject({
      code: 'conflict',
      field: 'units',
    });
    const reused = await adjust(holder.uid, { id: 'grant-00000001', units: 10, reason: 'trial credits' });
    expect(reused.status).toBe(409);
    expect(errorBodySchema.parse(await json(reused)).error).toMatchObject({ code: 'conflict', field: 'id' });
    expect(await balanceOf(holder)).toBe(300);
    expect(await ledgerSize(holder.uid)).toBe(1);

    const back = await adjust(holder.uid, { id: 'claw-00000002', units: -300, reason: 'trial ended' });
    expect(back.status).toBe(201);
    expect(await balanceOf(holder)).toBe(0);
    expect((await adminDb().collection(ACCOUNTS).doc(holder.uid).get()).get('credits_granted')).toBe(0);
  });

  it('answers 404 for an account that does not exist, and writes nothing', async () => {
    for (const id of ['no-such-account', '__proto__']) {
      const response = await adjust(id, { id: 'ghost-0000001', units: 5, reason: 'nobody' });
      expect(response.status).toBe(404);
    }
    expect((await adminDb().collection(CREDIT_LEDGER).where('reason', '==', 'nobody').get()).size).toBe(0);
    expect((await adminDb().collection(ACCOUNTS).doc('no-such-account').get()).exists).toBe(false);
  });
});
