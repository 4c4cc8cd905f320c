import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
