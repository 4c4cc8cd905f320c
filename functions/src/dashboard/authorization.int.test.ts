/**
 * The shared authorisation suite: every dashboard route, one table. Missing and forged tokens
 * get 401, oversized bodies 413, malformed input 400 naming the field (and writes nothing), and
 * another account's key id 404 on every route that takes one. Account routes are checked both
 * unprefixed (the caller's personal account) and under `/accounts/:account_id`, where another
 * account's id, a made-up one and a malformed one all get the same 404. A route added to
 * DASHBOARD_ROUTES without a case here fails.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { request } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorBodySchema } from '../shared/errors.js';
import {
  adminAuth,
  adminDb,
  clearEmulators,
  createTestUser,
  dashboardCall,
  FUNCTIONS_URL,
  HOSTING_URL,
  json,
  type TestUser,
} from '../test-support/emulators.js';
import { insertTeamAccount } from '../test-support/accounts.js';
import { createKeyViaApi, insertKey } from '../test-support/fixtures.js';
import type { Permission, Role } from '../shared/roles.js';
import { ACCOUNTS, API_KEYS, CREDIT_LEDGER, MEMBERS } from '../lib/collections.js';
import { ACCOUNT_PREFIX, ACCOUNT_ROUTES, DASHBOARD_ROUTES, TEAM_ROUTES } from './app.js';

interface RouteCase {
  /** Concrete path; `{own}` and `{foreign}` stand for the caller's and another account's key id. */
  path: string;
  admin?: boolean;
  /** A valid body, where the route takes one: input is checked before the account is resolved. */
  body?: unknown;
  malformed: { query?: string; body?: unknown; field: string };
  /** Where the route names a key: the same call with another account's key id. */
  foreign?: { path: string; body?: unknown };
}

const ACCOUNT_CASES: Record<string, RouteCase> = {
  'GET /summary': { path: '/summary', malformed: { query: 'period=2026-10', field: 'query.period' } },
  'GET /onboarding': { path: '/onboarding', malformed: { query: 'step=1', field: 'query.step' } },
  'PATCH /onboarding': {
    path: '/onboarding',
    body: { dismissed: true },
    malformed: { body: { dismissed: 'yes' }, field: 'dismissed' },
  },
  'GET /keys': { path: '/keys', malformed: { query: 'limit=5', field: 'query.limit' } },
  'POST /keys': {
    path: '/keys',
    body: { label: 'mine now' },
    malformed: { body: { label: '' }, field: 'label' },
  },
  'PATCH /keys/:id': {
    path: '/keys/{own}',
    body: { label: 'mine now' },
    malformed: { body: { label: 42 }, field: 'label' },
    foreign: { path: '/keys/{foreign}', body: { label: 'mine now' } },
  },
  'POST /keys/:id/revoke': {
    path: '/keys/{own}/revoke',
    malformed: { body: { reason: 'leaked' }, field: 'reason' },
    foreign: { path: '/keys/{foreign}/revoke' },
  },
  'POST /keys/:id/roll': {
    path: '/keys/{own}/roll',
    malformed: { body: { grace_period_hours: 1_000 }, field: 'grace_period_hours' },
    foreign: { path: '/keys/{foreign}/roll' },
  },
  'GET /stats': {
    path: '/stats?from=2026-10-01&to=2026-10-07',
    malformed: { query: 'from=2026-13-01&to=2026-10-07', field: 'query.from' },
    foreign: { path: '/stats?from=2026-10-01&to=2026-10-07&key_id={foreign}' },
  },
  'GET /usage/recent': {
    path: '/usage/recent?key_id={own}',
    malformed: { query: 'key_id=not%20an%20id', field: 'query.key_id' },
    foreign: { path: '/usage/recent?key_id={foreign}' },
  },
  'GET /usage/export': {
    path: '/usage/export?from=2026-10-01&to=2026-10-07',
    malformed: { query: 'from=2026-10-08&to=2026-10-07', field: 'query.from' },
    foreign: { path: '/usage/export?from=2026-10-01&to=2026-10-07&key_id={foreign}' },
  },
  'POST /billing/checkout': {
    path: '/billing/checkout',
    body: { plan: 'pro' },
    malformed: { body: { plan: 'gold' }, field: 'plan' },
  },
  'POST /billing/portal': {
    path: '/billing/portal',
    malformed: { body: { return_url: 'https://example.test' }, field: 'return_url' },
  },
  'POST /billing/credits/checkout': {
    path: '/billing/credits/checkout',
    body: { pack: '10k' },
    malformed: { body: { pack: '1m' }, field: 'pack' },
  },
  'GET /billing/credits': { path: '/billing/credits', malformed: { query: 'limit=5', field: 'query.limit' } },
  'GET /credits': { path: '/credits', malformed: { query: 'kind=grant', field: 'query.kind' } },
  'GET /billing/invoices': {
    path: '/billing/invoices',
    malformed: { query: 'starting_after=in_1', field: 'query.starting_after' },
  },
  'GET /billing/upcoming': {
    path: '/billing/upcoming',
    malformed: { query: 'subscription=sub_1', field: 'query.subscription' },
  },
  'POST /billing/plan': {
    path: '/billing/plan',
    body: { plan: 'enterprise' },
    malformed: { body: { plan: 'free' }, field: 'plan' },
  },
  'POST /billing/cancel': {
    path: '/billing/cancel',
    malformed: { body: { at_period_end: false }, field: 'at_period_end' },
  },
  'POST /billing/resume': { path: '/billing/resume', malformed: { body: { now: true }, field: 'now' } },
  'PUT /billing/settings': {
    path: '/billing/settings',
    body: { overage: 'stop', spend_cap_cents: null },
    malformed: { body: { overage: 'allow', spend_cap_cents: 0 }, field: 'spend_cap_cents' },
  },
  'GET /alerts': { path: '/alerts', malformed: { query: 'limit=5', field: 'query.limit' } },
  'PUT /alerts/settings': {
    path: '/alerts/settings',
    body: { quota_thresholds: [50], low_credits_units: null, email: { enabled: false, recipients: [] } },
    malformed: {
      body: { quota_thresholds: [0], low_credits_units: null, email: { enabled: true, recipients: [] } },
      field: 'quota_thresholds.0',
    },
  },
  'PUT /alerts/webhook': {
    path: '/alerts/webhook',
    body: { url: 'http://127.0.0.1:9/hook' },
    malformed: { body: { url: 'ftp://example.test/hook' }, field: 'url' },
  },
  'DELETE /alerts/webhook': {
    path: '/alerts/webhook',
    malformed: { body: { url: 'http://127.0.0.1:9/hook' }, field: 'url' },
  },
  'POST /alerts/webhook/test': {
    path: '/alerts/webhook/test',
    malformed: { body: { type: 'alert.test' }, field: 'type' },
  },
  'GET /alerts/deliveries': {
    path: '/alerts/deliveries',
    malformed: { query: 'status=failed', field: 'query.status' },
  },
  'GET /notifications': { path: '/notifications', malformed: { query: 'unread=1', field: 'query.unread' } },
  'POST /notifications/read': {
    path: '/notifications/read',
    body: { all: true },
    malformed: { body: { ids: [] }, field: 'ids' },
  },
  'GET /members': { path: '/members', malformed: { query: 'role=owner', field: 'query.role' } },
  'PATCH /members/:uid': {
    path: '/members/{member}',
    body: { role: 'viewer' },
    malformed: { body: { role: 'owner' }, field: 'role' },
  },
  'DELETE /members/:uid': {
    path: '/members/{member}',
    malformed: { body: { reason: 'gone' }, field: 'reason' },
  },
  'POST /transfer': {
    path: '/transfer',
    body: { uid: '{member}' },
    malformed: { body: { uid: '' }, field: 'uid' },
  },
  'GET /invitations': { path: '/invitations', malformed: { query: 'status=all', field: 'query.status' } },
  'POST /invitations': {
    path: '/invitations',
    body: { email: 'invitee@example.test', role: 'member' },
    malformed: { body: { email: 'not-an-address', role: 'member' }, field: 'email' },
  },
  'DELETE /invitations/:invitation_id': {
    path: `/invitations/${'a'.repeat(64)}`,
    malformed: { body: { reason: 'spam' }, field: 'reason' },
  },
  'GET /audit-log': {
    path: '/audit-log',
    malformed: { query: 'action=key.deleted', field: 'query.action' },
  },
  'GET /audit-log/export': {
    path: '/audit-log/export',
    malformed: { query: 'from=yesterday', field: 'query.from' },
  },
};

/** Mounted under the account prefix only. */
const TEAM_CASES: Record<string, RouteCase> = {
  [`DELETE ${ACCOUNT_PREFIX}`]: {
    path: '/accounts/{account}',
    malformed: { body: { confirm: true }, field: 'confirm' },
  },
};

const USER_CASES: Record<string, RouteCase> = {
  'GET /me': { path: '/me', malformed: { query: 'debug=1', field: 'query.debug' } },
  'DELETE /me': { path: '/me', malformed: { body: { confirm: true }, field: 'confirm' } },
  'GET /me/export': { path: '/me/export', malformed: { query: 'format=xml', field: 'query.format' } },
  'GET /accounts': { path: '/accounts', malformed: { query: 'kind=team', field: 'query.kind' } },
  'GET /admin/stats': {
    path: '/admin/stats',
    admin: true,
    malformed: { query: 'from=last-week', field: 'query.from' },
  },
  'POST /admin/accounts/:account_id/credits/adjustments': {
    path: '/admin/accounts/{account}/credits/adjustments',
    admin: true,
    body: { id: 'authz-suite-1', units: 5, reason: 'goodwill' },
    malformed: { body: { id: 'authz-suite-1', units: 0, reason: 'goodwill' }, field: 'units' },
  },
  'POST /teams': {
    path: '/teams',
    body: { name: 'Authorised Team' },
    malformed: { body: { name: '' }, field: 'name' },
  },
  'GET /invitations/:token/preview': {
    path: `/invitations/${'A'.repeat(43)}/preview`,
    malformed: { query: 'email=x', field: 'query.email' },
  },
  'POST /invitations/:token/accept': {
    path: `/invitations/${'A'.repeat(43)}/accept`,
    malformed: { body: { role: 'owner' }, field: 'role' },
  },
};

/** `{account}` stands for the caller's own account id (a personal account's id is its uid). */
const ACCOUNT_PREFIX_PATH = '/accounts/{account}';

const CASES: Record<string, RouteCase> = {
  ...USER_CASES,
  ...TEAM_CASES,
  ...ACCOUNT_CASES,
  ...Object.fromEntries(
    Object.entries(ACCOUNT_CASES).map(([name, routeCase]) => {
      const [method, path] = name.split(' ');
      return [
        `${method} ${ACCOUNT_PREFIX}${path}`,
        {
          ...routeCase,
          path: `${ACCOUNT_PREFIX_PATH}${routeCase.path}`,
          ...(routeCase.foreign === undefined
            ? {}
            : { foreign: { ...routeCase.foreign, path: `${ACCOUNT_PREFIX_PATH}${routeCase.foreign.path}` } }),
        },
      ];
    }),
  ),
};

/** The routes that take a key id, in the path or as `key_id`: each must 404 another account's. */
const KEY_ID_ROUTES = [
  'PATCH /keys/:id',
  'POST /keys/:id/revoke',
  'POST /keys/:id/roll',
  'GET /stats',
  'GET /usage/recent',
  'GET /usage/export',
].flatMap((name) => {
  const [method, path] = name.split(' ');
  return [name, `${method} ${ACCOUNT_PREFIX}${path}`];
});

let owner: TestUser;
let admin: TestUser;
let other: TestUser;
let ownKeyId: string;
let foreignKeyId: string;
let forgedToken: string;

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/**
 * A forgery with everything right but the signature: the header and claims of a real ID token
 * (project, issuer, audience, times), rewritten to name another account and to claim the admin
 * role, and signed RS256 with a key of our own under a key id Google never issued.
 *
 * What this can show against the Auth emulator: that every route hands the token to
 * firebase-admin's verifier and refuses what it refuses. A route that trusted the payload
 * (decoded it itself) would answer as `other`, with admin rights, and fail here. What it
 * cannot show: that the signature is checked against Google's keys. The emulator's verifier
 * accepts only unsigned tokens (alg "none"), so it refuses this signed token for that reason;
 * it would accept an unsigned token naming any existing uid, which production refuses (no kid,
 * alg not RS256). That production check is tested in functions/src/http/auth.test.ts, which runs
 * requireUser with firebase-admin outside the emulator against a local stand-in for Google's
 * certificate endpoint.
 */
function forge(realToken: string, victim: TestUser): string {
  const [, payloadPart] = realToken.split('.');
  const claims = JSON.parse(Buffer.from(payloadPart ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
  const header = { alg: 'RS256', kid: 'keymeter-forged-kid', typ: 'JWT' };
  const payload = { ...claims, sub: victim.uid, user_id: victim.uid, email: victim.email, admin: true };
  const signingInput = `${base64url(header)}.${base64url(payload)}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return `${signingInput}.${sign('RSA-SHA256', Buffer.from(signingInput), privateKey).toString('base64url')}`;
}

beforeAll(async () => {
  await clearEmulators();
  other = await createTestUser();
  [owner, admin] = await Promise.all([createTestUser(), createTestUser({ admin: true })]);
  ownKeyId = (await createKeyViaApi(owner, { label: 'own' })).key.id;
  foreignKeyId = (await createKeyViaApi(other, { label: 'someone else' })).key.id;
  forgedToken = forge(owner.idToken, other);
});

function fill(path: string, account = owner.uid): string {
  return path
    .replace('{account}', account)
    .replace('{own}', ownKeyId)
    .replace('{foreign}', foreignKeyId)
    .replace('{member}', other.uid);
}

function withQuery(path: string, query: string | undefined): string {
  if (query === undefined) return path;
  const [base] = path.split('?');
  return query === '' ? (base ?? path) : `${base ?? path}?${query}`;
}

/**
 * fetch refuses bodies on GET; node:http does not, and a body is a body on any method. The
 * Hosting emulator drops GET bodies before they reach the function, so GETs go to the
 * function's own URL.
 */
function send(
  method: string,
  path: string,
  token: string,
  body: string,
): Promise<{ status: number; text: string }> {
  const base = method === 'GET' ? `${FUNCTIONS_URL}/dashboardApi` : HOSTING_URL;
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}/api/dashboard${path}`,
      {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function errorOf(response: Response) {
  return errorBodySchema.parse(await json(response)).error;
}

function keyCount(accountId: string) {
  return adminDb()
    .collection(API_KEYS)
    .where('account_id', '==', accountId)
    .get()
    .then((snapshot) => snapshot.size);
}

it('has a case for every dashboard route', () => {
  expect(Object.keys(CASES).sort()).toEqual(
    DASHBOARD_ROUTES.map((route) => `${route.method} ${route.path}`).sort(),
  );
});

describe.each(
  DASHBOARD_ROUTES.map((route) => ({ name: `${route.method} ${route.path}`, method: route.method })),
)('$name', ({ name, method }) => {
  const routeCase = (): RouteCase => {
    const found = CASES[name];
    if (found === undefined) throw new Error(`no case for ${name}`);
    return found;
  };
  const caller = () => (routeCase().admin === true ? admin : owner);

  it('refuses a request without a token with 401', async () => {
    const response = await dashboardCall(null, fill(routeCase().path), { method });
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe('unauthenticated');
  });

  it('refuses a forged token naming another account with 401, and acts for no one', async () => {
    const { path } = routeCase();
    const keysBefore = await keyCount(other.uid);
    const response = await dashboardCall({ ...other, idToken: forgedToken }, fill(path), {
      method,
      ...(method === 'POST' || method === 'PATCH' ? { body: { label: 'forged' } } : {}),
    });
    expect(response.status).toBe(401);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      error: {
        code: 'unauthenticated',
        message: 'The ID token is invalid or expired. Sign in again.',
        request_id: expect.any(String),
      },
    });
    expect(text).not.toContain(other.email);
    expect(await keyCount(other.uid)).toBe(keysBefore);
    expect((await adminAuth().getUser(other.uid)).email).toBe(other.email);
  });

  it('refuses an oversized body with 413', async () => {
    const body = JSON.stringify({ label: 'x'.repeat(20_000) });
    const response = await send(method, fill(routeCase().path), caller().idToken, body);
    expect(response.status).toBe(413);
    expect(errorBodySchema.parse(JSON.parse(response.text)).error.code).toBe('payload_too_large');
  });

  it('refuses malformed input with 400 naming the field, and writes nothing', async () => {
    const { malformed, path } = routeCase();
    const before = await keyCount(caller().uid);
    const response = await dashboardCall(caller(), fill(withQuery(path, malformed.query)), {
      method,
      ...(malformed.body === undefined ? {} : { body: malformed.body }),
    });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: 'invalid_request', field: malformed.field });
    expect(await keyCount(caller().uid)).toBe(before);
  });
});

describe("another account's key id", () => {
  it('has a case for every route that takes a key id, and only those', () => {
    const withForeignCase = Object.entries(CASES)
      .filter(([, routeCase]) => routeCase.foreign !== undefined)
      .map(([name]) => name);
    expect(withForeignCase.sort()).toEqual([...KEY_ID_ROUTES].sort());
    for (const route of DASHBOARD_ROUTES.filter((candidate) => candidate.path.includes(':id')))
      expect(KEY_ID_ROUTES).toContain(`${route.method} ${route.path}`);
  });

  it.each(KEY_ID_ROUTES)('%s answers 404 not_found, never its data, and changes nothing', async (name) => {
    const foreign = CASES[name]?.foreign;
    if (foreign === undefined) throw new Error(`no foreign case for ${name}`);
    const [method] = name.split(' ');
    const response = await dashboardCall(owner, fill(foreign.path), {
      method: method ?? 'GET',
      ...(foreign.body === undefined ? {} : { body: foreign.body }),
    });
    expect(response.status).toBe(404);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      error: { code: 'not_found', message: 'No such key.', request_id: expect.any(String) },
    });
    expect(text).not.toContain('someone else');
    expect(text).not.toContain(other.uid);
    const stored = await adminDb().collection(API_KEYS).doc(foreignKeyId).get();
    expect(stored.get('label')).toBe('someone else');
    expect(stored.get('is_active')).toBe(true);
    expect(stored.get('replaced_by')).toBeUndefined();
    expect(await keyCount(other.uid)).toBe(1);
  });
});

describe("another account's id in the path", () => {
  const prefixed = [...ACCOUNT_ROUTES, ...TEAM_ROUTES].map((route) => ({
    name: `${route.method} ${ACCOUNT_PREFIX}${route.path}`,
    method: route.method,
  }));

  it.each(prefixed)(
    '$name answers 404 for an account the caller is not a member of, and changes nothing',
    async ({ name, method }) => {
      const routeCase = CASES[name];
      if (routeCase === undefined) throw new Error(`no case for ${name}`);
      const before = await keyCount(other.uid);
      for (const account of [other.uid, 'no-such-account', '__proto__', 'x'.repeat(200)]) {
        const response = await dashboardCall(owner, fill(routeCase.path, account), {
          method,
          ...(routeCase.body === undefined ? {} : { body: routeCase.body }),
        });
        expect(response.status, account).toBe(404);
        const text = await response.text();
        expect(JSON.parse(text)).toEqual({
          error: { code: 'not_found', message: 'No such account.', request_id: expect.any(String) },
        });
        expect(text).not.toContain(other.email);
      }
      expect(await keyCount(other.uid)).toBe(before);
      expect((await adminDb().collection(API_KEYS).doc(foreignKeyId).get()).get('label')).toBe(
        'someone else',
      );
    },
  );

  it('serves the caller’s own account under its id, the same as unprefixed', async () => {
    const prefixed = await dashboardCall(owner, `/accounts/${owner.uid}/keys`);
    const unprefixed = await dashboardCall(owner, '/keys');
    expect(prefixed.status).toBe(200);
    expect(await json(prefixed)).toEqual(await json(unprefixed));
  });
});

describe('operator routes', () => {
  it('refuses an account without the admin claim with 403', async () => {
    const response = await dashboardCall(owner, '/admin/stats');
    expect(response.status).toBe(403);
    expect((await errorOf(response)).code).toBe('forbidden');
  });

  it('lets no account without the admin claim adjust credits, not even its own', async () => {
    const response = await dashboardCall(owner, `/admin/accounts/${owner.uid}/credits/adjustments`, {
      method: 'POST',
      body: { id: 'self-service-1', units: 1_000_000, reason: 'free credits' },
    });
    expect(response.status).toBe(403);
    expect((await errorOf(response)).code).toBe('forbidden');
    const account = await adminDb().collection(ACCOUNTS).doc(owner.uid).get();
    expect(account.get('credits_granted') ?? 0).toBe(0);
    expect((await adminDb().collection(CREDIT_LEDGER).where('account_id', '==', owner.uid).get()).size).toBe(
      0,
    );
  });
});

describe('unknown routes and methods', () => {
  it('answers 404 for an unknown path and 405 for a known path with another method', async () => {
    expect((await dashboardCall(owner, '/nope')).status).toBe(404);
    const response = await dashboardCall(owner, '/keys', { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST, HEAD');
  });
});

/**
 * The role matrix: every account-scoped route, called in a team by each of its roles, by a
 * member removed from it and by someone who never was one. A role the route's permission
 * (shared/roles.ts) does not include gets 403 and changes nothing; a role it includes is let
 * through (whatever the route then answers); the other two get the 404 of an unknown account.
 * The expected permission of each route is written out here, not read from the code under test.
 */
const ROUTE_PERMISSION: Record<string, Permission | 'own_key' | 'member'> = {
  'GET /summary': 'read_usage',
  'GET /onboarding': 'read_usage',
  'PATCH /onboarding': 'read_usage',
  'GET /keys': 'read_keys',
  'POST /keys': 'manage_own_keys',
  'PATCH /keys/:id': 'own_key',
  'POST /keys/:id/revoke': 'own_key',
  'POST /keys/:id/roll': 'own_key',
  'GET /stats': 'read_usage',
  'GET /usage/recent': 'read_usage',
  'GET /usage/export': 'read_usage',
  'POST /billing/checkout': 'manage_billing',
  'POST /billing/portal': 'manage_billing',
  'POST /billing/credits/checkout': 'manage_billing',
  'GET /billing/credits': 'read_usage',
  'GET /credits': 'read_usage',
  'GET /billing/invoices': 'manage_billing',
  'GET /billing/upcoming': 'manage_billing',
  'POST /billing/plan': 'manage_billing',
  'POST /billing/cancel': 'manage_billing',
  'POST /billing/resume': 'manage_billing',
  'PUT /billing/settings': 'manage_billing',
  'GET /alerts': 'read_usage',
  'PUT /alerts/settings': 'manage_alerts',
  'PUT /alerts/webhook': 'manage_alerts',
  'DELETE /alerts/webhook': 'manage_alerts',
  'POST /alerts/webhook/test': 'manage_alerts',
  'GET /alerts/deliveries': 'read_usage',
  'GET /notifications': 'read_usage',
  'POST /notifications/read': 'read_usage',
  'GET /members': 'read_members',
  'PATCH /members/:uid': 'manage_members',
  'DELETE /members/:uid': 'manage_members',
  'POST /transfer': 'transfer_ownership',
  'GET /invitations': 'manage_members',
  'POST /invitations': 'manage_members',
  'DELETE /invitations/:invitation_id': 'manage_members',
  'GET /audit-log': 'read_audit_log',
  'GET /audit-log/export': 'read_audit_log',
  '': 'delete_account',
};

/** Who may do what, as SPEC.md's Accounts section says, independent of shared/roles.ts. */
const EXPECTED_GRANTS: Record<Role, readonly (Permission | 'own_key')[]> = {
  owner: [
    'read_usage',
    'read_keys',
    'manage_own_keys',
    'own_key',
    'manage_all_keys',
    'manage_billing',
    'manage_alerts',
    'read_members',
    'manage_members',
    'read_audit_log',
    'transfer_ownership',
    'delete_account',
  ],
  admin: [
    'read_usage',
    'read_keys',
    'manage_own_keys',
    'own_key',
    'manage_all_keys',
    'manage_alerts',
    'read_members',
    'manage_members',
    'read_audit_log',
  ],
  // The matrix's key was created by the member.
  member: ['read_usage', 'read_keys', 'manage_own_keys', 'own_key', 'read_members'],
  viewer: ['read_usage', 'read_keys', 'read_members'],
};

describe('the role matrix of a team', () => {
  const callers = ['owner', 'admin', 'member', 'viewer', 'removed', 'outsider'] as const;
  const routes = [...ACCOUNT_ROUTES, ...TEAM_ROUTES].map((route) => ({
    name: `${route.method} ${route.path}`,
    route,
  }));

  it('has a permission for every account-scoped route', () => {
    expect(Object.keys(ROUTE_PERMISSION).sort()).toEqual(
      routes.map(({ route }) => (route.path === '' ? '' : `${route.method} ${route.path}`)).sort(),
    );
  });

  let people: Record<(typeof callers)[number], TestUser>;
  let target: TestUser;
  beforeAll(async () => {
    const [o, a, m, v, r, x, t] = await Promise.all(Array.from({ length: 7 }, () => createTestUser()));
    if (!o || !a || !m || !v || !r || !x || !t) throw new Error('test users');
    people = { owner: o, admin: a, member: m, viewer: v, removed: r, outsider: x };
    target = t;
  });

  it.each(routes)('$name: each role as expected, in a fresh team for each caller', async ({ route }) => {
    const key = route.path === '' ? '' : `${route.method} ${route.path}`;
    const permission = ROUTE_PERMISSION[key];
    const routeCase =
      CASES[
        route.path === '' ? `DELETE ${ACCOUNT_PREFIX}` : `${route.method} ${ACCOUNT_PREFIX}${route.path}`
      ];
    if (permission === undefined || routeCase === undefined) throw new Error(`no case for ${key}`);
    for (const caller of callers) {
      const team = await insertTeamAccount([
        [people.owner, 'owner'],
        [people.admin, 'admin'],
        [people.member, 'member'],
        [people.viewer, 'viewer'],
        [target, 'member'],
        [people.removed, 'member'],
      ]);
      const memberKey = await insertKey(team, { label: 'the member’s', createdBy: people.member.uid });
      // Removed through the API, as an admin would, just before their request.
      if (caller === 'removed')
        expect(
          (
            await dashboardCall(people.admin, `/accounts/${team}/members/${people.removed.uid}`, {
              method: 'DELETE',
            })
          ).status,
        ).toBe(204);
      const members = () => adminDb().collection(ACCOUNTS).doc(team).collection(MEMBERS).get();
      const membersBefore = (await members()).size;
      const path = routeCase.path
        .replace('{account}', team)
        .replace('{own}', memberKey.id)
        .replace('{member}', target.uid);
      const body = route.path === '/transfer' ? { uid: target.uid } : routeCase.body;
      const response = await dashboardCall(people[caller], path, {
        method: route.method,
        ...(body === undefined ? {} : { body }),
      });
      const status = response.status;
      const expected =
        caller === 'removed' || caller === 'outsider'
          ? 'not_found'
          : permission === 'member' || EXPECTED_GRANTS[caller].includes(permission)
            ? 'allowed'
            : 'forbidden';
      const text = await response.text();
      const label = `${caller} → ${status} ${text}`;
      const noAccount = status === 404 && text.includes('"No such account."');
      if (expected === 'not_found') expect(noAccount, label).toBe(true);
      else if (expected === 'forbidden') expect(status, label).toBe(403);
      // Let through: whatever the route answers then (a 404 for a webhook or invitation the
      // fresh team does not have is the route's own), but not a refusal of the caller.
      else expect(status === 401 || status === 403 || noAccount, label).toBe(false);
      if (expected !== 'allowed') {
        // Refused: the team, its members and the key are as they were.
        expect((await adminDb().collection(ACCOUNTS).doc(team).get()).exists).toBe(true);
        expect((await members()).size).toBe(membersBefore);
        const stored = await adminDb().collection(API_KEYS).doc(memberKey.id).get();
        expect(stored.get('is_active')).toBe(true);
        expect(stored.get('label')).toBe('the member’s');
      }
    }
  });
});
