/**
 * Alerts end to end on the local stack: an alert document (as the usage fold writes it) reaches
 * the bell, the mail catcher and a webhook receiver on this machine whose signature check — the
 * README's snippet, run as written — passes; a redelivered trigger adds nothing; a receiver that
 * fails is retried on the backoff schedule (driven here with `runDueDeliveries` and a chosen
 * time) until it answers or the attempts run out; and the routes refuse bad input and roles.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Timestamp, type DocumentData } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALERT_EMAILS,
  ALERT_SETTINGS,
  ALERTS,
  NOTIFICATIONS,
  WEBHOOK_DELIVERIES,
} from '../lib/collections.js';
import {
  alertsResponseSchema,
  notificationsResponseSchema,
  registerWebhookResponseSchema,
  webhookDeliveriesResponseSchema,
  webhookDeliveryResponseSchema,
  webhookEventSchema,
  type AlertKind,
} from '../shared/contracts.js';
import { utcPeriod } from '../shared/dates.js';
import { errorBodySchema } from '../shared/errors.js';
import { insertTeamAccount } from '../test-support/accounts.js';
import { redeliverCreated } from '../test-support/cloud-events.js';
import {
  adminDb,
  clearEmulators,
  createTestUser,
  dashboardCall,
  json,
  waitForDoc,
  type TestUser,
} from '../test-support/emulators.js';
import { alertId } from './alert-doc.js';
import { MAX_ATTEMPTS, RETRY_DELAYS_MS } from './backoff.js';
import { alertDeliveryId, runDueDeliveries } from './deliveries.js';
import { EMULATOR_POLICY } from './webhook-target.js';

type Verify = (rawBody: string, header: string, secret: string, now?: number) => boolean;

/** The README's receiving-side snippet, exactly as printed there, loaded as a module. */
async function readmeVerifier(): Promise<Verify> {
  const readme = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');
  const snippet = /```js\n(\/\/ verify-keymeter-webhook\.mjs\n[\s\S]*?)```/.exec(readme)?.[1];
  if (snippet === undefined) throw new Error('README.md has no verify-keymeter-webhook.mjs snippet');
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'keymeter-readme-')), 'verify-keymeter-webhook.mjs');
  writeFileSync(file, snippet);
  const module: unknown = await import(pathToFileURL(file).href);
  if (typeof module !== 'object' || module === null || !('verifyKeymeterSignature' in module))
    throw new Error('the snippet exports no verifyKeymeterSignature');
  return module.verifyKeymeterSignature as Verify;
}

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const received: Received[] = [];
/** What the receiver answers, by path; 200 when not set. */
const answers = new Map<string, number>();
let receiver: Server;
let receiverUrl: string;
let verify: Verify;
let owner: TestUser;

const MAIL_CATCHER = process.env.KEYMETER_MAIL_CATCHER_URL ?? 'http://127.0.0.1:1080';

interface CaughtMail {
  subject: string;
  to: { address: string }[];
  text?: string;
  headers: Record<string, string>;
}

async function mailsTo(address: string): Promise<CaughtMail[]> {
  const response = await fetch(`${MAIL_CATCHER}/api/email`);
  expect(response.status).toBe(200);
  const mails = (await response.json()) as CaughtMail[];
  return mails.filter((mail) => mail.to.some((to) => to.address.toLowerCase() === address.toLowerCase()));
}

/** The catcher has no push API to watch, so this polls it, with a timeout. */
async function waitForMails(address: string, count: number, timeoutMs = 30_000): Promise<CaughtMail[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mails = await mailsTo(address);
    if (mails.length >= count) return mails;
    if (Date.now() > deadline) throw new Error(`${mails.length} mails to ${address}, expected ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function requestsTo(pathname: string): Received[] {
  return received.filter((request) => request.path === pathname);
}

async function registerWebhook(user: TestUser, pathname: string): Promise<string> {
  const response = await dashboardCall(user, '/alerts/webhook', {
    method: 'PUT',
    body: { url: `${receiverUrl}${pathname}` },
  });
  expect(response.status).toBe(200);
  return registerWebhookResponseSchema.parse(await json(response)).secret;
}

async function fire(
  accountId: string,
  kind: AlertKind,
  threshold: number,
  extra: { value?: number; limit?: number | null; key_id?: string | null } = {},
): Promise<string> {
  const period = utcPeriod(new Date());
  const keyId = extra.key_id ?? null;
  const id = alertId({ account_id: accountId, period, kind, threshold, key_id: keyId });
  await adminDb()
    .collection(ALERTS)
    .doc(id)
    .create({
      account_id: accountId,
      kind,
      threshold,
      period,
      key_id: keyId,
      meter: 'units',
      value: extra.value ?? 800,
      limit: extra.limit === undefined ? 1000 : extra.limit,
      fired_at: Timestamp.now(),
    });
  return id;
}

function delivery(id: string) {
  return adminDb().collection(WEBHOOK_DELIVERIES).doc(id);
}

interface StoredAttempt {
  at: Timestamp;
  status_code: number | null;
  error: string | null;
}

function attemptsOf(data: DocumentData | undefined): StoredAttempt[] {
  const attempts: unknown = data?.attempts;
  return Array.isArray(attempts) ? (attempts as StoredAttempt[]) : [];
}

function signedAt(request: Received): number {
  const header = String(request.headers['keymeter-signature'] ?? '');
  return Number(/t=(\d+)/.exec(header)?.[1]);
}

beforeAll(async () => {
  await clearEmulators();
  verify = await readmeVerifier();
  receiver = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const pathname = req.url ?? '';
      received.push({ path: pathname, headers: req.headers, body });
      res.writeHead(answers.get(pathname) ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  owner = await createTestUser();
  // The first request makes the profile and the personal account, whose owner gets the mail.
  expect((await dashboardCall(owner, '/summary')).status).toBe(200);
});

afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

describe('an alert, once fired', () => {
  let secret: string;
  let id: string;

  it('reaches the bell, the account owner’s inbox and the webhook, signed', async () => {
    secret = await registerWebhook(owner, '/ok');
    id = await fire(owner.uid, 'quota_threshold', 80);

    const notification = await waitForDoc(
      adminDb().collection(NOTIFICATIONS).doc(id),
      (data) => data !== undefined,
    );
    expect(notification).toMatchObject({ account_id: owner.uid, kind: 'quota_threshold', read_at: null });
    const sent = await waitForDoc(delivery(alertDeliveryId(id)), (data) => data?.status === 'delivered');
    expect(attemptsOf(sent).map((attempt) => attempt.status_code)).toEqual([200]);

    const [request, ...more] = requestsTo('/ok');
    expect(more).toHaveLength(0);
    if (request === undefined) throw new Error('the receiver got nothing');
    const header = String(request.headers['keymeter-signature']);
    expect(request.headers['keymeter-event-id']).toBe(alertDeliveryId(id));
    expect(verify(request.body, header, secret)).toBe(true);
    expect(verify(request.body.replace('"value":800', '"value":8'), header, secret)).toBe(false);
    expect(verify(`${request.body} `, header, secret)).toBe(false);
    expect(verify(request.body, header, 'whsec_not_the_secret')).toBe(false);
    expect(verify(request.body, header, secret, signedAt(request) + 3600)).toBe(false);
    const event = webhookEventSchema.parse(JSON.parse(request.body));
    expect(event).toMatchObject({
      id: alertDeliveryId(id),
      type: 'alert.quota_threshold',
      account_id: owner.uid,
      data: { alert_id: id, kind: 'quota_threshold', threshold: 80, value: 800, limit: 1000, meter: 'units' },
    });

    const [mail] = await waitForMails(owner.email, 1);
    expect(mail?.subject).toMatch(/^Keymeter: 80% of the monthly quota used/);
    expect(mail?.text).toContain('800 units of its 1,000 units');
    await waitForDoc(adminDb().collection(ALERT_EMAILS).doc(id), (data) => data?.status === 'sent');

    const bell = notificationsResponseSchema.parse(await json(await dashboardCall(owner, '/notifications')));
    expect(bell.unread).toBe(1);
    expect(bell.notifications.map((entry) => entry.id)).toEqual([id]);
    const alerts = alertsResponseSchema.parse(await json(await dashboardCall(owner, '/alerts')));
    expect(alerts.alerts.map((alert) => alert.id)).toEqual([id]);
    expect(alerts.settings.webhook?.url).toBe(`${receiverUrl}/ok`);
    expect(JSON.stringify(alerts)).not.toContain(secret);
  });

  it('adds nothing when its trigger is delivered again, or the document written again', async () => {
    const ref = adminDb().collection(ALERTS).doc(id);
    for (let round = 0; round < 2; round += 1) {
      const response = await redeliverCreated('onAlertFired', await ref.get());
      expect(response.status).toBeLessThan(300);
    }
    await ref.set((await ref.get()).data() ?? {});
    // An alert fired after them, and delivered after them, bounds the wait for any late effect.
    const later = await fire(owner.uid, 'quota_threshold', 90);
    await waitForDoc(delivery(alertDeliveryId(later)), (data) => data?.status === 'delivered');
    await waitForMails(owner.email, 2);

    const notifications = await adminDb()
      .collection(NOTIFICATIONS)
      .where('account_id', '==', owner.uid)
      .get();
    expect(notifications.docs.map((doc) => doc.id).sort()).toEqual([id, later].sort());
    expect(attemptsOf((await delivery(alertDeliveryId(id)).get()).data())).toHaveLength(1);
    expect(requestsTo('/ok').map((request) => request.headers['keymeter-event-id'])).toEqual([
      alertDeliveryId(id),
      alertDeliveryId(later),
    ]);
    const mails = await mailsTo(owner.email);
    expect(mails.map((mail) => mail.subject).sort()).toEqual([
      expect.stringMatching(/^Keymeter: 80%/),
      expect.stringMatching(/^Keymeter: 90%/),
    ]);
  });
});

describe('a receiver that fails', () => {
  it('is retried on the schedule, each attempt logged, until it answers', async () => {
    answers.set('/flaky', 500);
    const secret = await registerWebhook(owner, '/flaky');
    const ops = `ops-${Date.now()}@example.test`;
    const saved = await dashboardCall(owner, '/alerts/settings', {
      method: 'PUT',
      body: {
        quota_thresholds: [80, 100],
        low_credits_units: null,
        email: { enabled: true, recipients: [ops] },
      },
    });
    expect(saved.status).toBe(200);
    const id = await fire(owner.uid, 'quota_threshold', 100, { value: 1000 });
    const ref = delivery(alertDeliveryId(id));
    const first = await waitForDoc(ref, (data) => attemptsOf(data).length === 1 && data?.lease_id === null);
    expect(first).toMatchObject({ status: 'pending' });
    const [firstAttempt] = attemptsOf(first);
    if (firstAttempt === undefined) throw new Error('no first attempt');
    expect(firstAttempt.status_code).toBe(500);
    const firstAt = firstAttempt.at.toMillis();
    expect((first.next_attempt_at as Timestamp).toMillis()).toBe(firstAt + (RETRY_DELAYS_MS[0] ?? 0));

    // Not yet due: nothing is sent.
    await runDueDeliveries({ now: new Date(firstAt + 30_000), policy: EMULATOR_POLICY });
    expect(attemptsOf((await ref.get()).data())).toHaveLength(1);

    const second = new Date(firstAt + 61_000);
    await runDueDeliveries({ now: second, policy: EMULATOR_POLICY });
    const afterSecond = (await ref.get()).data();
    expect(attemptsOf(afterSecond).map((attempt) => attempt.status_code)).toEqual([500, 500]);
    expect((afterSecond?.next_attempt_at as Timestamp).toMillis()).toBe(second.getTime() + 5 * 60_000);

    answers.set('/flaky', 204);
    await runDueDeliveries({ now: new Date(second.getTime() + 5 * 60_000 + 1000), policy: EMULATOR_POLICY });
    const done = (await ref.get()).data();
    expect(done).toMatchObject({ status: 'delivered', next_attempt_at: null });
    expect(attemptsOf(done).map((attempt) => attempt.status_code)).toEqual([500, 500, 204]);

    const requests = requestsTo('/flaky');
    expect(requests).toHaveLength(3);
    for (const request of requests) {
      expect(request.headers['keymeter-event-id']).toBe(alertDeliveryId(id));
      expect(request.body).toBe(requests[0]?.body);
      expect(
        verify(request.body, String(request.headers['keymeter-signature']), secret, signedAt(request)),
      ).toBe(true);
    }

    const log = webhookDeliveriesResponseSchema.parse(
      await json(await dashboardCall(owner, '/alerts/deliveries')),
    );
    const shown = log.deliveries.find((entry) => entry.id === alertDeliveryId(id));
    expect(shown?.status).toBe('delivered');
    expect(shown?.attempts.map((attempt) => attempt.status_code)).toEqual([500, 500, 204]);

    // The chosen recipients, not the owner, get this one.
    const [mail] = await waitForMails(ops, 1);
    expect(mail?.subject).toMatch(/^Keymeter: Monthly quota reached/);
    expect((await mailsTo(owner.email)).some((entry) => entry.subject.includes('quota reached'))).toBe(false);
  });

  it('ends failed after the last attempt, the log bounded', async () => {
    answers.set('/down', 503);
    await registerWebhook(owner, '/down');
    const id = await fire(owner.uid, 'low_credits', 100, { value: 90, limit: null });
    const ref = delivery(alertDeliveryId(id));
    await waitForDoc(ref, (data) => attemptsOf(data).length === 1 && data?.lease_id === null);
    for (let attempt = 2; attempt <= MAX_ATTEMPTS + 1; attempt += 1) {
      const next = (await ref.get()).get('next_attempt_at') as Timestamp | null;
      await runDueDeliveries({
        now: new Date((next?.toMillis() ?? Date.now()) + 1000),
        policy: EMULATOR_POLICY,
      });
    }
    const done = (await ref.get()).data();
    expect(done).toMatchObject({ status: 'failed', next_attempt_at: null });
    expect(attemptsOf(done)).toHaveLength(MAX_ATTEMPTS);
    expect(requestsTo('/down')).toHaveLength(MAX_ATTEMPTS);
  });
});

describe('the test event', () => {
  it('is sent at once, typed alert.test, and shown in the delivery log', async () => {
    const secret = await registerWebhook(owner, '/test-hook');
    const response = await dashboardCall(owner, '/alerts/webhook/test', { method: 'POST' });
    expect(response.status).toBe(201);
    const { delivery: sent } = webhookDeliveryResponseSchema.parse(await json(response));
    expect(sent).toMatchObject({ type: 'alert.test', status: 'delivered' });
    const [request] = requestsTo('/test-hook');
    if (request === undefined) throw new Error('the receiver got nothing');
    expect(verify(request.body, String(request.headers['keymeter-signature']), secret)).toBe(true);
    expect(webhookEventSchema.parse(JSON.parse(request.body))).toMatchObject({
      id: sent.id,
      type: 'alert.test',
      data: { test: true },
    });
  });

  it('is refused without a webhook, and removing it twice is a 404 the second time', async () => {
    expect((await dashboardCall(owner, '/alerts/webhook', { method: 'DELETE' })).status).toBe(204);
    expect((await dashboardCall(owner, '/alerts/webhook', { method: 'DELETE' })).status).toBe(404);
    const before = (await adminDb().collection(WEBHOOK_DELIVERIES).get()).size;
    const response = await dashboardCall(owner, '/alerts/webhook/test', { method: 'POST' });
    expect(response.status).toBe(409);
    expect((await adminDb().collection(WEBHOOK_DELIVERIES).get()).size).toBe(before);
  });
});

describe('the routes', () => {
  async function settingsDoc(accountId: string): Promise<string> {
    return JSON.stringify((await adminDb().collection(ALERT_SETTINGS).doc(accountId).get()).data() ?? null);
  }

  it('refuse bad settings and webhook URLs with 400 naming the field, writing nothing', async () => {
    const user = await createTestUser();
    await registerWebhook(user, '/kept');
    const before = await settingsDoc(user.uid);
    const good = {
      quota_thresholds: [80],
      low_credits_units: null,
      email: { enabled: true, recipients: [] },
    };
    const cases: [string, string, unknown, string][] = [
      ['PUT', '/alerts/settings', { ...good, quota_thresholds: [0] }, 'quota_thresholds.0'],
      ['PUT', '/alerts/settings', { ...good, quota_thresholds: [1, 2, 3, 4, 5, 6] }, 'quota_thresholds'],
      ['PUT', '/alerts/settings', { ...good, low_credits_units: -5 }, 'low_credits_units'],
      [
        'PUT',
        '/alerts/settings',
        { ...good, email: { enabled: true, recipients: ['nope'] } },
        'email.recipients.0',
      ],
      ['PUT', '/alerts/settings', { ...good, webhook: null }, 'webhook'],
      ['PUT', '/alerts/webhook', { url: 'ftp://example.test/' }, 'url'],
      ['PUT', '/alerts/webhook', { url: 'http://hooks.example.test/' }, 'url'],
      ['PUT', '/alerts/webhook', { url: 'https://10.0.0.8/hook' }, 'url'],
      ['PUT', '/alerts/webhook', { url: 'https://169.254.169.254/latest/meta-data' }, 'url'],
      ['PUT', '/alerts/webhook', { url: 'https://[fd00::1]/hook' }, 'url'],
      ['PUT', '/alerts/webhook', { url: 'https://user:pw@hooks.example.test/' }, 'url'],
      ['POST', '/notifications/read', { ids: Array.from({ length: 101 }, (_, index) => `n${index}`) }, 'ids'],
      ['POST', '/notifications/read', { ids: ['a'], all: true }, 'body'],
    ];
    for (const [method, pathname, body, field] of cases) {
      const response = await dashboardCall(user, pathname, { method, body });
      expect(response.status, `${pathname} ${JSON.stringify(body)}`).toBe(400);
      expect(errorBodySchema.parse(await json(response)).error).toMatchObject({
        code: 'invalid_request',
        field,
      });
    }
    expect(await settingsDoc(user.uid)).toBe(before);
  });

  it('let viewers and members read, only owners and admins change, and never show the secret', async () => {
    const [teamOwner, admin, member, viewer] = await Promise.all([
      createTestUser(),
      createTestUser(),
      createTestUser(),
      createTestUser(),
    ]);
    const team = await insertTeamAccount([
      [teamOwner, 'owner'],
      [admin, 'admin'],
      [member, 'member'],
      [viewer, 'viewer'],
    ]);
    const prefix = `/accounts/${team}`;
    const settings = {
      quota_thresholds: [50],
      low_credits_units: 10,
      email: { enabled: false, recipients: [] },
    };
    const secret = await (async () => {
      const response = await dashboardCall(admin, `${prefix}/alerts/webhook`, {
        method: 'PUT',
        body: { url: `${receiverUrl}/team` },
      });
      expect(response.status).toBe(200);
      return registerWebhookResponseSchema.parse(await json(response)).secret;
    })();
    const before = await settingsDoc(team);
    for (const user of [member, viewer]) {
      for (const [method, pathname, body] of [
        ['PUT', '/alerts/settings', settings],
        ['PUT', '/alerts/webhook', { url: `${receiverUrl}/mine` }],
        ['DELETE', '/alerts/webhook', undefined],
        ['POST', '/alerts/webhook/test', undefined],
      ] as const) {
        const response = await dashboardCall(user, `${prefix}${pathname}`, {
          method,
          ...(body === undefined ? {} : { body }),
        });
        expect(response.status, `${method} ${pathname}`).toBe(403);
      }
      for (const pathname of ['/alerts', '/alerts/deliveries', '/notifications']) {
        const response = await dashboardCall(user, `${prefix}${pathname}`);
        expect(response.status, pathname).toBe(200);
        expect(await response.text()).not.toContain(secret);
      }
    }
    expect(await settingsDoc(team)).toBe(before);
    expect(requestsTo('/mine')).toHaveLength(0);
    const saved = await dashboardCall(teamOwner, `${prefix}/alerts/settings`, {
      method: 'PUT',
      body: settings,
    });
    expect(saved.status).toBe(200);
    expect(
      alertsResponseSchema.shape.settings.parse((await json<{ settings: unknown }>(saved)).settings),
    ).toMatchObject({
      quota_thresholds: [50],
      low_credits_units: 10,
      webhook: { url: `${receiverUrl}/team` },
    });
  });

  it('mark only the account’s own notifications read', async () => {
    const other = await createTestUser();
    expect((await dashboardCall(other, '/summary')).status).toBe(200);
    const mine = await fire(owner.uid, 'key_cap', 5, { key_id: 'key_a', value: 5, limit: 5 });
    const theirs = await fire(other.uid, 'quota_threshold', 80);
    for (const id of [mine, theirs])
      await waitForDoc(adminDb().collection(NOTIFICATIONS).doc(id), (data) => data !== undefined);
    const response = await dashboardCall(owner, '/notifications/read', {
      method: 'POST',
      body: { ids: [mine, theirs] },
    });
    expect(response.status).toBe(200);
    expect((await adminDb().collection(NOTIFICATIONS).doc(theirs).get()).get('read_at')).toBeNull();
    expect((await adminDb().collection(NOTIFICATIONS).doc(mine).get()).get('read_at')).not.toBeNull();
    const all = await dashboardCall(owner, '/notifications/read', { method: 'POST', body: { all: true } });
    expect(await json(all)).toEqual({ unread: 0 });
    const bell = notificationsResponseSchema.parse(await json(await dashboardCall(other, '/notifications')));
    expect(bell.unread).toBe(1);
  });
});
