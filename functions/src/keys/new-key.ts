import { Timestamp, type DocumentData } from 'firebase-admin/firestore';
import type { Integration, KeyMetadata, Scope } from '../shared/contracts.js';
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
  integration?: Integration | null;
  metadata?: KeyMetadata | null;
  /**
   * A rolled key's successor shares its predecessor's lineage (`budget_id`) and caps. Without
   * one the key is its own lineage (budgetIdOf falls back to its id) and has no caps.
   */
  lineage?: { budgetId: string; capMonthly: number | null; capPerMinute: number | null };
  usage?: { monthly_usage: number; usage_period: string };
}): NewKey {
  const secret = generateApiKey();
  const metadata = storedMetadata(options.metadata);
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
      ...(options.integration ? { integration: options.integration } : {}),
      ...(metadata === null ? {} : { metadata }),
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

/** What a key keeps of the metadata it is given: nothing for null or an empty object. */
export function storedMetadata(metadata: KeyMetadata | null | undefined): KeyMetadata | null {
  return metadata === undefined || metadata === null || Object.keys(metadata).length === 0 ? null : metadata;
}
