import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { errorBodySchema } from '../shared/errors.js';

vi.mock('firebase-functions/logger', () => ({ write: () => undefined }));

const { errorMiddleware, notFoundMiddleware } = await import('./errors.js');
const { limitBodySize, MAX_BODY_BYTES } = await import('./json-body.js');
const { parseBody, parseQuery } = await import('./parse.js');
const { assignRequestId } = await import('./request-id.js');
const { bodyOf, mountRoutes } = await import('./routes.js');

const noteSchema = z.strictObject({ note: z.string().max(10) });
/** Requests that reached the `before` handler of the routes that declare their input. */
const reachedBefore: string[] = [];

let server: Server;
let base: string;

beforeAll(async () => {
  const app = express();
  app.use(assignRequestId);
  app.use(limitBodySize);
  const router = express.Router();
  mountRoutes(router, [
    {
      method: 'POST',
      path: '/things',
      handler: async (req, res) => {
        const body = await parseBody(
          req,
          z.strictObject({ label: z.string().min(1), size: z.number().optional() }),
        );
        res.status(201).json(body);
      },
    },
    {
      method: 'GET',
      path: '/things',
      handler: (req, res) => {
        res.json(parseQuery(req, z.strictObject({ from: z.iso.date() })));
      },
    },
    { method: 'GET', path: '/things/:id', handler: (req, res) => void res.json({ id: req.params.id }) },
    { method: 'DELETE', path: '/nothing', input: {}, handler: (_req, res) => void res.status(204).end() },
    {
      method: 'GET',
      path: '/boom',
      handler: () => {
        throw new Error('secret internals sk_live_abcdefghijklmnop');
      },
    },
  ]);
  const declared = express.Router();
  mountRoutes(
    declared,
    [
      {
        method: 'POST',
        path: '/notes',
        input: { body: noteSchema },
        handler: (_req, res) => void res.status(201).json(bodyOf(res, noteSchema)),
      },
    ],
    (req, _res, next) => {
      reachedBefore.push(req.path);
      next();
    },
  );
  app.use('/base', router);
  app.use('/base/declared', declared);
  app.use(notFoundMiddleware);
  app.use(errorMiddleware);
  await new Promise<void>((resolve) => {
    server = app.listen(0, '127.0.0.1', () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/base`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function errorOf(response: Response) {
  return errorBodySchema.parse(await response.json()).error;
}

const json = { 'content-type': 'application/json' };

describe('JSON bodies', () => {
  it('parses a valid body', async () => {
    const response = await fetch(`${base}/things`, { method: 'POST', headers: json, body: '{"label":"a"}' });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ label: 'a' });
  });

  it('refuses bodies over the limit with 413 before reading them', async () => {
    const body = JSON.stringify({ label: 'x'.repeat(MAX_BODY_BYTES) });
    const response = await fetch(`${base}/things`, { method: 'POST', headers: json, body });
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe('payload_too_large');
  });

  it('refuses other media types with 415', async () => {
    const response = await fetch(`${base}/things`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'label=a',
    });
    expect(response.status).toBe(415);
    expect((await errorOf(response)).code).toBe('unsupported_media_type');
  });

  it('refuses invalid JSON with 400 invalid_json', async () => {
    const response = await fetch(`${base}/things`, { method: 'POST', headers: json, body: '{"label":' });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('invalid_json');
  });

  it('names the offending field, including unknown ones and query parameters', async () => {
    const missing = await errorOf(
      await fetch(`${base}/things`, { method: 'POST', headers: json, body: '{}' }),
    );
    expect(missing).toMatchObject({ code: 'invalid_request', field: 'label' });
    const wrongType = await errorOf(
      await fetch(`${base}/things`, { method: 'POST', headers: json, body: '{"label":"a","size":"big"}' }),
    );
    expect(wrongType.field).toBe('size');
    const unknown = await errorOf(
      await fetch(`${base}/things`, { method: 'POST', headers: json, body: '{"label":"a","owner":"x"}' }),
    );
    expect(unknown.field).toBe('owner');
    const notObject = await errorOf(
      await fetch(`${base}/things`, { method: 'POST', headers: json, body: '[1]' }),
    );
    expect(notObject.field).toBe('body');
    // JSON null is a body, not a missing one: a route that takes none refuses it too.
    const nullBody = await fetch(`${base}/nothing`, { method: 'DELETE', headers: json, body: 'null' });
    expect(nullBody.status).toBe(400);
    expect((await errorOf(nullBody)).field).toBe('body');
    const query = await errorOf(await fetch(`${base}/things?from=yesterday`));
    expect(query).toMatchObject({ code: 'invalid_request', field: 'query.from' });
  });
});

describe('routing and errors', () => {
  it('answers 405 with Allow for a known path and another method', async () => {
    const response = await fetch(`${base}/things`, { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST, GET, HEAD');
    expect((await errorOf(response)).code).toBe('method_not_allowed');
  });

  it('answers 404 for unknown routes without echoing the path', async () => {
    const response = await fetch(`${base}/sk_live_abcdefghijklmnopqrstuvwxyz`);
    expect(response.status).toBe(404);
    const text = await response.text();
    expect(text).not.toContain('sk_live_');
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'not_found' } });
  });

  it('refuses any query on a route that takes none, even one the query parser drops', async () => {
    expect((await fetch(`${base}/nothing`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${base}/nothing?`, { method: 'DELETE' })).status).toBe(204);
    for (const [query, field] of [
      ['?a=1', 'query.a'],
      ['?__proto__=1', 'query.__proto__'],
      ['?__proto__[admin]=true', 'query.__proto__[admin]'],
      ['?constructor=x', 'query.constructor'],
      ['?a', 'query.a'],
    ]) {
      const response = await fetch(`${base}/nothing${query}`, { method: 'DELETE' });
      expect(response.status, query).toBe(400);
      expect((await errorOf(response)).field, query).toBe(field);
    }
  });

  it("checks a declared input before the route's other handlers run, and hands it over parsed", async () => {
    reachedBefore.length = 0;
    for (const [query, body] of [
      ['', '{"note":"far too long a note"}'],
      ['', '{"note":"ok","extra":1}'],
      ['?a=1', '{"note":"ok"}'],
    ]) {
      const response = await fetch(`${base}/declared/notes${query}`, { method: 'POST', headers: json, body });
      expect(response.status, body).toBe(400);
    }
    expect(reachedBefore).toEqual([]);
    const ok = await fetch(`${base}/declared/notes`, {
      method: 'POST',
      headers: json,
      body: '{"note":"ok"}',
    });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toEqual({ note: 'ok' });
    expect(reachedBefore).toEqual(['/notes']);
  });

  it('reads a query parameter literally, once: no objects from brackets, no repeats', async () => {
    expect(await (await fetch(`${base}/things?from=2026-01-02`)).json()).toEqual({ from: '2026-01-02' });
    for (const [query, field] of [
      ['?from[]=2026-01-02', 'query.from'],
      ['?from=2026-01-02&from=2026-01-03', 'query.from'],
      ['?from[gt]=2026-01-02', 'query.from'],
    ]) {
      const response = await fetch(`${base}/things${query}`);
      expect(response.status, query).toBe(400);
      expect((await errorOf(response)).field, query).toBe(field);
    }
  });

  it('answers a path parameter that is not validly percent-encoded with 400, not 500', async () => {
    expect(await (await fetch(`${base}/things/%F0%9F%98%80`)).json()).toEqual({ id: '😀' });
    const response = await fetch(`${base}/things/%E0%A4%A`);
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('invalid_request');
  });

  it('turns unexpected errors into a bare 500 with the request id, never the message', async () => {
    const response = await fetch(`${base}/boom`);
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain('secret internals');
    expect(text).not.toContain('sk_live_');
    const error = errorBodySchema.parse(JSON.parse(text)).error;
    expect(error.code).toBe('internal');
    expect(error.request_id).toBe(response.headers.get('x-request-id'));
    expect(error.request_id).toMatch(/^req_/);
  });
});
