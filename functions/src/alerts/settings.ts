/**
 * `alert_settings/{account_id}`: an account's thresholds and channels. Absent, or with fields
 * missing, the defaults apply: 80% and 100% of the quota, no low-credits alert, email to the
 * account's owner, no webhook.
 */
import { Timestamp, type Transaction } from 'firebase-admin/firestore';
import { z } from 'zod';
import { db } from '../lib/firebase.js';
import { ALERT_SETTINGS } from '../lib/collections.js';
import {
  DEFAULT_QUOTA_THRESHOLDS,
  LOW_CREDITS_UNITS_MAX,
  MAX_ALERT_RECIPIENTS,
  MAX_QUOTA_THRESHOLDS,
  type AlertSettings,
} from '../shared/contracts.js';

const timestamp = z.instanceof(Timestamp);

export const webhookRegistrationSchema = z.object({
  url: z.string(),
  secret: z.string(),
  created_at: timestamp,
});
export type WebhookRegistration = z.infer<typeof webhookRegistrationSchema>;

/**
 * The stored document, read leniently: a field that is missing or damaged takes its default, so
 * one bad field never stops the other channels from delivering.
 */
export const alertSettingsDocSchema = z.object({
  quota_thresholds: z
    .array(z.number().int().min(1).max(100))
    .max(MAX_QUOTA_THRESHOLDS)
    .transform((values) => [...new Set(values)].sort((a, b) => a - b))
    .catch(() => [...DEFAULT_QUOTA_THRESHOLDS]),
  low_credits_units: z.number().int().min(0).max(LOW_CREDITS_UNITS_MAX).nullable().catch(null),
  email: z
    .object({
      enabled: z.boolean().catch(true),
      recipients: z.array(z.string()).max(MAX_ALERT_RECIPIENTS).catch([]),
    })
    .catch({ enabled: true, recipients: [] }),
  webhook: webhookRegistrationSchema.nullable().catch(null),
  updated_at: timestamp.nullable().catch(null),
});
export type AlertSettingsDoc = z.infer<typeof alertSettingsDocSchema>;

export function parseAlertSettings(data: unknown): AlertSettingsDoc {
  const fields = typeof data === 'object' && data !== null ? data : {};
  return alertSettingsDocSchema.parse({
    quota_thresholds: undefined,
    low_credits_units: undefined,
    email: undefined,
    webhook: undefined,
    updated_at: undefined,
    ...fields,
  });
}

export function alertSettingsRef(accountId: string) {
  return db().collection(ALERT_SETTINGS).doc(accountId);
}

/** The account's alert settings with defaults; inside `tx` when given (the lease ledger's). */
export async function readAlertSettings(accountId: string, tx?: Transaction): Promise<AlertSettingsDoc> {
  const ref = alertSettingsRef(accountId);
  const snapshot = tx === undefined ? await ref.get() : await tx.get(ref);
  return parseAlertSettings(snapshot.data());
}

/** As the dashboard sees them: the webhook's secret is never sent again after registration. */
export function toAlertSettings(doc: AlertSettingsDoc): AlertSettings {
  return {
    quota_thresholds: doc.quota_thresholds,
    low_credits_units: doc.low_credits_units,
    email: { enabled: doc.email.enabled, recipients: doc.email.recipients },
    webhook:
      doc.webhook === null
        ? null
        : { url: doc.webhook.url, created_at: doc.webhook.created_at.toDate().toISOString() },
    updated_at: doc.updated_at?.toDate().toISOString() ?? null,
  };
}
