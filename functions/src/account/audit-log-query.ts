import { Timestamp, type Query } from 'firebase-admin/firestore';
import { auditCollection } from '../accounts/audit-log.js';
import { addDays } from '../shared/dates.js';
import type { AuditLogQuery } from '../shared/teams.js';

/**
 * An account's audit log, newest first, narrowed by action, actor and UTC dates (both ends
 * included). firestore.indexes.json declares the index each combination needs.
 */
export function auditLogQuery(accountId: string, filters: Omit<AuditLogQuery, 'cursor'>): Query {
  let query: Query = auditCollection().where('account_id', '==', accountId);
  if (filters.action !== undefined) query = query.where('action', '==', filters.action);
  if (filters.actor !== undefined) query = query.where('actor_id', '==', filters.actor);
  if (filters.from !== undefined)
    query = query.where('at', '>=', Timestamp.fromDate(new Date(`${filters.from}T00:00:00Z`)));
  if (filters.to !== undefined)
    query = query.where('at', '<', Timestamp.fromDate(new Date(`${addDays(filters.to, 1)}T00:00:00Z`)));
  return query.orderBy('at', 'desc');
}
