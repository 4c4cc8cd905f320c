import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestStandIn, stripeFor, subscribe } from './helpers.js';

const directory = mkdtempSync(join(tmpdir(), 'stripe-stand-in-'));

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('data file', () => {
  it('keeps customers, subscriptions, events and the clock across restarts', async () => {
    const dataFile = join(directory, 'state.json');
    const first = await startTestStandIn({ dataFile });
    const stripe = stripeFor(first);
    const { customer, subscriptionId } = await subscribe(stripe);
    first.advanceClock(5 * 86_400);
    const clockBefore = first.now();
    await first.close();
    expect(JSON.parse(readFileSync(dataFile, 'utf8'))).toMatchObject({
      format: 'keymeter-stripe-stand-in',
      version: 1,
    });

    const second = await startTestStandIn({ dataFile });
    try {
      const again = stripeFor(second);
      expect((await again.customers.retrieve(customer.id)).id).toBe(customer.id);
      expect((await again.subscriptions.retrieve(subscriptionId)).status).toBe('active');
      expect(
        (await again.events.list({ limit: 100 })).data.some((e) => e.type === 'checkout.session.completed'),
      ).toBe(true);
      expect(second.now()).toBeGreaterThanOrEqual(clockBefore);
      expect((await again.prices.retrieve('price_keymeter_pro_monthly')).unit_amount).toBe(2900);
    } finally {
      await second.close();
    }
  });

  it('keeps meter events and their identifiers across restarts', async () => {
    const dataFile = join(directory, 'meters.json');
    const first = await startTestStandIn({ dataFile });
    const customer = await stripeFor(first).customers.create({ email: 'kept-usage@example.com' });
    const event = { event_name: 'keymeter_overage_units', identifier: 'kept-1' };
    await stripeFor(first).billing.meterEvents.create({
      ...event,
      payload: { stripe_customer_id: customer.id, value: '42' },
    });
    await first.close();

    const second = await startTestStandIn({ dataFile });
    try {
      const stripe = stripeFor(second);
      await expect(
        stripe.billing.meterEvents.create({
          ...event,
          payload: { stripe_customer_id: customer.id, value: '1' },
        }),
      ).rejects.toMatchObject({ statusCode: 400, param: 'identifier' });
      const now = second.now() - (second.now() % 60);
      const summary = await stripe.billing.meters.listEventSummaries('mtr_keymeter_overage', {
        customer: customer.id,
        start_time: now - 86_400,
        end_time: now + 3_600,
      });
      expect(summary.data[0]?.aggregated_value).toBe(42);
    } finally {
      await second.close();
    }
  });

  it('upgrades objects saved by an earlier stand-in to today’s shapes', async () => {
    const dataFile = join(directory, 'old.json');
    const first = await startTestStandIn({ dataFile });
    const { session, subscriptionId } = await subscribe(stripeFor(first));
    await first.close();
    // What the previous version wrote: no usage-billing collections, fewer fields, `hosted`.
    const saved = JSON.parse(readFileSync(dataFile, 'utf8')) as Record<string, unknown>;
    for (const key of ['meters', 'meter_events', 'payment_intents']) Reflect.deleteProperty(saved, key);
    const strip = (
      entries: unknown,
      fields: string[],
      change?: (object: Record<string, unknown>) => void,
    ): void => {
      for (const [, object] of entries as [string, Record<string, unknown>][]) {
        const target = (object.session ?? object) as Record<string, unknown>;
        for (const field of fields) Reflect.deleteProperty(target, field);
        change?.(target);
      }
    };
    strip(saved.invoices, ['total_taxes', 'payment_settings', 'customer_phone']);
    strip(saved.subscriptions, ['billing_schedules', 'managed_payments']);
    strip(saved.checkout_sessions, ['wallet_options', 'custom_text'], (target) => {
      target.ui_mode = 'hosted';
    });
    writeFileSync(dataFile, JSON.stringify(saved));

    const second = await startTestStandIn({ dataFile });
    try {
      const stripe = stripeFor(second);
      const subscription = await stripe.subscriptions.retrieve(subscriptionId);
      expect(subscription).toMatchObject({ billing_schedules: [], managed_payments: null });
      const invoice = await stripe.invoices.retrieve(String(subscription.latest_invoice));
      expect(invoice).toMatchObject({
        total_taxes: [],
        customer_phone: null,
        payment_settings: { default_mandate: null },
      });
      const restored = await stripe.checkout.sessions.retrieve(session.id);
      expect(restored).toMatchObject({
        ui_mode: 'hosted_page',
        wallet_options: null,
        custom_text: { submit: null },
      });
    } finally {
      await second.close();
    }
  });

  it('seeds a custom catalog instead of the default plans', async () => {
    const standIn = await startTestStandIn({
      catalog: [
        {
          price_id: 'price_team_yearly',
          lookup_key: 'team_yearly',
          unit_amount: 99_000,
          interval: 'year',
          product: { id: 'prod_team', name: 'Team' },
        },
      ],
    });
    try {
      const stripe = stripeFor(standIn);
      const prices = await stripe.prices.list();
      expect(prices.data.map((p) => p.id)).toEqual(['price_team_yearly']);
      expect(prices.data[0]?.recurring?.interval).toBe('year');
    } finally {
      await standIn.close();
    }
  });

  it('seeds meters and metered prices from a catalog, and refuses a metered price without its meter', async () => {
    const standIn = await startTestStandIn({
      catalog: {
        meters: [{ meter_id: 'mtr_minutes', event_name: 'minutes', display_name: 'Minutes', formula: 'sum' }],
        prices: [
          {
            price_id: 'price_minutes',
            unit_amount_decimal: '0.5',
            usage_type: 'metered',
            meter: 'mtr_minutes',
            transform_quantity: { divide_by: 60, round: 'down' },
            product: { id: 'prod_minutes', name: 'Minutes' },
          },
        ],
      },
    });
    try {
      const stripe = stripeFor(standIn);
      expect(await stripe.billing.meters.retrieve('mtr_minutes')).toMatchObject({ event_name: 'minutes' });
      const price = await stripe.prices.retrieve('price_minutes');
      expect(price).toMatchObject({
        unit_amount: null,
        recurring: { usage_type: 'metered', meter: 'mtr_minutes' },
        transform_quantity: { divide_by: 60, round: 'down' },
      });
    } finally {
      await standIn.close();
    }
    await expect(
      startTestStandIn({
        catalog: [
          {
            price_id: 'price_x',
            unit_amount: 1,
            usage_type: 'metered',
            product: { id: 'prod_x', name: 'X' },
          },
        ],
      }),
    ).rejects.toThrow(/metered price needs a meter/);
  });
});

describe('command line', () => {
  it('serves, prints one readiness line and exits cleanly on SIGTERM', async () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli.ts',
        'serve',
        '--port',
        '0',
        '--quiet',
        '--webhook-url',
        'http://127.0.0.1:5000/stripe/webhook',
        '--webhook-secret',
        'whsec_cli',
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const lines = createInterface({ input: child.stdout });
    const ready = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no readiness line within 10 s')), 10_000);
      lines.once('line', (line) => {
        clearTimeout(timer);
        resolve(line);
      });
    });
    const url = /^Stripe stand-in ready at (http:\/\/127\.0\.0\.1:\d+) /.exec(ready)?.[1];
    expect(url).toBeDefined();
    expect(ready).toContain('webhooks → http://127.0.0.1:5000/stripe/webhook');
    const health = (await (await fetch(`${url ?? ''}/_standin/health`)).json()) as { ok: boolean };
    expect(health.ok).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
