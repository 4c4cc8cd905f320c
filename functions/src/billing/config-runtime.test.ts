import { beforeEach, describe, expect, it, vi } from 'vitest';

const written: { event?: unknown; problems?: unknown }[] = [];
vi.mock('firebase-functions/logger', () => ({
  write: (entry: { event?: unknown; problems?: unknown }) => written.push(entry),
}));

const values = new Map<string, string>();
vi.mock('firebase-functions/params', () => {
  const param = (name: string) => ({ name, value: () => values.get(name) ?? '' });
  return { defineSecret: param, defineString: param };
});

const STAND_IN: Record<string, string> = {
  STRIPE_SECRET_KEY: 'sk_test_keymeter_stand_in',
  STRIPE_WEBHOOK_SECRET: 'whsec_abc123',
  STRIPE_PRICE_PRO: 'price_keymeter_pro_monthly',
  STRIPE_PRICE_ENTERPRISE: 'price_keymeter_enterprise_monthly',
  APP_URL: 'http://127.0.0.1:5000',
  STRIPE_API_BASE_URL: 'http://127.0.0.1:12111',
};

beforeEach(() => {
  vi.resetModules();
  values.clear();
  written.length = 0;
});

describe('billing configuration at run time', () => {
  it('answers 503 unavailable on the billing routes when Stripe is not configured, logging which parameters once', async () => {
    const { checkoutConfig, webhookConfig } = await import('./config.js');
    const { ApiError } = await import('../http/api-error.js');
    for (let i = 0; i < 2; i += 1) {
      expect(() => checkoutConfig()).toThrow(ApiError);
      expect(() => webhookConfig()).toThrow(expect.objectContaining({ code: 'unavailable', status: 503 }));
    }
    const logged = written.filter((entry) => entry.event === 'billing_not_configured');
    expect(logged).toHaveLength(2);
    expect(logged[0]?.problems).toContain('STRIPE_SECRET_KEY: not set');
  });

  it('reads the parameters once and reuses the result', async () => {
    for (const [name, value] of Object.entries(STAND_IN)) values.set(name, value);
    const { checkoutConfig, webhookConfig } = await import('./config.js');
    const first = checkoutConfig();
    const webhook = webhookConfig();
    expect(webhook.webhookSecret).toBe('whsec_abc123');
    values.set('STRIPE_PRICE_PRO', 'changed');
    expect(checkoutConfig()).toBe(first);
    expect(webhookConfig()).toBe(webhook);
    expect(written).toEqual([]);
  });
});
