import { getCustomer } from '../billing/customers.js';
import {
  createMeter,
  eventSummaries,
  getMeter,
  recordMeterEvent,
  setMeterStatus,
  updateMeter,
} from '../billing/meters.js';
import { invalidRequest, parameterInvalid, parameterMissing } from './errors.js';
import { LIST_PAGINATION, newestFirst, paginate } from './list.js';
import { readEnum, readHash, readInteger, readString, requireString } from './params.js';
import { type ApiContext, pathParam, route } from './route.js';

const FORMULAS = ['count', 'last', 'sum'] as const;
const WINDOWS = ['day', 'hour'] as const;

function requireBounded(context: ApiContext, key: string, max: number): string {
  const value = requireString(context.params, key);
  if (value.length > max) throw parameterInvalid(key, `${key} must be at most ${max} characters long.`);
  return value;
}

function createFromParams(context: ApiContext): unknown {
  const { params } = context;
  context.check({
    supported: [
      'display_name',
      'event_name',
      'default_aggregation',
      'customer_mapping',
      'value_settings',
      'event_time_window',
    ],
  });
  const displayName = requireBounded(context, 'display_name', 250);
  const eventName = requireBounded(context, 'event_name', 100);
  const aggregation = readHash(params, 'default_aggregation');
  if (aggregation === undefined) throw parameterMissing('default_aggregation');
  context.check({ supported: ['formula'] }, aggregation, 'default_aggregation');
  const formula = readEnum(aggregation, 'formula', FORMULAS, 'default_aggregation');
  if (formula === undefined) throw parameterMissing('default_aggregation[formula]');

  let customerPayloadKey = 'stripe_customer_id';
  const mapping = readHash(params, 'customer_mapping');
  if (mapping !== undefined) {
    context.check({ supported: ['event_payload_key', 'type'] }, mapping, 'customer_mapping');
    customerPayloadKey = requireString(mapping, 'event_payload_key', 'customer_mapping');
    if (readEnum(mapping, 'type', ['by_id'] as const, 'customer_mapping') === undefined) {
      throw parameterMissing('customer_mapping[type]');
    }
  }
  let valuePayloadKey = 'value';
  const valueSettings = readHash(params, 'value_settings');
  if (valueSettings !== undefined) {
    context.check({ supported: ['event_payload_key'] }, valueSettings, 'value_settings');
    valuePayloadKey = requireString(valueSettings, 'event_payload_key', 'value_settings');
  }
  if (customerPayloadKey === valuePayloadKey) {
    throw invalidRequest(
      'customer_mapping[event_payload_key] and value_settings[event_payload_key] must differ.',
      'value_settings[event_payload_key]',
    );
  }
  return createMeter(context.core, {
    displayName,
    eventName,
    formula,
    customerPayloadKey,
    valuePayloadKey,
    eventTimeWindow: readEnum(params, 'event_time_window', WINDOWS) ?? null,
  });
}

function readPayload(context: ApiContext): Record<string, string> {
  const payload = readHash(context.params, 'payload');
  if (payload === undefined) throw parameterMissing('payload');
  const entries: Record<string, string> = {};
  for (const key of Object.keys(payload)) {
    const value = readString(payload, key, 'payload');
    if (value !== undefined) entries[key] = value;
  }
  return entries;
}

function createEvent(context: ApiContext): unknown {
  const { params } = context;
  context.check({ supported: ['event_name', 'payload', 'identifier', 'timestamp'] });
  const eventName = requireBounded(context, 'event_name', 100);
  const payload = readPayload(context);
  const identifier = readString(params, 'identifier');
  if (identifier !== undefined && (identifier === '' || identifier.length > 100)) {
    throw parameterInvalid('identifier', 'identifier must be between 1 and 100 characters long.');
  }
  return recordMeterEvent(context.core, {
    eventName,
    payload,
    identifier: identifier ?? null,
    timestamp: readInteger(params, 'timestamp', { min: 0 }) ?? null,
  });
}

function summaries(context: ApiContext): unknown {
  const { core, params } = context;
  context.check({
    supported: ['customer', 'start_time', 'end_time', 'value_grouping_window', ...LIST_PAGINATION],
  });
  const id = pathParam(context, 'id');
  const meter = getMeter(core, id);
  const customer = getCustomer(core, requireString(params, 'customer'), 'customer');
  const start = readInteger(params, 'start_time', { min: 0 });
  if (start === undefined) throw parameterMissing('start_time');
  const end = readInteger(params, 'end_time', { min: 0 });
  if (end === undefined) throw parameterMissing('end_time');
  const data = eventSummaries(core, meter, customer.id, {
    start,
    end,
    grouping: readEnum(params, 'value_grouping_window', WINDOWS) ?? null,
  });
  return paginate(data, params, `/v1/billing/meters/${id}/event_summaries`, 'billing.meter_event_summary');
}

export const meterRoutes = [
  route('POST', '/billing/meters', createFromParams),

  route('GET', '/billing/meters', (context) => {
    context.check({ supported: ['status', ...LIST_PAGINATION] });
    const status = readEnum(context.params, 'status', ['active', 'inactive'] as const);
    const meters = newestFirst(context.core.state.meters.values()).filter(
      (meter) => status === undefined || meter.status === status,
    );
    return paginate(meters, context.params, '/v1/billing/meters', 'billing.meter');
  }),

  route('GET', '/billing/meters/:id', (context) => {
    context.check({ supported: [] });
    return getMeter(context.core, pathParam(context, 'id'));
  }),

  route('POST', '/billing/meters/:id', (context) => {
    context.check({ supported: ['display_name'] });
    const displayName = readString(context.params, 'display_name');
    if (displayName === '') throw parameterInvalid('display_name', 'display_name cannot be empty.');
    return updateMeter(context.core, getMeter(context.core, pathParam(context, 'id')), displayName);
  }),

  route('POST', '/billing/meters/:id/deactivate', (context) => {
    context.check({ supported: [] });
    return setMeterStatus(context.core, getMeter(context.core, pathParam(context, 'id')), 'inactive');
  }),

  route('POST', '/billing/meters/:id/reactivate', (context) => {
    context.check({ supported: [] });
    return setMeterStatus(context.core, getMeter(context.core, pathParam(context, 'id')), 'active');
  }),

  route('GET', '/billing/meters/:id/event_summaries', summaries),

  route('POST', '/billing/meter_events', createEvent),
];
