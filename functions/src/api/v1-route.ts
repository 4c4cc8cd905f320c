/**
 * What a `/v1` route declares (routes.ts holds the table): its input and response schemas, how
 * a caller is let in (scope, cost, meter) and a summary. `createApiApp` mounts the table and
 * `v1OpenApiDocument` describes it, so neither can drift from the other.
 *
 * A metered route's input is parsed only once its key has passed (the key check comes first, as
 * for every /v1 call), so `request` is not the `input` of http/routes.ts, which is checked
 * before anything else.
 */
import type { Request, RequestHandler } from 'express';
import type { z } from 'zod';
import { parseBody, parseQuery } from '../http/parse.js';
import type { Method } from '../http/routes.js';
import { withApiKey, type MeteredContext } from '../keys/with-api-key.js';
import type { Scope } from '../shared/contracts.js';
import type { MeterName } from '../shared/plans.js';

export const V1_BASE_PATH = '/v1';

/** How a caller gets in, and what a call costs. */
export type Access =
  | {
      kind: 'api_key';
      scope: Scope;
      /** Units reserved per call, in words for the document (a fixed cost or how it is worked out). */
      cost: string;
      meter?: MeterName;
    }
  /** The key to check comes in the body; the call is metered against it (POST /v1/keys/verify). */
  | { kind: 'key_in_body' }
  /** No key, no metering. */
  | { kind: 'public' };

export interface V1Route {
  method: Method;
  /** Under V1_BASE_PATH. */
  path: string;
  summary: string;
  description: string;
  access: Access;
  request: { query?: z.ZodType | undefined; body?: z.ZodType | undefined };
  response: z.ZodType;
  handler: RequestHandler;
}

interface Parsed<Q extends z.ZodType | undefined, B extends z.ZodType | undefined> {
  query: Q extends z.ZodType ? z.output<Q> : undefined;
  body: B extends z.ZodType ? z.output<B> : undefined;
}

interface MeteredSpec<Q extends z.ZodType | undefined, B extends z.ZodType | undefined, R extends z.ZodType> {
  method: Method;
  path: string;
  summary: string;
  description: string;
  scope: Scope;
  query?: Q;
  body?: B;
  response: R;
  /** A fixed cost (default 1), or one worked out from the parsed body before the key check. */
  cost?: { units: number } | { of: (body: Parsed<Q, B>['body']) => number; words: string };
  meter?: MeterName;
  handle: (
    input: Parsed<Q, B>,
    context: MeteredContext,
  ) => { body: z.input<R>; units?: number } | Promise<{ body: z.input<R>; units?: number }>;
}

async function parsedInput<Q extends z.ZodType | undefined, B extends z.ZodType | undefined>(
  req: Request,
  query: Q | undefined,
  body: B | undefined,
): Promise<Parsed<Q, B>> {
  // A part the route does not declare is not read, as before the table existed.
  return {
    query: query === undefined ? undefined : parseQuery(req, query),
    body: body === undefined ? undefined : await parseBody(req, body),
  } as Parsed<Q, B>;
}

function unitsInWords(units: number): string {
  return units === 1 ? '1 unit' : `${units} units`;
}

/** A route behind `withApiKey`: key check, then input, then the handler; every call metered. */
export function metered<
  R extends z.ZodType,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(spec: MeteredSpec<Q, B, R>): V1Route {
  const cost = spec.cost ?? { units: 1 };
  const callCost =
    'units' in cost
      ? cost.units
      : async (req: Request) => cost.of((await parsedInput<undefined, B>(req, undefined, spec.body)).body);
  return {
    method: spec.method,
    path: spec.path,
    summary: spec.summary,
    description: spec.description,
    access: {
      kind: 'api_key',
      scope: spec.scope,
      cost: 'units' in cost ? unitsInWords(cost.units) : cost.words,
      ...(spec.meter === undefined ? {} : { meter: spec.meter }),
    },
    request: { query: spec.query, body: spec.body },
    response: spec.response,
    handler: withApiKey(
      { scope: spec.scope, cost: callCost, ...(spec.meter === undefined ? {} : { meter: spec.meter }) },
      async (req, context) => spec.handle(await parsedInput(req, spec.query, spec.body), context),
    ),
  };
}
