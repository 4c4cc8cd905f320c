/**
 * One webhook request: POST the event's raw body, signed, to the registered URL, connecting
 * only to addresses checked at this moment (webhook-target.ts), never following a redirect, and
 * giving the receiver 10 seconds in all. Any 2xx is success; the receiver's body is never read.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signatureHeader } from './signature.js';
import {
  checkedAddresses,
  TargetRefused,
  urlProblem,
  type Resolver,
  type TargetPolicy,
} from './webhook-target.js';

export const RECEIVER_TIMEOUT_MS = 10_000;

export interface AttemptResult {
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  ok: boolean;
}

export interface SignedRequest {
  url: string;
  secret: string;
  eventId: string;
  rawBody: string;
  /** Unix seconds of the signature. */
  timestamp: number;
}

/** A lookup that answers only with addresses the policy allows, for the socket to connect to. */
function pinnedLookup(policy: TargetPolicy, resolve: Resolver | undefined): LookupFunction {
  return (hostname, options, callback) => {
    checkedAddresses(hostname, policy, resolve).then(
      (addresses) => {
        const family = options.family === 4 || options.family === 6 ? options.family : undefined;
        const usable = addresses.filter((entry) => family === undefined || entry.family === family);
        const first = usable[0];
        if (first === undefined) {
          callback(new TargetRefused(`could not resolve ${hostname}`, 'unresolved'), '', 0);
          return;
        }
        if (options.all === true) callback(null, usable);
        else callback(null, first.address, first.family);
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), '', 0),
    );
  };
}

function describe(error: unknown): string {
  if (error instanceof TargetRefused) return error.message;
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'could not resolve the host';
    case 'CERT_HAS_EXPIRED':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return 'TLS certificate not accepted';
    default:
      return code === '' ? 'request failed' : `request failed (${code})`;
  }
}

export function sendSigned(
  request: SignedRequest,
  policy: TargetPolicy,
  options: { resolve?: Resolver; timeoutMs?: number } = {},
): Promise<AttemptResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const problem = urlProblem(request.url, policy);
  if (problem !== null)
    return Promise.resolve({ status_code: null, error: `refused: ${problem}`, duration_ms: 0, ok: false });
  const url = new URL(request.url);
  const client = url.protocol === 'https:' ? https : http;
  const body = Buffer.from(request.rawBody, 'utf8');
  // One budget for connecting, sending and the answer, whatever the receiver does meanwhile.
  const timeoutMs = options.timeoutMs ?? RECEIVER_TIMEOUT_MS;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: Omit<AttemptResult, 'duration_ms'>) => {
      if (settled) return;
      settled = true;
      resolve({ ...result, duration_ms: elapsed() });
    };
    const req = client.request(
      url,
      {
        method: 'POST',
        lookup: pinnedLookup(policy, options.resolve),
        agent: false,
        signal: AbortSignal.timeout(timeoutMs),
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': String(body.length),
          'User-Agent': 'Keymeter-Webhooks/1.0',
          [SIGNATURE_HEADER]: signatureHeader(request.secret, request.timestamp, request.rawBody),
          [EVENT_ID_HEADER]: request.eventId,
        },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        finish({ status_code: status, error: null, ok: status >= 200 && status < 300 });
        // The status is the answer; the receiver's body is not needed, nor waited for.
        req.destroy();
      },
    );
    req.on('error', (error) =>
      finish({
        status_code: null,
        error: error.name === 'AbortError' ? `timed out after ${timeoutMs / 1000} s` : describe(error),
        ok: false,
      }),
    );
    req.end(body);
  });
}
