import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  controlPost,
  ENTERPRISE_PRICE,
  PRO_PRICE,
  startTestStandIn,
  stripeFor,
  type TestStandIn,
} from './helpers.js';

let standIn: TestStandIn;
let stripe: Stripe;

beforeAll(async () => {
  standIn = await startTestStandIn();
  stripe = stripeFor(standIn);
});

afterAll(async () => {
  await standIn.close();
});

const uniqueEmail = (): string => `${randomUUID()}@example.com`;

describe('customers', () => {
  it('creates, retrieves, updates and deletes a customer', async () => {
    const email = uniqueEmail();
    const created = await stripe.customers.create({
      email,
      name: 'Ada Lovelace',
      metadata: { firebase_uid: 'uid_ada' },
    });
    expect(created).toMatchObject({
      object: 'customer',
      email,
      name: 'Ada Lovelace',
      livemode: false,
      metadata: { firebase_uid: 'uid_ada' },
    });
    expect(created.id).toMatch(/^cus_[A-Za-z0-9]{14}$/);

    const retrieved = await stripe.customers.retrieve(created.id);
    expect(retrieved).toEqual(created);

    const updated = await stripe.customers.update(created.id, {
      name: 'Ada King',
      metadata: { firebase_uid: '', plan: 'pro' },
    });
    expect(updated.name).toBe('Ada King');
    expect(updated.metadata).toEqual({ plan: 'pro' });

    const deleted = await stripe.customers.del(created.id);
    expect(deleted).toEqual({ id: created.id, object: 'customer', deleted: true });
    // As at Stripe, a deleted customer can still be retrieved, as a stub.
    expect(await stripe.customers.retrieve(created.id)).toMatchObject({ id: created.id, deleted: true });
    await expect(stripe.customers.update(created.id, { name: 'x' })).rejects.toBeInstanceOf(
      Stripe.errors.StripeInvalidRequestError,
    );
  });

  it('lists customers by email, newest first, with pagination', async () => {
    const email = uniqueEmail();
    const first = await stripe.customers.create({ email });
    const second = await stripe.customers.create({ email });
    const third = await stripe.customers.create({ email });
    await stripe.customers.create({ email: uniqueEmail() });

    const page = await stripe.customers.list({ email, limit: 2 });
    expect(page.object).toBe('list');
    expect(page.url).toBe('/v1/customers');
    expect(page.data.map((c) => c.id)).toEqual([third.id, second.id]);
    expect(page.has_more).toBe(true);

    const next = await stripe.customers.list({ email, limit: 2, starting_after: second.id });
    expect(next.data.map((c) => c.id)).toEqual([first.id]);
    expect(next.has_more).toBe(false);

    const all: string[] = [];
    for await (const customer of stripe.customers.list({ email, limit: 1 })) all.push(customer.id);
    expect(all).toEqual([third.id, second.id, first.id]);
  });

  it("finds a customer with metadata['firebase_uid'] search", async () => {
    const uid = `uid_${randomUUID()}`;
    const wanted = await stripe.customers.create({ email: uniqueEmail(), metadata: { firebase_uid: uid } });
    await stripe.customers.create({ email: uniqueEmail(), metadata: { firebase_uid: `${uid}_other` } });

    const result = await stripe.customers.search({ query: `metadata['firebase_uid']:'${uid}'` });
    expect(result.object).toBe('search_result');
    expect(result.data.map((c) => c.id)).toEqual([wanted.id]);

    const byEmail = await stripe.customers.search({
      query: `email:'${wanted.email ?? ''}' AND metadata['firebase_uid']:'${uid}'`,
    });
    expect(byEmail.data.map((c) => c.id)).toEqual([wanted.id]);
    const none = await stripe.customers.search({ query: `metadata['firebase_uid']:'nobody-${uid}'` });
    expect(none.data).toEqual([]);
  });

  it('refuses a malformed search query with the query param named', async () => {
    const error = await stripe.customers
      .search({ query: "metadata['firebase_uid']=nope" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ param: 'query', statusCode: 400 });
  });
});

describe('prices', () => {
  it('seeds Keymeter plans and finds them by lookup key', async () => {
    const prices = await stripe.prices.list({
      lookup_keys: ['keymeter_pro_monthly', 'keymeter_enterprise_monthly'],
      active: true,
      expand: ['data.product'],
    });
    const byKey = new Map(prices.data.map((price) => [price.lookup_key, price]));
    expect(byKey.get('keymeter_pro_monthly')).toMatchObject({
      id: PRO_PRICE,
      unit_amount: 2900,
      currency: 'usd',
      type: 'recurring',
      recurring: { interval: 'month', interval_count: 1 },
      product: { object: 'product', id: 'prod_keymeter_pro', name: 'Keymeter Pro' },
    });
    expect(byKey.get('keymeter_enterprise_monthly')).toMatchObject({
      id: ENTERPRISE_PRICE,
      unit_amount: 49900,
    });

    const one = await stripe.prices.retrieve(PRO_PRICE);
    expect(one.product).toBe('prod_keymeter_pro');
    expect((await stripe.prices.list({ lookup_keys: ['no_such_key'] })).data).toEqual([]);
  });
});

describe('errors', () => {
  it('maps a missing object to StripeInvalidRequestError with resource_missing', async () => {
    const error = await stripe.customers.retrieve('cus_doesnotexist').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
      param: 'id',
      message: "No such customer: 'cus_doesnotexist'",
    });
  });

  it('names the offending parameter of a bad request', async () => {
    const unknown = await stripe.customers
      .create({ emial: 'x@example.com' } as Stripe.CustomerCreateParams)
      .catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(unknown).toMatchObject({ code: 'parameter_unknown', param: 'emial' });

    const badPrice = await stripe.checkout.sessions
      .create({
        mode: 'subscription',
        line_items: [{ price: 'price_nope', quantity: 1 }],
        success_url: 'http://localhost/ok',
      })
      .catch((e: unknown) => e);
    expect(badPrice).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(badPrice).toMatchObject({ code: 'resource_missing', param: 'line_items[0][price]' });

    const missing = await stripe.checkout.sessions
      .create({ line_items: [{ price: PRO_PRICE, quantity: 1 }] } as Stripe.Checkout.SessionCreateParams)
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'parameter_missing', param: 'mode' });

    const badEmail = await stripe.customers.create({ email: 'not-an-email' }).catch((e: unknown) => e);
    expect(badEmail).toMatchObject({ param: 'email', code: 'email_invalid' });
  });

  it('rejects a live key and a missing key with StripeAuthenticationError', async () => {
    const live = stripeFor(standIn, 'sk_live_51Hsomethingsecret1234');
    const error = await live.customers.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(error).toMatchObject({ statusCode: 401 });
    expect((error as Error).message).toContain('Invalid API Key provided: sk_live_');
    expect((error as Error).message).not.toContain('somethingsecret');

    const response = await fetch(`${standIn.url}/v1/customers`);
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toContain('You did not provide an API key');
  });

  it("answers unknown endpoints with Stripe's unrecognized-URL error", async () => {
    const response = await fetch(`${standIn.url}/v1/charges`, {
      headers: { Authorization: 'Bearer sk_test_x' },
    });
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toContain('Unrecognized request URL (GET: /v1/charges)');
  });

  it('refuses an expansion of a field that is not a reference', async () => {
    const customer = await stripe.customers.create({ email: uniqueEmail() });
    const error = await stripe.customers
      .retrieve(customer.id, { expand: ['email'] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ param: 'expand', message: 'This property cannot be expanded (email).' });
  });
});

describe('a simulated outage (api_outage)', () => {
  const setOutage = (api_outage: string) => controlPost(standIn, '/settings', { api_outage });

  it('drops API connections when unreachable, answers api_error on server_error, and ends', async () => {
    expect((await setOutage('unreachable')).status).toBe(200);
    await expect(stripe.prices.list()).rejects.toBeInstanceOf(Stripe.errors.StripeConnectionError);
    // The hosted pages and controls stay up: only the API is "down".
    expect((await fetch(`${standIn.url}/_standin/settings`)).status).toBe(200);

    expect((await setOutage('server_error')).status).toBe(200);
    const error = await stripe.prices.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(error).toMatchObject({ statusCode: 500 });

    expect((await setOutage('none')).status).toBe(200);
    expect((await stripe.prices.list()).data.length).toBeGreaterThan(0);
  });

  it('refuses an unknown outage mode', async () => {
    expect((await setOutage('sometimes')).status).toBe(400);
    expect(await (await fetch(`${standIn.url}/_standin/settings`)).json()).toMatchObject({
      api_outage: 'none',
    });
  });
});

describe('idempotency and versions', () => {
  it('replays the first response for the same key and parameters', async () => {
    const key = randomUUID();
    const params = { email: uniqueEmail(), metadata: { firebase_uid: 'uid_idem' } };
    const first = await stripe.customers.create(params, { idempotencyKey: key });
    const second = await stripe.customers.create(params, { idempotencyKey: key });
    expect(second.id).toBe(first.id);
    expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect((await stripe.customers.list({ email: params.email })).data).toHaveLength(1);
  });

  it('refuses the same key with different parameters as StripeIdempotencyError', async () => {
    const key = randomUUID();
    await stripe.customers.create({ email: uniqueEmail() }, { idempotencyKey: key });
    const error = await stripe.customers
      .create({ email: uniqueEmail() }, { idempotencyKey: key })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(error).toMatchObject({ statusCode: 400, rawType: 'idempotency_error' });
  });

  it('echoes the Stripe-Version the client pins and answers with JSON headers', async () => {
    const pinned = new Stripe('sk_test_pinned', {
      host: '127.0.0.1',
      port: standIn.port,
      protocol: 'http',
      apiVersion: '2025-03-31.basil' as Stripe.LatestApiVersion,
    });
    const customer = await pinned.customers.create({ email: uniqueEmail() });
    expect(customer.lastResponse.apiVersion).toBe('2025-03-31.basil');
    expect(customer.lastResponse.requestId).toMatch(/^req_/);

    const fallback = await stripe.customers.retrieve(customer.id);
    expect(fallback.lastResponse.apiVersion).toBe(stripe.getApiField('version'));
  });

  it('refuses a malformed Stripe-Version', async () => {
    const response = await fetch(`${standIn.url}/v1/customers`, {
      headers: { Authorization: 'Bearer sk_test_x', 'Stripe-Version': 'yesterday' },
    });
    expect(response.status).toBe(400);
  });
});

describe('events', () => {
  it('records customer events with the request that caused them', async () => {
    const customer = await stripe.customers.create(
      { email: uniqueEmail() },
      { idempotencyKey: `evt-${randomUUID()}` },
    );
    const events = await stripe.events.list({ type: 'customer.created', limit: 100 });
    const event = events.data.find((e) => (e.data.object as Stripe.Customer).id === customer.id);
    expect(event).toMatchObject({
      object: 'event',
      type: 'customer.created',
      livemode: false,
      api_version: standIn.apiVersion,
      request: { id: customer.lastResponse.requestId },
    });
    expect(event?.request?.idempotency_key).toMatch(/^evt-/);
    expect(event?.id).toMatch(/^evt_/);
    const retrieved = await stripe.events.retrieve(event?.id ?? '');
    expect(retrieved.data.object).toEqual(customer);
  });
});
