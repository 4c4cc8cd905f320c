import type Stripe from 'stripe';
import { describe, expect, it, vi } from 'vitest';

vi.mock('firebase-functions/logger', () => ({ write: () => undefined }));

const { lineKind, toInvoiceSummary } = await import('./invoices.js');

const PLANS = { pro: 'price_pro', enterprise: 'price_enterprise' };
const OVERAGE = { pro: 'price_pro_overage', enterprise: 'price_enterprise_overage' };

function invoice(overrides: Partial<Record<keyof Stripe.Invoice, unknown>>): Stripe.Invoice {
  return {
    id: 'in_1',
    number: 'KM-0001',
    created: 1_790_000_000,
    period_start: 1_787_000_000,
    period_end: 1_790_000_000,
    currency: 'usd',
    total: 2_950,
    amount_due: 2_950,
    amount_paid: 2_950,
    status: 'paid',
    hosted_invoice_url: 'http://127.0.0.1:12111/invoices/in_1',
    ...overrides,
  } as unknown as Stripe.Invoice;
}

describe('invoices as the Billing page lists them', () => {
  it('keeps number, dates, amounts, status and the hosted page', () => {
    expect(toInvoiceSummary(invoice({}))).toEqual({
      id: 'in_1',
      number: 'KM-0001',
      created: new Date(1_790_000_000_000).toISOString(),
      period_start: new Date(1_787_000_000_000).toISOString(),
      period_end: new Date(1_790_000_000_000).toISOString(),
      currency: 'usd',
      total: 2_950,
      amount_due: 2_950,
      amount_paid: 2_950,
      status: 'paid',
      hosted_invoice_url: 'http://127.0.0.1:12111/invoices/in_1',
    });
  });

  it('drops a hosted page that is not an http(s) URL, and an invoice of a status it does not know', () => {
    expect(
      toInvoiceSummary(invoice({ hosted_invoice_url: 'javascript:alert(1)' }))?.hosted_invoice_url,
    ).toBeNull();
    expect(toInvoiceSummary(invoice({ hosted_invoice_url: null }))?.hosted_invoice_url).toBeNull();
    expect(toInvoiceSummary(invoice({ status: 'someday' }))).toBeNull();
  });

  it('tells the plan’s lines from its overage and from anything else', () => {
    expect(lineKind('price_pro', PLANS, OVERAGE)).toBe('plan');
    expect(lineKind('price_enterprise_overage', PLANS, OVERAGE)).toBe('overage');
    expect(lineKind('price_setup_fee', PLANS, OVERAGE)).toBe('other');
    expect(lineKind(null, PLANS, OVERAGE)).toBe('other');
  });
});
