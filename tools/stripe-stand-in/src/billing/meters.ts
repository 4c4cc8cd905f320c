import { randomUUID } from 'node:crypto';
import { invalidRequest, parameterInvalid, resourceMissing, StripeApiError } from '../api/errors.js';
import type { Core } from '../core.js';
import { changedAttributes } from '../events.js';
import { newId } from '../ids.js';
import type { Meter, MeterEvent, MeterEventSummary, MeterFormula } from '../objects.js';
import type { MeterEventRecord } from '../state.js';

/** How far back and ahead of the clock a meter event's timestamp may be, as Stripe allows. */
export const METER_EVENT_MAX_AGE_SECONDS = 35 * 86_400;
export const METER_EVENT_MAX_LEAD_SECONDS = 5 * 60;
const WHOLE_NUMBER = /^-?\d+$/;

export function getMeter(core: Core, id: string, param = 'id'): Meter {
  const meter = core.state.meters.get(id);
  if (meter === undefined) throw resourceMissing('billing.meter', id, param);
  return meter;
}

/** Event names are unique among active meters: each event reaches exactly one meter. */
function assertEventNameFree(core: Core, eventName: string, except: string | null): void {
  for (const meter of core.state.meters.values()) {
    if (meter.status === 'active' && meter.event_name === eventName && meter.id !== except) {
      throw invalidRequest(
        `An active meter with event_name \`${eventName}\` already exists: ${meter.id}. Event names must be unique among active meters.`,
        'event_name',
      );
    }
  }
}

export interface NewMeter {
  displayName: string;
  eventName: string;
  formula: MeterFormula;
  customerPayloadKey: string;
  valuePayloadKey: string;
  eventTimeWindow: 'day' | 'hour' | null;
}

export function createMeter(core: Core, input: NewMeter): Meter {
  assertEventNameFree(core, input.eventName, null);
  const now = core.clock.now();
  const meter: Meter = {
    id: newId('mtr', 24),
    object: 'billing.meter',
    created: now,
    customer_mapping: { event_payload_key: input.customerPayloadKey, type: 'by_id' },
    default_aggregation: { formula: input.formula },
    display_name: input.displayName,
    event_name: input.eventName,
    event_time_window: input.eventTimeWindow,
    livemode: false,
    status: 'active',
    status_transitions: { deactivated_at: null },
    updated: now,
    value_settings: { event_payload_key: input.valuePayloadKey },
  };
  core.state.meters.set(meter.id, meter);
  core.events.emit('billing.meter.created', meter);
  return meter;
}

/** Meters are immutable except for their display name, as at Stripe. */
export function updateMeter(core: Core, meter: Meter, displayName: string | undefined): Meter {
  const before = structuredClone(meter);
  if (displayName !== undefined && displayName !== meter.display_name) {
    meter.display_name = displayName;
    meter.updated = core.clock.now();
  }
  const previous = changedAttributes(before, meter);
  if (previous !== undefined) core.events.emit('billing.meter.updated', meter, previous);
  return meter;
}

export function setMeterStatus(core: Core, meter: Meter, status: Meter['status']): Meter {
  if (meter.status === status) {
    throw invalidRequest(`This meter is already ${status}: '${meter.id}'.`, 'id');
  }
  if (status === 'active') assertEventNameFree(core, meter.event_name, meter.id);
  const now = core.clock.now();
  meter.status = status;
  meter.status_transitions.deactivated_at = status === 'inactive' ? now : null;
  meter.updated = now;
  core.events.emit(status === 'active' ? 'billing.meter.reactivated' : 'billing.meter.deactivated', meter);
  return meter;
}

export interface NewMeterEvent {
  eventName: string;
  payload: Record<string, string>;
  identifier: string | null;
  timestamp: number | null;
}

/** Stripe's meter event error codes (sent in its error reports), used here for the 400s. */
function meterEventError(message: string, code: string, param: string): StripeApiError {
  return new StripeApiError(400, 'invalid_request_error', message, code, param);
}

/**
 * Ingests one meter event. An identifier already seen is refused (at Stripe within at least 24
 * hours; here for the stand-in's whole life and data file) with Stripe's "already exists"
 * error, so the event counts once however often it is sent.
 */
export function recordMeterEvent(core: Core, input: NewMeterEvent): MeterEvent {
  const { state } = core;
  const now = core.clock.now();
  if (input.identifier !== null && state.meterEvents.has(input.identifier)) {
    throw new StripeApiError(
      400,
      'invalid_request_error',
      `An event already exists with identifier ${input.identifier}.`,
      undefined,
      'identifier',
      { 'Stripe-Should-Retry': 'false' },
    );
  }
  const meters = [...state.meters.values()].filter((meter) => meter.event_name === input.eventName);
  const meter = meters.find((candidate) => candidate.status === 'active');
  if (meter === undefined) {
    if (meters.length > 0) {
      throw meterEventError(
        `The meter for event_name ${input.eventName} is deactivated and accepts no events.`,
        'archived_meter',
        'event_name',
      );
    }
    throw meterEventError(
      `No meter was found matching event_name ${input.eventName}.`,
      'no_meter',
      'event_name',
    );
  }

  const customerKey = meter.customer_mapping.event_payload_key;
  const customerId = input.payload[customerKey];
  if (customerId === undefined || customerId === '') {
    throw meterEventError(
      `The payload has no \`${customerKey}\`, the key meter ${meter.id} maps to a customer.`,
      'meter_event_no_customer_defined',
      `payload[${customerKey}]`,
    );
  }
  if (state.liveCustomer(customerId) === undefined) {
    throw meterEventError(
      `No customer was found matching ${customerKey} ${customerId}.`,
      'meter_event_customer_not_found',
      `payload[${customerKey}]`,
    );
  }

  const valueKey = meter.value_settings.event_payload_key;
  const raw = input.payload[valueKey];
  let value: number | null = null;
  if (raw === undefined) {
    if (meter.default_aggregation.formula !== 'count') {
      throw meterEventError(
        `The payload has no \`${valueKey}\`, the key meter ${meter.id} reads the value from.`,
        'meter_event_value_not_found',
        `payload[${valueKey}]`,
      );
    }
  } else {
    // Stripe takes whole numbers only, negative ones included (they reduce the period's total).
    if (!WHOLE_NUMBER.test(raw) || !Number.isSafeInteger(Number(raw))) {
      throw meterEventError(
        `The value ${raw} of \`${valueKey}\` is not a whole number.`,
        'meter_event_invalid_value',
        `payload[${valueKey}]`,
      );
    }
    value = Number(raw);
  }

  const timestamp = input.timestamp ?? now;
  if (timestamp < now - METER_EVENT_MAX_AGE_SECONDS) {
    throw meterEventError(
      'The timestamp must be within the past 35 calendar days.',
      'timestamp_too_far_in_past',
      'timestamp',
    );
  }
  if (timestamp > now + METER_EVENT_MAX_LEAD_SECONDS) {
    throw meterEventError(
      'The timestamp must not be more than 5 minutes in the future.',
      'timestamp_in_future',
      'timestamp',
    );
  }

  const event: MeterEvent = {
    object: 'billing.meter_event',
    created: now,
    event_name: input.eventName,
    identifier: input.identifier ?? randomUUID(),
    livemode: false,
    payload: { ...input.payload },
    timestamp,
  };
  const record: MeterEventRecord = {
    event,
    meter: meter.id,
    customer: customerId,
    value,
    sequence: state.meterEvents.size,
  };
  state.meterEvents.set(event.identifier, record);
  return event;
}

/** A meter's events for one customer with a timestamp in [start, end), in arrival order. */
function eventsIn(
  core: Core,
  meter: Meter,
  customer: string,
  start: number,
  end: number,
): MeterEventRecord[] {
  const found: MeterEventRecord[] = [];
  for (const record of core.state.meterEvents.values()) {
    const at = record.event.timestamp;
    if (record.meter === meter.id && record.customer === customer && at >= start && at < end)
      found.push(record);
  }
  return found.sort((a, b) => a.sequence - b.sequence);
}

function windowStart(timestamp: number, window: 'day' | 'hour'): number {
  const size = window === 'day' ? 86_400 : 3_600;
  return timestamp - (((timestamp % size) + size) % size);
}

/**
 * A meter's aggregated usage for one customer over [start, end): the sum, count or last value
 * of its events. A pre-aggregated meter (`event_time_window`) keeps only the latest event sent
 * for each window.
 */
export function usageFor(core: Core, meter: Meter, customer: string, start: number, end: number): number {
  let records = eventsIn(core, meter, customer, start, end);
  const window = meter.event_time_window;
  if (window !== null) {
    const latest = new Map<number, MeterEventRecord>();
    for (const record of records) latest.set(windowStart(record.event.timestamp, window), record);
    records = [...latest.values()];
  }
  switch (meter.default_aggregation.formula) {
    case 'count':
      return records.length;
    case 'sum':
      return records.reduce((sum, record) => sum + (record.value ?? 0), 0);
    case 'last': {
      const last = [...records]
        .sort((a, b) => a.event.timestamp - b.event.timestamp || a.sequence - b.sequence)
        .at(-1);
      return last?.value ?? 0;
    }
  }
}

const WINDOW_SECONDS = { minute: 60, hour: 3_600, day: 86_400 } as const;

function assertAligned(value: number, name: string, unit: keyof typeof WINDOW_SECONDS): void {
  if (value % WINDOW_SECONDS[unit] !== 0) {
    const boundary = unit === 'day' ? 'UTC day' : unit;
    throw parameterInvalid(name, `${name} must be aligned with ${boundary} boundaries.`);
  }
}

function summaryId(meter: string, customer: string, start: number, end: number): string {
  return `mtrusg_test_${Buffer.from(`${meter}:${customer}:${start}:${end}`).toString('base64url')}`;
}

/**
 * Event summaries as Stripe lists them: one for the whole range, or with a grouping window one
 * per hour or UTC day that has events, newest first. Times must sit on minute boundaries (hour
 * or day boundaries with that grouping); `end_time` is exclusive.
 */
export function eventSummaries(
  core: Core,
  meter: Meter,
  customer: string,
  range: { start: number; end: number; grouping: 'day' | 'hour' | null },
): MeterEventSummary[] {
  const unit = range.grouping ?? 'minute';
  assertAligned(range.start, 'start_time', unit);
  assertAligned(range.end, 'end_time', unit);
  if (range.end <= range.start) throw parameterInvalid('end_time', 'end_time must be after start_time.');
  const summary = (start: number, end: number): MeterEventSummary => ({
    id: summaryId(meter.id, customer, start, end),
    object: 'billing.meter_event_summary',
    aggregated_value: usageFor(core, meter, customer, start, end),
    end_time: end,
    livemode: false,
    meter: meter.id,
    start_time: start,
  });
  if (range.grouping === null) return [summary(range.start, range.end)];
  const size = WINDOW_SECONDS[range.grouping];
  const windows = new Set<number>();
  for (const record of eventsIn(core, meter, customer, range.start, range.end)) {
    windows.add(windowStart(record.event.timestamp, range.grouping));
  }
  return [...windows].sort((a, b) => b - a).map((start) => summary(start, start + size));
}
