import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signatureOf } from './signature.js';
import { sendSigned, type SignedRequest } from './webhook-send.js';
import { EMULATOR_POLICY, PRODUCTION_POLICY } from './webhook-target.js';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let base: string;
let received: Received[];
let answer: (res: ServerResponse) => void;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received = [];
  answer = (res) => res.writeHead(204).end();
});

const request = (path = '/hook'): SignedRequest => ({
  url: `${base}${path}`,
  secret: 'whsec_test',
  eventId: 'evt_123',
  rawBody: '{"id":"evt_123","type":"alert.test","data":{"é":"ü"}}',
  timestamp: 1_767_225_600,
});

describe('sending a webhook', () => {
  it('POSTs the raw body with its signature and event id, and takes any 2xx as success', async () => {
    const result = await sendSigned(request(), EMULATOR_POLICY);
    expect(result).toMatchObject({ ok: true, status_code: 204, error: null });
    expect(received).toHaveLength(1);
    const [first] = received;
    expect(first?.body).toBe(request().rawBody);
    expect(first?.headers['content-type']).toBe('application/json');
    expect(first?.headers['keymeter-event-id']).toBe('evt_123');
    expect(first?.headers['keymeter-signature']).toBe(
      `t=1767225600,v1=${signatureOf('whsec_test', 1_767_225_600, request().rawBody)}`,
    );
  });

  it('reports a non-2xx status as a failure with its code', async () => {
    answer = (res) => res.writeHead(500).end('boom');
    expect(await sendSigned(request(), EMULATOR_POLICY)).toMatchObject({
      ok: false,
      status_code: 500,
      error: null,
    });
  });

  it('does not follow a redirect', async () => {
    answer = (res) => res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end();
    expect(await sendSigned(request(), EMULATOR_POLICY)).toMatchObject({ ok: false, status_code: 302 });
    expect(received).toHaveLength(1);
  });

  it('gives up on a receiver that does not answer in time', async () => {
    answer = () => undefined;
    const result = await sendSigned(request('/slow'), EMULATOR_POLICY, { timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, status_code: null, error: 'timed out after 0.3 s' });
    expect(result.duration_ms).toBeGreaterThanOrEqual(250);
  });

  it('sends nothing to this machine in production, by address or by a name that resolves to it', async () => {
    expect(await sendSigned(request(), PRODUCTION_POLICY)).toMatchObject({ ok: false, status_code: null });
    const byName = { ...request(), url: `https://hooks.example.com:${new URL(base).port}/hook` };
    const resolve = () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
    const result = await sendSigned(byName, PRODUCTION_POLICY, { resolve });
    expect(result).toMatchObject({ ok: false, status_code: null });
    expect(result.error).toMatch(/^refused: hooks\.example\.com resolves to a loopback address/);
    expect(received).toHaveLength(0);
  });

  it('reports a refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(
      await sendSigned({ ...request(), url: `http://127.0.0.1:${port}/` }, EMULATOR_POLICY),
    ).toMatchObject({
      ok: false,
      error: 'connection refused',
    });
  });
});
