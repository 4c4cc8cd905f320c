/**
 * The alert routes of the dashboard API for component tests: settings, webhook, deliveries and
 * notifications, kept in `alertsDb` (each test seeds what it needs; `resetAlertsDb` runs after
 * every test). Requests and answers are parsed with the shared schemas, as in handlers.ts.
 */
import { http, HttpResponse, type JsonBodyType } from 'msw';
import type { z } from 'zod';
import {
  alertSettingsRequestSchema,
  alertSettingsResponseSchema,
  alertsResponseSchema,
  markNotificationsReadRequestSchema,
  markNotificationsReadResponseSchema,
  notificationsResponseSchema,
  registerWebhookRequestSchema,
  registerWebhookResponseSchema,
  webhookDeliveriesResponseSchema,
  webhookDeliveryResponseSchema,
  type AlertSettings,
  type FiredAlert,
  type Notification,
  type WebhookDelivery,
} from '@shared/contracts';
import { can } from '@shared/roles';
import { db } from '@/testing/mocks/db';
import { apiError, apiLog } from '@/testing/mocks/handlers';

const API = '/api/dashboard';

interface AlertsDb {
  settings: AlertSettings;
  alerts: FiredAlert[];
  deliveries: WebhookDelivery[];
  notifications: Notification[];
  /** What the receiver answers the next test event. */
  testStatus: number;
}

function defaults(): AlertsDb {
  return {
    settings: {
      quota_thresholds: [80, 100],
      low_credits_units: null,
      email: { enabled: true, recipients: [] },
      webhook: null,
      updated_at: null,
    },
    alerts: [],
    deliveries: [],
    notifications: [],
    testStatus: 204,
  };
}

export const alertsDb: AlertsDb = defaults();

export function resetAlertsDb(): void {
  Object.assign(alertsDb, defaults());
}

let counter = 0;

export function buildNotification(overrides: Partial<Notification> = {}): Notification {
  counter += 1;
  return {
    id: `acct_2026-12_quota_threshold_${counter}`,
    kind: 'quota_threshold',
    title: `${counter}0% of the monthly quota used (2026-12)`,
    body: 'The account has used 800 units of its 1,000 units in 2026-12.',
    created_at: new Date(Date.now() - counter * 60_000).toISOString(),
    read_at: null,
    ...overrides,
  };
}

function respond<Schema extends z.ZodType>(schema: Schema, data: z.input<Schema>, status = 200) {
  return HttpResponse.json(schema.parse(data) as JsonBodyType, { status });
}

async function logged(request: Request): Promise<unknown> {
  const url = new URL(request.url);
  const text = request.method === 'GET' ? '' : await request.clone().text();
  const body: unknown = text ? JSON.parse(text) : undefined;
  apiLog.push({ method: request.method, path: url.pathname.slice(API.length), query: {}, body });
  return body;
}

function invalid(error: z.ZodError) {
  const issue = error.issues[0];
  return apiError('invalid_request', issue?.message ?? 'invalid', issue ? issue.path.join('.') : undefined);
}

const mayManage = () => can(db.account.role, 'manage_alerts');
const unread = () => alertsDb.notifications.filter((entry) => entry.read_at === null).length;

export const alertHandlers = [
  http.get(`${API}/alerts`, async ({ request }) => {
    await logged(request);
    return respond(alertsResponseSchema, { settings: alertsDb.settings, alerts: alertsDb.alerts });
  }),

  http.put(`${API}/alerts/settings`, async ({ request }) => {
    const parsed = alertSettingsRequestSchema.safeParse(await logged(request));
    if (!mayManage()) return apiError('forbidden', 'not allowed');
    if (!parsed.success) return invalid(parsed.error);
    alertsDb.settings = { ...alertsDb.settings, ...parsed.data, updated_at: new Date().toISOString() };
    return respond(alertSettingsResponseSchema, { settings: alertsDb.settings });
  }),

  http.put(`${API}/alerts/webhook`, async ({ request }) => {
    const parsed = registerWebhookRequestSchema.safeParse(await logged(request));
    if (!mayManage()) return apiError('forbidden', 'not allowed');
    if (!parsed.success) return invalid(parsed.error);
    // As the functions do: plain http only to this machine (the emulator's receivers).
    const { protocol, hostname } = new URL(parsed.data.url);
    if (protocol === 'http:' && hostname !== '127.0.0.1' && hostname !== 'localhost')
      return apiError('invalid_request', 'url: use https://.', 'url');
    const webhook = { url: parsed.data.url, created_at: new Date().toISOString() };
    alertsDb.settings = { ...alertsDb.settings, webhook };
    counter += 1;
    return respond(registerWebhookResponseSchema, { webhook, secret: `whsec_test_${counter}` });
  }),

  http.delete(`${API}/alerts/webhook`, async ({ request }) => {
    await logged(request);
    if (!mayManage()) return apiError('forbidden', 'not allowed');
    if (alertsDb.settings.webhook === null) return apiError('not_found', 'No such webhook.');
    alertsDb.settings = { ...alertsDb.settings, webhook: null };
    return new HttpResponse(null, { status: 204 });
  }),

  http.post(`${API}/alerts/webhook/test`, async ({ request }) => {
    await logged(request);
    if (!mayManage()) return apiError('forbidden', 'not allowed');
    if (alertsDb.settings.webhook === null) return apiError('conflict', 'Register a webhook URL first.');
    counter += 1;
    const now = new Date().toISOString();
    const ok = alertsDb.testStatus >= 200 && alertsDb.testStatus < 300;
    const delivery: WebhookDelivery = {
      id: `evt_test_${counter}`,
      type: 'alert.test',
      alert_id: null,
      status: ok ? 'delivered' : 'pending',
      created_at: now,
      next_attempt_at: ok ? null : new Date(Date.now() + 60_000).toISOString(),
      attempts: [
        {
          at: now,
          url: alertsDb.settings.webhook.url,
          status_code: alertsDb.testStatus,
          error: null,
          duration_ms: 42,
        },
      ],
    };
    alertsDb.deliveries.unshift(delivery);
    return respond(webhookDeliveryResponseSchema, { delivery }, 201);
  }),

  http.get(`${API}/alerts/deliveries`, async ({ request }) => {
    await logged(request);
    return respond(webhookDeliveriesResponseSchema, { deliveries: alertsDb.deliveries });
  }),

  http.get(`${API}/notifications`, async ({ request }) => {
    await logged(request);
    return respond(notificationsResponseSchema, { notifications: alertsDb.notifications, unread: unread() });
  }),

  http.post(`${API}/notifications/read`, async ({ request }) => {
    const parsed = markNotificationsReadRequestSchema.safeParse(await logged(request));
    if (!parsed.success) return invalid(parsed.error);
    const now = new Date().toISOString();
    for (const entry of alertsDb.notifications)
      if (entry.read_at === null && (parsed.data.all === true || parsed.data.ids?.includes(entry.id)))
        entry.read_at = now;
    return respond(markNotificationsReadResponseSchema, { unread: unread() });
  }),
];
