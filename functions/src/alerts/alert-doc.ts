/**
 * `alerts/{alert_id}`: one document per account, period, kind and threshold (and key, for a
 * key's cap), created by the lease that reaches the threshold (keys/lease-alerts.ts). Its id is
 * derived from those fields, so a threshold reached twice creates it once, and `onAlertFired`
 * delivers it.
 */
import { Timestamp } from 'firebase-admin/firestore';
import { z } from 'zod';
import { alertKindSchema, keyIdSchema, type AlertKind, type FiredAlert } from '../shared/contracts.js';
import { periodSchema } from '../shared/dates.js';
import { isDocumentId, uidSchema } from '../shared/ids.js';

export const alertDocSchema = z.object({
  account_id: uidSchema,
  kind: alertKindSchema,
  threshold: z.number().nonnegative().finite(),
  period: periodSchema,
  key_id: keyIdSchema.nullable(),
  /** What was counted, e.g. `units`. */
  meter: z.string().min(1).max(64),
  /** How much had been used (or, for low credits, was left) when it fired. */
  value: z.number().finite(),
  limit: z.number().finite().nullable(),
  fired_at: z.instanceof(Timestamp),
});
export type AlertDoc = z.infer<typeof alertDocSchema>;

export interface AlertIdentity {
  account_id: string;
  period: string;
  kind: AlertKind;
  threshold: number;
  key_id: string | null;
}

/** Thresholds in ids are written without exponent or sign, so `80` and `80.0` name one alert. */
function thresholdPart(threshold: number): string {
  if (!Number.isFinite(threshold) || threshold < 0) throw new Error(`not an alert threshold: ${threshold}`);
  return Number.isInteger(threshold) ? BigInt(threshold).toString() : String(threshold).replace('.', 'p');
}

/** `${account_id}_${period}_${kind}_${threshold}`, then `_${key_id}` for a key's alert. */
export function alertId(identity: AlertIdentity): string {
  const parts = [
    identity.account_id,
    identity.period,
    identity.kind,
    thresholdPart(identity.threshold),
    ...(identity.key_id === null ? [] : [identity.key_id]),
  ];
  const id = parts.join('_');
  if (!uidSchema.safeParse(identity.account_id).success || !isDocumentId(id))
    throw new Error('an alert id must be a Firestore document id');
  return id;
}

export function toFiredAlert(id: string, doc: AlertDoc): FiredAlert {
  return {
    id,
    kind: doc.kind,
    threshold: doc.threshold,
    period: doc.period,
    key_id: doc.key_id,
    meter: doc.meter,
    value: doc.value,
    limit: doc.limit,
    fired_at: doc.fired_at.toDate().toISOString(),
  };
}
