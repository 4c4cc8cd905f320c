import type { Request, Response } from 'express';
import { accountFor } from '../accounts/access.js';
import { auditCollection, auditDocSchema, toAuditEntry } from '../accounts/audit-log.js';
import { ApiError } from '../http/api-error.js';
import { queryOf } from '../http/routes.js';
import { PLANS } from '../shared/plans.js';
import { AUDIT_PAGE_SIZE, auditLogQuerySchema, type AuditLogResponse } from '../shared/teams.js';
import { auditLogQuery } from './audit-log-query.js';

/**
 * GET /audit-log?action&actor&from&to&cursor (owners and admins): a page of the account's audit
 * log, newest first; `next_cursor` (the last entry's id) asks for the next page.
 */
export async function getAuditLog(_req: Request, res: Response): Promise<void> {
  const account = accountFor(res, 'read_audit_log');
  const { cursor, ...filters } = queryOf(res, auditLogQuerySchema);
  let query = auditLogQuery(account.id, filters);
  if (cursor !== undefined) {
    const after = await auditCollection().doc(cursor).get();
    if (!after.exists || after.get('account_id') !== account.id)
      throw new ApiError('invalid_request', 'This cursor is not of this audit log.', 'query.cursor');
    query = query.startAfter(after);
  }
  const page = await query.limit(AUDIT_PAGE_SIZE + 1).get();
  const docs = page.docs.slice(0, AUDIT_PAGE_SIZE);
  const body: AuditLogResponse = {
    entries: docs.flatMap((doc) => {
      const parsed = auditDocSchema.safeParse(doc.data());
      return parsed.success ? [toAuditEntry(doc.id, parsed.data)] : [];
    }),
    next_cursor: page.size > AUDIT_PAGE_SIZE ? (docs.at(-1)?.id ?? null) : null,
    retention_days: PLANS[account.doc.plan_tier].audit_retention_days,
  };
  res.json(body);
}
