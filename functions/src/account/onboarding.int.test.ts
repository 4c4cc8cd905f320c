/**
 * The onboarding checklist ticks itself from what happens in the account: a key, a first call
 * (seen before aggregation), that call counted by the fold, and a plan. Dismissing and staying
 * on Free are each member's own; a role that does not manage billing is not asked for a plan.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS, MEMBERS } from '../lib/collections.js';
import { onboardingResponseSchema, type OnboardingResponse } from '../shared/contracts.js';
import { errorBodySchema } from '../shared/errors.js';
import {
  adminDb,
  apiCall,
  clearEmulators,
  createTestUser,
  dashboardCall,
  json,
  type TestUser,
} from '../test-support/emulators.js';
import { insertTeamAccount } from '../test-support/accounts.js';
import { createKeyViaApi } from '../test-support/fixtures.js';

beforeAll(async () => {
  await clearEmulators();
});

async function onboarding(user: TestUser, prefix = ''): Promise<OnboardingResponse> {
  const response = await dashboardCall(user, `${prefix}/onboarding`);
  expect(response.status).toBe(200);
  return onboardingResponseSchema.parse(await json(response));
}

function done(state: OnboardingResponse): Record<string, boolean> {
  return Object.fromEntries(state.steps.map((step) => [step.id, step.done]));
}

/** Asks again, as the dashboard polls, until `until` holds (the fold is a trigger: it takes a moment). */
async function pollOnboarding(
  user: TestUser,
  until: (state: OnboardingResponse) => boolean,
  timeoutMs = 20_000,
): Promise<OnboardingResponse> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await onboarding(user);
    if (until(state)) return state;
    if (Date.now() > deadline) throw new Error(`onboarding never got there: ${JSON.stringify(state)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function patch(user: TestUser, body: unknown, prefix = ''): Promise<Response> {
  return dashboardCall(user, `${prefix}/onboarding`, { method: 'PATCH', body });
}

describe('onboarding: a new account', () => {
  it('starts with nothing done and ticks each step as it happens', async () => {
    const user = await createTestUser();
    const fresh = await onboarding(user);
    expect(fresh.steps.map((step) => step.id)).toEqual([
      'create_key',
      'first_call',
      'call_counted',
      'pick_plan',
    ]);
    expect(fresh).toMatchObject({ complete: false, dismissed: false });
    expect(Object.values(done(fresh))).toEqual([false, false, false, false]);

    const key = await createKeyViaApi(user, { label: 'First' });
    expect(done(await onboarding(user))).toMatchObject({ create_key: true, first_call: false });

    const call = await apiCall(key.secret, '/time');
    expect(call.status).toBe(200);
    expect(done(await pollOnboarding(user, (state) => done(state).first_call === true)).create_key).toBe(
      true,
    );
    const counted = await pollOnboarding(user, (state) => done(state).call_counted === true);
    expect(counted.complete).toBe(false);

    const stayed = await patch(user, { stay_on_free: true });
    expect(stayed.status).toBe(200);
    const finished = onboardingResponseSchema.parse(await json(stayed));
    expect(finished).toMatchObject({ complete: true, dismissed: false });
    expect(Object.values(done(finished))).toEqual([true, true, true, true]);
  });

  it('counts a paid plan as picked', async () => {
    const user = await createTestUser();
    await onboarding(user);
    await adminDb().collection(ACCOUNTS).doc(user.uid).update({ plan_tier: 'pro' });
    expect(done(await onboarding(user)).pick_plan).toBe(true);
  });

  it('dismisses and brings back the checklist, keeping the steps', async () => {
    const user = await createTestUser();
    await createKeyViaApi(user, { label: 'k' });
    const dismissed = onboardingResponseSchema.parse(await json(await patch(user, { dismissed: true })));
    expect(dismissed.dismissed).toBe(true);
    expect(done(dismissed).create_key).toBe(true);
    expect((await onboarding(user)).dismissed).toBe(true);
    const back = onboardingResponseSchema.parse(await json(await patch(user, { dismissed: false })));
    expect(back.dismissed).toBe(false);
    const member = await adminDb().collection(ACCOUNTS).doc(user.uid).collection(MEMBERS).doc(user.uid).get();
    expect(member.get('onboarding')).toEqual({});
  });
});

describe('onboarding: teams', () => {
  it("is each member's own, and does not ask a role without billing to pick a plan", async () => {
    const [owner, viewer] = await Promise.all([createTestUser(), createTestUser()]);
    const team = await insertTeamAccount([
      [owner, 'owner'],
      [viewer, 'viewer'],
    ]);
    const prefix = `/accounts/${team}`;
    expect((await onboarding(owner, prefix)).steps.map((step) => step.id)).toContain('pick_plan');
    const viewers = await onboarding(viewer, prefix);
    expect(viewers.steps.map((step) => step.id)).toEqual(['create_key', 'first_call', 'call_counted']);

    expect((await patch(owner, { dismissed: true }, prefix)).status).toBe(200);
    expect((await onboarding(owner, prefix)).dismissed).toBe(true);
    expect((await onboarding(viewer, prefix)).dismissed).toBe(false);

    const refused = await patch(viewer, { stay_on_free: true }, prefix);
    expect(refused.status).toBe(403);
    expect(errorBodySchema.parse(await json(refused)).error.code).toBe('forbidden');
    const viewerMember = await adminDb()
      .collection(ACCOUNTS)
      .doc(team)
      .collection(MEMBERS)
      .doc(viewer.uid)
      .get();
    expect(viewerMember.get('onboarding')).toBeUndefined();
  });

  it('answers 404 to someone who is not a member, and writes nothing', async () => {
    const [owner, outsider] = await Promise.all([createTestUser(), createTestUser()]);
    const team = await insertTeamAccount([[owner, 'owner']]);
    const response = await patch(outsider, { dismissed: true }, `/accounts/${team}`);
    expect(response.status).toBe(404);
    const member = await adminDb().collection(ACCOUNTS).doc(team).collection(MEMBERS).doc(outsider.uid).get();
    expect(member.exists).toBe(false);
  });
});

describe('onboarding: errors', () => {
  it('refuses bodies that are not the contract, naming the field', async () => {
    const user = await createTestUser();
    for (const [body, field] of [
      [{}, 'body'],
      [{ dismissed: 'yes' }, 'dismissed'],
      [{ stay_on_free: false }, 'stay_on_free'],
      [{ dismissed: true, plan: 'pro' }, 'plan'],
    ] as const) {
      const response = await patch(user, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(errorBodySchema.parse(await json(response)).error.field).toBe(field);
    }
  });
});
