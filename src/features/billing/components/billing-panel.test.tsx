import { screen, waitFor, within } from '@testing-library/react';
import { delay, http } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { PLANS } from '@shared/plans';
import { formatDate } from '@/lib/format';
import { leaveTo } from '@/lib/navigation';
import { BillingPanel } from '@/features/billing/components/billing-panel';
import { buildKey, db, seedAccount } from '@/testing/mocks/db';
import { apiError, apiLog } from '@/testing/mocks/handlers';
import { server } from '@/testing/mocks/server';
import { renderWithProviders, waitForLoaded } from '@/testing/test-utils';

vi.mock('@/lib/navigation', () => ({ leaveTo: vi.fn() }));

/** Checkout's confirmation wait, shortened so the tests see every stage quickly. */
const FAST = { pollMs: 50, timeoutMs: 10_000 };

function currentPlan() {
  return screen.getByRole('region', { name: 'Current plan' });
}

function subscribe(overrides: Partial<typeof db.account> = {}) {
  db.account = {
    ...db.account,
    plan_tier: 'pro',
    subscription_status: 'active',
    current_period_end: '2099-01-31T00:00:00.000Z',
    has_billing_account: true,
    credits_balance: 0,
    has_credits: false,
    billing_settings: { overage: 'stop', spend_cap_cents: null },
    ...overrides,
  };
}

function meRequests() {
  return apiLog.filter((entry) => entry.path === '/summary').length;
}

describe('billing panel', () => {
  describe('states', () => {
    it('shows a skeleton while the plan loads', async () => {
      server.use(http.get('/api/dashboard/summary', () => delay('infinite')));
      renderWithProviders(<BillingPanel />);
      expect(await screen.findByRole('status', { name: 'Loading your plan' })).toBeInTheDocument();
    });

    it('shows an error with a retry', async () => {
      server.use(http.get('/api/dashboard/summary', () => apiError('internal', 'down'), { once: true }));
      const { user } = renderWithProviders(<BillingPanel />);
      const alert = await screen.findByRole('alert');
      expect(alert).toHaveTextContent("Couldn't load your plan");
      await user.click(within(alert).getByRole('button', { name: 'Try again' }));
      expect(await screen.findByRole('region', { name: 'Current plan' })).toBeInTheDocument();
    });
  });

  describe('free account', () => {
    it('shows the plan, the account’s usage against its quota, each key’s share, and every plan from the shared table', async () => {
      seedAccount();
      renderWithProviders(<BillingPanel />);
      await waitForLoaded();
      const current = currentPlan();
      expect(current).toHaveTextContent('Free');
      expect(current).toHaveTextContent('Free forever');
      expect(current).toHaveTextContent('Units a month1,000');
      expect(current).toHaveTextContent('Calls a minute10');
      expect(current).toHaveTextContent('all of its keys share these limits');
      const quotas = within(current).getAllByRole('progressbar');
      expect(quotas.map((bar) => bar.getAttribute('aria-label'))).toEqual([
        'The account’s units this month against its quota',
        // One indicator per named meter, on Billing as on Overview.
        'Emails verified this month against the limit',
        'Production server: units this month of the account’s quota',
        'Staging: units this month of the account’s quota',
      ]);
      expect(quotas[0]).toHaveAttribute('aria-valuenow', '735');
      expect(quotas[0]).toHaveAttribute('aria-valuemax', '1000');
      expect(quotas[2]).toHaveAttribute('aria-valuenow', '640');
      expect(quotas[2]).toHaveAttribute('aria-valuemax', '1000');
      expect(within(current).queryByRole('button', { name: 'Manage billing' })).not.toBeInTheDocument();

      for (const plan of Object.values(PLANS)) {
        const card = screen.getByRole('region', { name: plan.name });
        for (const feature of plan.features) expect(card).toHaveTextContent(feature);
      }
      expect(
        within(screen.getByRole('region', { name: 'Free' })).getByText('Current plan'),
      ).toBeInTheDocument();
      expect(screen.getByRole('button', { name: 'Upgrade to Pro' })).toBeEnabled();
      expect(screen.getByRole('button', { name: 'Upgrade to Enterprise' })).toBeEnabled();
    });

    it('upgrades through Stripe Checkout', async () => {
      const { user } = renderWithProviders(<BillingPanel />);
      await user.click(await screen.findByRole('button', { name: 'Upgrade to Pro' }));
      await vi.waitFor(() =>
        expect(leaveTo).toHaveBeenCalledWith('https://checkout.stripe.test/session/pro'),
      );
      expect(apiLog.find((entry) => entry.path === '/billing/checkout')?.body).toEqual({ plan: 'pro' });
      // While the browser leaves for Checkout, nothing else can be started.
      expect(screen.getByRole('button', { name: 'Upgrade to Enterprise' })).toBeDisabled();
    });

    it('says billing is unavailable when Stripe is not configured', async () => {
      server.use(
        http.post('/api/dashboard/billing/checkout', () => apiError('unavailable', 'billing not configured')),
      );
      const { user } = renderWithProviders(<BillingPanel />);
      await user.click(await screen.findByRole('button', { name: 'Upgrade to Pro' }));
      const alert = await screen.findByRole('alert');
      expect(alert).toHaveTextContent("Couldn't start checkout");
      expect(alert).toHaveTextContent(
        'Billing is unavailable: payments are not set up on this Keymeter server.',
      );
      expect(alert).not.toHaveTextContent(/briefly/);
      expect(leaveTo).not.toHaveBeenCalled();
      expect(screen.getByRole('button', { name: 'Upgrade to Pro' })).toBeEnabled();
    });

    it('says billing is down for now, and when to retry, when Stripe cannot be reached', async () => {
      server.use(
        http.post('/api/dashboard/billing/checkout', () => {
          const response = apiError('billing_unavailable', 'Stripe unreachable');
          response.headers.set('Retry-After', '30');
          return response;
        }),
      );
      const { user } = renderWithProviders(<BillingPanel />);
      await user.click(await screen.findByRole('button', { name: 'Upgrade to Pro' }));
      const alert = await screen.findByRole('alert');
      expect(alert).toHaveTextContent("Couldn't start checkout");
      expect(alert).toHaveTextContent(
        'Billing is unavailable for now: our payment provider cannot be reached. Nothing was charged or changed; try again in 30 seconds.',
      );
      expect(alert).not.toHaveTextContent('not set up');
      expect(leaveTo).not.toHaveBeenCalled();
      expect(screen.getByRole('button', { name: 'Upgrade to Pro' })).toBeEnabled();
    });

    it('offers the billing portal when the account turns out to have a subscription already', async () => {
      // Paid in another tab: the webhook has not reached this page's summary yet, Stripe knows.
      db.account.has_billing_account = true;
      server.use(
        http.post('/api/dashboard/billing/checkout', () =>
          apiError('already_subscribed', 'You already have a Pro subscription.'),
        ),
      );
      const { user } = renderWithProviders(<BillingPanel />);
      await user.click(await screen.findByRole('button', { name: 'Upgrade to Enterprise' }));
      const alert = await screen.findByRole('alert');
      expect(alert).toHaveTextContent(
        'You already pay for a plan. Plan changes happen in the billing portal',
      );
      await user.click(within(alert).getByRole('button', { name: 'Manage billing' }));
      await vi.waitFor(() => expect(leaveTo).toHaveBeenCalledWith('https://billing.stripe.test/portal'));
      expect(leaveTo).toHaveBeenCalledTimes(1);
    });

    it('says why checkout could not start, and can be dismissed', async () => {
      server.use(
        http.post('/api/dashboard/billing/checkout', () => apiError('already_on_plan', 'already pro')),
      );
      const { user } = renderWithProviders(<BillingPanel />);
      await user.click(await screen.findByRole('button', { name: 'Upgrade to Enterprise' }));
      const alert = await screen.findByRole('alert');
      expect(alert).toHaveTextContent('You are already on that plan.');
      expect(within(alert).queryByRole('button', { name: 'Manage billing' })).not.toBeInTheDocument();
      await user.click(within(alert).getByRole('button', { name: 'Dismiss' }));
      expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    });
  });

  describe('back from Checkout', () => {
    it('waits for Stripe’s confirmation, then shows the new plan and its limits', async () => {
      seedAccount();
      renderWithProviders(<BillingPanel confirmation={FAST} />, {
        path: '/billing?checkout=success&session_id=cs_test_1',
      });
      const waiting = await screen.findByText('Payment received, confirming your upgrade…');
      expect(waiting.closest('[role=status]')).toHaveTextContent('this page updates by itself');
      expect(currentPlan()).toHaveTextContent('Free');
      // The page keeps asking for the plan on its own.
      await waitFor(() => expect(meRequests()).toBeGreaterThanOrEqual(3));

      // The webhook lands: the account moves to Pro, and with it the quota all its keys share.
      subscribe();
      const done = await screen.findByText('You’re on the Pro plan');
      expect(done.closest('[role=status]')).toHaveTextContent(
        'Your account now has Pro’s limits, shared by all your keys: 100,000 units a month and 600 calls a minute.',
      );
      expect(currentPlan()).toHaveTextContent('Units a month100,000');
      expect(currentPlan()).toHaveTextContent('Calls a minute600');
      expect(within(currentPlan()).getAllByRole('progressbar')[0]).toHaveAttribute('aria-valuemax', '100000');
      expect(screen.queryByText(/confirming your upgrade/)).not.toBeInTheDocument();
    });

    it('says calmly when the confirmation takes long, and checks again on request', async () => {
      const { user } = renderWithProviders(<BillingPanel confirmation={{ pollMs: 50, timeoutMs: 300 }} />, {
        path: '/billing?checkout=success&session_id=cs_test_slow',
      });
      const slow = await screen.findByText('Your upgrade is taking longer than usual', {}, { timeout: 4000 });
      const notice = slow.closest('[role=status]');
      expect(notice).toHaveTextContent('There’s no need to pay again');
      expect(notice).toHaveTextContent('cs_test_slow');
      // It stopped asking by itself.
      const asked = meRequests();

      subscribe();
      await user.click(screen.getByRole('button', { name: 'Check again' }));
      expect(await screen.findByText('You’re on the Pro plan')).toBeInTheDocument();
      expect(meRequests()).toBe(asked + 1);
    });

    it('says nothing was charged when Checkout was canceled', async () => {
      const { user } = renderWithProviders(<BillingPanel />, { path: '/billing?checkout=canceled' });
      const notice = (await screen.findByText('Checkout canceled')).closest('[role=status]');
      expect(notice).toHaveTextContent('You haven’t been charged, and your plan hasn’t changed.');
      await user.click(screen.getByRole('button', { name: 'Dismiss' }));
      expect(screen.queryByText('Checkout canceled')).not.toBeInTheDocument();
    });
  });

  describe('paying account', () => {
    it('manages the subscription in the Customer Portal', async () => {
      subscribe();
      const { user } = renderWithProviders(<BillingPanel />);
      await waitForLoaded();
      const current = currentPlan();
      expect(current).toHaveTextContent('Pro');
      expect(within(current).getByText('Active')).toBeInTheDocument();
      expect(current).toHaveTextContent('Renews on');
      expect(screen.queryByRole('button', { name: /Upgrade to/ })).not.toBeInTheDocument();

      await user.click(within(current).getByRole('button', { name: 'Manage billing' }));
      await vi.waitFor(() => expect(leaveTo).toHaveBeenCalledWith('https://billing.stripe.test/portal'));
    });

    it('switches plan in place on the page, never through a second Checkout or the portal', async () => {
      subscribe();
      const { user } = renderWithProviders(<BillingPanel />);
      await user.click(await screen.findByRole('button', { name: 'Switch to Enterprise' }));
      await vi.waitFor(() => expect(currentPlan()).toHaveTextContent('Enterprise'));
      expect(apiLog.find((entry) => entry.path === '/billing/plan')?.body).toEqual({ plan: 'enterprise' });
      expect(screen.getByRole('button', { name: 'Downgrade to Pro' })).toBeEnabled();
      expect(apiLog.filter((entry) => entry.path === '/billing/checkout')).toHaveLength(0);
      expect(leaveTo).not.toHaveBeenCalled();
    });

    it('says when a canceled plan ends and what happens then', async () => {
      const ends = '2099-01-31T00:00:00.000Z';
      subscribe({ cancel_at_period_end: true, current_period_end: ends });
      renderWithProviders(<BillingPanel />);
      await waitForLoaded();
      const current = currentPlan();
      expect(current).toHaveTextContent(`Cancels on${formatDate(ends)}`);
      expect(current).toHaveTextContent(`Your Pro plan ends on ${formatDate(ends)}`);
      expect(current).toHaveTextContent(
        'after that it moves to the Free plan’s 1,000 units a month, shared by all your keys',
      );
      expect(within(current).getByText('Doesn’t renew')).toBeInTheDocument();
    });

    it('warns about a failed payment and says the plan is kept while Stripe retries', async () => {
      subscribe({ subscription_status: 'past_due' });
      renderWithProviders(<BillingPanel />);
      await waitForLoaded();
      const current = currentPlan();
      expect(within(current).getByText('Payment overdue')).toBeInTheDocument();
      expect(current).toHaveTextContent('Your last payment didn’t go through');
      expect(current).toHaveTextContent('You keep the Pro plan while Stripe retries the payment.');
      expect(current).toHaveTextContent('Pro');
    });

    it('explains a subscription on hold after its payment failed', async () => {
      db.account = { ...db.account, subscription_status: 'unpaid', has_billing_account: true };
      renderWithProviders(<BillingPanel />);
      await waitForLoaded();
      expect(currentPlan()).toHaveTextContent('Your subscription is on hold');
      expect(screen.getByRole('button', { name: 'Upgrade to Pro' })).toBeEnabled();
    });

    it('shows the account’s own limits when an operator set them apart from the plan’s', async () => {
      subscribe();
      db.limitOverrides = { monthly: 250_000, per_minute: 1_200 };
      db.keys = [buildKey({ label: 'Only key', monthly_usage: 50_000 })];
      renderWithProviders(<BillingPanel />);
      await waitForLoaded();
      const current = currentPlan();
      expect(current).toHaveTextContent('Units a month250,000');
      expect(current).toHaveTextContent('Calls a minute1,200');
      expect(current).toHaveTextContent('1,200 calls, all keys together');
      const account = within(current).getByRole('progressbar', {
        name: 'The account’s units this month against its quota',
      });
      expect(account).toHaveAttribute('aria-valuenow', '50000');
      expect(account).toHaveAttribute('aria-valuemax', '250000');
    });

    it('cannot open the portal for a paid plan without a Stripe customer', async () => {
      db.account.plan_tier = 'pro';
      db.keys = [buildKey({ label: 'Only key' })];
      renderWithProviders(<BillingPanel />);
      await waitForLoaded();
      expect(within(currentPlan()).queryByRole('button', { name: 'Manage billing' })).not.toBeInTheDocument();
      expect(screen.getByRole('button', { name: 'Switch to Enterprise' })).toBeDisabled();
      expect(screen.getByText(/plan was set up without a Stripe subscription/)).toBeInTheDocument();
    });
  });
});
