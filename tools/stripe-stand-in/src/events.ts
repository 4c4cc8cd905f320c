import { newId } from './ids.js';
import type { Clock } from './clock.js';
import type { EventObject, StripeEvent } from './objects.js';
import type { State } from './state.js';

/** The API request that caused an event, as Stripe records it on `event.request`. */
export interface EventOrigin {
  id: string | null;
  idempotency_key: string | null;
}

/** Events caused by time passing or by a person on a hosted page rather than by an API call. */
export const AUTOMATIC: EventOrigin = { id: null, idempotency_key: null };

/**
 * Creates events with a snapshot of the object as it is at that moment, stores them, and holds
 * them until the operation that produced them has finished so they are delivered as one batch.
 */
export class EventLog {
  origin: EventOrigin = AUTOMATIC;
  #pending: StripeEvent[] = [];
  readonly #state: State;
  readonly #clock: Clock;
  readonly #apiVersion: string;
  readonly #endpointCount: (type: string) => number;

  constructor(state: State, clock: Clock, apiVersion: string, endpointCount: (type: string) => number) {
    this.#state = state;
    this.#clock = clock;
    this.#apiVersion = apiVersion;
    this.#endpointCount = endpointCount;
  }

  emit(type: string, object: EventObject, previousAttributes?: Record<string, unknown>): StripeEvent {
    const event: StripeEvent = {
      id: newId('evt'),
      object: 'event',
      api_version: this.#apiVersion,
      created: this.#clock.now(),
      data: {
        object: structuredClone(object),
        ...(previousAttributes === undefined
          ? {}
          : { previous_attributes: structuredClone(previousAttributes) }),
      },
      livemode: false,
      pending_webhooks: this.#endpointCount(type),
      request: { ...this.origin },
      type,
    };
    this.#state.events.set(event.id, event);
    this.#pending.push(event);
    return event;
  }

  takePending(): StripeEvent[] {
    const batch = this.#pending;
    this.#pending = [];
    return batch;
  }
}

/** The fields of `after` that differ from `before`, with their old values: `previous_attributes`. */
export function changedAttributes(before: object, after: object): Record<string, unknown> | undefined {
  const previous: Record<string, unknown> = {};
  const old = new Map(Object.entries(before));
  for (const [key, value] of Object.entries(after)) {
    const was = old.get(key);
    if (JSON.stringify(was) !== JSON.stringify(value)) previous[key] = was === undefined ? null : was;
  }
  return Object.keys(previous).length === 0 ? undefined : previous;
}
