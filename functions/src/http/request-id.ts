import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

declare module 'express-serve-static-core' {
  interface Locals {
    request_id?: string;
  }
}

export function newRequestId(): string {
  return `req_${randomBytes(12).toString('base64url')}`;
}

/** Every response carries `X-Request-Id`; error bodies repeat it so support can find the logs. */
export function assignRequestId(_req: Request, res: Response, next: NextFunction): void {
  const id = newRequestId();
  res.locals.request_id = id;
  res.setHeader('X-Request-Id', id);
  next();
}

export function requestIdOf(res: Response): string {
  return res.locals.request_id ?? 'req_unknown';
}
