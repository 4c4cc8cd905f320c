import { runDueWork } from './billing/clock.js';
import type { Clock } from './clock.js';
import { AUTOMATIC, EventLog, type EventOrigin } from './events.js';
import type { Logger } from './log.js';
import type { DataFile } from './persistence.js';
import type { State } from './state.js';
import { type DeliveryOrder, WebhookDispatcher, type WebhookTarget } from './webhooks/dispatcher.js';

export interface DunningSettings {
  /** Wait after each failed charge before the next attempt; after the last, the subscription ends. */
  retryDelaysSeconds: readonly number[];
  /** What happens when every attempt has failed: Stripe's default cancels the subscription. */
  afterFinalFailure: 'cancel' | 'unpaid';
}

export interface CoreConfig {
  apiVersion: string;
  publicUrl: string;
  businessName: string;
  checkoutSessionTtlSeconds: number;
  dunning: DunningSettings;
}

export interface CoreOptions {
  state: State;
  clock: Clock;
  config: CoreConfig;
  log: Logger;
  dataFile: DataFile | undefined;
  webhooks: { retryDelaysMs: readonly number[]; timeoutMs: number; order: DeliveryOrder };
}

/**
 * The stand-in's model of a Stripe account: its objects, its clock, its events and where those
 * events go. Every change goes through `run`, which delivers the events the change produced as
 * one batch and schedules a save.
 */
export const API_OUTAGES = ['none', 'unreachable', 'server_error'] as const;
export type ApiOutage = (typeof API_OUTAGES)[number];

export class Core {
  readonly state: State;
  readonly clock: Clock;
  readonly config: CoreConfig;
  readonly log: Logger;
  readonly events: EventLog;
  readonly dispatcher: WebhookDispatcher;
  deliveryOrder: DeliveryOrder;
  /**
   * A simulated Stripe outage for `/v1` (the hosted pages and controls keep working):
   * `unreachable` drops each connection unanswered, `server_error` answers 500 `api_error`.
   */
  apiOutage: ApiOutage = 'none';
  readonly #dataFile: DataFile | undefined;

  constructor(options: CoreOptions) {
    this.state = options.state;
    this.clock = options.clock;
    this.config = options.config;
    this.log = options.log;
    this.#dataFile = options.dataFile;
    this.deliveryOrder = options.webhooks.order;
    this.events = new EventLog(
      this.state,
      this.clock,
      this.config.apiVersion,
      (type) => this.targetsFor(type).length,
    );
    this.dispatcher = new WebhookDispatcher({
      retryDelaysMs: options.webhooks.retryDelaysMs,
      timeoutMs: options.webhooks.timeoutMs,
      order: () => this.deliveryOrder,
      log: this.log,
      onDelivered: (eventId) => {
        const event = this.state.events.get(eventId);
        if (event !== undefined && event.pending_webhooks > 0) event.pending_webhooks -= 1;
      },
    });
  }

  /**
   * Runs one change on behalf of `origin`. Work that fell due while the clock ran (a renewal, an
   * expired checkout) happens first, as it would have at Stripe before this request arrived.
   */
  run<T>(origin: EventOrigin, change: () => T): T {
    this.catchUp();
    this.events.origin = origin;
    try {
      return change();
    } finally {
      this.events.origin = AUTOMATIC;
      this.publish();
    }
  }

  catchUp(): void {
    runDueWork(this, this.clock.now());
  }

  /** Hands the events created so far to the dispatcher and schedules a save. */
  publish(): void {
    const batch = this.events.takePending();
    if (batch.length > 0) this.dispatcher.dispatch(batch, (event) => this.targetsFor(event.type));
    this.state.clockOffsetSeconds = this.clock.offsetSeconds;
    this.#dataFile?.scheduleSave(this.state);
  }

  targetsFor(type: string): WebhookTarget[] {
    const targets: WebhookTarget[] = [];
    for (const { endpoint, secret } of this.state.webhookEndpoints.values()) {
      if (endpoint.status !== 'enabled') continue;
      if (!endpoint.enabled_events.includes('*') && !endpoint.enabled_events.includes(type)) continue;
      targets.push({
        endpoint_id: endpoint.id,
        url: endpoint.url,
        secret,
        api_version: endpoint.api_version,
      });
    }
    return targets;
  }

  close(): void {
    this.dispatcher.close();
    this.state.clockOffsetSeconds = this.clock.offsetSeconds;
    if (this.#dataFile !== undefined) {
      this.#dataFile.scheduleSave(this.state);
      this.#dataFile.flush();
    }
  }
}
