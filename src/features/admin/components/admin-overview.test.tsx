import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AdminOverview } from '@/features/admin/components/admin-overview';
import { db } from '@/testing/mocks/db';
import { TEST_USER } from '@/testing/mocks/firebase';
import { renderWithProviders, waitForLoaded } from '@/testing/test-utils';

describe('the operators’ revenue figures', () => {
  it('shows paying accounts by plan, recurring revenue, credits sold and overage billed this month', async () => {
    db.profile.is_admin = true;
    renderWithProviders(<AdminOverview />, { user: { ...TEST_USER, isAdmin: true } });
    await waitForLoaded();
    const revenue = screen.getByRole('region', { name: /^Revenue, / });
    const figure = (label: string) => within(revenue).getByRole('region', { name: label });
    expect(figure('Paying accounts')).toHaveTextContent('14Pro 12 · Enterprise 2');
    expect(figure('Monthly recurring revenue')).toHaveTextContent('$1,346.00');
    expect(figure('Credits sold')).toHaveTextContent('$60.00140,000 credits in 5 purchases');
    expect(figure('Overage billed')).toHaveTextContent('$24.2548,250 units reported to Stripe');
  });
});
