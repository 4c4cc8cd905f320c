import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { useStandInWithReceiver } from './helpers.js';

const fixture = useStandInWithReceiver();

const OVERAGE_METER = 'mtr_keymeter_overage';
const OVERAGE_EVENT = 'keymeter_overage_units';

function unique(prefix: string): string {
  return `${prefix}_${Math.random().toString(36).slice(2, 10)}`;
}

/** The meter's whole-range summary for a customer: what Stripe would bill for that range. */
async function total(meter: string, customer: string, start: number, end: number): Promise<number> {
  const list = await fixture.stripe.billing.meters.listEventSummaries(meter, {
    customer,
    start_time: start,
    end_time: end,
  });
  expect(list.data).toHaveLength(1);
  return list.data[0]?.aggregated_value ?? Number.NaN;
}

/** Minute-aligned bounds around the stand-in's now, as event summaries require. */
function around(now: number): { start: number; end: number } {
  const minute = now - (now % 60);
  return { start: minute - 36 * 86_400, end: minute + 600 };
}

async function refusal(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  return error as Stripe.errors.StripeError;
}

describe('billing meters', () => {
  it('creates a meter with Stripe defaults, retrieves, lists, renames it', async () => {
    const { stripe } = fixture;
    const eventName = unique('api_calls');
    const meter = await stripe.billing.meters.create({
      display_name: 'API calls',
      event_name: eventName,
      default_aggregation: { formula: 'sum' },
    });
    expect(meter).toMatchObject({
      object: 'billing.meter',
      event_name: eventName,
      display_name: 'API calls',
      default_aggregation: { formula: 'sum' },
      customer_mapping: { type: 'by_id', event_payload_key: 'stripe_customer_id' },
      value_settings: { event_payload_key: 'value' },
      status: 'active',
      status_transitions: { deactivated_at: null },
      event_time_window: null,
      livemode: false,
    });
    expect(meter.id).toMatch(/^mtr_/);
    expect(await stripe.billing.meters.retrieve(meter.id)).toMatchObject({ id: meter.id });

    const renamed = await stripe.billing.meters.update(meter.id, { display_name: 'Calls' });
    expect(renamed.display_name).toBe('Calls');
    const active = await stripe.billing.meters.list({ status: 'active', limit: 100 });
    expect(active.data.map((m) => m.id)).toEqual(expect.arrayContaining([meter.id, OVERAGE_METER]));
  });

  it('seeds Keymeter’s overage meter', async () => {
    expect(await fixture.stripe.billing.meters.retrieve(OVERAGE_METER)).toMatchObject({
      event_name: OVERAGE_EVENT,
      default_aggregation: { formula: 'sum' },
      customer_mapping: { event_payload_key: 'stripe_customer_id', type: 'by_id' },
      value_settings: { event_payload_key: 'value' },
      status: 'active',
    });
  });

  it('keeps event names unique among active meters, across deactivate and reactivate', async () => {
    const { stripe } = fixture;
    const eventName = unique('tokens');
    const first = await stripe.billing.meters.create({
      display_name: 'Tokens',
      event_name: eventName,
      default_aggregation: { formula: 'sum' },
    });
    const clash = await refusal(
      stripe.billing.meters.create({
        display_name: 'Tokens again',
        event_name: eventName,
        default_aggregation: { formula: 'count' },
      }),
    );
    expect(clash.param).toBe('event_name');

    const deactivated = await stripe.billing.meters.deactivate(first.id);
    expect(deactivated.status).toBe('inactive');
    expect(deactivated.status_transitions.deactivated_at).toBeGreaterThanOrEqual(first.created);
    expect(deactivated.status_transitions.deactivated_at).toBeLessThanOrEqual(fixture.standIn.now());
    const inactive = await stripe.billing.meters.list({ status: 'inactive' });
    expect(inactive.data.map((m) => m.id)).toContain(first.id);

    // With the first inactive, the name is free again; reactivating the first then clashes.
    const second = await stripe.billing.meters.create({
      display_name: 'Tokens v2',
      event_name: eventName,
      default_aggregation: { formula: 'sum' },
    });
    expect((await refusal(stripe.billing.meters.reactivate(first.id))).param).toBe('event_name');
    await stripe.billing.meters.deactivate(second.id);
    expect((await stripe.billing.meters.reactivate(first.id)).status).toBe('active');
  });

  it('refuses a meter without its required parameters', async () => {
    const error = await refusal(
      fixture.stripe.billing.meters.create({
        display_name: 'No formula',
        event_name: unique('x'),
      } as Stripe.Billing.MeterCreateParams),
    );
    expect(error).toMatchObject({ code: 'parameter_missing', param: 'default_aggregation' });
  });
});

describe('meter events', () => {
  it('records an event and returns the billing.meter_event', async () => {
    const { stripe, standIn } = fixture;
    const customer = await stripe.customers.create({ email: 'meter@example.com' });
    const before = standIn.now();
    const event = await stripe.billing.meterEvents.create({
      event_name: OVERAGE_EVENT,
      payload: { stripe_customer_id: customer.id, value: '250' },
    });
    expect(event).toMatchObject({
      object: 'billing.meter_event',
      event_name: OVERAGE_EVENT,
      payload: { stripe_customer_id: customer.id, value: '250' },
      livemode: false,
    });
    // The timestamp defaults to the stand-in clock's now.
    expect(event.timestamp).toBe(event.created);
    expect(event.created).toBeGreaterThanOrEqual(before);
    expect(event.created).toBeLessThanOrEqual(standIn.now());
    expect(event.identifier).toMatch(/^[0-9a-f-]{36}$/);
    const { start, end } = around(standIn.now());
    expect(await total(OVERAGE_METER, customer.id, start, end)).toBe(250);
  });

  it('counts an identifier once: the same identifier again is refused as Stripe refuses it', async () => {
    const { stripe, standIn } = fixture;
    const customer = await stripe.customers.create({ email: 'twice@example.com' });
    const identifier = `${customer.id}:2026-11-05`;
    const payload = { stripe_customer_id: customer.id, value: '700' };
    await stripe.billing.meterEvents.create({ event_name: OVERAGE_EVENT, payload, identifier });
    const again = await refusal(
      stripe.billing.meterEvents.create({ event_name: OVERAGE_EVENT, payload, identifier }),
    );
    expect(again.statusCode).toBe(400);
    expect(again.message).toBe(`An event already exists with identifier ${identifier}.`);
    expect(again.headers?.['stripe-should-retry']).toBe('false');
    // Even a day later, and with another value, the identifier is still taken.
    standIn.advanceClock(86_400 + 60);
    await refusal(
      stripe.billing.meterEvents.create({
        event_name: OVERAGE_EVENT,
        payload: { ...payload, value: '1' },
        identifier,
      }),
    );
    const { start, end } = around(standIn.now());
    expect(await total(OVERAGE_METER, customer.id, start, end)).toBe(700);
  });

  it('refuses bad events with Stripe’s error codes, and none of them counts', async () => {
    const { stripe, standIn } = fixture;
    const customer = await stripe.customers.create({ email: 'bad-events@example.com' });
    const now = standIn.now();
    const inactiveName = unique('retired');
    const retired = await stripe.billing.meters.create({
      display_name: 'Retired',
      event_name: inactiveName,
      default_aggregation: { formula: 'sum' },
    });
    await stripe.billing.meters.deactivate(retired.id);

    const cases: {
      payload: Record<string, string>;
      event_name?: string;
      timestamp?: number;
      code: string;
      param: string;
    }[] = [
      {
        event_name: unique('nothing'),
        payload: { stripe_customer_id: customer.id, value: '1' },
        code: 'no_meter',
        param: 'event_name',
      },
      {
        event_name: inactiveName,
        payload: { stripe_customer_id: customer.id, value: '1' },
        code: 'archived_meter',
        param: 'event_name',
      },
      {
        payload: { value: '1' },
        code: 'meter_event_no_customer_defined',
        param: 'payload[stripe_customer_id]',
      },
      {
        payload: { stripe_customer_id: 'cus_nobody', value: '1' },
        code: 'meter_event_customer_not_found',
        param: 'payload[stripe_customer_id]',
      },
      {
        payload: { stripe_customer_id: customer.id },
        code: 'meter_event_value_not_found',
        param: 'payload[value]',
      },
      {
        payload: { stripe_customer_id: customer.id, value: 'ten' },
        code: 'meter_event_invalid_value',
        param: 'payload[value]',
      },
      {
        payload: { stripe_customer_id: customer.id, value: '1.5' },
        code: 'meter_event_invalid_value',
        param: 'payload[value]',
      },
      {
        payload: { stripe_customer_id: customer.id, value: '' },
        code: 'meter_event_invalid_value',
        param: 'payload[value]',
      },
      {
        payload: { stripe_customer_id: customer.id, value: '1' },
        timestamp: now - 35 * 86_400 - 60,
        code: 'timestamp_too_far_in_past',
        param: 'timestamp',
      },
      {
        payload: { stripe_customer_id: customer.id, value: '1' },
        timestamp: now + 5 * 60 + 60,
        code: 'timestamp_in_future',
        param: 'timestamp',
      },
    ];
    for (const bad of cases) {
      const error = await refusal(
        stripe.billing.meterEvents.create({
          event_name: bad.event_name ?? OVERAGE_EVENT,
          payload: bad.payload,
          ...(bad.timestamp === undefined ? {} : { timestamp: bad.timestamp }),
        }),
      );
      expect({ code: error.code, param: error.param, status: error.statusCode }).toEqual({
        code: bad.code,
        param: bad.param,
        status: 400,
      });
    }
    // Just inside the window is accepted (a minute of margin: the clock ticks with real time).
    for (const timestamp of [now - 35 * 86_400 + 60, now + 5 * 60 - 60]) {
      await stripe.billing.meterEvents.create({
        event_name: OVERAGE_EVENT,
        payload: { stripe_customer_id: customer.id, value: '3' },
        timestamp,
      });
    }
    expect(
      await total(OVERAGE_METER, customer.id, now - 36 * 86_400 - (now % 60), now - (now % 60) + 3_600),
    ).toBe(6);
  });

  it('takes negative whole numbers, as Stripe does: they reduce the period’s total', async () => {
    const { stripe, standIn } = fixture;
    const customer = await stripe.customers.create({ email: 'negative@example.com' });
    for (const value of ['500', '-120']) {
      await stripe.billing.meterEvents.create({
        event_name: OVERAGE_EVENT,
        payload: { stripe_customer_id: customer.id, value },
      });
    }
    const { start, end } = around(standIn.now());
    expect(await total(OVERAGE_METER, customer.id, start, end)).toBe(380);
  });
});

describe('meter event summaries', () => {
  it('adds events up per range, per UTC day and per hour, newest first, with Stripe’s alignment rules', async () => {
    const { stripe, standIn } = fixture;
    const customer = await stripe.customers.create({ email: 'summaries@example.com' });
    const other = await stripe.customers.create({ email: 'someone-else@example.com' });
    const now = standIn.now();
    const today = now - (now % 86_400);
    // Three events yesterday (two in one hour), two today, and one for another customer.
    const events: [number, string][] = [
      [today - 86_400 + 3_600, '100'],
      [today - 86_400 + 3_600 + 59, '20'],
      [today - 86_400 + 7_200, '3'],
      [today + 10, '4000'],
      [Math.max(today + 20, now - 30), '500'],
    ];
    for (const [timestamp, value] of events) {
      await stripe.billing.meterEvents.create({
        event_name: OVERAGE_EVENT,
        payload: { stripe_customer_id: customer.id, value },
        timestamp,
      });
    }
    await stripe.billing.meterEvents.create({
      event_name: OVERAGE_EVENT,
      payload: { stripe_customer_id: other.id, value: '99999' },
      timestamp: today + 10,
    });

    const range = { customer: customer.id, start_time: today - 86_400, end_time: today + 86_400 };
    const whole = await stripe.billing.meters.listEventSummaries(OVERAGE_METER, range);
    expect(whole.data.map((s) => [s.start_time, s.end_time, s.aggregated_value])).toEqual([
      [today - 86_400, today + 86_400, 4623],
    ]);

    const daily = await stripe.billing.meters.listEventSummaries(OVERAGE_METER, {
      ...range,
      value_grouping_window: 'day',
    });
    expect(daily.data.map((s) => [s.start_time, s.aggregated_value])).toEqual([
      [today, 4500],
      [today - 86_400, 123],
    ]);
    expect(daily.data[0]).toMatchObject({ object: 'billing.meter_event_summary', meter: OVERAGE_METER });

    const hourly = await stripe.billing.meters.listEventSummaries(OVERAGE_METER, {
      customer: customer.id,
      start_time: today - 86_400,
      end_time: today,
      value_grouping_window: 'hour',
    });
    expect(
      hourly.data.map((s) => [
        s.start_time - (today - 86_400),
        s.end_time - s.start_time,
        s.aggregated_value,
      ]),
    ).toEqual([
      [7_200, 3_600, 3],
      [3_600, 3_600, 120],
    ]);
    // Pages by id like every Stripe list.
    const firstPage = await stripe.billing.meters.listEventSummaries(OVERAGE_METER, {
      ...range,
      value_grouping_window: 'day',
      limit: 1,
    });
    expect(firstPage.has_more).toBe(true);
    const secondPage = await stripe.billing.meters.listEventSummaries(OVERAGE_METER, {
      ...range,
      value_grouping_window: 'day',
      limit: 1,
      starting_after: firstPage.data[0]?.id ?? '',
    });
    expect(secondPage.data.map((s) => s.aggregated_value)).toEqual([123]);

    for (const [params, param] of [
      [{ ...range, start_time: range.start_time + 30 }, 'start_time'],
      [{ ...range, end_time: range.end_time + 1 }, 'end_time'],
      [{ ...range, start_time: range.start_time + 60, value_grouping_window: 'hour' }, 'start_time'],
      [{ ...range, end_time: range.end_time - 3_600, value_grouping_window: 'day' }, 'end_time'],
      [{ ...range, end_time: range.start_time }, 'end_time'],
      [{ ...range, customer: 'cus_nobody' }, 'customer'],
    ] as const) {
      const error = await refusal(stripe.billing.meters.listEventSummaries(OVERAGE_METER, params));
      expect(error.param).toBe(param);
    }
  });

  it('aggregates with count and last, and keeps only the latest event per window of a pre-aggregated meter', async () => {
    const { stripe, standIn } = fixture;
    const customer = await stripe.customers.create({ email: 'formulas@example.com' });
    const now = standIn.now();
    const hour = now - (now % 3_600);
    const make = async (formula: 'count' | 'last', window?: 'hour'): Promise<Stripe.Billing.Meter> =>
      stripe.billing.meters.create({
        display_name: formula,
        event_name: unique(formula),
        default_aggregation: { formula },
        customer_mapping: { type: 'by_id', event_payload_key: 'account' },
        value_settings: { event_payload_key: 'seats' },
        ...(window === undefined ? {} : { event_time_window: window }),
      });
    const counted = await make('count');
    const last = await make('last');
    const hourlySum = await stripe.billing.meters.create({
      display_name: 'pre-aggregated',
      event_name: unique('hourly'),
      default_aggregation: { formula: 'sum' },
      event_time_window: 'hour',
    });
    const earlier = hour - 3_600 + 5;
    for (const [timestamp, seats] of [
      [earlier, '7'],
      [earlier + 10, '9'],
      [hour + 1, '4'],
    ] as const) {
      for (const meter of [counted, last]) {
        await stripe.billing.meterEvents.create({
          event_name: meter.event_name,
          payload: { account: customer.id, seats },
          timestamp,
        });
      }
      await stripe.billing.meterEvents.create({
        event_name: hourlySum.event_name,
        payload: { stripe_customer_id: customer.id, value: seats },
        timestamp,
      });
    }
    // A count meter needs no value.
    await stripe.billing.meterEvents.create({
      event_name: counted.event_name,
      payload: { account: customer.id },
      timestamp: hour + 2,
    });
    const start = hour - 7_200;
    const end = hour + 3_600;
    expect(await total(counted.id, customer.id, start, end)).toBe(4);
    expect(await total(last.id, customer.id, start, end)).toBe(4);
    expect(await total(last.id, customer.id, start, hour)).toBe(9);
    // Per hour only the latest event sent counts: 9 for the earlier hour, 4 for this one.
    expect(await total(hourlySum.id, customer.id, start, end)).toBe(13);
  });
});
