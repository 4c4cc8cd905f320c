/**
 * A hostile-input run against the whole local stack, through Hosting as callers reach it: bad
 * ids, bodies, queries and headers on every dashboard route, bad keys on `/v1`, signed and
 * unsigned garbage on the Stripe webhook, and a few raw HTTP oddities. Nothing may answer 5xx, and
 * a refused request writes nothing: Firestore is the same after the run as before it.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorBodySchema } from '../shared/errors.js';
import {
  clearEmulators,
  createTestUser,
  dumpFirestore,
  FUNCTIONS_URL,
  HOSTING_URL,
  type TestUser,
} from '../test-support/emulators.js';
import { createKeyViaApi } from '../test-support/fixtures.js';
import { signature, useStripeStandIn, type StandIn } from '../test-support/stripe-stand-in.js';
import { DASHBOARD_BASE_PATH, DASHBOARD_ROUTES } from './app.js';

interface Probe {
  name: string;
  url: string;
  init: RequestInit;
  /**
   * Refused with a 4xx error body (the default), or answered 200 with a body that contains this:
   * a signed event ignored, a verification that says the key is not valid.
   */
  answer?: 'refused' | { ok: string };
}

let holder: TestUser;
let stranger: TestUser;
let strangerKeyId: string;
let standIn: StandIn;

beforeAll(async () => {
  await clearEmulators();
  standIn = await useStripeStandIn();
  holder = await createTestUser();
  stranger = await createTestUser();
  await createKeyViaApi(holder, { label: 'mine' });
  strangerKeyId = (await createKeyViaApi(stranger, { label: 'theirs' })).key.id;
});

/**
 * Through Hosting, as callers reach the functions. A path that is not valid percent-encoding
 * crashes the Hosting emulator itself (superstatic's decodeURI throws), so those go to the
 * function's own URL; production Hosting refuses them before any function.
 */
const MALFORMED = '%E0%A4%A';
const url = (path: string) =>
  path.includes(MALFORMED) ? `${FUNCTIONS_URL}/dashboardApi${path}` : `${HOSTING_URL}${path}`;

const HOSTILE_IDS = [
  '__proto__',
  '__name__',
  'constructor',
  '%2E%2E',
  'a'.repeat(65),
  '%F0%9F%98%80',
  MALFORMED,
  '%00',
  'x%2Fy',
];

const HOSTILE_BODIES: [string, string, string][] = [
  ['not JSON', 'application/json', 'label=x'],
  ['cut-off JSON', 'application/json', '{"label":'],
  ['an array', 'application/json', '[]'],
  ['null', 'application/json', 'null'],
  ['a string', 'application/json', '"pro"'],
  ['prototype pollution', 'application/json', '{"__proto__":{"admin":true},"constructor":{"prototype":{}}}'],
  ['operator objects', 'application/json', '{"label":{"$gt":""},"plan":{"$ne":null}}'],
  ['wrong types', 'application/json', '{"label":7,"scopes":"read","plan":["pro"],"grace_hours":"x"}'],
  ['huge numbers', 'application/json', '{"label":"x","expires_in_days":1e400,"grace_hours":-1e308}'],
  ['deep nesting', 'application/json', `${'['.repeat(3000)}${']'.repeat(3000)}`],
  ['too large', 'application/json', JSON.stringify({ label: 'x'.repeat(40_000) })],
  ['JSON sent as text', 'text/plain', '{"label":"x"}'],
  ['form data', 'application/x-www-form-urlencoded', 'label=x&plan=pro'],
  ['invalid UTF-8', 'application/json', '\u00ff\u00fe{'],
];

const HOSTILE_QUERIES = [
  '?from=2026-01-01&from=2026-01-02',
  '?from[]=2026-01-01',
  '?from=9999-99-99&to=0000-00-00',
  '?key_id[$ne]=1',
  '?__proto__[admin]=true',
  '?to=2026-13-40',
  `?from=${'1'.repeat(5_000)}`,
  '?unknown=1',
  `?key_id=${MALFORMED}`,
];

const HOSTILE_AUTH = [
  undefined,
  'Bearer',
  'Bearer   ',
  'Basic dXNlcjpwYXNz',
  'Bearer a.b.c',
  `Bearer ${'x'.repeat(6_000)}`,
  'Bearer sk_live_0000000000000000000000000000000000000000',
];

const bearer = (user: TestUser) => ({ authorization: `Bearer ${user.idToken}` });

/**
 * Each route with its `:id` replaced by a hostile id, a stranger's key id, or left alone; an
 * account route under its prefix names the holder's own account, so the hostile input reaches
 * the handler.
 */
function dashboardProbes(): Probe[] {
  const probes: Probe[] = [];
  for (const route of DASHBOARD_ROUTES) {
    const withId = (id: string) =>
      `${DASHBOARD_BASE_PATH}${route.path.replace(':account_id', holder.uid).replace(':id', id)}`;
    const paths = route.path.includes(':id') ? [...HOSTILE_IDS, strangerKeyId].map(withId) : [withId('')];
    const name = `${route.method} ${route.path}`;
    for (const path of paths) {
      for (const authorization of HOSTILE_AUTH) {
        probes.push({
          name: `${name} with Authorization ${String(authorization).slice(0, 20)}`,
          url: url(path),
          init: { method: route.method, headers: authorization === undefined ? {} : { authorization } },
        });
      }
      if (route.path.includes(':id') && route.method === 'GET') continue;
      if (route.method === 'GET') {
        for (const query of HOSTILE_QUERIES)
          probes.push({
            name: `${name}${query.slice(0, 40)}`,
            url: url(`${path}${query}`),
            init: { headers: bearer(holder) },
          });
        continue;
      }
      for (const [what, type, body] of HOSTILE_BODIES) {
        probes.push({
          name: `${name} (${path.slice(-20)}) with ${what}`,
          url: url(path),
          init: { method: route.method, headers: { ...bearer(holder), 'content-type': type }, body },
        });
      }
      probes.push({
        name: `${name} with a query`,
        url: url(`${path}?__proto__=1`),
        init: { method: route.method, headers: bearer(holder) },
      });
    }
  }
  return probes;
}

/** `/v1` with no key, malformed keys, keys in the URL, made-up keys that pass the checksum. */
function apiProbes(): Probe[] {
  const keys = [
    undefined,
    'sk_live_',
    'sk_live_short',
    `sk_live_${'A'.repeat(38)}`,
    `sk_test_${'A'.repeat(38)}`,
    'sk_live_\u00ff\u00fe a b',
    `sk_live_${'9'.repeat(5000)}`,
  ];
  const probes: Probe[] = [];
  const posts = new Set(['/v1/convert', '/v1/emails/verify']);
  for (const path of [
    '/v1/time',
    '/v1/forecast?city=Lisbon&days=3',
    '/v1/convert',
    '/v1/emails/verify',
    '/v1/nope',
  ]) {
    for (const key of keys) {
      probes.push({
        name: `${path} with key ${String(key).slice(0, 16)}`,
        url: url(path),
        init: {
          method: posts.has(path) ? 'POST' : 'GET',
          headers: key === undefined ? {} : { 'x-api-key': key },
        },
      });
    }
    probes.push({ name: `${path} with a key in the URL`, url: url(`${path}?api_key=sk_live_x`), init: {} });
  }
  for (const [what, type, body] of HOSTILE_BODIES) {
    probes.push({
      name: `emails/verify without a key, with ${what}`,
      url: url('/v1/emails/verify'),
      init: { method: 'POST', headers: { 'content-type': type }, body },
    });
    probes.push({
      name: `verify with ${what}`,
      url: url('/v1/keys/verify'),
      init: { method: 'POST', headers: { 'content-type': type }, body },
    });
  }
  for (const key of ['sk_live_', `sk_live_${'A'.repeat(38)}`, 'x'.repeat(20_000)]) {
    probes.push({
      name: `verify a made-up key ${key.slice(0, 12)}`,
      url: url('/v1/keys/verify'),
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ key, endpoint: 'GET /orders' }),
      },
      // Verification answers the verdict; a made-up key is not valid, and nothing is recorded.
      answer: key.length > 10_000 ? 'refused' : { ok: '"valid":false' },
    });
  }
  return probes;
}

/** Unsigned, wrongly signed and correctly signed garbage. */
function webhookProbes(): Probe[] {
  const post = (
    name: string,
    body: string,
    headers: Record<string, string>,
    answer: Probe['answer'] = 'refused',
  ): Probe => ({
    name,
    url: url('/stripe/webhook'),
    init: { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body },
    answer,
  });
  const signed = (body: string) => ({
    'stripe-signature': signature(standIn.stripe, body, standIn.webhookSecret),
  });
  const probes = [
    post('no signature', '{}', {}),
    post('a signature of another body', '{"id":"evt_1"}', signed('{"id":"evt_2"}')),
    post('a garbage signature', '{}', { 'stripe-signature': 'v1=,t=,,,=' }),
    post('a huge signature', '{}', { 'stripe-signature': `t=1,v1=${'a'.repeat(8_000)}` }),
  ];
  for (const body of [
    'null',
    '[]',
    '"x"',
    '{}',
    '{"id":"evt/../x","type":"invoice.paid","created":1,"data":{}}',
  ])
    probes.push(post(`signed ${body.slice(0, 20)}`, body, signed(body)));
  // Genuine (signed) events that name no customer Keymeter could look up: 2xx, so Stripe stops.
  const event = (object: unknown) =>
    JSON.stringify({
      id: `evt_${randomBytes(8).toString('hex')}`,
      object: 'event',
      type: 'customer.subscription.updated',
      created: 1,
      data: { object },
    });
  for (const object of [null, 'x', { customer: 7 }, { customer: 'cus/../x' }, { customer: '' }]) {
    const body = event(object);
    probes.push(
      post(`a signed event about ${JSON.stringify(object)}`, body, signed(body), { ok: '"ignored"' }),
    );
  }
  return probes;
}

async function send(probe: Probe): Promise<{ status: number; text: string; isJson: boolean }> {
  const response = await fetch(probe.url, { redirect: 'manual', ...probe.init });
  const isJson = (response.headers.get('content-type') ?? '').startsWith('application/json');
  return { status: response.status, text: await response.text(), isJson };
}

describe('a hostile-input run', () => {
  it(
    'answers every refused request with a 4xx error body and writes nothing',
    { timeout: 600_000 },
    async () => {
      const before = await dumpFirestore();
      const probes = [...dashboardProbes(), ...apiProbes(), ...webhookProbes()];
      expect(probes.length).toBeGreaterThan(900);
      const failures: string[] = [];
      for (const probe of probes) {
        const { status, text, isJson } = await send(probe);
        if (probe.answer !== undefined && probe.answer !== 'refused') {
          if (status !== 200 || !text.includes(probe.answer.ok))
            failures.push(`${probe.name}: ${status} ${text.slice(0, 120)}`);
          continue;
        }
        if (status < 400 || status >= 500) {
          failures.push(`${probe.name}: ${status} ${text.slice(0, 120)}`);
          continue;
        }
        // Bodies that are not JSON at all are refused by the Functions runtime's own parser (a 400
        // of its own, before our code); every answer of ours carries the error body.
        if (isJson && !errorBodySchema.safeParse(JSON.parse(text)).success)
          failures.push(`${probe.name}: ${status} without an error body`);
      }
      expect(failures).toEqual([]);
      expect(await dumpFirestore()).toBe(before);
    },
  );

  it("refuses a brand-new user's malformed first requests before creating their account", async () => {
    const newcomer = await createTestUser();
    const before = await dumpFirestore();
    const statuses: string[] = [];
    for (const route of DASHBOARD_ROUTES) {
      const path = route.path.replace(':account_id', newcomer.uid).replace(':id', 'some-key-id');
      const response = await fetch(url(`${DASHBOARD_BASE_PATH}${path}?unexpected=1`), {
        method: route.method,
        headers: bearer(newcomer),
      });
      statuses.push(`${route.method} ${route.path} ${response.status}`);
    }
    expect(statuses).toEqual(DASHBOARD_ROUTES.map((route) => `${route.method} ${route.path} 400`));
    expect(await dumpFirestore()).toBe(before);
  });

  it('survives raw HTTP oddities on the functions without a 5xx', async () => {
    const bytes = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]);
    const probes: Probe[] = [
      {
        name: 'a body of invalid UTF-8 bytes',
        url: url('/api/dashboard/keys'),
        init: {
          method: 'POST',
          headers: { ...bearer(holder), 'content-type': 'application/json' },
          body: bytes,
        },
      },
      {
        name: 'a content type with odd parameters',
        url: url('/api/dashboard/keys'),
        init: {
          method: 'POST',
          headers: { ...bearer(holder), 'content-type': 'application/json; charset=ebcdic; x=' },
          body: '{"label":"x","scopes":["nope"]}',
        },
      },
      {
        name: 'an unknown method',
        url: url('/api/dashboard/me'),
        init: { method: 'PUT', headers: bearer(holder) },
      },
      { name: 'a path with a NUL', url: url('/api/dashboard/%00'), init: { headers: bearer(holder) } },
    ];
    for (const probe of probes) {
      const { status } = await send(probe);
      expect(status, probe.name).toBeGreaterThanOrEqual(400);
      expect(status, probe.name).toBeLessThan(500);
    }
    // The stranger's data is still there and still theirs.
    const theirs = await fetch(url('/api/dashboard/keys'), { headers: bearer(stranger) });
    expect(await theirs.text()).toContain(strangerKeyId);
  });
});
