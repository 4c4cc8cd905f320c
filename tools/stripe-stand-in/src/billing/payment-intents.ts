import { resourceMissing } from '../api/errors.js';
import type { Core } from '../core.js';
import { newId } from '../ids.js';
import type { Metadata, PaymentIntent } from '../objects.js';

export function getPaymentIntent(core: Core, id: string, param = 'intent'): PaymentIntent {
  const intent = core.state.paymentIntents.get(id);
  if (intent === undefined) throw resourceMissing('payment_intent', id, param);
  return intent;
}

export interface SucceededPayment {
  amount: number;
  currency: string;
  customer: string | null;
  description: string | null;
  receiptEmail: string | null;
  metadata: Metadata;
}

/**
 * A card payment that succeeds at once, as a payment-mode Checkout's does: the intent is
 * created already confirmed, and only `payment_intent.succeeded` is sent. No charge object is
 * modelled, so `latest_charge` stays `null`.
 */
export function createSucceededPaymentIntent(core: Core, payment: SucceededPayment): PaymentIntent {
  const intent: PaymentIntent = {
    id: newId('pi', 24),
    object: 'payment_intent',
    allowed_payment_method_types: null,
    amount: payment.amount,
    amount_capturable: 0,
    amount_received: payment.amount,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic',
    client_secret: null,
    confirmation_method: 'automatic',
    created: core.clock.now(),
    currency: payment.currency,
    customer: payment.customer,
    customer_account: null,
    description: payment.description,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: { ...payment.metadata },
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: null,
    payment_method_types: ['card'],
    payment_record: null,
    processing: null,
    receipt_email: payment.receiptEmail,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'succeeded',
    transfer_group: null,
  };
  core.state.paymentIntents.set(intent.id, intent);
  core.events.emit('payment_intent.succeeded', intent);
  return intent;
}
