/**
 * `audit_log/{entry_id}`: an append-only record of who changed what in an account. Every entry
 * is written by the same transaction or batch as the change it records, so a change that fails
 * leaves none and one that lands always has its entry. Entries expire (Firestore TTL on
 * `expire_at`) after the account's plan's `audit_retention_days`; nothing updates or deletes
 * them before that, except erasing the whole account.
 */
import { Timestamp, type Transaction, type WriteBatch } from 'firebase-admin/firestore';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { userOf } from '../http/auth.js';
import { clientAddress } from '../http/client-address.js';
import { requestIdOf } from '../http/request-id.js';
import { db } from '../lib/firebase.js';
import { AUDIT_LOG } from '../lib/collections.js';
import { PLANS, type PlanTier } from '../shared/plans.js';
import {
  auditActionSchema,
  auditDetailsSchema,
  auditTargetTypeSchema,
  type AuditAction,
  type AuditEntry,
  type AuditTargetType,
} from '../shared/teams.js';

const DAY_MS = 86_400_000;

/** Who made a change, and through which request (null for a change no request made). */
export interface AuditSource {
  actorId: string;
  actorEmail: string | null;
  requestId: string | null;
  clientIp: string | null;
}

export interface AuditEvent {
  action: AuditAction;
  target: { type: AuditTargetType; id: string; label?: string | null };
  details?: Record<string, string | number | boolean | null>;
}

export const auditDocSchema = z.object({
  account_id: z.string(),
  at: z.instanceof(Timestamp),
  action: auditActionSchema,
  actor_id: z.string(),
  actor_email: z.string().nullable(),
  target_type: auditTargetTypeSchema,
  target_id: z.string(),
  target_label: z.string().nullable(),
  request_id: z.string().nullable(),
  client_ip: z.string().nullable(),
  details: auditDetailsSchema,
  expire_at: z.instanceof(Timestamp),
});
export type AuditDoc = z.infer<typeof auditDocSchema>;

/** The signed-in caller of a dashboard request. */
export function requestSource(req: Request, res: Response): AuditSource {
  const user = userOf(res);
  return {
    actorId: user.uid,
    actorEmail: user.email,
    requestId: requestIdOf(res),
    clientIp: clientAddress(req),
  };
}

/** Changes Stripe reports through its webhook. */
export const STRIPE_SOURCE: AuditSource = {
  actorId: 'stripe',
  actorEmail: null,
  requestId: null,
  clientIp: null,
};

export function auditCollection() {
  return db().collection(AUDIT_LOG);
}

/**
 * Adds the entry to `writer`, the transaction or batch that makes the change. Labels and
 * details are cut to their bounds, so no input can grow an entry.
 */
export function recordAudit(
  writer: Transaction | WriteBatch,
  account: { id: string; plan_tier: PlanTier },
  source: AuditSource,
  event: AuditEvent,
  now: Date = new Date(),
): void {
  const details = auditDetailsSchema.parse(
    Object.fromEntries(
      Object.entries(event.details ?? {})
        .slice(0, 20)
        .map(([name, value]) => [name.slice(0, 40), typeof value === 'string' ? value.slice(0, 200) : value]),
    ),
  );
  const doc: AuditDoc = {
    account_id: account.id,
    at: Timestamp.fromDate(now),
    action: event.action,
    actor_id: source.actorId,
    actor_email: source.actorEmail,
    target_type: event.target.type,
    target_id: event.target.id,
    target_label: event.target.label?.slice(0, 200) ?? null,
    request_id: source.requestId,
    client_ip: source.clientIp,
    details,
    expire_at: Timestamp.fromMillis(now.getTime() + PLANS[account.plan_tier].audit_retention_days * DAY_MS),
  };
  const ref = auditCollection().doc();
  writer.create(ref, doc);
}

export function toAuditEntry(id: string, doc: AuditDoc): AuditEntry {
  return {
    id,
    at: doc.at.toDate().toISOString(),
    action: doc.action,
    actor: { id: doc.actor_id, email: doc.actor_email },
    target: { type: doc.target_type, id: doc.target_id, label: doc.target_label },
    request_id: doc.request_id,
    client_ip: doc.client_ip,
    details: doc.details,
  };
}
