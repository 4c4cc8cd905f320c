import type { Request } from 'express';
import type { z } from 'zod';
import { ApiError } from './api-error.js';
import { readJsonBody } from './json-body.js';

type Location = 'body' | 'query';

function fieldOf(issue: z.core.$ZodIssue, location: Location): string {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) path.push(issue.keys[0]);
  if (path.length === 0) return location;
  const field = path.join('.');
  return location === 'query' ? `query.${field}` : field;
}

function messageOf(issue: z.core.$ZodIssue, field: string): string {
  if (issue.code === 'unrecognized_keys') return `${field}: unknown field.`;
  if (issue.code === 'invalid_type' && issue.input === undefined) return `${field}: required.`;
  return `${field}: ${issue.message}.`;
}

/** Parses input with its schema before any work is done; the first problem names its field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, location: Location): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue === undefined) throw new ApiError('invalid_request', `The ${location} is invalid.`, location);
  const field = fieldOf(issue, location);
  throw new ApiError('invalid_request', messageOf(issue, field), field);
}

/**
 * A missing body is read as `{}` so that routes whose fields all have defaults need none; a
 * body of JSON `null` is not missing, and is refused like any other body that is not an object.
 */
export async function parseBody<S extends z.ZodType>(req: Request, schema: S): Promise<z.output<S>> {
  const body = await readJsonBody(req);
  return parseInput(schema, body === undefined ? {} : body, 'body');
}

/**
 * The query string as the caller sent it, each parameter once: read from the raw URL, because
 * Express's parser turns `a[b]=1` into objects and drops `__proto__`, so a schema would never see
 * what it should refuse.
 */
function rawQuery(req: Request): Record<string, string> {
  const query: Record<string, string> = {};
  const start = req.originalUrl.indexOf('?');
  if (start === -1) return query;
  for (const [name, value] of new URLSearchParams(req.originalUrl.slice(start + 1))) {
    if (Object.hasOwn(query, name))
      throw new ApiError('invalid_request', `query.${name}: given more than once.`, `query.${name}`);
    Object.defineProperty(query, name, { value, enumerable: true, configurable: true, writable: true });
  }
  return query;
}

export function parseQuery<S extends z.ZodType>(req: Request, schema: S): z.output<S> {
  return parseInput(schema, rawQuery(req), 'query');
}
