/**
 * The local Stripe stand-in for emulator-backed billing tests. `npm test` starts one on port
 * 12111 for the whole run and says so in KEYMETER_STRIPE_STAND_IN_URL; a single test file run
 * through `npm run emulators -- exec` starts its own there (the functions' STRIPE_API_BASE_URL
 * points at that port). Both sign webhooks with functions/.secret.local's STRIPE_WEBHOOK_SECRET.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Stripe from 'stripe';
import { STRIPE_API_VERSION } from '../billing/stripe-client.js';
import { HOSTING_URL } from './emulators.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const STAND_IN_URL = 'http://127.0.0.1:12111';
/** The key scripts/lib/stripe.ts gives the functions; the stand-in takes any sk_test_ key. */
const SECRET_KEY = 'sk_test_keymeter_stand_in';

export type DeliveryOrder = 'realistic' | 'reversed' | 'shuffled';

export interface Delivery {
  id: string;
  event_id: string;
  event_type: string;
  resend: boolean;
  status: 'pending' | 'retrying' | 'succeeded' | 'failed' | 'canceled';
  attempts: { attempt: number; status_code: number | null; error: string | null }[];
}

export interface StandIn {
  url: string;
  /** The SDK, pointed at the stand-in, for arranging and inspecting Stripe's side. */
  stripe: Stripe;
  webhookSecret: string;
  /**
   * Drops every customer, subscription, invoice and meter event, and sets the clock back to real
   * time: for tests whose Stripe must agree with the wall clock (meter events are dated by it),
   * after other test files have moved the shared stand-in's clock on. Call after clearEmulators.
   */
  resetToRealTime(): Promise<void>;
  /** Moves the clock (`{ days }`, `{ to_period_end_of }` …) and waits until its webhooks are delivered. */
  advanceClock(body: Record<string, unknown>): Promise<void>;
  setDeliveryOrder(order: DeliveryOrder): Promise<void>;
  /** Simulates Stripe being down for the API (`none` ends it); hosted pages keep working. */
  setApiOutage(outage: 'none' | 'unreachable' | 'server_error'): Promise<void>;
  /** Delivers an event (same id) again; resolves once that delivery finished. */
  resend(eventId: string): Promise<Delivery>;
  /** Resolves once every webhook the stand-in has sent so far has been answered or given up on. */
  idle(): Promise<void>;
  deliveries(query: Record<string, string>): Promise<Delivery[]>;
  /** The event exactly as Stripe serves it (JSON text), to sign and send by hand. */
  rawEvent(eventId: string): Promise<string>;
  stop(): Promise<void>;
}

function webhookSecretFromFile(): string {
  const file = path.join(repoRoot, 'functions', '.secret.local');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    text = '';
  }
  const secret = /^STRIPE_WEBHOOK_SECRET=(\S+)\s*$/m.exec(text)?.[1];
  if (secret === undefined) {
    throw new Error(
      'functions/.secret.local has no STRIPE_WEBHOOK_SECRET; run ' +
        `npx tsx -e "import('./scripts/lib/stripe.ts').then(m=>console.log(m.prepareStripeSecrets()))" first.`,
    );
  }
  return secret;
}

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/_standin/health`)).ok;
  } catch {
    return false;
  }
}

async function control<T>(url: string, pathname: string, body?: unknown): Promise<T> {
  const response = await fetch(`${url}/_standin${pathname}`, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`stand-in ${pathname} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

function spawnStandIn(webhookSecret: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      path.join(repoRoot, 'tools/stripe-stand-in/lib/cli.js'),
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      '12111',
      '--webhook-url',
      `${HOSTING_URL}/stripe/webhook`,
      '--webhook-secret',
      webhookSecret,
      '--webhook-retry-delays',
      '200,1000,3000',
      '--quiet',
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`the Stripe stand-in did not start:\n${output}`)),
      20_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('Stripe stand-in ready')) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the Stripe stand-in exited (code ${code}):\n${output}`));
    });
  });
}

/** The running stand-in (npm test's, or one already on 12111), or a new one for this file. */
export async function useStripeStandIn(): Promise<StandIn> {
  const webhookSecret = webhookSecretFromFile();
  const url = process.env.KEYMETER_STRIPE_STAND_IN_URL ?? STAND_IN_URL;
  let child: ChildProcess | undefined;
  if (!(await healthy(url))) {
    if (url !== STAND_IN_URL) throw new Error(`KEYMETER_STRIPE_STAND_IN_URL=${url} does not answer`);
    child = await spawnStandIn(webhookSecret);
  }
  const { port } = new URL(url);
  const stripe = new Stripe(SECRET_KEY, {
    apiVersion: STRIPE_API_VERSION,
    host: '127.0.0.1',
    port: Number(port),
    protocol: 'http',
    maxNetworkRetries: 0,
  });
  const idle = async () => {
    const { idle: done } = await control<{ idle: boolean }>(url, '/deliveries/idle?timeout_ms=60000');
    if (!done) throw new Error('the stand-in still had webhooks to deliver after 60 s');
  };
  const deliveries = async (query: Record<string, string>) =>
    (await control<{ data: Delivery[] }>(url, `/deliveries?${new URLSearchParams(query).toString()}`)).data;

  return {
    url,
    stripe,
    webhookSecret,
    idle,
    deliveries,
    async resetToRealTime() {
      await idle();
      await control(url, '/reset', { clock: 'real_time' });
    },
    async advanceClock(body) {
      await control(url, '/clock/advance', body);
      await idle();
    },
    async setDeliveryOrder(order) {
      await control(url, '/settings', { delivery_order: order });
    },
    async setApiOutage(outage) {
      await control(url, '/settings', { api_outage: outage });
    },
    async resend(eventId) {
      const { data } = await control<{ data: Delivery[] }>(url, `/events/${eventId}/resend`, {});
      const started = data[0];
      if (started === undefined) throw new Error(`the stand-in resent ${eventId} nowhere`);
      await idle();
      const finished = (await deliveries({ event_id: eventId })).find(
        (delivery) => delivery.id === started.id,
      );
      if (finished === undefined) throw new Error(`the resend of ${eventId} is not listed`);
      return finished;
    },
    async rawEvent(eventId) {
      const response = await fetch(`${url}/v1/events/${eventId}`, {
        headers: { authorization: `Bearer ${SECRET_KEY}`, 'stripe-version': STRIPE_API_VERSION },
      });
      if (!response.ok) throw new Error(`event ${eventId}: ${response.status}`);
      return response.text();
    },
    async stop() {
      if (child === undefined || child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child?.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Pays a Checkout Session on the hosted page, as the form on it does. */
export async function payCheckout(
  sessionUrl: string,
  options: { renewals?: 'fail' } = {},
): Promise<Response> {
  return fetch(`${sessionUrl}/pay`, {
    method: 'POST',
    body: new URLSearchParams({ outcome: 'succeed', ...(options.renewals === undefined ? {} : options) }),
    redirect: 'manual',
  });
}

/** Submits one of the hosted portal's forms for a subscription (`{ action }` or `{ switch_to }`). */
export async function portalAction(
  portalUrl: string,
  subscriptionId: string,
  form: { action: string } | { switch_to: string },
): Promise<Response> {
  return fetch(`${portalUrl}/subscriptions/${subscriptionId}`, {
    method: 'POST',
    body: new URLSearchParams(form),
    redirect: 'manual',
  });
}

/** A correctly signed webhook request, as Stripe sends it, through Hosting. */
export function postWebhook(payload: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${HOSTING_URL}/stripe/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: payload,
  });
}

export function signature(stripe: Stripe, payload: string, secret: string, timestamp?: number): string {
  return stripe.webhooks.generateTestHeaderString({
    payload,
    secret,
    ...(timestamp === undefined ? {} : { timestamp }),
  });
}
