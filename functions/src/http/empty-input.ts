import type { Request } from 'express';
import { z } from 'zod';
import { parseBody, parseQuery } from './parse.js';

const nothing = z.strictObject({});

/** Routes that take no input still refuse input they do not understand. */
export function expectNoQuery(req: Request): void {
  parseQuery(req, nothing);
}

export async function expectNoBody(req: Request): Promise<void> {
  await parseBody(req, nothing);
}
