import { Timestamp } from 'firebase-admin/firestore';
import { expect } from 'vitest';
import { newKey } from '../keys/new-key.js';
import { ACCOUNTS, API_KEYS } from '../lib/collections.js';
import {
  createKeyResponseSchema,
  type CreateKeyRequest,
  type CreateKeyResponse,
  type Integration,
  type Scope,
} from '../shared/contracts.js';
import { utcPeriod } from '../shared/dates.js';
import type { AccountLimits, MeterName, PlanTier } from '../shared/plans.js';
import { adminDb, dashboardCall, json, type TestUser } from './emulators.js';

/** Creates a key through the dashboard API, as an account holder would. */
export async function createKeyViaApi(user: TestUser, request: CreateKeyRequest): Promise<CreateKeyResponse> {
  const response = await dashboardCall(user, '/keys', { method: 'POST', body: request });
  expect(response.status).toBe(201);
  return createKeyResponseSchema.parse(await json(response));
}

export interface InsertedKey {
  id: string;
  secret: string;
}

/** Writes a key straight to Firestore, for states the API cannot produce (expired, revoked, caps). */
export async function insertKey(
  accountId: string,
  options: {
    label?: string;
    scopes?: Scope[];
    expiresAt?: Date;
    revoked?: boolean;
    caps?: { monthly?: number; per_minute?: number };
    usage?: { monthly_usage: number; usage_period: string };
    createdBy?: string;
    integration?: Integration;
  } = {},
): Promise<InsertedKey> {
  const now = new Date();
  const ref = adminDb().collection(API_KEYS).doc();
  const created = newKey({
    accountId,
    createdBy: options.createdBy ?? accountId,
    label: options.label ?? 'fixture',
    scopes: options.scopes ?? ['read', 'write'],
    integration: options.integration ?? null,
    now,
    ...(options.expiresAt === undefined ? {} : { expiresAt: options.expiresAt }),
    lineage: {
      budgetId: ref.id,
      capMonthly: options.caps?.monthly ?? null,
      capPerMinute: options.caps?.per_minute ?? null,
    },
    usage: options.usage ?? { monthly_usage: 0, usage_period: utcPeriod(now) },
  });
  const data =
    options.revoked === true
      ? { ...created.data, is_active: false, revoked_at: Timestamp.now() }
      : created.data;
  await ref.set(data);
  return { id: ref.id, secret: created.secret };
}

/**
 * Gives an account limits other than its plan's (`limit_overrides`, as an operator would),
 * creating the account document if the test has not made one through the dashboard.
 */
/** Merges billing fields into an account's document (subscription, overage settings), as billing would. */
export async function setAccountBilling(accountId: string, fields: Record<string, unknown>): Promise<void> {
  await adminDb().collection(ACCOUNTS).doc(accountId).set(fields, { merge: true });
}

export async function setAccountLimits(
  accountId: string,
  limits: Partial<AccountLimits> & { meters?: Partial<Record<MeterName, { monthly?: number }>> },
  plan: PlanTier = 'free',
): Promise<void> {
  const ref = adminDb().collection(ACCOUNTS).doc(accountId);
  await adminDb().runTransaction(async (tx) => {
    const current = await tx.get(ref);
    if (current.exists) tx.update(ref, { limit_overrides: limits });
    else
      tx.create(ref, {
        kind: 'personal',
        name: accountId,
        plan_tier: plan,
        owner_uid: accountId,
        limit_overrides: limits,
        created_at: Timestamp.now(),
      });
  });
}
