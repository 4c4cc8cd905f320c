/**
 * The stand-in's object types checked against the stripe SDK's own declarations for the pinned
 * API version: each line stops `npm run typecheck` when a type lacks a field the SDK marks as
 * required (at any depth) or uses an enum value the SDK does not know.
 */
import type Stripe from 'stripe';
import type * as Ours from '../src/objects.js';

type Equals<A, B> = (<G>() => G extends A ? 1 : 2) extends <G>() => G extends B ? 1 : 2 ? true : false;

/**
 * An SDK type as it is on the wire, with its enums closed: the SDK turns decimal strings into
 * `Stripe.Decimal`, and adds "any other string" to each enum so that newer values parse, which
 * would let a value this API version does not know (a renamed `ui_mode`) pass unnoticed.
 */
export type Wire<T> = T extends string
  ? Equals<T, string> extends true
    ? T
    : string extends T
      ? never
      : T
  : T extends number | boolean | null | undefined
    ? T
    : T extends Stripe.Decimal
      ? string
      : T extends readonly (infer U)[]
        ? Wire<U>[]
        : T extends object
          ? { [K in keyof T]: Wire<T[K]> }
          : T;

/** Compiles only when `Mine` can stand wherever the SDK's `Theirs` is expected. */
export type Conforms<Mine extends Wire<Theirs>, Theirs> = [Mine, Theirs];

export type ObjectShapes = [
  Conforms<Ours.Customer, Stripe.Customer>,
  Conforms<Ours.DeletedCustomer, Stripe.DeletedCustomer>,
  Conforms<Ours.Product, Stripe.Product>,
  Conforms<Ours.Price, Stripe.Price>,
  Conforms<Ours.Plan, Stripe.Plan>,
  Conforms<Ours.Subscription, Stripe.Subscription>,
  Conforms<Ours.SubscriptionItem, Stripe.SubscriptionItem>,
  Conforms<Ours.Invoice, Stripe.Invoice>,
  Conforms<Ours.InvoiceLineItem, Stripe.InvoiceLineItem>,
  Conforms<Ours.CheckoutSession, Stripe.Checkout.Session>,
  Conforms<Ours.CheckoutLineItem, Stripe.LineItem>,
  Conforms<Ours.PortalSession, Stripe.BillingPortal.Session>,
  Conforms<Ours.PaymentIntent, Stripe.PaymentIntent>,
  Conforms<Ours.WebhookEndpoint, Stripe.WebhookEndpoint>,
  Conforms<Ours.Meter, Stripe.Billing.Meter>,
  Conforms<Ours.MeterEvent, Stripe.Billing.MeterEvent>,
  Conforms<Ours.MeterEventSummary, Stripe.Billing.MeterEventSummary>,
];
