import type { RequestHandler, Router } from 'express';
import { ApiError } from './api-error.js';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface Route {
  method: Method;
  path: string;
  handler: RequestHandler;
}

function register(router: Router, { method, path, handler }: Route, before: RequestHandler[]): void {
  switch (method) {
    case 'GET':
      router.get(path, ...before, handler);
      return;
    case 'POST':
      router.post(path, ...before, handler);
      return;
    case 'PATCH':
      router.patch(path, ...before, handler);
      return;
    case 'DELETE':
      router.delete(path, ...before, handler);
      return;
  }
}

/**
 * Mounts a route table, each route behind `before` (run only for a route that matched); a known
 * path called with another method answers 405 with `Allow`.
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
