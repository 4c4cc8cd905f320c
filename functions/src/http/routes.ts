import type { RequestHandler, Router } from 'express';
import { ApiError } from './api-error.js';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface Route {
  method: Method;
  path: string;
  handler: RequestHandler;
}

function register(router: Router, { method, path, handler }: Route): void {
  switch (method) {
    case 'GET':
      router.get(path, handler);
      return;
    case 'POST':
      router.post(path, handler);
      return;
    case 'PATCH':
      router.patch(path, handler);
      return;
    case 'DELETE':
      router.delete(path, handler);
      return;
  }
}

/** Mounts a route table; a known path called with another method answers 405 with `Allow`. */
export function mountRoutes(router: Router, routes: readonly Route[]): void {
  for (const route of routes) register(router, route);
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
