/**
 * POST /v1/keys/verify {key, endpoint?, scopes?, cost?}: lets a service that does not run on Firebase
 * put Keymeter in front of its API (Unkey-style). Runs the same key check as `withApiKey`,
 * meters the call against the verified key, and answers 200 with `valid` either way; only a
 * malformed request body is a 400. An admitted call is metered under `endpoint`; a refused one
 * under this route itself, so a revoked or out-of-scope key cannot choose what its owner's
 * usage records (and the daily caps of usage-bounds.ts bound what an admitted one can). `cost`
 * (default 1) is the units the call spends of the account's quota; 0 meters a call that costs
 * nothing but still counts against the per-minute limit. The answer carries the key's metadata
 * and integration while the key is usable (refused by a limit or a scope included), not once it
 * is revoked or expired.
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import { parseBody } from '../http/parse.js';
import { clientAddress } from '../keys/client-throttle.js';
import { keyChecker } from '../keys/api-key-runtime.js';
import { isUsable } from '../keys/key-doc.js';
import type { LimitFigures } from '../keys/limits.js';
import { awaitFlush, MAX_CALL_COST, recordCall, refuseKeyInQuery } from '../keys/with-api-key.js';
import { SCOPES, scopeSchema } from '../shared/contracts.js';
import type { VerifyKeyResponse } from '../shared/v1-contracts.js';
import { endpointNameSchema } from '../usage/usage-bounds.js';

export const VERIFY_ENDPOINT = 'POST /v1/keys/verify';

export const verifyKeyRequestSchema = z.strictObject({
  key: z
    .string()
    .min(1, 'key is required')
    .max(256)
    .meta({ description: 'The key your caller presented.', example: 'sk_live_…' }),
  endpoint: endpointNameSchema
    .optional()
    .meta({ description: 'What the call is metered under, `METHOD /path`.', example: 'GET /orders' }),
  scopes: z
    .array(scopeSchema)
    .max(SCOPES.length)
    .optional()
    .meta({ description: 'Scopes the key must hold.' }),
  cost: z
    .number()
    .int()
    .min(0)
    .max(MAX_CALL_COST)
    .default(1)
    .meta({ description: 'Units the call spends of the quota; 0 counts the call only.' }),
});

type LimitView = NonNullable<VerifyKeyResponse['quota']>;

function view(limits: LimitFigures | null, which: keyof LimitFigures): LimitView | null {
  if (limits === null) return null;
  const state = limits[which];
  return { limit: state.limit, remaining: state.remaining, reset: Math.ceil(state.resetAt / 1000) };
}

export async function verifyKey(req: Request, res: Response): Promise<void> {
  const startedAt = performance.now();
  const at = new Date();
  refuseKeyInQuery(req);
  const body = await parseBody(req, verifyKeyRequestSchema);
  const requested = body.endpoint ?? VERIFY_ENDPOINT;
  const check = await keyChecker().check(
    body.key,
    body.scopes ?? [],
    requested,
    clientAddress(req),
    body.cost,
  );
  if (check.key !== null) {
    const endpoint = check.admitted ? requested : VERIFY_ENDPOINT;
    const flush = recordCall(check.key, {
      endpoint,
      method: endpoint.split(' ')[0] ?? 'POST',
      status: check.admitted ? 200 : check.error.status,
      at,
      startedAt,
      billable: check.admitted,
      units: body.cost,
      ...(check.admitted ? { paid: check.paid } : {}),
    });
    await awaitFlush(flush);
  }
  const response: VerifyKeyResponse = {
    valid: check.admitted,
    code: check.admitted ? 'valid' : check.error.code,
    message: check.admitted ? null : check.error.message,
    key_id: check.key?.id ?? null,
    owner: check.key?.doc.account_id ?? null,
    scopes: check.key?.doc.scopes ?? [],
    // A revoked or expired key is no longer its account's: what it was tied to is not told.
    ...(check.key !== null && isUsable(check.key.doc, at)
      ? { integration: check.key.doc.integration, metadata: check.key.doc.metadata }
      : { integration: null, metadata: null }),
    units: check.admitted ? body.cost : 0,
    ratelimit: view(check.limits, 'ratelimit'),
    quota: view(check.limits, 'quota'),
  };
  res.json(response);
}
