import { ERROR_STATUS, type ErrorCode } from '../shared/errors.js';

/**
 * The one error type of the HTTP functions. Its message is shown to the caller, so it never
 * contains a secret or an internal detail; anything that is not an ApiError becomes `internal`.
 */
export class ApiError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly headers: Readonly<Record<string, string>> = {},
    /** For a limit refusal: whose limit was hit, the account's or the key's own cap. */
    readonly limit?: 'account' | 'key',
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = ERROR_STATUS[code];
  }
}

export function notFound(what = 'resource'): ApiError {
  return new ApiError('not_found', `No such ${what}.`);
}
