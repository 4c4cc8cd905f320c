import { Timestamp } from 'firebase-admin/firestore';
import { describe, expect, it } from 'vitest';
import {
  alertSettingsRequestSchema,
  markNotificationsReadRequestSchema,
  webhookUrlSchema,
} from '../shared/contracts.js';
import { parseAlertSettings, toAlertSettings } from './settings.js';

const valid = {
  quota_thresholds: [100, 50, 80],
  low_credits_units: 500,
  email: { enabled: true, recipients: [] },
};

describe('the settings a request may send', () => {
  it('takes up to five whole percentages from 1 to 100, and sorts them', () => {
    const parsed = alertSettingsRequestSchema.parse(valid);
    expect(parsed.quota_thresholds).toEqual([50, 80, 100]);
    expect(alertSettingsRequestSchema.parse({ ...valid, quota_thresholds: [] }).quota_thresholds).toEqual([]);
  });

  it.each([
    [[0], 'quota_thresholds'],
    [[101], 'quota_thresholds'],
    [[50.5], 'quota_thresholds'],
    [[10, 20, 30, 40, 50, 60], 'quota_thresholds'],
    [[80, 80], 'quota_thresholds'],
  ])('refuses thresholds %j', (quota_thresholds, field) => {
    const result = alertSettingsRequestSchema.safeParse({ ...valid, quota_thresholds });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path[0]).toBe(field);
  });

  it('takes a low-credits level of 0 or more, or null for none', () => {
    expect(alertSettingsRequestSchema.parse({ ...valid, low_credits_units: 0 }).low_credits_units).toBe(0);
    expect(
      alertSettingsRequestSchema.parse({ ...valid, low_credits_units: null }).low_credits_units,
    ).toBeNull();
    for (const low_credits_units of [-1, 1.5, '10'])
      expect(alertSettingsRequestSchema.safeParse({ ...valid, low_credits_units }).success).toBe(false);
  });

  it('takes up to five distinct email addresses', () => {
    const recipients = ['a@example.com', 'b@example.com', ' c@example.com '];
    expect(
      alertSettingsRequestSchema.parse({ ...valid, email: { enabled: false, recipients } }).email,
    ).toEqual({
      enabled: false,
      recipients: ['a@example.com', 'b@example.com', 'c@example.com'],
    });
    for (const bad of [
      ['not an address'],
      ['a@example.com\r\nBcc: victim@example.com'],
      ['a@example.com', 'A@example.com'],
      Array.from({ length: 6 }, (_, index) => `user${index}@example.com`),
    ])
      expect(
        alertSettingsRequestSchema.safeParse({ ...valid, email: { enabled: true, recipients: bad } }).success,
      ).toBe(false);
  });

  it('refuses fields it does not know, and missing ones', () => {
    expect(alertSettingsRequestSchema.safeParse({ ...valid, webhook: null }).success).toBe(false);
    expect(alertSettingsRequestSchema.safeParse({ quota_thresholds: [80] }).success).toBe(false);
  });
});

describe('the stored settings', () => {
  it('are the defaults when there are none', () => {
    expect(toAlertSettings(parseAlertSettings(undefined))).toEqual({
      quota_thresholds: [80, 100],
      low_credits_units: null,
      email: { enabled: true, recipients: [] },
      webhook: null,
      updated_at: null,
    });
  });

  it('keep each good field when another one is damaged', () => {
    const created = Timestamp.fromMillis(Date.UTC(2026, 11, 1));
    const parsed = parseAlertSettings({
      quota_thresholds: 'eighty',
      low_credits_units: 10,
      email: { enabled: false, recipients: ['ops@example.com'] },
      webhook: { url: 'https://hooks.example.com/', secret: 'whsec_x', created_at: created },
    });
    expect(parsed.quota_thresholds).toEqual([80, 100]);
    expect(parsed.low_credits_units).toBe(10);
    expect(parsed.email).toEqual({ enabled: false, recipients: ['ops@example.com'] });
    expect(parsed.webhook?.secret).toBe('whsec_x');
  });

  it('never show the webhook secret', () => {
    const settings = toAlertSettings(
      parseAlertSettings({
        webhook: { url: 'https://hooks.example.com/', secret: 'whsec_secret', created_at: Timestamp.now() },
      }),
    );
    expect(JSON.stringify(settings)).not.toContain('whsec_secret');
    expect(settings.webhook?.url).toBe('https://hooks.example.com/');
  });
});

describe('other alert inputs', () => {
  it('webhook URLs are http(s) without credentials or fragment, at most 2048 characters', () => {
    expect(webhookUrlSchema.safeParse('https://hooks.example.com/k').success).toBe(true);
    for (const url of [
      '',
      'hooks.example.com',
      'javascript:alert(1)',
      'https://u:p@example.com/',
      'https://example.com/#x',
    ])
      expect(webhookUrlSchema.safeParse(url).success, url).toBe(false);
    expect(webhookUrlSchema.safeParse(`https://example.com/${'a'.repeat(2048)}`).success).toBe(false);
  });

  it('marking read takes ids (1 to 100) or all: true, not both', () => {
    expect(markNotificationsReadRequestSchema.safeParse({ ids: ['a'] }).success).toBe(true);
    expect(markNotificationsReadRequestSchema.safeParse({ all: true }).success).toBe(true);
    for (const body of [
      {},
      { ids: [] },
      { ids: ['a'], all: true },
      { all: false },
      { ids: ['__proto__'] },
      { ids: ['a/b'] },
      { ids: Array.from({ length: 101 }, (_, index) => `n${index}`) },
    ])
      expect(markNotificationsReadRequestSchema.safeParse(body).success, JSON.stringify(body)).toBe(false);
  });
});
