import { z } from 'zod';

/**
 * Every error code the HTTP functions can answer with, and its status. Codes are part of the
 * public contract: API callers and the dashboard branch on them, so they never change meaning.
 */
export const ERROR_STATUS = {
  // API key check (the /v1 wrapper)
  missing_api_key: 401,
  malformed_api_key: 401,
  unknown_api_key: 401,
  revoked_api_key: 401,
  expired_api_key: 401,
  api_key_in_query: 400,
  insufficient_scope: 403,
  rate_limited: 429,
  quota_exceeded: 429,
  /** The included units and the prepaid credits are spent (an account that holds credits). */
  insufficient_credits: 402,
  /** Overage is allowed, and its monthly spend cap is reached. */
  spend_cap_reached: 402,
  // Dashboard API (Firebase ID token)
  unauthenticated: 401,
  forbidden: 403,
  /** Signed in with an email address (password or email link) that is not verified yet. */
  email_not_verified: 403,
  // Shared
  invalid_request: 400,
  invalid_json: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  key_limit_reached: 409,
  already_on_plan: 400,
  already_subscribed: 409,
  no_billing_account: 400,
  /** Cancel or resume asked of an account without a subscription to change. */
  no_subscription: 409,
  /** A team's seats are all taken (members and pending invitations): a bigger plan has more. */
  seat_limit_reached: 409,
  /** An invitation past its 7 days, or already accepted, or revoked: ask for a new one. */
  invitation_expired: 410,
  invitation_used: 410,
  invitation_revoked: 410,
  /** The invitation is for another address than the signed-in user's verified one. */
  invitation_email_mismatch: 403,
  invalid_signature: 400,
  internal: 500,
  unavailable: 503,
  /** Stripe cannot be reached or is failing: a passing outage, with Retry-After. */
  billing_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const errorCodeSchema = z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]);

export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    request_id: z.string().optional(),
    /** For invalid_request: the offending field, e.g. `label` or `query.from`. */
    field: z.string().optional(),
    /** For rate_limited and quota_exceeded: whose limit was hit. */
    limit: z.enum(['account', 'key']).optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
