/**
 * The one error type of the API surface and the one place that turns it into Stripe's error
 * body `{ error: { type, code?, message, param?, doc_url? } }`. The stripe SDK picks its error
 * class from the status code and `type`, so both must match what Stripe sends.
 */

export type StripeErrorType = 'invalid_request_error' | 'idempotency_error' | 'api_error' | 'card_error';

export interface StripeErrorBody {
  error: {
    type: StripeErrorType;
    code?: string;
    message: string;
    param?: string;
    doc_url?: string;
    request_log_url?: string;
  };
}

export class StripeApiError extends Error {
  readonly status: number;
  readonly type: StripeErrorType;
  readonly code: string | undefined;
  readonly param: string | undefined;
  /** Response headers Stripe sends with this error, e.g. `Stripe-Should-Retry`. */
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    type: StripeErrorType,
    message: string,
    code?: string,
    param?: string,
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'StripeApiError';
    this.status = status;
    this.type = type;
    this.code = code;
    this.param = param;
    this.headers = headers;
  }

  toBody(): StripeErrorBody {
    return {
      error: {
        ...(this.code === undefined ? {} : { code: this.code, doc_url: docUrl(this.code) }),
        message: this.message,
        ...(this.param === undefined ? {} : { param: this.param }),
        type: this.type,
      },
    };
  }
}

function docUrl(code: string): string {
  return `https://stripe.com/docs/error-codes/${code.replaceAll('_', '-')}`;
}

const SUPPORT =
  'See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.';

export function missingApiKey(): StripeApiError {
  return new StripeApiError(
    401,
    'invalid_request_error',
    "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). " +
      SUPPORT,
  );
}

export function invalidApiKey(key: string): StripeApiError {
  return new StripeApiError(401, 'invalid_request_error', `Invalid API Key provided: ${redactKey(key)}`);
}

/** Stripe never echoes a whole key back: it keeps the prefix and the last four characters. */
function redactKey(key: string): string {
  const prefix = /^[a-z]{2,4}_(test|live)_/.exec(key)?.[0] ?? '';
  const tail = key.length - prefix.length > 4 ? key.slice(-4) : '';
  return `${prefix}${'*'.repeat(Math.max(key.length - prefix.length - tail.length, 0))}${tail}`;
}

export function resourceMissing(kind: string, id: string, param = 'id'): StripeApiError {
  return new StripeApiError(
    404,
    'invalid_request_error',
    `No such ${kind}: '${id}'`,
    'resource_missing',
    param,
  );
}

export function parameterUnknown(param: string): StripeApiError {
  return new StripeApiError(
    400,
    'invalid_request_error',
    `Received unknown parameter: ${param}`,
    'parameter_unknown',
    param,
  );
}

export function parameterMissing(param: string): StripeApiError {
  return new StripeApiError(
    400,
    'invalid_request_error',
    `Missing required param: ${param}.`,
    'parameter_missing',
    param,
  );
}

export function parameterInvalid(param: string, message: string, code = 'parameter_invalid'): StripeApiError {
  return new StripeApiError(400, 'invalid_request_error', message, code, param);
}

/** A request Stripe would accept but that asks for something the stand-in does not model. */
export function notSupported(param: string, what: string): StripeApiError {
  return new StripeApiError(
    400,
    'invalid_request_error',
    `The Stripe stand-in does not support ${what}. Use Stripe test mode for this flow.`,
    'parameter_invalid',
    param,
  );
}

export function invalidRequest(message: string, param?: string, code?: string): StripeApiError {
  return new StripeApiError(400, 'invalid_request_error', message, code, param);
}

export function unrecognizedUrl(method: string, path: string): StripeApiError {
  return new StripeApiError(
    404,
    'invalid_request_error',
    `Unrecognized request URL (${method}: ${path}). The Stripe stand-in serves only the endpoints Keymeter uses; see tools/stripe-stand-in/README.md, or use Stripe test mode.`,
  );
}

export function idempotencyMismatch(key: string, detail: 'parameters' | 'endpoint'): StripeApiError {
  const what = detail === 'parameters' ? 'with the same parameters' : 'for the same endpoint';
  return new StripeApiError(
    400,
    'idempotency_error',
    `Keys for idempotent requests can only be used ${what} they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
  );
}

export function internalError(): StripeApiError {
  return new StripeApiError(500, 'api_error', 'An unknown error occurred in the Stripe stand-in.');
}
