import { screen, within } from '@testing-library/react';
import { http } from 'msw';
import { describe, expect, it } from 'vitest';
import { formatDate } from '@/lib/format';
import { InvoicesCard } from '@/features/billing/components/invoices-card';
import { UpcomingInvoiceCard } from '@/features/billing/components/upcoming-invoice-card';
import { db } from '@/testing/mocks/db';
import { apiError } from '@/testing/mocks/handlers';
import { billingDb, buildInvoice } from '@/testing/mocks/billing';
import { server } from '@/testing/mocks/server';
import { renderWithProviders, waitForLoaded } from '@/testing/test-utils';

function subscribe() {
  db.account = { ...db.account, plan_tier: 'pro', subscription_status: 'active', has_billing_account: true };
}

describe('invoices', () => {
  it('lists number, date, amount and status, each linking to its hosted page', async () => {
    billingDb.invoices = [
      buildInvoice({ number: 'KM-0002', created: '2026-11-02T10:00:00.000Z', total: 3_050, status: 'open' }),
      buildInvoice({ number: 'KM-0001', created: '2026-10-02T10:00:00.000Z', total: 2_900 }),
    ];
    renderWithProviders(<InvoicesCard />);
    await waitForLoaded();
    const rows = within(screen.getByRole('table', { name: 'Invoices' }))
      .getAllByRole('row')
      .slice(1);
    expect(rows.map((row) => row.textContent)).toEqual([
      `KM-0002${formatDate('2026-11-02T10:00:00.000Z')}$30.50DueView`,
      `KM-0001${formatDate('2026-10-02T10:00:00.000Z')}$29.00PaidView`,
    ]);
    const link = within(rows[0] as HTMLElement).getByRole('link', { name: 'View invoice KM-0002' });
    expect(link).toHaveAttribute('href', billingDb.invoices[0]?.hosted_invoice_url);
    expect(link).toHaveAttribute('target', '_blank');
  });

  it('says when there are none, and offers a retry when they cannot be loaded', async () => {
    server.use(
      http.get('/api/dashboard/billing/invoices', () => apiError('billing_unavailable', 'down'), {
        once: true,
      }),
    );
    const { user } = renderWithProviders(<InvoicesCard />);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent("Couldn't load your invoices");
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('No invoices yet')).toBeInTheDocument();
  });
});

describe('the upcoming invoice', () => {
  it('shows the plan’s next period and the overage so far, with the total and when it is charged', async () => {
    subscribe();
    billingDb.upcoming = {
      currency: 'usd',
      total: 3_050,
      amount_due: 3_050,
      period_start: '2026-11-02T10:00:00.000Z',
      period_end: '2026-12-02T10:00:00.000Z',
      next_payment_attempt: '2026-12-02T11:00:00.000Z',
      lines: [
        {
          description: '1 × Keymeter Pro (at $29.00 / month)',
          kind: 'plan',
          quantity: 1,
          amount: 2_900,
          period_start: '2026-12-02T10:00:00.000Z',
          period_end: '2027-01-02T10:00:00.000Z',
        },
        {
          description: 'Keymeter overage units',
          kind: 'overage',
          quantity: 2_200,
          amount: 150,
          period_start: '2026-11-02T10:00:00.000Z',
          period_end: '2026-12-02T10:00:00.000Z',
        },
      ],
    };
    renderWithProviders(<UpcomingInvoiceCard />);
    await waitForLoaded();
    const card = screen.getByRole('region', { name: 'Upcoming invoice' });
    expect(card).toHaveTextContent('$30.50');
    expect(card).toHaveTextContent(`Charged on ${formatDate('2026-12-02T11:00:00.000Z')}`);
    const rows = within(within(card).getByRole('table')).getAllByRole('row').slice(1);
    expect(rows.map((row) => row.textContent)).toEqual([
      '1 × Keymeter Pro (at $29.00 / month)1$29.00',
      'Overage unitsKeymeter overage units2,200$1.50',
    ]);
  });

  it('says nothing more will be billed when there is no upcoming invoice', async () => {
    renderWithProviders(<UpcomingInvoiceCard />);
    expect(await screen.findByText('Nothing more will be billed.')).toBeInTheDocument();
  });
});
