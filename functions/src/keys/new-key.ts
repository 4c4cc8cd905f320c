import { Timestamp, type DocumentData } from 'firebase-admin/firestore';
import type { Scope } from '../shared/contracts.js';
import { utcPeriod } from '../shared/dates.js';
import { generateApiKey, hashApiKey, keyHint, keyPrefix } from './key-format.js';

export interface NewKey {
  /** The plaintext: returned to the caller once and never stored or logged. */
  secret: string;
  data: DocumentData;
}

export function newKey(options: {
  accountId: string;
  /** The uid of the member creating it. */
  createdBy: string;
  label: string;
  scopes: readonly Scope[];
  now: Date;
  expiresAt?: Date;
  /**
   * A rolled key's successor shares its predecessor's lineage (`budget_id`) and caps. Without
   * one the key is its own lineage (budgetIdOf falls back to its id) and has no caps.
   */
  lineage?: { budgetId: string; capMonthly: number | null; capPerMinute: number | null };
  usage?: { monthly_usage: number; usage_period: string };
}): NewKey {
  const secret = generateApiKey();
  return {
    secret,
    data: {
      key_hash: hashApiKey(secret),
      key_prefix: keyPrefix(secret),
      key_hint: keyHint(secret),
      account_id: options.accountId,
      created_by: options.createdBy,
      label: options.label,
      scopes: [...options.scopes],
      created_at: Timestamp.fromDate(options.now),
      ...(options.expiresAt === undefined ? {} : { expires_at: Timestamp.fromDate(options.expiresAt) }),
      is_active: true,
      monthly_usage: options.usage?.monthly_usage ?? 0,
      usage_period: options.usage?.usage_period ?? utcPeriod(options.now),
      ...(options.lineage === undefined
        ? { cap_monthly: null, cap_per_minute: null }
        : {
            budget_id: options.lineage.budgetId,
            cap_monthly: options.lineage.capMonthly,
            cap_per_minute: options.lineage.capPerMinute,
          }),
    },
  };
}
