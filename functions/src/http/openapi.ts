/**
 * OpenAPI 3.1 documents built from route tables: every request and response schema in them is
 * the zod schema the functions parse or answer with, turned into JSON Schema by zod itself
 * (`z.toJSONSchema`, draft 2020-12, which is OpenAPI 3.1's dialect). Nothing here is written
 * twice, so a schema change shows up in the document without an edit.
 */
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { ERROR_STATUS, errorBodySchema, type ErrorCode } from '../shared/errors.js';
import type { Method } from './routes.js';

export type JsonObject = { [key: string]: unknown };

export interface OpenApiResponse {
  description: string;
  /** The answer's JSON body. */
  body?: z.ZodType;
  /** Names of `components.headers` the answer carries. */
  headers?: readonly string[];
}

export interface OpenApiOperation {
  method: Method;
  /** As mounted, with Express parameters (`/keys/:id`). */
  path: string;
  summary: string;
  description?: string;
  tags?: readonly string[];
  query?: z.ZodType | undefined;
  body?: z.ZodType | undefined;
  /** Alternatives, any one of which is enough; empty for a public route. */
  security: readonly Record<string, readonly string[]>[];
  success: OpenApiResponse & { status?: number };
  /** Every error code the route can answer with; grouped by status in the document. */
  errors: readonly ErrorCode[];
  /** Headers of the error answers, by status. */
  errorHeaders?: (status: number) => readonly string[];
  /** `x-…` fields of the operation (costs, scopes, meters). */
  extensions?: Readonly<Record<`x-${string}`, unknown>>;
}

export interface OpenApiSpec {
  info: { title: string; version: string; description?: string };
  servers?: readonly { url: string; description?: string }[];
  tags?: readonly { name: string; description?: string }[];
  securitySchemes: Readonly<Record<string, JsonObject>>;
  headers?: Readonly<Record<string, JsonObject>>;
  operations: readonly OpenApiOperation[];
}

/** A schema as JSON Schema: `input` for what a caller sends, `output` for what it gets. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  // The dialect is the document's (OpenAPI 3.1 declares 2020-12), so no per-schema `$schema`.
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io });
  return rest;
}

/** `/keys/:id` → `/keys/{id}`, and the parameters' names in order. */
export function openApiPath(path: string): { path: string; params: string[] } {
  const params: string[] = [];
  const converted = path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_match, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path: converted, params };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function queryParameters(schema: z.ZodType): JsonObject[] {
  const json = jsonSchemaOf(schema, 'input');
  const properties = json.properties;
  if (!isObject(properties)) throw new Error('a query schema must be an object schema');
  const required = Array.isArray(json.required) ? json.required : [];
  return Object.entries(properties).map(([name, property]) => {
    const description = isObject(property) ? property.description : undefined;
    return {
      name,
      in: 'query',
      required: required.includes(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: property,
    };
  });
}

function operationId(method: Method, path: string): string {
  const words = path
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => (segment.startsWith(':') ? `by_${segment.slice(1)}` : segment))
    .flatMap((segment) => segment.split(/[^A-Za-z0-9]+/))
    .filter((word) => word !== '');
  return [method.toLowerCase(), ...words.map((word) => word[0]?.toUpperCase() + word.slice(1))].join('');
}

const ERROR_SCHEMA_REF = '#/components/schemas/Error';

function headerRefs(names: readonly string[]): JsonObject | undefined {
  if (names.length === 0) return undefined;
  return Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]));
}

function errorResponses(operation: OpenApiOperation): JsonObject {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(operation.errors)) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: JsonObject = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const headers = headerRefs(operation.errorHeaders?.(status) ?? []);
    responses[String(status)] = {
      description: `Error: ${codes.map((code) => `\`${code}\``).join(', ')}.`,
      ...(headers === undefined ? {} : { headers }),
      content: {
        'application/json': {
          schema: {
            allOf: [
              { $ref: ERROR_SCHEMA_REF },
              {
                type: 'object',
                properties: { error: { type: 'object', properties: { code: { enum: codes } } } },
              },
            ],
          },
        },
      },
    };
  }
  return responses;
}

function operationObject(operation: OpenApiOperation, params: readonly string[]): JsonObject {
  const parameters = [
    ...params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    ...(operation.query === undefined ? [] : queryParameters(operation.query)),
  ];
  const successHeaders = headerRefs(operation.success.headers ?? []);
  const success: JsonObject = {
    description: operation.success.description,
    ...(successHeaders === undefined ? {} : { headers: successHeaders }),
    ...(operation.success.body === undefined
      ? {}
      : { content: { 'application/json': { schema: jsonSchemaOf(operation.success.body, 'output') } } }),
  };
  return {
    operationId: operationId(operation.method, operation.path),
    summary: operation.summary,
    ...(operation.description === undefined ? {} : { description: operation.description }),
    ...(operation.tags === undefined ? {} : { tags: [...operation.tags] }),
    ...(parameters.length === 0 ? {} : { parameters }),
    ...(operation.body === undefined
      ? {}
      : {
          requestBody: {
            // A body whose fields all have defaults may be left out (parse.ts reads none as `{}`).
            required: !operation.body.safeParse({}).success,
            content: { 'application/json': { schema: jsonSchemaOf(operation.body, 'input') } },
          },
        }),
    security: operation.security.map((requirement) =>
      Object.fromEntries(Object.entries(requirement).map(([name, scopes]) => [name, [...scopes]])),
    ),
    responses: { [String(operation.success.status ?? 200)]: success, ...errorResponses(operation) },
    ...operation.extensions,
  };
}

export function openApiDocument(spec: OpenApiSpec): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const operation of spec.operations) {
    const { path, params } = openApiPath(operation.path);
    const item = paths[path] ?? {};
    const method = operation.method.toLowerCase();
    if (method in item) throw new Error(`${operation.method} ${operation.path} is in the table twice`);
    item[method] = operationObject(operation, params);
    paths[path] = item;
  }
  return {
    openapi: '3.1.0',
    info: spec.info,
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    ...(spec.servers === undefined ? {} : { servers: spec.servers }),
    ...(spec.tags === undefined ? {} : { tags: spec.tags }),
    paths,
    components: {
      schemas: { Error: jsonSchemaOf(errorBodySchema, 'output') },
      securitySchemes: spec.securitySchemes,
      ...(spec.headers === undefined ? {} : { headers: spec.headers }),
    },
  };
}

/**
 * A document served as a public file: built on first use (it depends only on code, so it is
 * the same for the instance's life), cacheable, and revalidated by its ETag.
 */
export function serveDocument(build: () => JsonObject): (req: Request, res: Response) => void {
  let served: { body: string; etag: string } | undefined;
  return (req, res) => {
    if (served === undefined) {
      const body = JSON.stringify(build());
      served = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    }
    // Public and the same for every caller; five minutes keeps a deploy's change from waiting long.
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.setHeader('ETag', served.etag);
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (req.headers['if-none-match'] === served.etag) {
      res.status(304).end();
      return;
    }
    res.type('application/json').send(served.body);
  };
}
