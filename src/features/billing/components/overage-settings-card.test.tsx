import { screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { BillingPanel } from '@/features/billing/components/billing-panel';
import { db } from '@/testing/mocks/db';
import { apiLog } from '@/testing/mocks/handlers';
import { renderWithProviders, waitForLoaded } from '@/testing/test-utils';

vi.mock('@/lib/navigation', () => ({ leaveTo: vi.fn() }));

const card = () => screen.getByRole('region', { name: 'Beyond the included units' });
const saves = () => apiLog.filter((entry) => entry.path === '/billing/settings');

function subscribe() {
  db.account = { ...db.account, plan_tier: 'pro', subscription_status: 'active', has_billing_account: true };
}

describe('overage settings', () => {
  it('allows overage on Pro with a monthly cap in dollars, and shows what it costs', async () => {
    subscribe();
    const { user } = renderWithProviders(<BillingPanel />);
    await waitForLoaded();
    expect(card()).toHaveTextContent('Calls are refused with 429 quota_exceeded');
    await user.click(within(card()).getByRole('radio', { name: 'Allow overage' }));
    expect(card()).toHaveTextContent('billed at $0.50 per 1,000 units');
    await user.type(within(card()).getByLabelText('Monthly spend cap (USD)'), '25.50');
    await user.click(within(card()).getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Overage settings saved')).toBeInTheDocument();
    expect(saves().map((entry) => entry.body)).toEqual([{ overage: 'allow', spend_cap_cents: 2_550 }]);
    expect(db.account.billing_settings).toEqual({ overage: 'allow', spend_cap_cents: 2_550 });
  });

  it('refuses a cap that is not an amount of dollars and cents before sending anything', async () => {
    subscribe();
    const { user } = renderWithProviders(<BillingPanel />);
    await waitForLoaded();
    await user.click(within(card()).getByRole('radio', { name: 'Allow overage' }));
    const cap = within(card()).getByLabelText('Monthly spend cap (USD)');
    for (const text of ['12.345', '0', 'ten']) {
      await user.clear(cap);
      await user.type(cap, text);
      await user.click(within(card()).getByRole('button', { name: 'Save' }));
      expect(cap).toHaveAttribute('aria-invalid', 'true');
    }
    expect(saves()).toHaveLength(0);
  });

  it('explains that Free stops at its units, with nothing to allow', async () => {
    renderWithProviders(<BillingPanel />);
    await waitForLoaded();
    expect(card()).toHaveTextContent('The Free plan stops calls at its included units');
    expect(within(card()).queryByRole('radio', { name: 'Allow overage' })).not.toBeInTheDocument();
  });
});
