import type { RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { ApiError } from './api-error.js';
import { parseBody, parseQuery } from './parse.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a route accepts; a part left out is refused if sent (an empty body or query is fine). */
export interface RouteInput {
  body?: z.ZodType;
  query?: z.ZodType;
}

export interface Route {
  method: Method;
  path: string;
  /**
   * Checked before anything else the route runs (the `before` handlers too, such as resolving
   * the account), so a refused request reads and writes nothing. Routes without it parse their
   * own input (the API's, whose key check comes first).
   */
  input?: RouteInput;
  handler: RequestHandler;
}

interface CheckedInput {
  input: RouteInput;
  body: unknown;
  query: unknown;
}

declare module 'express-serve-static-core' {
  interface Locals {
    checkedInput?: CheckedInput;
  }
}

const NOTHING = z.strictObject({});

function checkInput(input: RouteInput): RequestHandler {
  return async (req, res, next) => {
    const query = parseQuery(req, input.query ?? NOTHING);
    const body = await parseBody(req, input.body ?? NOTHING);
    res.locals.checkedInput = { input, body, query };
    next();
  };
}

function checked(res: Response, part: keyof RouteInput, schema: z.ZodType): unknown {
  const checkedInput = res.locals.checkedInput;
  if (checkedInput?.input[part] !== schema) throw new Error(`route declared without this ${part} schema`);
  return checkedInput[part];
}

/** The request's body as the route's `input.body` parsed it. */
export function bodyOf<S extends z.ZodType>(res: Response, schema: S): z.output<S> {
  // The schema is the very one the body was parsed with (checked above), so its output type holds.
  return checked(res, 'body', schema) as z.output<S>;
}

/** The request's query as the route's `input.query` parsed it. */
export function queryOf<S extends z.ZodType>(res: Response, schema: S): z.output<S> {
  return checked(res, 'query', schema) as z.output<S>;
}

function register(router: Router, route: Route, before: RequestHandler[]): void {
  const { method, path, handler } = route;
  const handlers =
    route.input === undefined ? [...before, handler] : [checkInput(route.input), ...before, handler];
  switch (method) {
    case 'GET':
      router.get(path, ...handlers);
      return;
    case 'POST':
      router.post(path, ...handlers);
      return;
    case 'PUT':
      router.put(path, ...handlers);
      return;
    case 'PATCH':
      router.patch(path, ...handlers);
      return;
    case 'DELETE':
      router.delete(path, ...handlers);
      return;
  }
}

/**
 * Mounts a route table, each route behind `before` (run only for a route that matched, after
 * its input is checked); a known path called with another method answers 405 with `Allow`.
 */
export function mountRoutes(router: Router, routes: readonly Route[], ...before: RequestHandler[]): void {
  for (const route of routes) register(router, route, before);
  const methodsByPath = new Map<string, Method[]>();
  for (const { method, path } of routes)
    methodsByPath.set(path, [...(methodsByPath.get(path) ?? []), method]);
  for (const [path, methods] of methodsByPath) {
    const allow = methods.includes('GET') ? [...methods, 'HEAD'] : methods;
    router.all(path, () => {
      throw new ApiError('method_not_allowed', `Use ${allow.join(', ')} on this route.`, undefined, {
        Allow: allow.join(', '),
      });
    });
  }
}
