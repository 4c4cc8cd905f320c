import { planFromPrice } from './catalog.js';
import type { Price } from './objects.js';
import type { State } from './state.js';

/** Sets each field `target` lacks to the given value; fields it has are never touched. */
function fill(target: object, defaults: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(defaults)) {
    if (!(key in target)) Object.assign(target, { [key]: structuredClone(value) });
  }
}

function upgradePrice(price: Price): void {
  fill(price, { transform_quantity: null });
  if (price.recurring !== null) fill(price.recurring, { meter: null, usage_type: 'licensed' });
}

/**
 * Brings objects from a data file written by an earlier stand-in up to today's shapes, so a
 * kept `.emulator-data/` still serves every field the SDK requires. Only missing fields are
 * added, with the values the stand-in gives new objects; events keep the snapshot they were
 * sent with, as Stripe's do.
 */
export function upgradeState(state: State): void {
  for (const price of state.prices.values()) upgradePrice(price);
  for (const product of state.products.values()) fill(product, { tax_details: null });
  for (const subscription of state.subscriptions.values()) {
    fill(subscription, { billing_schedules: [], customer_account: null, managed_payments: null });
    fill(subscription.cancellation_details, { feedback_option: null });
    fill(subscription.invoice_settings, { custom_fields: null, description: null, footer: null });
    fill(subscription.trial_settings.end_behavior, { billing_cycle_anchor: null });
    for (const item of subscription.items.data) {
      fill(item, { current_trial: null });
      upgradePrice(item.price);
      item.plan = planFromPrice(item.price);
    }
  }
  for (const invoice of state.invoices.values()) {
    fill(invoice, {
      account_tax_ids: null,
      automatically_finalizes_at: null,
      custom_fields: null,
      customer_account: null,
      customer_address: null,
      customer_phone: null,
      customer_shipping: null,
      customer_tax_exempt: 'none',
      default_source: null,
      default_tax_rates: [],
      footer: null,
      from_invoice: null,
      latest_revision: null,
      payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
      post_payment_credit_notes_amount: 0,
      pre_payment_credit_notes_amount: 0,
      receipt_number: null,
      rendering: null,
      shipping_cost: null,
      shipping_details: null,
      statement_descriptor: null,
      total_pretax_credit_amounts: [],
      total_taxes: [],
    });
    for (const line of invoice.lines.data) {
      fill(line, {
        pretax_credit_amounts: [],
        quantity_decimal: String(line.quantity),
        subtotal: line.amount,
      });
      upgradePrice(line.price);
    }
  }
  for (const record of state.checkoutSessions.values()) {
    const { session } = record;
    fill(session, {
      adaptive_pricing: null,
      after_expiration: null,
      allowed_payment_method_types: null,
      automatic_tax: { enabled: false, liability: null, provider: null, status: null },
      collected_information: null,
      consent: null,
      consent_collection: null,
      currency_conversion: null,
      custom_fields: [],
      custom_text: {
        after_submit: null,
        shipping_address: null,
        submit: null,
        terms_of_service_acceptance: null,
      },
      customer_account: null,
      discounts: [],
      integration_identifier: null,
      invoice_creation: null,
      managed_payments: null,
      origin_context: null,
      payment_method_configuration_details: null,
      payment_method_options: {},
      permissions: null,
      recovered_from: null,
      saved_payment_method_options: null,
      setup_intent: null,
      shipping_address_collection: null,
      shipping_cost: null,
      shipping_options: [],
      wallet_options: null,
    });
    // The version this stand-in speaks renamed `hosted` to `hosted_page`.
    session.ui_mode = 'hosted_page';
    if (session.customer_details !== null) {
      fill(session.customer_details, { business_name: null, individual_name: null });
    }
    fill(record, { payment_intent_data: { metadata: {}, description: null } });
    for (const item of record.line_items) {
      fill(item, { adjustable_quantity: null, metadata: {} });
      upgradePrice(item.price);
    }
  }
  for (const session of state.portalSessions.values()) fill(session, { customer_account: null });
}
