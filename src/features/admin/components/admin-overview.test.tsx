import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AdminOverview } from '@/features/admin/components/admin-overview';
import { db } from '@/testing/mocks/db';
import { apiLog } from '@/testing/mocks/handlers';
import { TEST_USER } from '@/testing/mocks/firebase';
import { renderWithProviders, waitForLoaded } from '@/testing/test-utils';

describe('the platform figures', () => {
  it('shows the platform’s latency percentiles over the range', async () => {
    db.profile.is_admin = true;
    renderWithProviders(<AdminOverview />, { user: { ...TEST_USER, isAdmin: true } });
    await waitForLoaded();
    expect(screen.getByRole('region', { name: 'p95 latency' })).toHaveTextContent(
      '75 msp50 10 ms · p99 200 ms',
    );
  });
});

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

describe('adjusting an account’s credits', () => {
  it('sends one adjustment with a fresh id and shows the new balance', async () => {
    db.profile.is_admin = true;
    db.account.credits_balance = 100;
    const user = userEvent.setup();
    renderWithProviders(<AdminOverview />, { user: { ...TEST_USER, isAdmin: true } });
    const form = await screen.findByRole('form', { name: 'Credit adjustment' });
    await user.type(within(form).getByLabelText('Account id'), ` ${db.account.id} `);
    await user.type(within(form).getByLabelText(/^Units/), '-40');
    await user.type(within(form).getByLabelText('Reason'), 'unused trial credits');
    await user.click(within(form).getByRole('button', { name: 'Apply adjustment' }));
    expect(await screen.findByText(`The balance of ${db.account.id} is 60 credits.`)).toBeInTheDocument();
    const sent = apiLog.filter((entry) => entry.path.endsWith('/credits/adjustments'));
    expect(sent).toHaveLength(1);
    expect(sent[0]?.path).toBe(`/admin/accounts/${db.account.id}/credits/adjustments`);
    expect(sent[0]?.body).toEqual({
      id: expect.stringMatching(/^adj_[0-9a-f]{32}$/),
      units: -40,
      reason: 'unused trial credits',
    });
  });

  it('says what is wrong before sending anything', async () => {
    db.profile.is_admin = true;
    const user = userEvent.setup();
    renderWithProviders(<AdminOverview />, { user: { ...TEST_USER, isAdmin: true } });
    const form = await screen.findByRole('form', { name: 'Credit adjustment' });
    await user.type(within(form).getByLabelText(/^Units/), '0');
    await user.click(within(form).getByRole('button', { name: 'Apply adjustment' }));
    expect(within(form).getByText('Enter the account id')).toBeInTheDocument();
    expect(within(form).getByText('An adjustment changes the balance')).toBeInTheDocument();
    expect(within(form).getByText(/at least 3/i)).toBeInTheDocument();
    expect(apiLog.some((entry) => entry.path.endsWith('/credits/adjustments'))).toBe(false);
  });

  it('shows the API’s refusal to go below a zero balance on the units field', async () => {
    db.profile.is_admin = true;
    db.account.credits_balance = 10;
    const user = userEvent.setup();
    renderWithProviders(<AdminOverview />, { user: { ...TEST_USER, isAdmin: true } });
    const form = await screen.findByRole('form', { name: 'Credit adjustment' });
    await user.type(within(form).getByLabelText('Account id'), db.account.id);
    await user.type(within(form).getByLabelText(/^Units/), '-11');
    await user.type(within(form).getByLabelText('Reason'), 'correction');
    await user.click(within(form).getByRole('button', { name: 'Apply adjustment' }));
    expect(await within(form).findByText('The balance is 10 units.')).toBeInTheDocument();
    expect(db.account.credits_balance).toBe(10);
  });
});
