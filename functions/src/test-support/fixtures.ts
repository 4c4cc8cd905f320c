import { Timestamp } from 'firebase-admin/firestore';
import { expect } from 'vitest';
import { newKey } from '../keys/new-key.js';
import { API_KEYS } from '../lib/collections.js';
import {
  createKeyResponseSchema,
  type CreateKeyRequest,
  type CreateKeyResponse,
  type Scope,
} from '../shared/contracts.js';
import { utcPeriod } from '../shared/dates.js';
import type { PlanTier } from '../shared/plans.js';
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

/** Writes a key straight to Firestore, for states the API cannot produce (expired, tiny limits). */
export async function insertKey(
  userId: string,
  options: {
    label?: string;
    scopes?: Scope[];
    tier?: PlanTier;
    expiresAt?: Date;
    revoked?: boolean;
    limits?: { rate_limit_monthly: number; rate_limit_per_minute: number };
    usage?: { monthly_usage: number; usage_period: string };
  } = {},
): Promise<InsertedKey> {
  const now = new Date();
  const created = newKey({
    userId,
    label: options.label ?? 'fixture',
    scopes: options.scopes ?? ['read', 'write'],
    tier: options.tier ?? 'pro',
    now,
    ...(options.expiresAt === undefined ? {} : { expiresAt: options.expiresAt }),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    usage: options.usage ?? { monthly_usage: 0, usage_period: utcPeriod(now) },
  });
  const data =
    options.revoked === true
      ? { ...created.data, is_active: false, revoked_at: Timestamp.now() }
      : created.data;
  const ref = adminDb().collection(API_KEYS).doc();
  await ref.set(data);
  return { id: ref.id, secret: created.secret };
}
