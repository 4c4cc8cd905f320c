/** Firestore collection names, as in SPEC.md's data model. */
export const USERS = 'users';
/** `accounts/{account_id}`: owns keys, plan, limits and usage. A personal account's id is its user's uid. */
export const ACCOUNTS = 'accounts';
/** `accounts/{account_id}/members/{uid}`: `role`, `joined_at`, `invited_by`. */
export const MEMBERS = 'members';
/** `account_budgets/{account_id}`: the units handed out to API instances this period and minute. */
export const ACCOUNT_BUDGETS = 'account_budgets';
/** `account_budgets/{account_id}/key_budgets/{budget_id}`: the same for a key lineage with caps. */
export const KEY_BUDGETS = 'key_budgets';
export const API_KEYS = 'api_keys';
export const API_USAGE_EVENTS = 'api_usage_events';
export const API_USAGE_DAILY = 'api_usage_daily';
export const API_USAGE_MONTHLY = 'api_usage_monthly';
/** `api_usage_platform_daily/{date}_{shard}`: the platform's totals per day, for operators. */
export const API_USAGE_PLATFORM_DAILY = 'api_usage_platform_daily';
export const STRIPE_EVENTS = 'stripe_events';
/** `credit_ledger/{entry_id}`: an account's prepaid credits: grants, daily usage, adjustments. */
export const CREDIT_LEDGER = 'credit_ledger';
/** `deleted_users/{uid}`: a deleted account's tombstone, so tokens issued before cannot bring it back. */
export const DELETED_USERS = 'deleted_users';
/** `key_revocations/{keyId}`: recent revocations, which every API instance checks (TTL `expire_at`). */
export const KEY_REVOCATIONS = 'key_revocations';

export function dailyDocId(accountId: string, date: string): string {
  return `${accountId}_${date}`;
}

export function monthlyDocId(accountId: string, period: string): string {
  return `${accountId}_${period}`;
}

/** `alert_settings/{account_id}`: thresholds and channels of an account's usage alerts. */
export const ALERT_SETTINGS = 'alert_settings';
/** `alerts/{alert_id}`: one per account, period, kind and threshold (and key), written when it fires. */
export const ALERTS = 'alerts';
/** `notifications/{alert_id}`: the in-app notice of an alert (TTL `expire_at`). */
export const NOTIFICATIONS = 'notifications';
/** `alert_emails/{alert_id}`: whether an alert's email was sent, so it is sent at most once (TTL `expire_at`). */
export const ALERT_EMAILS = 'alert_emails';
/** `webhook_deliveries/{id}`: one signed webhook event, its retries and their log (TTL `expire_at`). */
export const WEBHOOK_DELIVERIES = 'webhook_deliveries';

/** `audit_log/{entry_id}`: who changed what in an account, written with the change (TTL `expire_at`). */
export const AUDIT_LOG = 'audit_log';
/** `invitations/{sha256(token)}`: an invitation to a team; the token itself is never stored. */
export const INVITATIONS = 'invitations';
/** `team_slugs/{slug}`: which team a slug names, so two teams never share one. */
export const TEAM_SLUGS = 'team_slugs';
