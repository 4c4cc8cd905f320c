import type { QueryDocumentSnapshot } from 'firebase-admin/firestore';
import type { Request, Response } from 'express';
import { accountFor } from '../accounts/access.js';
import { auditDocSchema, toAuditEntry } from '../accounts/audit-log.js';
import { queryOf } from '../http/routes.js';
import { takeRouteBudget } from '../http/route-limits.js';
import { streamResponse } from '../http/stream.js';
import { AUDIT_EXPORT_COLUMNS, AUDIT_EXPORT_MAX_ROWS, auditLogExportQuerySchema } from '../shared/teams.js';
import { csvRow } from '../usage/csv.js';
import { auditLogQuery } from './audit-log-query.js';

const PAGE_SIZE = 500;

/**
 * GET /audit-log/export?action&actor&from&to (owners and admins): the filtered log as CSV, newest
 * first, streamed a page at a time and cut at AUDIT_EXPORT_MAX_ROWS (narrow the dates for more).
 */
export async function exportAuditLog(req: Request, res: Response): Promise<void> {
  const account = accountFor(res, 'read_audit_log');
  takeRouteBudget(res, 'GET /audit-log/export');
  const filters = queryOf(res, auditLogExportQuerySchema);
  await streamResponse(req, res, 'GET /audit-log/export', async (write) => {
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="keymeter-audit-log.csv"');
    await write(csvRow(AUDIT_EXPORT_COLUMNS));
    let cursor: QueryDocumentSnapshot | undefined;
    let rows = 0;
    while (rows < AUDIT_EXPORT_MAX_ROWS) {
      let page = auditLogQuery(account.id, filters).limit(Math.min(PAGE_SIZE, AUDIT_EXPORT_MAX_ROWS - rows));
      if (cursor !== undefined) page = page.startAfter(cursor);
      const snapshot = await page.get();
      const lines = snapshot.docs.flatMap((doc) => {
        const parsed = auditDocSchema.safeParse(doc.data());
        if (!parsed.success) return [];
        const entry = toAuditEntry(doc.id, parsed.data);
        return [
          csvRow([
            entry.at,
            entry.action,
            entry.actor.id,
            entry.actor.email,
            entry.target.type,
            entry.target.id,
            entry.target.label,
            entry.request_id,
            entry.client_ip,
            JSON.stringify(entry.details),
          ]),
        ];
      });
      if (lines.length > 0) await write(lines.join(''));
      rows += snapshot.size;
      cursor = snapshot.docs.at(-1);
      if (cursor === undefined || snapshot.size < PAGE_SIZE) break;
    }
  });
}
