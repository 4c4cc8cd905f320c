import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { openApiPath, type JsonObject } from '../http/openapi.js';
import { DASHBOARD_BASE_PATH, DASHBOARD_ROUTES } from './app.js';
import { dashboardOpenApiDocument } from './openapi.js';

function object(value: unknown): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
  return value as JsonObject;
}

function operationsOf(doc: JsonObject): string[] {
  return Object.entries(object(doc.paths)).flatMap(([path, item]) =>
    Object.keys(object(item)).map((method) => `${method.toUpperCase()} ${path}`),
  );
}

async function validate(doc: JsonObject) {
  const validator = new Validator();
  const result = await validator.validate(doc);
  return { ...result, version: validator.version };
}

describe('the dashboard API OpenAPI document', () => {
  const dashboard = dashboardOpenApiDocument(DASHBOARD_BASE_PATH, DASHBOARD_ROUTES);

  it('has every route of DASHBOARD_ROUTES and validates as OpenAPI 3.1', async () => {
    const fromTable = DASHBOARD_ROUTES.map(
      (route) => `${route.method} ${openApiPath(`${DASHBOARD_BASE_PATH}${route.path}`).path}`,
    );
    expect(operationsOf(dashboard).sort()).toEqual(fromTable.sort());
    const result = await validate(dashboard);
    expect(result.errors).toBeUndefined();
    expect(result).toMatchObject({ valid: true, version: '3.1' });
  });

  it('names path parameters and the request schemas the routes check', () => {
    const roll = object(
      object(object(dashboard.paths)['/api/dashboard/accounts/{account_id}/keys/{id}/roll']).post,
    );
    expect(roll.parameters).toEqual([
      expect.objectContaining({ name: 'account_id', in: 'path', required: true }),
      expect.objectContaining({ name: 'id', in: 'path', required: true }),
    ]);
    // grace_period_hours has a default, so the body may be left out.
    expect(object(roll.requestBody).required).toBe(false);
    const create = object(object(object(dashboard.paths)['/api/dashboard/keys']).post);
    expect(object(create.requestBody).required).toBe(true);
  });
});
