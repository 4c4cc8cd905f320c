import { describe, expect, it } from 'vitest';
import {
  deriveBillingState,
  NO_SUBSCRIPTION,
  planForPrice,
  type PriceLike,
  type SubscriptionLike,
} from './billing-state.js';

const PRICES = { pro: 'price_pro_monthly', enterprise: 'price_enterprise_monthly' };
const PERIOD_END = 1_800_000_000;

let counter = 0;
function subscription(
  price: string | PriceLike,
  overrides: Partial<Omit<SubscriptionLike, 'items'>> & { periodEnd?: number } = {},
): SubscriptionLike {
  counter += 1;
  const { periodEnd = PERIOD_END, ...rest } = overrides;
  return {
    id: `sub_${counter}`,
    status: 'active',
    created: 1_700_000_000 + counter,
    cancel_at_period_end: false,
    cancel_at: null,
    items: {
      data: [{ price: typeof price === 'string' ? { id: price } : price, current_period_end: periodEnd }],
    },
    ...rest,
  };
}

describe('price → plan', () => {
  it('maps the configured price ids', () => {
    expect(planForPrice({ id: 'price_pro_monthly' }, PRICES)).toBe('pro');
    expect(planForPrice({ id: 'price_enterprise_monthly' }, PRICES)).toBe('enterprise');
  });

  it('maps a price tagged with metadata.plan_tier, e.g. one added later in Stripe', () => {
    expect(planForPrice({ id: 'price_pro_yearly', metadata: { plan_tier: 'pro' } }, PRICES)).toBe('pro');
  });

  it('prefers the configured id over a contradicting tag', () => {
    expect(planForPrice({ id: 'price_pro_monthly', metadata: { plan_tier: 'enterprise' } }, PRICES)).toBe(
      'pro',
    );
  });

  it('maps nothing else, and never to free', () => {
    expect(planForPrice({ id: 'price_other' }, PRICES)).toBeNull();
    expect(planForPrice({ id: 'price_other', metadata: { plan_tier: 'free' } }, PRICES)).toBeNull();
    expect(planForPrice({ id: 'price_other', metadata: { plan_tier: 'platinum' } }, PRICES)).toBeNull();
    expect(planForPrice({ id: 'price_other', metadata: null }, PRICES)).toBeNull();
    // A plan's metered overage price carries its plan's tag, but sells usage, not the plan.
    expect(
      planForPrice(
        {
          id: 'price_pro_overage',
          metadata: { plan_tier: 'enterprise' },
          recurring: { usage_type: 'metered' },
        },
        PRICES,
      ),
    ).toBeNull();
  });
});

describe('the effective subscription', () => {
  it('is Free without subscriptions', () => {
    expect(deriveBillingState([], PRICES)).toEqual({ state: NO_SUBSCRIPTION, unmapped: [] });
  });

  it('gives the plan of an active subscription, with its period end', () => {
    const active = subscription('price_pro_monthly');
    expect(deriveBillingState([active], PRICES).state).toEqual({
      plan_tier: 'pro',
      subscription_status: 'active',
      stripe_subscription_id: active.id,
      current_period_end: new Date(PERIOD_END * 1000),
      cancel_at_period_end: false,
    });
  });

  it('keeps the plan while past due and while trialing', () => {
    for (const status of ['past_due', 'trialing']) {
      const state = deriveBillingState([subscription('price_enterprise_monthly', { status })], PRICES).state;
      expect(state).toMatchObject({ plan_tier: 'enterprise', subscription_status: status });
    }
  });

  it('keeps the plan until a cancellation at period end happens, and says so', () => {
    const byFlag = subscription('price_pro_monthly', { cancel_at_period_end: true });
    expect(deriveBillingState([byFlag], PRICES).state).toMatchObject({
      plan_tier: 'pro',
      cancel_at_period_end: true,
    });
    // Newer API versions schedule it with cancel_at instead.
    const byDate = subscription('price_pro_monthly', { cancel_at: PERIOD_END });
    expect(deriveBillingState([byDate], PRICES).state).toMatchObject({
      plan_tier: 'pro',
      cancel_at_period_end: true,
    });
    const later = subscription('price_pro_monthly', { cancel_at: PERIOD_END + 86_400 * 40 });
    expect(deriveBillingState([later], PRICES).state.cancel_at_period_end).toBe(false);
  });

  it('is Free once the subscription ended, unpaid, incomplete or paused, showing that status', () => {
    for (const status of ['canceled', 'unpaid', 'incomplete', 'incomplete_expired', 'paused']) {
      const ended = subscription('price_pro_monthly', { status });
      expect(deriveBillingState([ended], PRICES).state).toEqual({
        ...NO_SUBSCRIPTION,
        subscription_status: status,
        stripe_subscription_id: ended.id,
      });
    }
  });

  it('never entitles with a status it does not know', () => {
    const odd = subscription('price_pro_monthly', { status: 'on_hold' });
    expect(deriveBillingState([odd], PRICES).state).toEqual({
      ...NO_SUBSCRIPTION,
      subscription_status: null,
      stripe_subscription_id: odd.id,
    });
  });

  it('prefers a live subscription over a newer ended one (resubscribed, then an old one was canceled)', () => {
    const live = subscription('price_pro_monthly', { created: 100 });
    const ended = subscription('price_enterprise_monthly', { status: 'canceled', created: 200 });
    expect(deriveBillingState([ended, live], PRICES).state).toMatchObject({
      plan_tier: 'pro',
      stripe_subscription_id: live.id,
    });
  });

  it('shows the newest of several ended subscriptions', () => {
    const older = subscription('price_pro_monthly', { status: 'canceled', created: 100 });
    const newer = subscription('price_pro_monthly', { status: 'incomplete_expired', created: 200 });
    expect(deriveBillingState([older, newer], PRICES).state.stripe_subscription_id).toBe(newer.id);
  });

  it('takes the higher plan when two live subscriptions overlap, whatever their order', () => {
    const pro = subscription('price_pro_monthly', { created: 300 });
    const enterprise = subscription('price_enterprise_monthly', { created: 100, status: 'past_due' });
    expect(deriveBillingState([pro, enterprise], PRICES).state.plan_tier).toBe('enterprise');
    expect(deriveBillingState([enterprise, pro], PRICES).state.plan_tier).toBe('enterprise');
  });

  it('ignores subscriptions to other products, and reports them', () => {
    const other = subscription('price_newsletter');
    const pro = subscription('price_pro_monthly', { status: 'canceled' });
    expect(deriveBillingState([other, pro], PRICES)).toEqual({
      state: { ...NO_SUBSCRIPTION, subscription_status: 'canceled', stripe_subscription_id: pro.id },
      unmapped: [other.id],
    });
  });

  it('reads the plan item of a subscription with several items', () => {
    const mixed: SubscriptionLike = {
      ...subscription('price_addon'),
      items: {
        data: [
          { price: { id: 'price_addon' }, current_period_end: 1 },
          { price: { id: 'price_enterprise_monthly' }, current_period_end: PERIOD_END },
        ],
      },
    };
    expect(deriveBillingState([mixed], PRICES).state).toMatchObject({
      plan_tier: 'enterprise',
      current_period_end: new Date(PERIOD_END * 1000),
    });
  });
});
