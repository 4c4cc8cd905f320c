import type { z } from 'zod';
import { errorBodySchema } from '@shared/errors';
import { ApiError } from '@/lib/api-error';
import { getIdToken } from '@/lib/firebase';

export const API_BASE = '/api/dashboard';

type Query = Record<string, string | number | undefined | null>;

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Query;
  body?: unknown;
  signal?: AbortSignal | undefined;
}

export function apiPath(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  }
  const search = params.toString();
  return `${API_BASE}${path}${search ? `?${search}` : ''}`;
}

/**
 * An account-scoped route for the account `accountId`: the unprefixed route for the personal
 * account (null), `/accounts/:id/…` for a team, which answers 404 to anyone not a member.
 */
export function accountPath(accountId: string | null, path: string): string {
  return accountId === null ? path : `/accounts/${encodeURIComponent(accountId)}${path}`;
}

async function send(path: string, options: RequestOptions, forceRefresh: boolean): Promise<Response> {
  const token = await getIdToken(forceRefresh);
  if (!token) {
    throw new ApiError({ code: 'signed_out', message: 'signed out', status: 401 });
  }
  const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  try {
    return await fetch(apiPath(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({ code: 'network_error', message: 'network error', status: 0 });
  }
}

async function toApiError(response: Response): Promise<ApiError> {
  const retryAfterHeader = Number(response.headers.get('Retry-After'));
  const retryAfter = Number.isFinite(retryAfterHeader) && retryAfterHeader > 0 ? retryAfterHeader : undefined;
  const parsed = errorBodySchema.safeParse(await response.json().catch(() => null));
  if (parsed.success) {
    const { code, message, request_id, field } = parsed.data.error;
    return new ApiError({ code, message, status: response.status, requestId: request_id, field, retryAfter });
  }
  // Proxies and the emulator answer some failures without our error body.
  const code =
    response.status >= 500 ? (response.status === 503 ? 'unavailable' : 'internal') : 'invalid_response';
  return new ApiError({ code, message: response.statusText, status: response.status, retryAfter });
}

/**
 * Sends an authenticated request to the dashboard API and returns the raw response once it is
 * known to be a success. An expired token is refreshed and the request retried once.
 */
export async function apiFetch(path: string, options: RequestOptions = {}): Promise<Response> {
  let response = await send(path, options, false);
  if (response.status === 401) response = await send(path, options, true);
  if (!response.ok) throw await toApiError(response);
  return response;
}

/** An authenticated JSON request whose answer is parsed with the contract's response schema. */
export async function apiRequest<Schema extends z.ZodType>(
  path: string,
  schema: Schema,
  options: RequestOptions = {},
): Promise<z.infer<Schema>> {
  const response = await apiFetch(path, options);
  const parsed = schema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) {
    console.error(`Unexpected response from ${path}`, parsed.error.issues);
    throw new ApiError({ code: 'invalid_response', message: 'invalid response', status: response.status });
  }
  return parsed.data;
}

/** An authenticated request that expects no body back (204). */
export async function apiSend(path: string, options: RequestOptions = {}): Promise<void> {
  await apiFetch(path, options);
}
