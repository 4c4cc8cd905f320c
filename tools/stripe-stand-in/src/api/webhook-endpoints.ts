import type { Core } from '../core.js';
import { newId, newWebhookSecret } from '../ids.js';
import type { WebhookEndpoint } from '../objects.js';
import type { WebhookEndpointRecord } from '../state.js';
import { invalidRequest, parameterMissing, resourceMissing } from './errors.js';
import { LIST_PAGINATION, newestFirst, paginate } from './list.js';
import {
  applyMetadata,
  readBoolean,
  readMetadata,
  readNullableString,
  readString,
  readStringArray,
  type Params,
} from './params.js';
import { pathParam, route } from './route.js';

const EVENT_TYPE = /^(\*|[a-z_]+(\.[a-z_]+)+)$/;
const API_VERSION = /^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/;

function readEndpointUrl(params: Params): string | undefined {
  const url = readString(params, 'url');
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw invalidRequest(`Invalid URL: ${url}`, 'url', 'url_invalid');
  }
  return url;
}

function readEnabledEvents(params: Params): string[] | undefined {
  const events = readStringArray(params, 'enabled_events');
  if (events === undefined) return undefined;
  events.forEach((type, index) => {
    if (!EVENT_TYPE.test(type))
      throw invalidRequest(`Invalid enabled_events[${index}]: ${type}`, `enabled_events[${index}]`);
  });
  return events;
}

/** Registers an endpoint; flags and `POST /v1/webhook_endpoints` both come through here. */
export function addWebhookEndpoint(
  core: Core,
  input: {
    url: string;
    enabledEvents: string[];
    secret?: string;
    apiVersion?: string | null;
    description?: string | null;
  },
  source: WebhookEndpointRecord['source'],
): WebhookEndpointRecord {
  const endpoint: WebhookEndpoint = {
    id: newId('we'),
    object: 'webhook_endpoint',
    api_version: input.apiVersion ?? null,
    application: null,
    created: core.clock.now(),
    description: input.description ?? null,
    enabled_events: input.enabledEvents,
    livemode: false,
    metadata: {},
    status: 'enabled',
    url: input.url,
  };
  const record: WebhookEndpointRecord = { endpoint, secret: input.secret ?? newWebhookSecret(), source };
  core.state.webhookEndpoints.set(endpoint.id, record);
  return record;
}

function getEndpoint(core: Core, id: string): WebhookEndpointRecord {
  const record = core.state.webhookEndpoints.get(id);
  if (record === undefined) throw resourceMissing('webhook_endpoint', id);
  return record;
}

export const webhookEndpointRoutes = [
  route('POST', '/webhook_endpoints', (context) => {
    context.check({
      supported: ['url', 'enabled_events', 'api_version', 'description', 'metadata'],
      ignored: ['connect'],
    });
    const { params } = context;
    const url = readEndpointUrl(params);
    if (url === undefined) throw parameterMissing('url');
    const enabledEvents = readEnabledEvents(params);
    if (enabledEvents === undefined || enabledEvents.length === 0) throw parameterMissing('enabled_events');
    const apiVersion = readString(params, 'api_version');
    if (apiVersion !== undefined && !API_VERSION.test(apiVersion))
      throw invalidRequest(`Invalid api_version: ${apiVersion}`, 'api_version');
    const record = addWebhookEndpoint(
      context.core,
      {
        url,
        enabledEvents,
        apiVersion: apiVersion ?? null,
        description: readString(params, 'description') ?? null,
      },
      'api',
    );
    record.endpoint.metadata = applyMetadata({}, readMetadata(params, 'metadata'));
    // The secret is shown once, in the response to the create call, as at Stripe.
    return { ...record.endpoint, secret: record.secret };
  }),

  route('GET', '/webhook_endpoints', (context) => {
    context.check({ supported: [...LIST_PAGINATION] });
    const endpoints = newestFirst(
      [...context.core.state.webhookEndpoints.values()].map((record) => record.endpoint),
    );
    return paginate(endpoints, context.params, '/v1/webhook_endpoints', 'webhook_endpoint');
  }),

  route('GET', '/webhook_endpoints/:id', (context) => {
    context.check({ supported: [] });
    return getEndpoint(context.core, pathParam(context, 'id')).endpoint;
  }),

  route('POST', '/webhook_endpoints/:id', (context) => {
    context.check({ supported: ['url', 'enabled_events', 'disabled', 'description', 'metadata'] });
    const { endpoint } = getEndpoint(context.core, pathParam(context, 'id'));
    const url = readEndpointUrl(context.params);
    const enabledEvents = readEnabledEvents(context.params);
    const disabled = readBoolean(context.params, 'disabled');
    const description = readNullableString(context.params, 'description');
    if (url !== undefined) endpoint.url = url;
    if (enabledEvents !== undefined && enabledEvents.length > 0) endpoint.enabled_events = enabledEvents;
    if (disabled !== undefined) endpoint.status = disabled ? 'disabled' : 'enabled';
    if (description !== undefined) endpoint.description = description;
    endpoint.metadata = applyMetadata(endpoint.metadata, readMetadata(context.params, 'metadata'));
    return endpoint;
  }),

  route('DELETE', '/webhook_endpoints/:id', (context) => {
    context.check({ supported: [] });
    const id = pathParam(context, 'id');
    getEndpoint(context.core, id);
    context.core.state.webhookEndpoints.delete(id);
    return { id, object: 'webhook_endpoint', deleted: true };
  }),
];
