import type {
  CheckoutLineItem,
  CheckoutSession,
  Customer,
  DeletedCustomer,
  Invoice,
  Metadata,
  Meter,
  MeterEvent,
  PaymentIntent,
  PortalSession,
  Price,
  Product,
  StripeEvent,
  Subscription,
  WebhookEndpoint,
} from './objects.js';

export interface CheckoutSessionRecord {
  session: CheckoutSession;
  line_items: CheckoutLineItem[];
  subscription_data: { metadata: Metadata; trial_period_days: number | null; description: string | null };
  /** Payment mode: copied onto the payment intent. */
  payment_intent_data: { metadata: Metadata; description: string | null };
}

export type PaymentOutcome = 'succeed' | 'fail';

/** What the stand-in knows about a subscription that Stripe does not show on the object. */
export interface SubscriptionControl {
  /** Whether future charges (renewals, retries) succeed; set by the control API or checkout. */
  payment_outcome: PaymentOutcome;
  /** How many billing periods have started since `billing_cycle_anchor`. */
  period_index: number;
  /**
   * When each metered item's usage started to count: its creation, or its last price change
   * (a classic-mode subscription bills a switched meter price only for usage after the switch).
   */
  usage_since?: Record<string, number>;
}

/** A meter event as ingested: the meter and customer it resolved to and its numeric value. */
export interface MeterEventRecord {
  event: MeterEvent;
  meter: string;
  customer: string;
  /** `null` for a `count` meter's event that carries no value. */
  value: number | null;
  /** Arrival order, which decides "latest" between events with the same timestamp. */
  sequence: number;
}

export interface WebhookEndpointRecord {
  endpoint: WebhookEndpoint;
  secret: string;
  /** Endpoints from flags are recreated on every start and never persisted. */
  source: 'config' | 'api';
}

export interface IdempotencyRecord {
  key: string;
  endpoint: string;
  fingerprint: string;
  status: number;
  body: string;
  request_id: string;
  stored_at_ms: number;
}

/** Everything the stand-in holds, keyed by id, in creation order. */
export class State {
  readonly customers = new Map<string, Customer | DeletedCustomer>();
  readonly products = new Map<string, Product>();
  readonly prices = new Map<string, Price>();
  readonly subscriptions = new Map<string, Subscription>();
  readonly subscriptionControls = new Map<string, SubscriptionControl>();
  readonly invoices = new Map<string, Invoice>();
  readonly meters = new Map<string, Meter>();
  /** Keyed by identifier: identifiers are never forgotten, so a duplicate is refused forever. */
  readonly meterEvents = new Map<string, MeterEventRecord>();
  readonly paymentIntents = new Map<string, PaymentIntent>();
  readonly checkoutSessions = new Map<string, CheckoutSessionRecord>();
  readonly portalSessions = new Map<string, PortalSession>();
  readonly events = new Map<string, StripeEvent>();
  readonly webhookEndpoints = new Map<string, WebhookEndpointRecord>();
  readonly idempotency = new Map<string, IdempotencyRecord>();
  clockOffsetSeconds = 0;
  /** Ids the catalog seeded at this start; `reset` keeps these and drops API-created ones. */
  readonly catalogIds = new Set<string>();

  liveCustomer(id: string): Customer | undefined {
    const customer = this.customers.get(id);
    return customer === undefined || 'deleted' in customer ? undefined : customer;
  }

  /** Drops every object except the catalog and the endpoints configured by flags. */
  reset(): void {
    for (const map of [this.products, this.prices, this.meters]) {
      for (const id of map.keys()) if (!this.catalogIds.has(id)) map.delete(id);
    }
    this.meterEvents.clear();
    this.paymentIntents.clear();
    this.customers.clear();
    this.subscriptions.clear();
    this.subscriptionControls.clear();
    this.invoices.clear();
    this.checkoutSessions.clear();
    this.portalSessions.clear();
    this.events.clear();
    this.idempotency.clear();
    for (const [id, record] of this.webhookEndpoints) {
      if (record.source === 'api') this.webhookEndpoints.delete(id);
    }
  }
}
