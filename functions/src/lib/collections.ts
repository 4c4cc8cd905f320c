/** Firestore collection names, as in SPEC.md's data model. */
export const USERS = 'users';
export const API_KEYS = 'api_keys';
export const API_USAGE_EVENTS = 'api_usage_events';
export const API_USAGE_DAILY = 'api_usage_daily';
export const API_USAGE_MONTHLY = 'api_usage_monthly';
/** `api_usage_platform_daily/{date}_{shard}`: the platform's totals per day, for operators. */
export const API_USAGE_PLATFORM_DAILY = 'api_usage_platform_daily';
export const STRIPE_EVENTS = 'stripe_events';
/** `deleted_users/{uid}`: a deleted account's tombstone, so tokens issued before cannot bring it back. */
export const DELETED_USERS = 'deleted_users';
/** `key_revocations/{keyId}`: recent revocations, which every API instance checks (TTL `expire_at`). */
export const KEY_REVOCATIONS = 'key_revocations';

export function dailyDocId(userId: string, date: string): string {
  return `${userId}_${date}`;
}

export function monthlyDocId(userId: string, period: string): string {
  return `${userId}_${period}`;
}
