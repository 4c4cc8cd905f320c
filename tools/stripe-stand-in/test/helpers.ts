import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll } from 'vitest';
import {
  type LogEntry,
  startStripeStandIn,
  type StripeStandIn,
  type StripeStandInOptions,
} from '../src/index.js';

export const TEST_SECRET = 'whsec_test_keymeter_stand_in_secret';
export const PRO_PRICE = 'price_keymeter_pro_monthly';
export const ENTERPRISE_PRICE = 'price_keymeter_enterprise_monthly';

export interface TestStandIn extends StripeStandIn {
  logs: LogEntry[];
}

/** A stand-in on a free port with fast webhook retries and its log captured instead of printed. */
export async function startTestStandIn(options: StripeStandInOptions = {}): Promise<TestStandIn> {
  const logs: LogEntry[] = [];
  const standIn = await startStripeStandIn({
    port: 0,
    webhookRetryDelaysMs: [20, 40, 80],
    webhookTimeoutMs: 2_000,
    logger: (entry) => logs.push(entry),
    ...options,
  });
  return Object.assign(standIn, { logs });
}

export function stripeFor(standIn: StripeStandIn, key = 'sk_test_keymeter_local'): Stripe {
  return new Stripe(key, {
    host: '127.0.0.1',
    port: standIn.port,
    protocol: 'http',
    maxNetworkRetries: 0,
  });
}

export interface ReceivedWebhook {
  body: string;
  headers: IncomingHttpHeaders;
  /** Status the receiver answered with. */
  status: number;
  event: Stripe.Event;
}

/**
 * A small HTTP server standing in for Keymeter's webhook endpoint. It records every request and
 * answers with `respond` (200 by default), so tests can make deliveries fail.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  respond: (event: Stripe.Event, attempt: number) => number = () => 200;
  readonly #server: Server;
  readonly #listeners = new Set<() => void>();
  url = '';

  private constructor() {
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const event = JSON.parse(body) as Stripe.Event;
        const attempt = this.received.filter((r) => r.event.id === event.id).length + 1;
        const status = this.respond(event, attempt);
        this.received.push({ body, headers: request.headers, status, event });
        response.writeHead(status, { 'Content-Type': 'application/json' }).end('{"received":true}');
        for (const listener of this.#listeners) listener();
      });
    });
  }

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    await new Promise<void>((resolve) => receiver.#server.listen(0, '127.0.0.1', resolve));
    receiver.url = `http://127.0.0.1:${(receiver.#server.address() as AddressInfo).port}/stripe/webhook`;
    return receiver;
  }

  /** Resolves with the matching deliveries once `done` says enough have arrived; rejects after `timeoutMs`. */
  waitFor(
    match: (webhook: ReceivedWebhook) => boolean,
    done: (matching: ReceivedWebhook[]) => boolean,
    timeoutMs = 5_000,
  ): Promise<ReceivedWebhook[]> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const matching = this.received.filter(match);
        if (!done(matching)) return false;
        cleanup();
        resolve(matching);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        const seen = this.received.filter(match).map((r) => `${r.event.type}(${r.status})`);
        reject(
          new Error(
            `Timed out after ${timeoutMs} ms waiting for webhooks; matching so far: ${seen.join(', ') || 'none'}`,
          ),
        );
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.#listeners.delete(listener);
      };
      const listener = (): void => {
        check();
      };
      this.#listeners.add(listener);
      check();
    });
  }

  /** Waits until every type in `types` has arrived (with a 2xx answer) for objects of `customer`. */
  async waitForTypes(
    customer: string,
    types: readonly string[],
    timeoutMs = 5_000,
  ): Promise<ReceivedWebhook[]> {
    return this.waitFor(
      (webhook) => webhook.status < 300 && belongsTo(webhook.event, customer),
      (matching) => types.every((type) => matching.some((webhook) => webhook.event.type === type)),
      timeoutMs,
    );
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** Whether an event concerns `customer` (the customer itself or one of its objects). */
export function belongsTo(event: Stripe.Event, customer: string): boolean {
  const object = event.data.object as unknown as { id?: string; object?: string; customer?: unknown };
  return object.customer === customer || (object.object === 'customer' && object.id === customer);
}

/** The events a customer's webhooks carried, in arrival order, as `type` strings. */
export function typesOf(webhooks: readonly ReceivedWebhook[]): string[] {
  return webhooks.map((webhook) => webhook.event.type);
}

export async function getHtml(url: string): Promise<{ status: number; html: string }> {
  const response = await fetch(url);
  return { status: response.status, html: await response.text() };
}

/** Submits a hosted-page form the way a browser does, without following the redirect. */
export async function postForm(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
}

export interface Subscribed {
  customer: Stripe.Customer;
  session: Stripe.Checkout.Session;
  subscriptionId: string;
}

/** The whole Checkout flow as Keymeter drives it: customer, session, hosted page, pay. */
export async function subscribe(
  stripe: Stripe,
  options: { price?: string; renewals?: 'fail'; email?: string; trialDays?: number } = {},
): Promise<Subscribed> {
  const customer = await stripe.customers.create({
    email: options.email ?? `user-${Math.random().toString(36).slice(2)}@example.com`,
    metadata: { firebase_uid: `uid_${Math.random().toString(36).slice(2)}` },
  });
  const session = await stripe.checkout.sessions.create({
    mode: 'subscription',
    customer: customer.id,
    line_items: [{ price: options.price ?? PRO_PRICE, quantity: 1 }],
    success_url: 'http://127.0.0.1:5000/dashboard/billing?session_id={CHECKOUT_SESSION_ID}',
    cancel_url: 'http://127.0.0.1:5000/dashboard/billing',
    ...(customer.metadata.firebase_uid === undefined
      ? {}
      : { client_reference_id: customer.metadata.firebase_uid }),
    subscription_data: {
      metadata: { firebase_uid: customer.metadata.firebase_uid ?? '' },
      ...(options.trialDays === undefined ? {} : { trial_period_days: options.trialDays }),
    },
  });
  if (session.url === null) throw new Error('checkout session has no url');
  const response = await postForm(`${session.url}/pay`, {
    outcome: 'succeed',
    ...(options.renewals === 'fail' ? { renewals: 'fail' } : {}),
  });
  if (response.status !== 303) throw new Error(`paying answered ${response.status}`);
  const completed = await stripe.checkout.sessions.retrieve(session.id);
  if (typeof completed.subscription !== 'string') throw new Error('no subscription on the completed session');
  return { customer, session: completed, subscriptionId: completed.subscription };
}

export async function controlPost(
  standIn: StripeStandIn,
  path: string,
  body: object,
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${standIn.url}/_standin${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

export interface StandInFixture {
  standIn: TestStandIn;
  /** The SDK, pointed at the stand-in. */
  stripe: Stripe;
  /** Receives the stand-in's webhooks, signed with TEST_SECRET. */
  receiver: WebhookReceiver;
}

/**
 * Starts a stand-in whose webhooks go to a local receiver before the calling file's tests and
 * stops both after them. The returned object is filled in once they have started.
 */
export function useStandInWithReceiver(): StandInFixture {
  const fixture: Partial<StandInFixture> = {};
  beforeAll(async () => {
    fixture.receiver = await WebhookReceiver.start();
    fixture.standIn = await startTestStandIn({
      webhookUrls: [fixture.receiver.url],
      webhookSecret: TEST_SECRET,
    });
    fixture.stripe = stripeFor(fixture.standIn);
  });
  afterAll(async () => {
    await fixture.standIn?.close();
    await fixture.receiver?.close();
  });
  return fixture as StandInFixture;
}
