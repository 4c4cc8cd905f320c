import type { NextFunction, Request, Response } from 'express';
import type { ErrorBody } from '../shared/errors.js';
import { log } from '../lib/log.js';
import { ApiError } from './api-error.js';
import { requestIdOf } from './request-id.js';

const INTERNAL_MESSAGE =
  'Something went wrong on our side. Retry later; quote the request id if it persists.';

/** Errors thrown by body parsers other than ours (e.g. the Functions runtime's) carry a `type`. */
function parserError(error: unknown): ApiError | undefined {
  if (typeof error !== 'object' || error === null || !('type' in error)) return undefined;
  if (error.type === 'entity.too.large')
    return new ApiError('payload_too_large', 'The request body is too large.');
  if (error.type === 'entity.parse.failed')
    return new ApiError('invalid_json', 'The request body is not valid JSON.');
  return undefined;
}

/** Express's router refuses a path it cannot percent-decode with a plain error of status 400. */
function routerError(error: unknown): ApiError | undefined {
  if (error instanceof URIError && 'status' in error && error.status === 400)
    return new ApiError('invalid_request', 'The request path is not validly percent-encoded.');
  return undefined;
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return parserError(error) ?? routerError(error) ?? new ApiError('internal', INTERNAL_MESSAGE);
}

export function errorBody(error: ApiError, requestId: string): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      request_id: requestId,
      ...(error.field === undefined ? {} : { field: error.field }),
      ...(error.limit === undefined ? {} : { limit: error.limit }),
    },
  };
}

/** The one place an error becomes a response. Unexpected errors are logged, never echoed. */
export function sendError(
  req: Request,
  res: Response,
  error: unknown,
  extraHeaders: Record<string, string> = {},
): void {
  const apiError = toApiError(error);
  const requestId = requestIdOf(res);
  if (apiError.code === 'internal') {
    log.requestFailed({ request_id: requestId, method: req.method, route: routeOf(req) }, error);
  }
  if (res.headersSent) {
    res.end();
    return;
  }
  for (const [name, value] of Object.entries({ ...extraHeaders, ...apiError.headers }))
    res.setHeader(name, value);
  res.status(apiError.status).json(errorBody(apiError, requestId));
}

/** The route pattern, not the concrete path: ids never end up in logs or metrics labels. */
export function routeOf(req: Request): string {
  const route: unknown = req.route;
  if (typeof route === 'object' && route !== null && 'path' in route && typeof route.path === 'string') {
    return `${req.baseUrl}${route.path}`;
  }
  return 'unmatched';
}

export function errorMiddleware(error: unknown, req: Request, res: Response, _next: NextFunction): void {
  sendError(req, res, error);
}

/** The path is not echoed: a caller may have put something secret in it. */
export function notFoundMiddleware(_req: Request, _res: Response, next: NextFunction): void {
  next(new ApiError('not_found', 'No such route. See the API reference for the available routes.'));
}
