import type {
  CheckoutLineItem,
  CheckoutSession,
  Customer,
  DeletedCustomer,
  Invoice,
  Metadata,
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
}

export type PaymentOutcome = 'succeed' | 'fail';

/** What the stand-in knows about a subscription that Stripe does not show on the object. */
export interface SubscriptionControl {
  /** Whether future charges (renewals, retries) succeed; set by the control API or checkout. */
  payment_outcome: PaymentOutcome;
  /** How many billing periods have started since `billing_cycle_anchor`. */
  period_index: number;
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
  readonly checkoutSessions = new Map<string, CheckoutSessionRecord>();
  readonly portalSessions = new Map<string, PortalSession>();
  readonly events = new Map<string, StripeEvent>();
  readonly webhookEndpoints = new Map<string, WebhookEndpointRecord>();
  readonly idempotency = new Map<string, IdempotencyRecord>();
  clockOffsetSeconds = 0;

  liveCustomer(id: string): Customer | undefined {
    const customer = this.customers.get(id);
    return customer === undefined || 'deleted' in customer ? undefined : customer;
  }

  /** Drops every object except the catalog and the endpoints configured by flags. */
  reset(): void {
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
