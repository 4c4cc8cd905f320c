import { newId } from '../ids.js';
import type { Logger } from '../log.js';
import type { StripeEvent } from '../objects.js';
import { signatureHeader } from './signature.js';

/** How the events of one batch (everything one action caused) are ordered for delivery. */
export const DELIVERY_ORDERS = ['realistic', 'reversed', 'shuffled'] as const;
export type DeliveryOrder = (typeof DELIVERY_ORDERS)[number];

export interface WebhookTarget {
  endpoint_id: string;
  url: string;
  secret: string;
  api_version: string | null;
}

export interface DeliveryAttempt {
  attempt: number;
  started_at: string;
  signature_timestamp: number;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export type DeliveryStatus = 'pending' | 'retrying' | 'succeeded' | 'failed' | 'canceled';

export interface Delivery {
  id: string;
  event_id: string;
  event_type: string;
  endpoint_id: string;
  url: string;
  /** `true` for deliveries started by the resend control endpoint. */
  resend: boolean;
  status: DeliveryStatus;
  attempts: DeliveryAttempt[];
  next_attempt_at: string | null;
  created_at: string;
}

export interface DispatcherOptions {
  /** Wait before each retry; its length is the number of retries after the first attempt. */
  retryDelaysMs: readonly number[];
  timeoutMs: number;
  order: () => DeliveryOrder;
  log: Logger;
  /** Called once per original delivery that reached its endpoint, to keep `pending_webhooks` true. */
  onDelivered: (eventId: string) => void;
}

const USER_AGENT = 'Stripe/1.0 (+https://stripe.com/docs/webhooks)';
const MAX_KEPT_DELIVERIES = 2000;

interface Job {
  delivery: Delivery;
  target: WebhookTarget;
  payload: string;
}

/**
 * Sends events to webhook endpoints the way Stripe does: asynchronously, one POST per event and
 * endpoint, signed, retried with backoff until a 2xx arrives or the attempts run out. First
 * attempts go out one after another in batch order, so a chosen order is the order of arrival;
 * retries run on their own timers.
 */
export class WebhookDispatcher {
  readonly #options: DispatcherOptions;
  readonly #deliveries: Delivery[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #inFlight = new Set<AbortController>();
  readonly #idleWaiters: (() => void)[] = [];
  #queue: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(options: DispatcherOptions) {
    this.#options = options;
  }

  get maxAttempts(): number {
    return this.#options.retryDelaysMs.length + 1;
  }

  dispatch(events: readonly StripeEvent[], targetsFor: (event: StripeEvent) => WebhookTarget[]): Delivery[] {
    const jobs: Job[] = [];
    for (const event of arrange(events, this.#options.order())) {
      for (const target of targetsFor(event)) jobs.push(this.#job(event, target, false));
    }
    for (const job of jobs) this.#enqueue(job);
    return jobs.map((job) => job.delivery);
  }

  resend(event: StripeEvent, targets: readonly WebhookTarget[]): Delivery[] {
    const jobs = targets.map((target) => this.#job(event, target, true));
    for (const job of jobs) this.#enqueue(job);
    return jobs.map((job) => job.delivery);
  }

  list(): Delivery[] {
    return this.#deliveries.map((d) => structuredClone(d));
  }

  /** Resolves once no delivery is waiting for a first attempt or a retry. */
  idle(): Promise<void> {
    if (!this.#busy()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  close(): void {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const controller of this.#inFlight) controller.abort();
    for (const delivery of this.#deliveries) {
      if (delivery.status === 'pending' || delivery.status === 'retrying') {
        delivery.status = 'canceled';
        delivery.next_attempt_at = null;
      }
    }
    this.#notifyIfIdle();
  }

  #job(event: StripeEvent, target: WebhookTarget, resend: boolean): Job {
    const delivery: Delivery = {
      id: newId('whdel'),
      event_id: event.id,
      event_type: event.type,
      endpoint_id: target.endpoint_id,
      url: target.url,
      resend,
      status: 'pending',
      attempts: [],
      next_attempt_at: null,
      created_at: new Date().toISOString(),
    };
    this.#deliveries.push(delivery);
    if (this.#deliveries.length > MAX_KEPT_DELIVERIES) this.#deliveries.shift();
    // Stripe renders each event in the API version of the endpoint it is sent to. Webhook bodies
    // are pretty-printed JSON, which is why receivers must verify the raw bytes, never a re-encoding.
    const body = { ...event, api_version: target.api_version ?? event.api_version };
    return { delivery, target, payload: JSON.stringify(body, null, 2) };
  }

  #enqueue(job: Job): void {
    this.#queue = this.#queue.then(() => this.#attempt(job)).catch(() => undefined);
  }

  async #attempt(job: Job): Promise<void> {
    const { delivery, target, payload } = job;
    if (this.#closed) return;
    const attempt = delivery.attempts.length + 1;
    const signatureTimestamp = Math.floor(Date.now() / 1000);
    const controller = new AbortController();
    this.#inFlight.add(controller);
    const started = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'User-Agent': USER_AGENT,
          Accept: '*/*; q=0.5, application/xml',
          'Cache-Control': 'no-cache',
          'Stripe-Signature': signatureHeader(payload, target.secret, signatureTimestamp),
        },
        body: payload,
        redirect: 'manual',
        signal: AbortSignal.any([controller.signal, AbortSignal.timeout(this.#options.timeoutMs)]),
      });
      statusCode = response.status;
      await response.arrayBuffer().catch(() => undefined);
    } catch (caught) {
      error = describeFetchError(caught);
    } finally {
      this.#inFlight.delete(controller);
    }
    if (this.#closed) return;
    const durationMs = Math.round(performance.now() - started);
    delivery.attempts.push({
      attempt,
      started_at: new Date().toISOString(),
      signature_timestamp: signatureTimestamp,
      status_code: statusCode,
      error,
      duration_ms: durationMs,
    });
    const succeeded = statusCode !== null && statusCode >= 200 && statusCode < 300;
    const retryIn = succeeded ? undefined : this.#options.retryDelaysMs[attempt - 1];
    if (succeeded) {
      delivery.status = 'succeeded';
      delivery.next_attempt_at = null;
      if (!delivery.resend) this.#options.onDelivered(delivery.event_id);
    } else if (retryIn === undefined) {
      delivery.status = 'failed';
      delivery.next_attempt_at = null;
    } else {
      delivery.status = 'retrying';
      delivery.next_attempt_at = new Date(Date.now() + retryIn).toISOString();
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        void this.#attempt(job);
      }, retryIn);
      this.#timers.add(timer);
    }
    this.#options.log({
      event: 'webhook.attempt',
      delivery_id: delivery.id,
      event_id: delivery.event_id,
      event_type: delivery.event_type,
      url: delivery.url,
      attempt,
      max_attempts: this.maxAttempts,
      status_code: statusCode,
      error,
      duration_ms: durationMs,
      outcome:
        delivery.status === 'succeeded' ? 'succeeded' : delivery.status === 'failed' ? 'failed' : 'retrying',
      retry_in_ms: retryIn ?? null,
    });
    this.#notifyIfIdle();
  }

  #busy(): boolean {
    return this.#deliveries.some((d) => d.status === 'pending' || d.status === 'retrying');
  }

  #notifyIfIdle(): void {
    if (this.#busy()) return;
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }
}

function arrange(events: readonly StripeEvent[], order: DeliveryOrder): StripeEvent[] {
  const list = [...events];
  if (order === 'reversed') return list.reverse();
  if (order === 'shuffled') {
    for (let i = list.length - 1; i > 0; i -= 1) {
      const j = Math.floor(Math.random() * (i + 1));
      const a = list[i];
      const b = list[j];
      if (a !== undefined && b !== undefined) {
        list[i] = b;
        list[j] = a;
      }
    }
  }
  return list;
}

function describeFetchError(caught: unknown): string {
  if (!(caught instanceof Error)) return String(caught);
  if (caught.name === 'TimeoutError') return 'timed out';
  const cause = caught.cause;
  if (cause instanceof Error)
    return 'code' in cause && typeof cause.code === 'string' ? cause.code : cause.message;
  return caught.message;
}
