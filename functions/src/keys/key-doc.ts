/** The `api_keys/{key_id}` document: its shape, its reading, and its public form. */
import { Timestamp } from 'firebase-admin/firestore';
import { z } from 'zod';
import {
  integrationSchema,
  keyMetadataSchema,
  KEY_EXPIRING_SOON_DAYS,
  scopeSchema,
  type ApiKey,
  type KeyStatus,
} from '../shared/contracts.js';
import { withLegacyOwner } from '../accounts/legacy-owner.js';
import { periodSchema, utcPeriod } from '../shared/dates.js';

const timestamp = z.instanceof(Timestamp);

export const keyDocSchema = z.preprocess(
  (data) => withLegacyOwner(data, ['created_by']),
  z.object({
    key_hash: z.string(),
    key_prefix: z.string(),
    key_hint: z.string(),
    account_id: z.string(),
    created_by: z.string(),
    label: z.string(),
    scopes: z.array(scopeSchema),
    created_at: timestamp,
    expires_at: timestamp.optional(),
    last_used_at: timestamp.optional(),
    is_active: z.boolean(),
    revoked_at: timestamp.optional(),
    monthly_usage: z.number().int().nonnegative(),
    usage_period: periodSchema,
    /** Set on a key that was rolled: the id of its replacement. */
    replaced_by: z.string().optional(),
    /** The lineage whose caps it shares: the first key of a chain of rolls (absent: itself). */
    budget_id: z.string().optional(),
    cap_monthly: z.number().int().positive().nullable().default(null),
    cap_per_minute: z.number().int().positive().nullable().default(null),
    /** Chosen at creation and carried to successors; absent on keys made without one. */
    integration: integrationSchema.nullable().default(null),
    /** Written only through keyMetadataSchema (create, PATCH), so it reads back within bounds. */
    metadata: keyMetadataSchema.nullable().default(null),
  }),
);
export type KeyDoc = z.infer<typeof keyDocSchema>;

export function budgetIdOf(keyId: string, doc: KeyDoc): string {
  return doc.budget_id ?? keyId;
}

export function readKeyDoc(data: unknown): KeyDoc {
  return keyDocSchema.parse(data);
}

const DAY_MS = 86_400_000;

export function keyStatus(doc: KeyDoc, now: Date): KeyStatus {
  if (!doc.is_active || doc.revoked_at !== undefined) return 'revoked';
  if (doc.expires_at === undefined) return 'active';
  const remaining = doc.expires_at.toMillis() - now.getTime();
  if (remaining <= 0) return 'expired';
  return remaining <= KEY_EXPIRING_SOON_DAYS * DAY_MS ? 'expiring' : 'active';
}

/** Usable right now: not revoked and not expired. */
export function isUsable(doc: KeyDoc, now: Date): boolean {
  const status = keyStatus(doc, now);
  return status === 'active' || status === 'expiring';
}

/** Calls counted against this period's quota; a counter left on an older period counts zero. */
export function usageThisPeriod(doc: KeyDoc, now: Date): number {
  return doc.usage_period === utcPeriod(now) ? doc.monthly_usage : 0;
}

function iso(value: Timestamp | undefined): string | null {
  return value === undefined ? null : value.toDate().toISOString();
}

/** The key as the dashboard sees it: never the hash, status computed here. */
export function toApiKey(id: string, doc: KeyDoc, now: Date): ApiKey {
  return {
    id,
    label: doc.label,
    key_prefix: doc.key_prefix,
    key_hint: doc.key_hint,
    scopes: doc.scopes,
    account_id: doc.account_id,
    created_by: doc.created_by,
    status: keyStatus(doc, now),
    created_at: doc.created_at.toDate().toISOString(),
    expires_at: iso(doc.expires_at),
    last_used_at: iso(doc.last_used_at),
    revoked_at: iso(doc.revoked_at),
    monthly_usage: usageThisPeriod(doc, now),
    usage_period: utcPeriod(now),
    cap_monthly: doc.cap_monthly,
    cap_per_minute: doc.cap_per_minute,
    integration: doc.integration,
    metadata: doc.metadata,
  };
}
