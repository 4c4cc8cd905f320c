import { describe, expect, it, vi } from 'vitest';

vi.mock('firebase-functions/logger', () => ({ write: () => undefined }));

const { packForPrice, packSaleOf } = await import('./credit-purchase.js');

const PRICES = { '10k': 'price_credits_10k', '100k': 'price_credits_100k' } as const;

function session(overrides: Record<string, unknown> = {}, line: Record<string, unknown> = {}) {
  return {
    mode: 'payment',
    status: 'complete',
    payment_status: 'paid',
    amount_total: 500,
    line_items: {
      has_more: false,
      data: [{ price: { id: 'price_credits_10k' }, quantity: 1, amount_total: 500, ...line }],
    },
    ...overrides,
  };
}

describe('credit packs: what a paid session sold', () => {
  it('credits the units of the pack whose price Stripe reports, times the quantity, at the amount paid', () => {
    expect(packSaleOf(session(), PRICES)).toEqual({
      ok: true,
      sale: { pack: '10k', price: 'price_credits_10k', units: 10_000, amountCents: 500 },
    });
    expect(
      packSaleOf(
        session(
          { amount_total: 8_000 },
          { price: { id: 'price_credits_100k' }, quantity: 2, amount_total: 8_000 },
        ),
        PRICES,
      ),
    ).toEqual({
      ok: true,
      sale: { pack: '100k', price: 'price_credits_100k', units: 200_000, amountCents: 8_000 },
    });
  });

  it('maps prices to packs from the configuration, not from anything the session carries', () => {
    expect(packForPrice('price_credits_100k', PRICES)).toBe('100k');
    expect(packForPrice('price_keymeter_pro_monthly', PRICES)).toBeNull();
  });
});

describe('credit packs: sessions that credit nothing', () => {
  it('waits for the payment of a session not paid yet (a delayed payment method)', () => {
    expect(packSaleOf(session({ payment_status: 'unpaid' }), PRICES)).toEqual({
      ok: false,
      reason: 'not_paid',
    });
    expect(packSaleOf(session({ status: 'open' }), PRICES)).toEqual({ ok: false, reason: 'not_paid' });
    expect(packSaleOf(session({ status: 'expired', payment_status: 'unpaid' }), PRICES)).toEqual({
      ok: false,
      reason: 'not_paid',
    });
  });

  it('refuses what is not exactly one credit pack line', () => {
    const refused = { ok: false, reason: 'not_a_credit_pack' };
    expect(packSaleOf(session({ mode: 'subscription' }), PRICES)).toEqual(refused);
    expect(packSaleOf(session({}, { price: { id: 'price_other' } }), PRICES)).toEqual(refused);
    expect(packSaleOf(session({}, { price: null }), PRICES)).toEqual(refused);
    expect(packSaleOf(session({}, { quantity: 0 }), PRICES)).toEqual(refused);
    expect(packSaleOf(session({}, { quantity: null }), PRICES)).toEqual(refused);
    expect(packSaleOf(session({ line_items: undefined }), PRICES)).toEqual(refused);
    const two = session();
    two.line_items.data.push({ price: { id: 'price_credits_10k' }, quantity: 1, amount_total: 500 });
    expect(packSaleOf(two, PRICES)).toEqual(refused);
    expect(
      packSaleOf(session({ line_items: { has_more: true, data: session().line_items.data } }), PRICES),
    ).toEqual(refused);
  });
});
