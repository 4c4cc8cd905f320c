import { Timestamp } from 'firebase-admin/firestore';
import { beforeAll, describe, expect, it } from 'vitest';
import { alertId, type AlertDoc } from '../alerts/alert-doc.js';
import { createNotification } from '../alerts/notifications.js';
import { alertSettingsRef } from '../alerts/settings.js';
import { ALERTS, API_USAGE_DAILY, API_USAGE_MONTHLY, dailyDocId, monthlyDocId } from '../lib/collections.js';
import { accountExportSchema } from '../shared/contracts.js';
import { errorBodySchema } from '../shared/errors.js';
import { addDays, utcDate } from '../shared/dates.js';
import { adminDb, clearEmulators, createTestUser, dashboardCall, json } from '../test-support/emulators.js';
import { insertKey } from '../test-support/fixtures.js';
import { DASHBOARD_ROUTE_LIMITS } from '../http/route-limits.js';
import { EXPORT_PAGE_SIZE } from './export-account.js';

beforeAll(async () => {
  await clearEmulators();
});

describe('GET /me/export', () => {
  it(
    'streams the whole account as one AccountExport document, past many pages of each part',
    { timeout: 120_000 },
    async () => {
      const user = await createTestUser();
      const keyCount = EXPORT_PAGE_SIZE + 5;
      for (let i = 0; i < keyCount; i += 1) await insertKey(user.uid, { label: `key ${i}` });
      const days = 2 * EXPORT_PAGE_SIZE + 7;
      const first = addDays(utcDate(new Date()), -(days - 1));
      let writer = adminDb().batch();
      for (let i = 0; i < days; i += 1) {
        const date = addDays(first, i);
        writer.set(adminDb().collection(API_USAGE_DAILY).doc(dailyDocId(user.uid, date)), {
          account_id: user.uid,
          date,
          total_requests: i + 1,
          total_units: i + 1,
          error_count: 0,
          latency_ms_sum: 2 * (i + 1),
          // Every call took 2 ms: latency bucket 1, (1, 2] ms.
          latency_buckets: { '1': i + 1 },
          requests_by_endpoint: { 'GET /v1/time': i + 1 },
          requests_by_status: { '200': i + 1 },
          requests_by_key: { someKey: i + 1 },
          key_stats: {
            someKey: {
              requests: i + 1,
              errors: 0,
              latency_ms_sum: 2 * (i + 1),
              by_endpoint: {},
              by_status: {},
            },
          },
        });
        if (i % 100 === 99) {
          await writer.commit();
          writer = adminDb().batch();
        }
      }
      for (const period of ['2025-11', '2025-12', '2026-01'])
        writer.set(adminDb().collection(API_USAGE_MONTHLY).doc(monthlyDocId(user.uid, period)), {
          account_id: user.uid,
          period,
          total_requests: 5,
          error_count: 1,
        });
      await writer.commit();

      const response = await dashboardCall(user, '/me/export');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.headers.get('content-disposition')).toBe(
        'attachment; filename="keymeter-account.json"',
      );
      const exported = accountExportSchema.parse(await json(response));
      expect(exported.profile.uid).toBe(user.uid);
      expect(exported.account).toMatchObject({
        id: user.uid,
        kind: 'personal',
        role: 'owner',
        plan_tier: 'free',
      });
      expect(exported.keys.every((key) => key.account_id === user.uid)).toBe(true);
      expect(exported.keys).toHaveLength(keyCount);
      const created = exported.keys.map((key) => Date.parse(key.created_at));
      expect([...created].sort((a, b) => b - a)).toEqual(created);
      expect(exported.usage_daily).toHaveLength(days);
      expect(exported.usage_daily.map((day) => day.date)).toEqual(
        Array.from({ length: days }, (_, i) => addDays(first, i)),
      );
      expect(exported.usage_daily[days - 1]).toEqual({
        date: addDays(first, days - 1),
        requests: days,
        units: days,
        errors: 0,
        server_errors: 0,
        avg_latency_ms: 2,
        p50_ms: 2,
        p95_ms: 2,
        p99_ms: 2,
        // Seeded without minute bitmaps, as days folded before they were kept.
        minutes_with_calls: 0,
        minutes_with_server_errors: 0,
        availability: null,
        by_endpoint: { 'GET /v1/time': days },
        by_status: { '200': days },
      });
      expect(exported.usage_monthly.map((month) => month.period)).toEqual(['2025-11', '2025-12', '2026-01']);
    },
  );

  it('carries the alert settings without the webhook secret, and every alert and notification of the account only', async () => {
    const user = await createTestUser();
    const other = await createTestUser();
    const secret = 'whsec_export_test_secret_value';
    await alertSettingsRef(user.uid).set({
      quota_thresholds: [50, 90],
      low_credits_units: 100,
      email: { enabled: false, recipients: [] },
      webhook: { url: 'https://hooks.example.com/keymeter', secret, created_at: Timestamp.now() },
    });
    // More alerts than one page of the export, and another account's, which must stay out.
    const periods = Array.from({ length: EXPORT_PAGE_SIZE + 3 }, (_, i) => `${2000 + i}-01`);
    const fire = async (accountId: string, period: string, minutes: number): Promise<string> => {
      const doc: AlertDoc = {
        account_id: accountId,
        kind: 'quota_threshold',
        threshold: 80,
        period,
        key_id: null,
        meter: 'units',
        value: 80,
        limit: 100,
        fired_at: Timestamp.fromMillis(Date.UTC(2026, 0, 1) + minutes * 60_000),
      };
      const id = alertId(doc);
      await adminDb().collection(ALERTS).doc(id).set(doc);
      await createNotification(id, doc, { title: `80% of ${period}`, body: 'used' }, new Date());
      return id;
    };
    const mine: string[] = [];
    for (const [i, period] of periods.entries()) mine.push(await fire(user.uid, period, i));
    await fire(other.uid, '2026-01', 0);

    const exported = accountExportSchema.parse(await json(await dashboardCall(user, '/me/export')));
    expect(exported.alert_settings).toMatchObject({
      quota_thresholds: [50, 90],
      low_credits_units: 100,
      email: { enabled: false },
      webhook: { url: 'https://hooks.example.com/keymeter' },
    });
    expect(JSON.stringify(exported)).not.toContain(secret);
    const newestFirst = [...mine].reverse();
    expect(exported.alerts.map((alert) => alert.id)).toEqual(newestFirst);
    expect(exported.notifications.map((notification) => notification.id)).toEqual(newestFirst);
    expect(exported.notifications[0]).toMatchObject({ title: `80% of ${periods.at(-1)}`, read_at: null });
  });

  it('answers 429 rate_limited with Retry-After once a user has used the route’s budget', async () => {
    const user = await createTestUser();
    const { limit, windowMs } = DASHBOARD_ROUTE_LIMITS['GET /me/export'];
    const statuses: number[] = [];
    let refused: Response | undefined;
    // The limit is per instance: allow for the Functions emulator spreading calls over a few workers.
    while (refused === undefined && statuses.length < 4 * limit + 1) {
      const response = await dashboardCall(user, '/me/export');
      statuses.push(response.status);
      if (response.status === 429) refused = response;
      else await response.arrayBuffer();
    }
    expect(statuses.slice(0, limit)).toEqual(Array.from({ length: limit }, () => 200));
    if (refused === undefined) throw new Error(`no 429 in ${statuses.length} calls`);
    expect(errorBodySchema.parse(await json(refused)).error.code).toBe('rate_limited');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(windowMs / 1000);
    // Another user is not held back by the first one's budget.
    expect((await dashboardCall(await createTestUser(), '/me/export')).status).toBe(200);
  });
});
