import { Timestamp, type DocumentData } from 'firebase-admin/firestore';
import type { Scope } from '../shared/contracts.js';
import { utcPeriod } from '../shared/dates.js';
import { planLimits, type PlanTier } from '../shared/plans.js';
import { generateApiKey, hashApiKey, keyHint, keyPrefix } from './key-format.js';

export interface NewKey {
  /** The plaintext: returned to the caller once and never stored or logged. */
  secret: string;
  data: DocumentData;
}

export function newKey(options: {
  userId: string;
  label: string;
  scopes: readonly Scope[];
  tier: PlanTier;
  now: Date;
  expiresAt?: Date;
  limits?: { rate_limit_monthly: number; rate_limit_per_minute: number };
  usage?: { monthly_usage: number; usage_period: string };
}): NewKey {
  const secret = generateApiKey();
  const limits = options.limits ?? planLimits(options.tier);
  return {
    secret,
    data: {
      key_hash: hashApiKey(secret),
      key_prefix: keyPrefix(secret),
      key_hint: keyHint(secret),
      user_id: options.userId,
      label: options.label,
      scopes: [...options.scopes],
      tier: options.tier,
      created_at: Timestamp.fromDate(options.now),
      ...(options.expiresAt === undefined ? {} : { expires_at: Timestamp.fromDate(options.expiresAt) }),
      is_active: true,
      monthly_usage: options.usage?.monthly_usage ?? 0,
      usage_period: options.usage?.usage_period ?? utcPeriod(options.now),
      rate_limit_monthly: limits.rate_limit_monthly,
      rate_limit_per_minute: limits.rate_limit_per_minute,
    },
  };
}
