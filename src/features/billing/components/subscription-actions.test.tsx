import { screen, within } from '@testing-library/react';
import { http } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { formatDate } from '@/lib/format';
import { BillingPanel } from '@/features/billing/components/billing-panel';
import { db } from '@/testing/mocks/db';
import { apiError, apiLog } from '@/testing/mocks/handlers';
import { server } from '@/testing/mocks/server';
import { renderWithProviders, waitForLoaded } from '@/testing/test-utils';

vi.mock('@/lib/navigation', () => ({ leaveTo: vi.fn() }));

function subscribe() {
  db.account = {
    ...db.account,
    plan_tier: 'pro',
    subscription_status: 'active',
    current_period_end: '2099-01-31T00:00:00.000Z',
    has_billing_account: true,
  };
}

const currentPlan = () => screen.getByRole('region', { name: 'Current plan' });

describe('cancel and resume', () => {
  it('cancels at period end after asking, then resumes', async () => {
    subscribe();
    const { user } = renderWithProviders(<BillingPanel />);
    await waitForLoaded();
    await user.click(within(currentPlan()).getByRole('button', { name: 'Cancel plan' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Cancel the Pro plan?' });
    expect(dialog).toHaveTextContent(`It stays active until ${formatDate('2099-01-31T00:00:00.000Z')}`);
    expect(apiLog.filter((entry) => entry.path === '/billing/cancel')).toHaveLength(0);
    await user.click(within(dialog).getByRole('button', { name: 'Cancel at period end' }));

    expect(await within(currentPlan()).findByText('Doesn’t renew')).toBeInTheDocument();
    expect(currentPlan()).toHaveTextContent(
      `Your Pro plan ends on ${formatDate('2099-01-31T00:00:00.000Z')}`,
    );
    expect(apiLog.filter((entry) => entry.path === '/billing/cancel')).toHaveLength(1);

    await user.click(within(currentPlan()).getByRole('button', { name: 'Resume Pro' }));
    expect(await within(currentPlan()).findByRole('button', { name: 'Cancel plan' })).toBeInTheDocument();
    expect(within(currentPlan()).queryByText('Doesn’t renew')).not.toBeInTheDocument();
    expect(apiLog.filter((entry) => entry.path === '/billing/resume')).toHaveLength(1);
  });

  it('offers the same cancellation from “Downgrade to Free”', async () => {
    subscribe();
    const { user } = renderWithProviders(<BillingPanel />);
    await user.click(await screen.findByRole('button', { name: 'Downgrade to Free' }));
    expect(await screen.findByRole('alertdialog', { name: 'Cancel the Pro plan?' })).toBeInTheDocument();
  });

  it('says why the subscription could not be changed', async () => {
    subscribe();
    server.use(
      http.post('/api/dashboard/billing/cancel', () => {
        const response = apiError('billing_unavailable', 'Stripe unreachable');
        response.headers.set('Retry-After', '30');
        return response;
      }),
    );
    const { user } = renderWithProviders(<BillingPanel />);
    await waitForLoaded();
    await user.click(within(currentPlan()).getByRole('button', { name: 'Cancel plan' }));
    await user.click(await screen.findByRole('button', { name: 'Cancel at period end' }));
    const alert = await within(currentPlan()).findByRole('alert');
    expect(alert).toHaveTextContent("Couldn't change the subscription");
    expect(alert).toHaveTextContent('try again in 30 seconds');
    expect(within(currentPlan()).getByRole('button', { name: 'Cancel plan' })).toBeInTheDocument();
  });

  it('offers no cancellation to an account without a subscription', async () => {
    renderWithProviders(<BillingPanel />);
    await waitForLoaded();
    expect(within(currentPlan()).queryByRole('button', { name: 'Cancel plan' })).not.toBeInTheDocument();
  });
});
