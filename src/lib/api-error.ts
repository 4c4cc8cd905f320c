import { MAX_ACTIVE_KEYS_PER_ACCOUNT } from '@shared/contracts';
import type { ErrorCode } from '@shared/errors';

/** Codes the client itself produces, besides those the API answers with. */
export type ClientErrorCode = 'network_error' | 'invalid_response' | 'signed_out';
export type ApiErrorCode = ErrorCode | ClientErrorCode;

const READABLE: Partial<Record<ApiErrorCode, string>> = {
  network_error: "Can't reach Keymeter. Check your connection and try again.",
  invalid_response: 'Keymeter sent an answer this page does not understand. Reload the page and try again.',
  signed_out: 'You are signed out. Sign in again to continue.',
  unauthenticated: 'Your session has expired. Sign in again to continue.',
  forbidden: "You don't have access to this.",
  not_found: 'That no longer exists. It may have been deleted.',
  key_limit_reached: `You already have ${MAX_ACTIVE_KEYS_PER_ACCOUNT} active keys. Revoke one you no longer use to create another.`,
  rate_limited: 'Too many requests in a short time. Wait a moment and try again.',
  quota_exceeded: "This month's quota is used up. Upgrade your plan or wait for the quota to reset.",
  conflict: 'Someone changed this at the same time. Reload and try again.',
  already_on_plan: 'You are already on that plan.',
  already_subscribed: 'You already have a subscription. Change plans in the billing portal.',
  no_billing_account: 'There is no billing account yet. Upgrade to a paid plan first.',
  payload_too_large: 'That request is too large.',
  internal: 'Something went wrong on our side. Try again in a moment.',
  unavailable: 'Keymeter is briefly unavailable. Try again in a moment.',
};

export class ApiError extends Error {
  override name = 'ApiError';
  readonly code: ApiErrorCode | (string & {});
  readonly status: number;
  readonly requestId: string | undefined;
  readonly field: string | undefined;
  /** Seconds from a `Retry-After` header, when the API sent one. */
  readonly retryAfter: number | undefined;

  constructor(init: {
    code: string;
    message: string;
    status: number;
    requestId?: string | undefined;
    field?: string | undefined;
    retryAfter?: number | undefined;
  }) {
    super(init.message);
    this.code = init.code;
    this.status = init.status;
    this.requestId = init.requestId;
    this.field = init.field;
    this.retryAfter = init.retryAfter;
  }
}

/**
 * What to tell a person about an error. Known codes get written-for-humans text; for an
 * invalid request the API's own message names the field, so it is shown as is.
 */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'rate_limited' && error.retryAfter) {
      return `Too many requests in a short time. Try again in ${error.retryAfter} s.`;
    }
    const readable = READABLE[error.code as ApiErrorCode];
    if (readable) return readable;
    if (error.message) return sentence(error.message);
  }
  return 'Something went wrong. Try again in a moment.';
}

function sentence(text: string): string {
  const trimmed = text.trim();
  const capitalised = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}
