/**
 * Keymeter's structured log events, the only way functions log. Each event has a fixed name and
 * typed fields; no event takes a key, a token or a request body. As a second line of defence
 * every string is passed through `redactSecrets`, so even an error message that quotes an API
 * key cannot put it in the logs.
 */
import { write, type LogSeverity } from 'firebase-functions/logger';

type FieldValue = string | number | boolean | null | readonly string[];
type Fields = Readonly<Record<string, FieldValue | undefined>>;

/**
 * Keymeter keys (`sk_live_…`) and Stripe secret and restricted keys (`sk_test_…`, `rk_live_…`):
 * anything longer than a key's public prefix (`sk_live_` + 4 characters) is treated as secret.
 */
const SECRET_KEY_PATTERN = /\b((?:sk|rk)_(?:live|test)_)[0-9A-Za-z]{5,}/g;
const WEBHOOK_SECRET_PATTERN = /\bwhsec_[0-9A-Za-z+/=]+/g;
const BEARER_PATTERN = /(bearer\s+)[^\s"']+/gi;

export function redactSecrets(text: string): string {
  return text
    .replace(SECRET_KEY_PATTERN, '$1[redacted]')
    .replace(WEBHOOK_SECRET_PATTERN, 'whsec_[redacted]')
    .replace(BEARER_PATTERN, '$1[redacted]');
}

function emit(severity: LogSeverity, event: string, fields: Fields): void {
  const entry: Record<string, FieldValue> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (typeof value === 'string') entry[name] = redactSecrets(value);
    else if (Array.isArray(value)) entry[name] = value.map((item: string) => redactSecrets(item));
    else entry[name] = value as FieldValue;
  }
  write({ severity, message: event, event, ...entry });
}

/** Name, message and stack of an unexpected error, redacted; for logs only, never responses. */
function describeError(error: unknown): Fields {
  if (error instanceof Error) {
    return { error_name: error.name, error_message: error.message, error_stack: error.stack ?? null };
  }
  return { error_name: typeof error, error_message: String(error) };
}

export const log = {
  profileCreated(fields: { user_id: string }): void {
    emit('INFO', 'profile_created', fields);
  },
  keyCreated(fields: {
    account_id: string;
    user_id: string;
    key_id: string;
    key_prefix: string;
    scopes: readonly string[];
  }): void {
    emit('INFO', 'key_created', fields);
  },
  keyUpdated(fields: {
    account_id: string;
    user_id: string;
    key_id: string;
    fields: readonly string[];
  }): void {
    emit('INFO', 'key_updated', fields);
  },
  creditsAdjusted(fields: {
    account_id: string;
    operator_uid: string;
    units: number;
    entry_id: string;
  }): void {
    emit('INFO', 'credits_adjusted', fields);
  },
  keyRevoked(fields: { account_id: string; user_id: string; key_id: string }): void {
    emit('INFO', 'key_revoked', fields);
  },
  keyRolled(fields: {
    account_id: string;
    user_id: string;
    key_id: string;
    new_key_id: string;
    grace_period_hours: number;
  }): void {
    emit('INFO', 'key_rolled', fields);
  },
  accountDeleted(fields: { user_id: string; account_id: string; keys: number; documents: number }): void {
    emit('INFO', 'account_deleted', fields);
  },
  apiKeyRefused(fields: { code: string; endpoint: string; key_id?: string; request_id: string }): void {
    emit('DEBUG', 'api_key_refused', fields);
  },
  handlerUnitsInvalid(fields: { reported: string; reserved: number }): void {
    emit('ERROR', 'handler_units_invalid', fields);
  },
  budgetReset(fields: { path: string }): void {
    emit('ERROR', 'budget_reset', fields);
  },
  budgetLeaseFailed(fields: { account_id: string }, error: unknown): void {
    emit('WARNING', 'budget_lease_failed', { ...fields, ...describeError(error) });
  },
  revocationCheckFailed(error: unknown): void {
    emit('WARNING', 'revocation_check_failed', describeError(error));
  },
  usageFlushed(fields: { batches: number; calls: number; duration_ms: number; reason: string }): void {
    emit('DEBUG', 'usage_flushed', fields);
  },
  usageFlushFailed(fields: { batches: number; calls: number; attempt: number }, error: unknown): void {
    emit('WARNING', 'usage_flush_failed', { ...fields, ...describeError(error) });
  },
  usageDropped(fields: { calls: number; reason: string }): void {
    emit('ERROR', 'usage_dropped', fields);
  },
  usageFolded(fields: { batch_id: string; key_id: string; calls: number }): void {
    emit('DEBUG', 'usage_folded', fields);
  },
  usageFoldSkipped(fields: {
    batch_id: string;
    reason: 'already_folded' | 'key_deleted' | 'missing' | 'invalid';
  }): void {
    emit('DEBUG', 'usage_fold_skipped', fields);
  },
  monthClosed(fields: { period: string; accounts: number; keys_reset: number; duration_ms: number }): void {
    emit('INFO', 'month_closed', fields);
  },
  monthClosePaused(fields: { period: string; after_account: string | null; pages: number }): void {
    emit('INFO', 'month_close_paused', fields);
  },
  monthCloseTaskRefused(fields: { reason: string }): void {
    emit('ERROR', 'month_close_task_refused', fields);
  },
  billingNotConfigured(fields: { function: string; problems: readonly string[] }): void {
    emit('ERROR', 'billing_not_configured', fields);
  },
  stripeCustomerCreated(fields: { account_id: string; customer_id: string }): void {
    emit('INFO', 'stripe_customer_created', fields);
  },
  stripeCustomerDeleted(fields: { account_id: string; customer_id: string }): void {
    emit('INFO', 'stripe_customer_deleted', fields);
  },
  stripeCustomerDiscarded(fields: {
    account_id: string;
    customer_id: string;
    kept_customer_id: string;
  }): void {
    emit('WARNING', 'stripe_customer_discarded', fields);
  },
  checkoutSessionCreated(fields: {
    account_id: string;
    user_id: string;
    plan: string;
    session_id: string;
  }): void {
    emit('INFO', 'checkout_session_created', fields);
  },
  portalSessionCreated(fields: { account_id: string; user_id: string }): void {
    emit('INFO', 'portal_session_created', fields);
  },
  stripeWebhookRejected(fields: { reason: string; detail?: string }): void {
    emit('WARNING', 'stripe_webhook_rejected', fields);
  },
  stripeWebhookIgnored(fields: { event_id: string; type: string; reason: string }): void {
    emit('DEBUG', 'stripe_webhook_ignored', fields);
  },
  stripeWebhookApplied(fields: {
    event_id: string;
    type: string;
    account_id: string;
    customer_id: string;
    plan_tier: string;
    subscription_status: string | null;
  }): void {
    emit('INFO', 'stripe_webhook_applied', fields);
  },
  stripeWebhookFailed(fields: { event_id: string; type: string }, error: unknown): void {
    emit('ERROR', 'stripe_webhook_failed', { ...fields, ...describeError(error) });
  },
  stripeUnavailable(fields: { route: string }, error: unknown): void {
    emit('WARNING', 'stripe_unavailable', { ...fields, ...describeError(error) });
  },
  stripePriceUnmapped(fields: { customer_id: string; subscription_ids: readonly string[] }): void {
    emit('ERROR', 'stripe_price_unmapped', fields);
  },
  requestFailed(fields: { request_id: string; method: string; route: string }, error: unknown): void {
    emit('ERROR', 'request_failed', { ...fields, ...describeError(error) });
  },
  taskFailed(fields: { task: string }, error: unknown): void {
    emit('ERROR', 'task_failed', { ...fields, ...describeError(error) });
  },
  alertSettingsUpdated(fields: { account_id: string; user_id: string; fields: readonly string[] }): void {
    emit('INFO', 'alert_settings_updated', fields);
  },
  alertIgnored(fields: { alert_id: string; reason: string }): void {
    emit('WARNING', 'alert_ignored', fields);
  },
  alertMailSent(fields: {
    alert_id: string;
    account_id: string;
    recipients: number;
    message_id: string;
  }): void {
    emit('INFO', 'alert_mail_sent', fields);
  },
  /** SMTP is not configured: the mail is logged instead (it never holds a secret). */
  alertMailSkipped(fields: {
    alert_id: string;
    account_id: string;
    reason: string;
    to: readonly string[];
    subject: string;
    text: string;
  }): void {
    emit('INFO', 'alert_mail_skipped', fields);
  },
  alertMailFailed(fields: { alert_id: string; account_id: string }, error: unknown): void {
    emit('ERROR', 'alert_mail_failed', { ...fields, ...describeError(error) });
  },
  plainMailFailed(fields: { subject: string }, error: unknown): void {
    emit('ERROR', 'mail_failed', { ...fields, ...describeError(error) });
  },
  teamCreated(fields: { account_id: string; user_id: string; slug: string }): void {
    emit('INFO', 'team_created', fields);
  },
  teamDeleted(fields: { account_id: string; user_id: string; keys: number; documents: number }): void {
    emit('INFO', 'team_deleted', fields);
  },
  membershipChanged(fields: {
    account_id: string;
    user_id: string;
    member_uid: string;
    change: 'role' | 'removed' | 'left' | 'joined' | 'owner';
    role: string | null;
  }): void {
    emit('INFO', 'membership_changed', fields);
  },
  /**
   * Where mail is not configured, the invitation link (its token is single-use, 7 days) is
   * logged for whoever runs the system to hand over; with mail it is never logged.
   */
  invitationCreated(fields: {
    account_id: string;
    invitation_id: string;
    role: string;
    delivery: 'email' | 'link_only';
    url: string | null;
  }): void {
    emit('INFO', 'invitation_created', fields);
  },
  mailNotConfigured(fields: { problems: readonly string[] }): void {
    emit('WARNING', 'mail_not_configured', fields);
  },
  webhookRegistered(fields: { account_id: string; user_id: string; host: string }): void {
    emit('INFO', 'webhook_registered', fields);
  },
  webhookRemoved(fields: { account_id: string; user_id: string }): void {
    emit('INFO', 'webhook_removed', fields);
  },
  webhookAttempted(fields: {
    delivery_id: string;
    account_id: string;
    attempt: number;
    status_code: number | null;
    error: string | null;
    duration_ms: number;
    outcome: string;
  }): void {
    emit(fields.outcome === 'delivered' ? 'INFO' : 'WARNING', 'webhook_attempted', fields);
  },
  creditsCheckoutCreated(fields: {
    account_id: string;
    user_id: string;
    pack: string;
    session_id: string;
  }): void {
    emit('INFO', 'credits_checkout_created', fields);
  },
  creditsGranted(fields: {
    event_id: string;
    account_id: string;
    session_id: string;
    pack: string;
    units: number;
    amount_cents: number;
  }): void {
    emit('INFO', 'credits_granted', fields);
  },
  creditPurchaseRefused(fields: { event_id: string; session_id: string; reason: string }): void {
    emit('ERROR', 'credit_purchase_refused', fields);
  },
  subscriptionChanged(fields: {
    account_id: string;
    user_id: string;
    subscription_id: string;
    cancel_at_period_end: boolean;
  }): void {
    emit('INFO', 'subscription_changed', fields);
  },
  planChanged(fields: {
    account_id: string;
    user_id: string;
    subscription_id: string;
    from: string;
    to: string;
  }): void {
    emit('INFO', 'plan_changed', fields);
  },
  overageItemAdded(fields: { account_id: string; subscription_id: string; price: string }): void {
    emit('INFO', 'overage_item_added', fields);
  },
  billingSettingsUpdated(fields: {
    account_id: string;
    user_id: string;
    overage: string;
    spend_cap_cents: number | null;
  }): void {
    emit('INFO', 'billing_settings_updated', fields);
  },
  overageReported(fields: {
    account_id: string;
    date: string;
    identifier: string;
    units: number;
    resent: boolean;
  }): void {
    emit('INFO', 'overage_reported', fields);
  },
  overageReportFailed(
    fields: { account_id: string; date: string; identifier: string },
    error: unknown,
  ): void {
    emit('WARNING', 'overage_report_failed', { ...fields, ...describeError(error) });
  },
  /** Overage Stripe can no longer take (a day beyond its 35 days, a customer gone): never billed. */
  overageReportAbandoned(fields: { account_id: string; date: string; units: number; reason: string }): void {
    emit('ERROR', 'overage_report_abandoned', fields);
  },
  overageReportRun(fields: {
    days_read: number;
    reported: number;
    resent: number;
    failed: number;
    abandoned: number;
    duration_ms: number;
  }): void {
    emit('INFO', 'overage_report_run', fields);
  },
};
