import type { Core } from '../core.js';
import { checkParams, type ParamSpec, type Params } from './params.js';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface ApiContext {
  core: Core;
  /** Query and body parameters, decoded from Stripe's bracket notation. */
  params: Params;
  /** Values of `:name` segments in the route path. */
  path: Record<string, string>;
  /**
   * Refuses parameters the endpoint does not know (`parameter_unknown`, as Stripe does) and
   * reports known ones the stand-in ignores. `expand` is always allowed at the top level.
   */
  check: (spec: ParamSpec, params?: Params, prefix?: string) => void;
}

/** Returns the response body; the router applies `expand[]` and encodes it. */
export type ApiHandler = (context: ApiContext) => unknown;

export interface ApiRoute {
  method: HttpMethod;
  path: string;
  handler: ApiHandler;
}

export function route(method: HttpMethod, path: string, handler: ApiHandler): ApiRoute {
  return { method, path, handler };
}

export function makeContext(
  core: Core,
  params: Params,
  path: Record<string, string>,
  onIgnored: (param: string) => void,
): ApiContext {
  return {
    core,
    params,
    path,
    check: (spec, target = params, prefix) => {
      const supported =
        target === params && prefix === undefined ? [...spec.supported, 'expand'] : spec.supported;
      checkParams(
        target,
        { supported, ...(spec.ignored === undefined ? {} : { ignored: spec.ignored }) },
        onIgnored,
        prefix,
      );
    },
  };
}

/** Reads a `:name` path segment that the route pattern guarantees. */
export function pathParam(context: ApiContext, name: string): string {
  return context.path[name] ?? '';
}
