import { describe, expect, it } from 'vitest';
import { amountFor, billedQuantity, formatPrice, normalizeDecimal } from './money.js';
import type { Price } from './objects.js';

function price(fields: Partial<Price>): Price {
  return {
    id: 'price_test',
    object: 'price',
    active: true,
    billing_scheme: 'per_unit',
    created: 0,
    currency: 'usd',
    custom_unit_amount: null,
    livemode: false,
    lookup_key: null,
    metadata: {},
    nickname: null,
    product: 'prod_test',
    recurring: {
      interval: 'month',
      interval_count: 1,
      meter: 'mtr_test',
      trial_period_days: null,
      usage_type: 'metered',
    },
    tax_behavior: 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: 'recurring',
    unit_amount: 50,
    unit_amount_decimal: '50',
    ...fields,
  };
}

describe('amounts', () => {
  it('bills packages rounded the way transform_quantity says', () => {
    const up = price({ transform_quantity: { divide_by: 1000, round: 'up' } });
    expect(billedQuantity(up, 0)).toBe(0);
    expect(billedQuantity(up, 1)).toBe(1);
    expect(billedQuantity(up, 12_345)).toBe(13);
    expect(amountFor(up, 12_345)).toBe(650);
    const down = price({ transform_quantity: { divide_by: 1000, round: 'down' } });
    expect(amountFor(down, 12_345)).toBe(600);
    expect(amountFor(down, 999)).toBe(0);
  });

  it('multiplies decimal unit amounts exactly and rounds the total half up', () => {
    const tenth = price({ unit_amount: null, unit_amount_decimal: '0.1' });
    // 0.1 × 3 in floating point is 0.30000000000000004; exact arithmetic gives 0.3 → 0.
    expect(amountFor(tenth, 3)).toBe(0);
    expect(amountFor(tenth, 5)).toBe(1);
    expect(amountFor(tenth, 14)).toBe(1);
    expect(amountFor(tenth, 15)).toBe(2);
    const fine = price({ unit_amount: null, unit_amount_decimal: '0.000123456789' });
    expect(amountFor(fine, 10_000_000_000)).toBe(1_234_568);
  });

  it('normalizes decimal amounts without changing their value', () => {
    expect(normalizeDecimal('2900')).toBe('2900');
    expect(normalizeDecimal('0050.500')).toBe('50.5');
    expect(normalizeDecimal('12.000')).toBe('12');
    expect(normalizeDecimal('0.05')).toBe('0.05');
  });

  it('bills nothing for negative usage', () => {
    expect(amountFor(price({}), -40)).toBe(0);
  });

  it('describes metered and package prices', () => {
    expect(formatPrice(price({ transform_quantity: { divide_by: 1000, round: 'up' } }))).toBe(
      '$0.50 per 1000 units / month, billed on usage',
    );
    expect(
      formatPrice(price({ recurring: null, type: 'one_time', unit_amount: 500, unit_amount_decimal: '500' })),
    ).toBe('$5.00');
  });
});
