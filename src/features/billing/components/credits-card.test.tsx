import { screen, waitFor, within } from '@testing-library/react';
import { http } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { formatDate } from '@/lib/format';
import { leaveTo } from '@/lib/navigation';
import { BillingPanel } from '@/features/billing/components/billing-panel';
import { db } from '@/testing/mocks/db';
import { apiError, apiLog } from '@/testing/mocks/handlers';
import { billingDb, grantCredits, useCredits } from '@/testing/mocks/billing';
import { server } from '@/testing/mocks/server';
import { renderWithProviders, waitForLoaded } from '@/testing/test-utils';

vi.mock('@/lib/navigation', () => ({ leaveTo: vi.fn() }));

function creditsCard() {
  return screen.getByRole('region', { name: 'Prepaid credits' });
}

describe('prepaid credits', () => {
  describe('happy path', () => {
    it('shows the balance and the ledger: packs bought and the days that used them', async () => {
      grantCredits(10_000, 500, '2026-11-20T09:00:00.000Z');
      useCredits(2_500, '2026-11-21');
      renderWithProviders(<BillingPanel />);
      await waitForLoaded();
      const card = creditsCard();
      expect(card).toHaveTextContent('Balance7,500');
      expect(card).toHaveTextContent('2,500 used of 10,000 bought');
      const rows = within(within(card).getByRole('table', { name: 'Credit ledger' })).getAllByRole('row');
      expect(rows.slice(1).map((row) => row.textContent)).toEqual([
        `${formatDate('2026-11-21')}Calls on ${formatDate('2026-11-21')}-2,500`,
        `${formatDate('2026-11-20T09:00:00.000Z')}Credit pack bought ($5.00)+10,000`,
      ]);
    });

    it('buys the chosen pack through Stripe Checkout', async () => {
      const { user } = renderWithProviders(<BillingPanel />);
      await waitForLoaded();
      const card = creditsCard();
      expect(within(card).getByText('No credits yet')).toBeInTheDocument();
      await user.click(within(card).getByRole('radio', { name: '100,000 credits · $40.00' }));
      await user.click(within(card).getByRole('button', { name: 'Buy credits' }));
      await vi.waitFor(() =>
        expect(leaveTo).toHaveBeenCalledWith('https://checkout.stripe.test/credits/100k'),
      );
      expect(apiLog.find((entry) => entry.path === '/billing/credits/checkout')?.body).toEqual({
        pack: '100k',
      });
    });

    it('says a spent balance stops calls, and waits for the grant after paying', async () => {
      grantCredits(10_000, 500);
      useCredits(10_000, '2026-11-22');
      renderWithProviders(<BillingPanel confirmation={{ pollMs: 50, timeoutMs: 10_000 }} />, {
        path: '/billing?credits=success&session_id=cs_test_9',
      });
      await waitForLoaded();
      expect(creditsCard()).toHaveTextContent('Spent: calls beyond the included units are refused');
      expect(within(creditsCard()).getByRole('status')).toHaveTextContent('Payment received');
      // The webhook lands: the page shows the new balance by itself.
      grantCredits(10_000, 500);
      await waitFor(() => expect(creditsCard()).toHaveTextContent('Balance10,000'));
    });
  });

  describe('errors and roles', () => {
    it('says why a pack could not be bought', async () => {
      server.use(
        http.post('/api/dashboard/billing/credits/checkout', () =>
          apiError('unavailable', 'billing not configured'),
        ),
      );
      const { user } = renderWithProviders(<BillingPanel />);
      await waitForLoaded();
      await user.click(within(creditsCard()).getByRole('button', { name: 'Buy credits' }));
      const alert = await within(creditsCard()).findByRole('alert');
      expect(alert).toHaveTextContent("Couldn't start checkout");
      expect(alert).toHaveTextContent('payments are not set up on this Keymeter server');
      expect(leaveTo).not.toHaveBeenCalled();
    });

    it('shows a member the balance read-only: no buying, no amounts, no invoices', async () => {
      db.account = { ...db.account, role: 'viewer', plan_tier: 'pro', has_billing_account: true };
      db.account.subscription_status = 'active';
      grantCredits(10_000, 500);
      renderWithProviders(<BillingPanel />);
      await waitForLoaded();
      const card = creditsCard();
      expect(card).toHaveTextContent('Balance10,000');
      expect(card).toHaveTextContent('Credit pack bought+10,000');
      expect(card).not.toHaveTextContent('$5.00');
      expect(within(card).queryByRole('button', { name: 'Buy credits' })).not.toBeInTheDocument();
      expect(screen.queryByRole('region', { name: 'Invoices' })).not.toBeInTheDocument();
      expect(screen.queryByRole('region', { name: 'Upcoming invoice' })).not.toBeInTheDocument();
      expect(screen.queryByRole('button', { name: 'Cancel plan' })).not.toBeInTheDocument();
      expect(apiLog.filter((entry) => entry.path.startsWith('/billing/invoices'))).toHaveLength(0);
      expect(billingDb.invoices).toEqual([]);
    });
  });
});
