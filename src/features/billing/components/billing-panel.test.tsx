import { screen, within } from '@testing-library/react';
import { delay, http } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { PLANS } from '@shared/plans';
import { leaveTo } from '@/lib/navigation';
import { BillingPanel } from '@/features/billing/components/billing-panel';
import { db, seedAccount } from '@/testing/mocks/db';
import { apiError, apiLog } from '@/testing/mocks/handlers';
import { server } from '@/testing/mocks/server';
import { renderWithProviders, waitForLoaded } from '@/testing/test-utils';

vi.mock('@/lib/navigation', () => ({ leaveTo: vi.fn() }));

describe('billing panel', () => {
  describe('states', () => {
    it('shows a skeleton while the plan loads', async () => {
      server.use(http.get('/api/dashboard/me', () => delay('infinite')));
      renderWithProviders(<BillingPanel />);
      expect(await screen.findByRole('status', { name: 'Loading your plan' })).toBeInTheDocument();
    });

    it('shows an error with a retry', async () => {
      server.use(http.get('/api/dashboard/me', () => apiError('unavailable', 'down'), { once: true }));
      const { user } = renderWithProviders(<BillingPanel />);
      const alert = await screen.findByRole('alert');
      expect(alert).toHaveTextContent("Couldn't load your plan");
      await user.click(within(alert).getByRole('button', { name: 'Try again' }));
      expect(await screen.findByRole('region', { name: 'Current plan' })).toBeInTheDocument();
    });
  });

  describe('free account', () => {
    it('shows the plan from /me and every plan from the shared plan table', async () => {
      seedAccount();
      renderWithProviders(<BillingPanel />);
      await waitForLoaded();
      const current = screen.getByRole('region', { name: 'Current plan' });
      expect(current).toHaveTextContent('Free');
      expect(current).toHaveTextContent('Free forever');
      expect(within(current).queryByRole('button', { name: 'Manage billing' })).not.toBeInTheDocument();

      for (const plan of Object.values(PLANS)) {
        const card = screen.getByRole('region', { name: plan.name });
        for (const feature of plan.features) expect(card).toHaveTextContent(feature);
      }
      expect(
        within(screen.getByRole('region', { name: 'Free' })).getByText('Current plan'),
      ).toBeInTheDocument();
    });

    it('upgrades through Stripe Checkout', async () => {
      const { user } = renderWithProviders(<BillingPanel />);
      await user.click(await screen.findByRole('button', { name: 'Upgrade to Pro' }));
      await vi.waitFor(() =>
        expect(leaveTo).toHaveBeenCalledWith('https://checkout.stripe.test/session/pro'),
      );
      expect(apiLog.find((entry) => entry.path === '/billing/checkout')?.body).toEqual({ plan: 'pro' });
    });

    it('says why checkout could not start', async () => {
      server.use(
        http.post('/api/dashboard/billing/checkout', () => apiError('already_on_plan', 'already pro')),
      );
      const { user } = renderWithProviders(<BillingPanel />);
      await user.click(await screen.findByRole('button', { name: 'Upgrade to Enterprise' }));
      expect(await screen.findByText('You are already on that plan.')).toBeInTheDocument();
      expect(screen.getByRole('button', { name: 'Upgrade to Enterprise' })).toBeEnabled();
      expect(leaveTo).not.toHaveBeenCalled();
    });
  });

  describe('back from Checkout', () => {
    it('thanks the user and picks up the new plan when the webhook has landed', async () => {
      renderWithProviders(<BillingPanel />, { path: '/billing?checkout=success' });
      expect(await screen.findByText(/Thanks for upgrading!/)).toBeInTheDocument();
      expect(
        within(screen.getByRole('region', { name: 'Current plan' })).getByText('Free'),
      ).toBeInTheDocument();

      db.profile.plan_tier = 'pro';
      db.profile.subscription_status = 'active';
      expect(
        await within(screen.getByRole('region', { name: 'Current plan' })).findByText(
          'Pro',
          {},
          { timeout: 5000 },
        ),
      ).toBeInTheDocument();
    });

    it('says nothing was charged when Checkout was cancelled', async () => {
      renderWithProviders(<BillingPanel />, { path: '/billing?checkout=cancel' });
      expect(
        await screen.findByText('Checkout was cancelled. You have not been charged.'),
      ).toBeInTheDocument();
    });
  });

  describe('paying account', () => {
    it('manages the subscription in the Customer Portal', async () => {
      db.profile.plan_tier = 'pro';
      db.profile.subscription_status = 'active';
      db.profile.current_period_end = '2099-01-31T00:00:00.000Z';
      const { user } = renderWithProviders(<BillingPanel />);
      await waitForLoaded();
      const current = screen.getByRole('region', { name: 'Current plan' });
      expect(current).toHaveTextContent('Pro');
      expect(current).toHaveTextContent('Renews on');
      expect(screen.queryByRole('button', { name: /Upgrade to/ })).not.toBeInTheDocument();

      await user.click(within(current).getByRole('button', { name: 'Manage billing' }));
      await vi.waitFor(() => expect(leaveTo).toHaveBeenCalledWith('https://billing.stripe.test/portal'));
    });

    it('tells a cancelling subscriber when the plan ends', async () => {
      db.profile.plan_tier = 'pro';
      db.profile.subscription_status = 'active';
      db.profile.cancel_at_period_end = true;
      db.profile.current_period_end = '2099-01-31T00:00:00.000Z';
      renderWithProviders(<BillingPanel />);
      expect(await screen.findByText(/Your subscription is canceled and ends on/)).toBeInTheDocument();
    });
  });
});
