import { describe, expect, it, vi } from 'vitest';

vi.mock('firebase-functions/logger', () => ({ write: () => undefined }));

const { parseCheckoutConfig, parseWebhookConfig } = await import('./config.js');

const STAND_IN = {
  STRIPE_SECRET_KEY: 'sk_test_keymeter_stand_in',
  STRIPE_WEBHOOK_SECRET: 'whsec_abc123',
  STRIPE_PRICE_PRO: 'price_keymeter_pro_monthly',
  STRIPE_PRICE_ENTERPRISE: 'price_keymeter_enterprise_monthly',
  APP_URL: 'http://127.0.0.1:5000',
  STRIPE_API_BASE_URL: 'http://127.0.0.1:12111',
};

describe('billing configuration: happy path', () => {
  it('reads the emulator configuration, pointing the SDK at the stand-in', () => {
    expect(parseCheckoutConfig(STAND_IN)).toEqual({
      ok: true,
      config: {
        secretKey: 'sk_test_keymeter_stand_in',
        api: { protocol: 'http', host: '127.0.0.1', port: 12111 },
        prices: { pro: 'price_keymeter_pro_monthly', enterprise: 'price_keymeter_enterprise_monthly' },
        appUrl: 'http://127.0.0.1:5000',
      },
    });
    expect(parseWebhookConfig(STAND_IN)).toMatchObject({
      ok: true,
      config: { webhookSecret: 'whsec_abc123' },
    });
  });

  it('talks to Stripe itself when no base URL is set, and drops a trailing slash of the app URL', () => {
    const result = parseCheckoutConfig({
      ...STAND_IN,
      STRIPE_SECRET_KEY: 'sk_live_51Habc',
      STRIPE_API_BASE_URL: '',
      APP_URL: 'https://keymeter.web.app/',
    });
    expect(result).toMatchObject({ ok: true, config: { api: null, appUrl: 'https://keymeter.web.app' } });
  });

  it('uses the default port of the scheme', () => {
    const result = parseCheckoutConfig({ ...STAND_IN, STRIPE_API_BASE_URL: 'https://stripe-proxy.internal' });
    expect(result).toMatchObject({ ok: true, config: { api: { protocol: 'https', port: 443 } } });
  });

  it('needs no webhook secret for checkout and no app URL for the webhook', () => {
    expect(parseCheckoutConfig({ ...STAND_IN, STRIPE_WEBHOOK_SECRET: '' }).ok).toBe(true);
    expect(parseWebhookConfig({ ...STAND_IN, APP_URL: '' }).ok).toBe(true);
  });
});

describe('billing configuration: errors', () => {
  it('names every missing parameter', () => {
    const result = parseWebhookConfig({});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      'STRIPE_SECRET_KEY: not set',
      'STRIPE_PRICE_PRO: not set',
      'STRIPE_PRICE_ENTERPRISE: not set',
      'STRIPE_API_BASE_URL: not set',
      'STRIPE_WEBHOOK_SECRET: not set',
    ]);
  });

  it('refuses malformed values without repeating them', () => {
    const result = parseCheckoutConfig({
      ...STAND_IN,
      STRIPE_SECRET_KEY: 'pk_test_publishable',
      STRIPE_PRICE_PRO: 'prod_keymeter_pro',
      APP_URL: 'keymeter.web.app/dashboard',
      STRIPE_API_BASE_URL: 'ftp://127.0.0.1',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((problem) => problem.split(':')[0])).toEqual([
      'STRIPE_SECRET_KEY',
      'STRIPE_PRICE_PRO',
      'STRIPE_API_BASE_URL',
      'APP_URL',
    ]);
    const text = result.problems.join('\n');
    for (const value of ['pk_test_publishable', 'prod_keymeter_pro', 'keymeter.web.app/dashboard', 'ftp://'])
      expect(text).not.toContain(value);
  });

  it('refuses an app URL with a path: the return URLs add /dashboard/billing themselves', () => {
    const result = parseCheckoutConfig({ ...STAND_IN, APP_URL: 'https://keymeter.web.app/dashboard' });
    expect(result).toEqual({ ok: false, problems: [expect.stringMatching(/^APP_URL: /)] });
  });

  it('refuses the same price for both plans', () => {
    const result = parseCheckoutConfig({ ...STAND_IN, STRIPE_PRICE_ENTERPRISE: STAND_IN.STRIPE_PRICE_PRO });
    expect(result).toEqual({
      ok: false,
      problems: ['STRIPE_PRICE_ENTERPRISE: the same price as STRIPE_PRICE_PRO'],
    });
  });

  it('never sends a live key anywhere but to Stripe', () => {
    const result = parseWebhookConfig({ ...STAND_IN, STRIPE_SECRET_KEY: 'sk_live_51Habc' });
    expect(result).toEqual({ ok: false, problems: ['STRIPE_API_BASE_URL: must be empty with a live key'] });
  });

  it('refuses a webhook secret that is not a signing secret', () => {
    const result = parseWebhookConfig({ ...STAND_IN, STRIPE_WEBHOOK_SECRET: 'sk_test_wrong_field' });
    expect(result).toEqual({ ok: false, problems: [expect.stringMatching(/^STRIPE_WEBHOOK_SECRET: /)] });
  });
});
