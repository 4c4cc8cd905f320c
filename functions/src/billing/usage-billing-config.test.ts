import { beforeEach, describe, expect, it, vi } from 'vitest';

const written: { event?: unknown; function?: unknown; problems?: unknown }[] = [];
vi.mock('firebase-functions/logger', () => ({
  write: (entry: { event?: unknown }) => written.push(entry),
}));

const values = new Map<string, string>();
vi.mock('firebase-functions/params', () => {
  const param = (name: string) => ({ name, value: () => values.get(name) ?? '' });
  return { defineSecret: param, defineString: param };
});

const STAND_IN: Record<string, string> = {
  STRIPE_SECRET_KEY: 'sk_test_keymeter_stand_in',
  STRIPE_PRICE_PRO: 'price_keymeter_pro_monthly',
  STRIPE_PRICE_ENTERPRISE: 'price_keymeter_enterprise_monthly',
  APP_URL: 'http://127.0.0.1:5000',
  STRIPE_API_BASE_URL: 'http://127.0.0.1:12111',
  STRIPE_PRICE_PRO_OVERAGE: 'price_keymeter_pro_overage',
  STRIPE_PRICE_ENTERPRISE_OVERAGE: 'price_keymeter_enterprise_overage',
  STRIPE_METER_EVENT_NAME: 'keymeter_overage_units',
  STRIPE_PRICE_CREDITS_10K: 'price_keymeter_credits_10k',
  STRIPE_PRICE_CREDITS_100K: 'price_keymeter_credits_100k',
};

beforeEach(() => {
  vi.resetModules();
  values.clear();
  written.length = 0;
});

describe('usage billing configuration: happy path', () => {
  it('reads the overage prices, the meter and the credit packs of the demo project', async () => {
    const { parseCreditPacksConfig, parseOverageConfig, parseReporterConfig } = await import('./config.js');
    expect(parseOverageConfig(STAND_IN)).toEqual({
      ok: true,
      config: { pro: 'price_keymeter_pro_overage', enterprise: 'price_keymeter_enterprise_overage' },
    });
    expect(parseCreditPacksConfig(STAND_IN)).toEqual({
      ok: true,
      config: { '10k': 'price_keymeter_credits_10k', '100k': 'price_keymeter_credits_100k' },
    });
    expect(parseReporterConfig(STAND_IN)).toMatchObject({
      ok: true,
      config: { meterEventName: 'keymeter_overage_units', api: { host: '127.0.0.1', port: 12111 } },
    });
  });
});

describe('usage billing configuration: errors', () => {
  it('names each missing parameter of a group, and only that group’s', async () => {
    const { parseCreditPacksConfig, parseOverageConfig, parseReporterConfig } = await import('./config.js');
    expect(parseOverageConfig({})).toEqual({
      ok: false,
      problems: ['STRIPE_PRICE_PRO_OVERAGE: not set', 'STRIPE_PRICE_ENTERPRISE_OVERAGE: not set'],
    });
    expect(parseCreditPacksConfig({ ...STAND_IN, STRIPE_PRICE_CREDITS_100K: '' })).toEqual({
      ok: false,
      problems: ['STRIPE_PRICE_CREDITS_100K: not set'],
    });
    expect(parseReporterConfig({ ...STAND_IN, STRIPE_METER_EVENT_NAME: '' })).toEqual({
      ok: false,
      problems: ['STRIPE_METER_EVENT_NAME: not set'],
    });
  });

  it('refuses one price selling two things: a plan and its overage, or two packs', async () => {
    const { parseCreditPacksConfig, parseOverageConfig } = await import('./config.js');
    expect(
      parseOverageConfig({ ...STAND_IN, STRIPE_PRICE_ENTERPRISE_OVERAGE: STAND_IN.STRIPE_PRICE_PRO }),
    ).toEqual({
      ok: false,
      problems: ['STRIPE_PRICE_ENTERPRISE_OVERAGE: the same price as STRIPE_PRICE_PRO'],
    });
    expect(
      parseCreditPacksConfig({ ...STAND_IN, STRIPE_PRICE_CREDITS_100K: STAND_IN.STRIPE_PRICE_CREDITS_10K }),
    ).toEqual({
      ok: false,
      problems: ['STRIPE_PRICE_CREDITS_100K: the same price as STRIPE_PRICE_CREDITS_10K'],
    });
  });

  it('refuses malformed values without repeating them', async () => {
    const { parseOverageConfig, parseReporterConfig } = await import('./config.js');
    const overage = parseOverageConfig({ ...STAND_IN, STRIPE_PRICE_PRO_OVERAGE: 'prod_overage' });
    const reporter = parseReporterConfig({ ...STAND_IN, STRIPE_METER_EVENT_NAME: 'keymeter overage units!' });
    expect(overage).toEqual({ ok: false, problems: [expect.stringMatching(/^STRIPE_PRICE_PRO_OVERAGE: /)] });
    expect(reporter).toEqual({ ok: false, problems: [expect.stringMatching(/^STRIPE_METER_EVENT_NAME: /)] });
    expect(JSON.stringify([overage, reporter])).not.toMatch(/prod_overage|units!/);
  });

  it('answers 503 unavailable where a group is missing, logging its parameters once per function', async () => {
    for (const [name, value] of Object.entries(STAND_IN)) values.set(name, value);
    values.delete('STRIPE_PRICE_CREDITS_10K');
    const { checkoutConfig, creditPackPrices, overagePriceIds } = await import('./config.js');
    expect(checkoutConfig().appUrl).toBe('http://127.0.0.1:5000');
    expect(overagePriceIds('dashboardApi').pro).toBe('price_keymeter_pro_overage');
    for (let i = 0; i < 3; i += 1) {
      expect(() => creditPackPrices('dashboardApi')).toThrow(
        expect.objectContaining({ code: 'unavailable', status: 503 }),
      );
    }
    expect(() => creditPackPrices('stripeWebhook')).toThrow(expect.objectContaining({ code: 'unavailable' }));
    const logged = written.filter((entry) => entry.event === 'billing_not_configured');
    expect(logged.map((entry) => [entry.function, entry.problems])).toEqual([
      ['dashboardApi', ['STRIPE_PRICE_CREDITS_10K: not set']],
      ['stripeWebhook', ['STRIPE_PRICE_CREDITS_10K: not set']],
    ]);
  });
});
