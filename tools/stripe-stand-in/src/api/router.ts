import express, { type Request, type Response } from 'express';
import qs from 'qs';
import type { Core } from '../core.js';
import { newId } from '../ids.js';
import {
  idempotencyMismatch,
  internalError,
  invalidApiKey,
  invalidRequest,
  missingApiKey,
  StripeApiError,
  unrecognizedUrl,
} from './errors.js';
import { expandResponse } from './expand.js';
import { expandParam, type Params } from './params.js';
import { type ApiRoute, makeContext } from './route.js';

const QS_OPTIONS = { depth: 10, arrayLimit: 100, parameterLimit: 2000, allowPrototypes: false } as const;
const API_VERSION_PATTERN = /^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/;
const TEST_KEY_PATTERN = /^sk_test_[A-Za-z0-9_]+$/;

function apiKeyOf(header: string | undefined): string {
  if (header === undefined || header.trim() === '') throw missingApiKey();
  const [scheme, credentials = ''] = header.trim().split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'bearer') return credentials;
  if (scheme?.toLowerCase() === 'basic') {
    // curl -u sk_test_…: sends the key as the user name with an empty password.
    return Buffer.from(credentials, 'base64').toString('utf8').split(':')[0] ?? '';
  }
  throw missingApiKey();
}

/** Any `sk_test_…` key is accepted: the stand-in has one account and no real keys. */
function authenticate(request: Request): void {
  const key = apiKeyOf(request.get('authorization'));
  if (key === '') throw missingApiKey();
  if (!TEST_KEY_PATTERN.test(key)) throw invalidApiKey(key);
}

function apiVersionOf(request: Request, fallback: string): string {
  const requested = request.get('stripe-version');
  if (requested === undefined || requested === '') return fallback;
  if (!API_VERSION_PATTERN.test(requested)) throw invalidRequest(`Invalid Stripe API version: ${requested}`);
  return requested;
}

function paramsOf(request: Request): Params {
  const queryString = request.originalUrl.split('?')[1] ?? '';
  const query: Params = qs.parse(queryString, QS_OPTIONS);
  const raw: unknown = request.body;
  if (!Buffer.isBuffer(raw) || raw.length === 0) return query;
  const type = request.get('content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    throw invalidRequest(
      `Invalid request: the Stripe v1 API expects a form-encoded body (application/x-www-form-urlencoded), not ${type || 'an untyped body'}.`,
    );
  }
  return { ...query, ...qs.parse(raw.toString('utf8'), QS_OPTIONS) };
}

/** A key-order-independent rendering of the parameters, to compare idempotent retries. */
function fingerprint(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(fingerprint).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${fingerprint(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Everything under `/v1`: authentication, API version, parameter decoding, idempotency keys,
 * `expand[]`, and Stripe's JSON error bodies. Handlers only see decoded parameters and return
 * objects.
 */
export function apiRouter(core: Core, routes: readonly ApiRoute[]): express.Router {
  const router = express.Router();
  router.use(express.raw({ type: () => true, limit: '1mb' }));
  const ignoredOnce = new Set<string>();

  const encode = (body: unknown): string => `${JSON.stringify(body, null, 2)}\n`;

  /** Runs one request to completion and returns the status and encoded body to send. */
  const execute = (
    apiRoute: ApiRoute | undefined,
    request: Request,
    response: Response,
    requestId: string,
  ): [number, string] => {
    authenticate(request);
    response.set('Stripe-Version', apiVersionOf(request, core.config.apiVersion));
    if (apiRoute === undefined) throw unrecognizedUrl(request.method, `${request.baseUrl}${request.path}`);
    const params = paramsOf(request);
    const endpoint = `${request.method} ${request.baseUrl}${request.path}`;
    const key = request.method === 'POST' ? request.get('idempotency-key') : undefined;
    const print = fingerprint(params);
    if (key !== undefined) {
      response.set('Idempotency-Key', key);
      const stored = core.state.idempotency.get(key);
      if (stored !== undefined) {
        if (stored.endpoint !== endpoint) throw idempotencyMismatch(key, 'endpoint');
        if (stored.fingerprint !== print) throw idempotencyMismatch(key, 'parameters');
        response.set('Idempotent-Replayed', 'true');
        response.set('Original-Request', stored.request_id);
        return [stored.status, stored.body];
      }
    }
    const context = makeContext(core, params, request.params as Record<string, string>, (param) => {
      const note = `${request.method} ${apiRoute.path} ${param}`;
      if (ignoredOnce.has(note)) return;
      ignoredOnce.add(note);
      core.log({ event: 'api.param_ignored', endpoint: `${request.method} ${apiRoute.path}`, param });
    });
    const result = core.run({ id: requestId, idempotency_key: key ?? null }, () => apiRoute.handler(context));
    const text = encode(expandResponse(core, structuredClone(result), expandParam(params)));
    if (key !== undefined) {
      // Only completed requests are remembered: a request refused for its parameters can be
      // corrected and retried with the same key, as at Stripe.
      core.state.idempotency.set(key, {
        key,
        endpoint,
        fingerprint: print,
        status: 200,
        body: text,
        request_id: requestId,
        stored_at_ms: Date.now(),
      });
    }
    return [200, text];
  };

  const handle = (apiRoute: ApiRoute | undefined, request: Request, response: Response): void => {
    const started = performance.now();
    const requestId = newId('req', 14);
    response.set('Request-Id', requestId);
    let status: number;
    let text: string;
    try {
      [status, text] = execute(apiRoute, request, response, requestId);
    } catch (error) {
      const apiError = error instanceof StripeApiError ? error : internalError();
      if (!(error instanceof StripeApiError)) {
        core.log({
          event: 'api.internal_error',
          method: request.method,
          path: request.path,
          message: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
      }
      status = apiError.status;
      text = encode(apiError.toBody());
      response.set(apiError.headers);
    }
    response.status(status).type('application/json').send(text);
    core.log({
      event: 'api.request',
      method: request.method,
      path: `${request.baseUrl}${request.path}`,
      status,
      duration_ms: Math.round(performance.now() - started),
      request_id: requestId,
    });
  };

  for (const apiRoute of routes) {
    const handler = (request: Request, response: Response): void => handle(apiRoute, request, response);
    if (apiRoute.method === 'GET') router.get(apiRoute.path, handler);
    else if (apiRoute.method === 'POST') router.post(apiRoute.path, handler);
    else router.delete(apiRoute.path, handler);
  }
  router.use((request, response) => handle(undefined, request, response));
  return router;
}
