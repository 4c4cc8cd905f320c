import { describe, expect, it, vi } from 'vitest';

vi.mock('firebase-functions/logger', () => ({ write: () => undefined }));

const { overageItemChange } = await import('./overage-item.js');

const OVERAGE = { pro: 'price_pro_overage', enterprise: 'price_enterprise_overage' };
const item = (id: string, price: string) => ({ id, price: { id: price } });

describe('the overage item of a subscription', () => {
  it('leaves a subscription that has the plan’s overage price alone', () => {
    expect(
      overageItemChange([item('si_1', 'price_pro'), item('si_2', 'price_pro_overage')], 'pro', OVERAGE),
    ).toBeNull();
  });

  it('adds the plan’s overage price to a subscription made before overage existed', () => {
    expect(overageItemChange([item('si_1', 'price_pro')], 'pro', OVERAGE)).toEqual({
      price: 'price_pro_overage',
    });
  });

  it('moves the overage item of another plan (the plan changed since) to this plan’s price', () => {
    expect(
      overageItemChange(
        [item('si_1', 'price_enterprise'), item('si_2', 'price_pro_overage')],
        'enterprise',
        OVERAGE,
      ),
    ).toEqual({ id: 'si_2', price: 'price_enterprise_overage' });
  });
});
