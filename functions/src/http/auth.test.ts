/**
 * requireUser with firebase-admin as it runs in production. Outside the Auth emulator,
 * verifyIdToken accepts only RS256 tokens whose `kid` names one of Google's published keys and
 * whose signature that key verifies; the emulator skips all of that (it accepts unsigned
 * tokens), so the integration suite cannot show it. This machine is offline, so Google is played
 * by a local stand-in, reached through the app's `httpAgent`: it publishes a test key as
 * Google's signing key and answers the Auth account lookup that the revocation check makes. A
 * token signed with that key passes, so each refusal below is the verifier's judgement of the
 * token, not a failure to reach Google.
 */
import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Agent, type RequestOptions } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import express from 'express';
import { initializeApp } from 'firebase-admin/app';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('firebase-functions/logger', () => ({ write: () => undefined }));

const { requireUser, userOf } = await import('./auth.js');
const { errorMiddleware } = await import('./errors.js');
const { assignRequestId } = await import('./request-id.js');

const PROJECT = 'demo-keymeter';
const GOOGLE_KID = 'google-key-1';
const CERTS_PATH = '/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com';
const LOOKUP_PATH = `/v1/projects/${PROJECT}/accounts:lookup`;

const google = generateKeyPairSync('rsa', { modulusLength: 2048 });
const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 });

interface StoredAccount {
  email: string;
  disabled: boolean;
  /** Unix seconds: tokens issued before this were revoked. */
  validSince: number;
}

const NOW = Math.floor(Date.now() / 1000);
/** The accounts the stand-in's Auth knows. */
const accounts = new Map<string, StoredAccount>([
  ['victim-uid', { email: 'victim@example.test', disabled: false, validSince: NOW - 86_400 }],
  ['revoked-uid', { email: 'revoked@example.test', disabled: false, validSince: NOW - 10 }],
  ['disabled-uid', { email: 'disabled@example.test', disabled: true, validSince: NOW - 86_400 }],
]);

/** Every request that reached the stand-in, as it saw it. */
const googleRequests: { method: string | undefined; host: string | undefined; path: string | undefined }[] =
  [];
let googleServer: Server;
let app: Server;
let base: string;

/** Sends every HTTPS connection to the stand-in, in plain HTTP: it plays Google's hosts. */
class ToGoogleStandIn extends Agent {
  constructor(private readonly port: number) {
    super();
  }

  override createConnection(_options: RequestOptions): Duplex {
    return connect(this.port, '127.0.0.1');
  }
}

function playGoogle(req: IncomingMessage, res: ServerResponse): void {
  googleRequests.push({ method: req.method, host: req.headers.host, path: req.url });
  if (req.method === 'GET' && req.url === CERTS_PATH) {
    // Google serves X.509 certificates; the verifier reads a PEM public key the same way.
    const keys = { [GOOGLE_KID]: google.publicKey.export({ type: 'spki', format: 'pem' }) };
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=3600' });
    res.end(JSON.stringify(keys));
    return;
  }
  if (req.method === 'POST' && req.url === LOOKUP_PATH) {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      const { localId } = JSON.parse(text) as { localId: string[] };
      const users = localId.flatMap((uid) => {
        const account = accounts.get(uid);
        return account === undefined
          ? []
          : [
              {
                localId: uid,
                email: account.email,
                disabled: account.disabled,
                validSince: String(account.validSince),
                createdAt: String((NOW - 86_400) * 1000),
              },
            ];
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(users.length === 0 ? { kind: 'identitytoolkit#GetAccountInfoResponse' } : { users }),
      );
    });
    return;
  }
  res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 404 } }));
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: `https://securetoken.google.com/${PROJECT}`,
    aud: PROJECT,
    auth_time: NOW - 60,
    iat: NOW - 60,
    exp: NOW + 3_600,
    sub: 'victim-uid',
    user_id: 'victim-uid',
    email: 'victim@example.test',
    email_verified: true,
    firebase: { identities: {}, sign_in_provider: 'password' },
    ...overrides,
  };
}

function rs256(header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject): string {
  const input = `${base64url({ alg: 'RS256', typ: 'JWT', ...header })}.${base64url(payload)}`;
  return `${input}.${sign('RSA-SHA256', Buffer.from(input), key).toString('base64url')}`;
}

async function whoami(token: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${base}/whoami`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: await response.json() };
}

const REFUSED = {
  status: 401,
  body: {
    error: {
      code: 'unauthenticated',
      message: 'The ID token is invalid or expired. Sign in again.',
      request_id: expect.any(String),
    },
  },
};

const emulatorHost = process.env.FIREBASE_AUTH_EMULATOR_HOST;

beforeAll(async () => {
  // Production verification: firebase-admin takes the emulator path whenever this is set.
  delete process.env.FIREBASE_AUTH_EMULATOR_HOST;
  googleServer = createServer(playGoogle);
  await new Promise<void>((resolve) => googleServer.listen(0, '127.0.0.1', resolve));
  const port = (googleServer.address() as AddressInfo).port;
  // The default app, which requireUser's auth() picks up. The credential only has to produce an
  // access token for the account lookup; the stand-in does not check it.
  initializeApp({
    projectId: PROJECT,
    httpAgent: new ToGoogleStandIn(port),
    credential: { getAccessToken: () => Promise.resolve({ access_token: 'stand-in', expires_in: 3_600 }) },
  });

  const server = express();
  server.use(assignRequestId);
  server.get('/whoami', requireUser, (_req, res) => {
    res.json(userOf(res));
  });
  server.use(errorMiddleware);
  await new Promise<void>((resolve) => {
    app = server.listen(0, '127.0.0.1', () => resolve());
  });
  base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
});

afterAll(async () => {
  if (emulatorHost !== undefined) process.env.FIREBASE_AUTH_EMULATOR_HOST = emulatorHost;
  await new Promise<void>((resolve) => app.close(() => resolve()));
  await new Promise<void>((resolve) => googleServer.close(() => resolve()));
});

describe('requireUser: happy path', () => {
  it("accepts a token signed with Google's published key, after fetching Google's keys", async () => {
    const token = rs256({ kid: GOOGLE_KID }, claims({ admin: true }), google.privateKey);
    const answer = await whoami(token);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ uid: 'victim-uid', email: 'victim@example.test', isAdmin: true });
    expect(googleRequests).toContainEqual({ method: 'GET', host: 'www.googleapis.com', path: CERTS_PATH });
  });
});

describe('requireUser: forged tokens', () => {
  it("refuses a token naming another account, signed with a key that is not Google's", async () => {
    const token = rs256({ kid: GOOGLE_KID }, claims({ admin: true }), attacker.privateKey);
    expect(await whoami(token)).toEqual(REFUSED);
  });

  it('refuses a token under a key id Google never published', async () => {
    const token = rs256({ kid: 'attacker-key' }, claims(), attacker.privateKey);
    expect(await whoami(token)).toEqual(REFUSED);
  });

  it('refuses an unsigned token (alg "none"), which the Auth emulator would accept', async () => {
    for (const header of [
      { alg: 'none', typ: 'JWT' },
      { alg: 'none', typ: 'JWT', kid: GOOGLE_KID },
    ]) {
      const token = `${base64url(header)}.${base64url(claims())}.`;
      expect(await whoami(token)).toEqual(REFUSED);
    }
  });

  it("refuses HS256 keyed with Google's public key (algorithm confusion)", async () => {
    const secret = google.publicKey.export({ type: 'spki', format: 'pem' });
    const input = `${base64url({ alg: 'HS256', typ: 'JWT', kid: GOOGLE_KID })}.${base64url(claims())}`;
    const token = `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
    expect(await whoami(token)).toEqual(REFUSED);
  });

  it('refuses a token Google signed for another project, or that has expired', async () => {
    const otherProject = claims({ aud: 'someone-else', iss: 'https://securetoken.google.com/someone-else' });
    expect(await whoami(rs256({ kid: GOOGLE_KID }, otherProject, google.privateKey))).toEqual(REFUSED);
    const expired = claims({ iat: NOW - 7_200, auth_time: NOW - 7_200, exp: NOW - 3_600 });
    expect(await whoami(rs256({ kid: GOOGLE_KID }, expired, google.privateKey))).toEqual(REFUSED);
  });
});

describe('requireUser: revoked and disabled accounts', () => {
  // The Auth emulator checks revocation on every call; production only when asked.
  it('refuses a genuine token issued before the sessions were revoked', async () => {
    const token = rs256(
      { kid: GOOGLE_KID },
      claims({ sub: 'revoked-uid', user_id: 'revoked-uid', email: 'revoked@example.test' }),
      google.privateKey,
    );
    expect(await whoami(token)).toEqual(REFUSED);
    expect(googleRequests).toContainEqual({
      method: 'POST',
      host: 'identitytoolkit.googleapis.com',
      path: LOOKUP_PATH,
    });
  });

  it('refuses a genuine token of a disabled or deleted account', async () => {
    for (const uid of ['disabled-uid', 'deleted-uid']) {
      const token = rs256({ kid: GOOGLE_KID }, claims({ sub: uid, user_id: uid }), google.privateKey);
      expect(await whoami(token), uid).toEqual(REFUSED);
    }
  });
});

describe('requireUser: email sign-ins must have a verified address', () => {
  const NOT_VERIFIED = {
    status: 403,
    body: {
      error: {
        code: 'email_not_verified',
        message: 'Verify your email address first: open the link we emailed you, then try again.',
        request_id: expect.any(String),
      },
    },
  };

  function signed(overrides: Record<string, unknown>): string {
    return rs256({ kid: GOOGLE_KID }, claims(overrides), google.privateKey);
  }

  it('accepts a password or email-link sign-in once the address is verified', async () => {
    for (const provider of ['password', 'emailLink']) {
      const answer = await whoami(signed({ firebase: { identities: {}, sign_in_provider: provider } }));
      expect(answer.status, provider).toBe(200);
      expect(answer.body, provider).toMatchObject({ uid: 'victim-uid', emailVerified: true });
    }
  });

  it('refuses a genuine password sign-in whose address is unverified or unstated', async () => {
    for (const emailVerified of [false, undefined, 'true', 1]) {
      expect(await whoami(signed({ email_verified: emailVerified })), String(emailVerified)).toEqual(
        NOT_VERIFIED,
      );
    }
  });

  it('refuses an email-link sign-in without a verified address, and one with no address at all', async () => {
    const emailLink = { identities: {}, sign_in_provider: 'emailLink' };
    expect(await whoami(signed({ firebase: emailLink, email_verified: false }))).toEqual(NOT_VERIFIED);
    expect(await whoami(signed({ email: undefined }))).toEqual(NOT_VERIFIED);
  });

  it('lets a provider sign-in through whatever its address, and says whether it is verified', async () => {
    // GitHub addresses are not verified by Firebase; the provider account itself is the credential.
    const github = { identities: { 'github.com': ['42'] }, sign_in_provider: 'github.com' };
    const answer = await whoami(signed({ firebase: github, email_verified: false }));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ uid: 'victim-uid', emailVerified: false });
  });

  it('refuses a signed token that names no sign-in provider', async () => {
    expect(await whoami(signed({ firebase: { identities: {} } }))).toEqual(REFUSED);
    expect(await whoami(signed({ firebase: undefined }))).toEqual(REFUSED);
  });
});
