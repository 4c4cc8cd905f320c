import { screen, waitFor, within } from '@testing-library/react';
import { http } from 'msw';
import { describe, expect, it } from 'vitest';
import { KeysPanel } from '@/features/keys/components/keys-panel';
import { db, seedAccount } from '@/testing/mocks/db';
import { apiError, apiLog } from '@/testing/mocks/handlers';
import { server } from '@/testing/mocks/server';
import { renderWithProviders, waitForLoaded } from '@/testing/test-utils';

function patches() {
  return apiLog.filter((entry) => entry.method === 'PATCH');
}

async function openLimits(label: string) {
  const rendered = renderWithProviders(<KeysPanel />);
  await waitForLoaded();
  await rendered.user.click(await screen.findByRole('button', { name: `Actions for ${label}` }));
  await rendered.user.click(await screen.findByRole('menuitem', { name: 'Set limits' }));
  const dialog = await screen.findByRole('dialog', { name: `Limits for “${label}”` });
  return {
    ...rendered,
    dialog,
    monthly: within(dialog).getByLabelText('Monthly cap (units a month)'),
    perMinute: within(dialog).getByLabelText('Per-minute cap (calls a minute)'),
    save: within(dialog).getByRole('button', { name: 'Save limits' }),
  };
}

describe('key limits', () => {
  describe('in the key list', () => {
    it('shows a key’s caps in its row, and none on a key without', async () => {
      const { active, staging } = seedAccount();
      active.cap_monthly = 5_000;
      active.cap_per_minute = 60;
      staging.cap_per_minute = 30;
      renderWithProviders(<KeysPanel />);
      await waitForLoaded();

      const production = screen.getByRole('row', { name: /Production server/ });
      expect(within(production).getByText('cap 5,000/month')).toBeInTheDocument();
      expect(within(production).getByText('cap 60/min')).toBeInTheDocument();
      const stagingRow = screen.getByRole('row', { name: /Staging/ });
      expect(within(stagingRow).getByText('cap 30/min')).toBeInTheDocument();
      expect(within(stagingRow).queryByText(/\/month/)).not.toBeInTheDocument();
      expect(
        within(screen.getByRole('row', { name: /Old laptop/ })).queryByText(/^cap /),
      ).not.toBeInTheDocument();
    });
  });

  describe('happy path', () => {
    it('sets a monthly and a per-minute cap with PATCH and shows them on the key', async () => {
      db.account.plan_tier = 'pro';
      const { staging } = seedAccount();
      const { user, dialog, monthly, perMinute, save } = await openLimits('Staging');

      // The account's limits, from the summary, still apply whatever the caps say.
      expect(within(dialog).getByText('The account’s limits still apply')).toBeInTheDocument();
      expect(dialog).toHaveTextContent(
        'once the account reaches its 100,000 units a month or 600 calls a minute',
      );
      expect(dialog).toHaveTextContent('This key used 95 units this month.');
      expect(monthly).toHaveValue('');
      expect(perMinute).toHaveValue('');

      await user.type(monthly, '5,000');
      await user.type(perMinute, '60');
      await user.click(save);

      await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
      expect(patches()).toEqual([
        {
          method: 'PATCH',
          path: `/keys/${staging.id}`,
          query: {},
          body: { cap_monthly: 5_000, cap_per_minute: 60 },
        },
      ]);
      const row = screen.getByRole('row', { name: /Staging/ });
      expect(await within(row).findByText('cap 5,000/month')).toBeInTheDocument();
      expect(within(row).getByText('cap 60/min')).toBeInTheDocument();
      expect(await screen.findByText('Limits saved for “Staging”')).toBeInTheDocument();
    });

    it('clears a cap with null and leaves the other one out of the request', async () => {
      db.account.plan_tier = 'pro';
      const { staging } = seedAccount();
      staging.cap_monthly = 5_000;
      staging.cap_per_minute = 60;
      const { user, monthly, perMinute, save } = await openLimits('Staging');
      expect(monthly).toHaveValue('5000');
      expect(perMinute).toHaveValue('60');

      await user.clear(monthly);
      await user.click(save);

      await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
      expect(patches().map((entry) => entry.body)).toEqual([{ cap_monthly: null }]);
      const row = screen.getByRole('row', { name: /Staging/ });
      await waitFor(() => expect(within(row).queryByText('cap 5,000/month')).not.toBeInTheDocument());
      expect(within(row).getByText('cap 60/min')).toBeInTheDocument();
    });

    it('sends nothing when no cap changed', async () => {
      seedAccount();
      const { user, save } = await openLimits('Production server');
      await user.click(save);
      await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
      expect(patches()).toHaveLength(0);
    });

    it('is offered only for keys that can still call the API', async () => {
      seedAccount();
      const { user } = renderWithProviders(<KeysPanel />);
      await user.click(await screen.findByRole('button', { name: 'Actions for Production server' }));
      const menu = await screen.findByRole('menu');
      expect(
        within(menu)
          .getAllByRole('menuitem')
          .map((item) => item.textContent),
      ).toEqual(['Rename', 'Metadata', 'Set limits', 'Roll key', 'Revoke']);
    });
  });

  describe('validation', () => {
    it('refuses what the contract refuses, in words, before sending anything', async () => {
      seedAccount();
      const { user, monthly, perMinute, save } = await openLimits('Staging');

      await user.type(monthly, '12.5');
      await user.type(perMinute, '0');
      await user.click(save);
      expect(monthly).toHaveAttribute('aria-invalid', 'true');
      expect(monthly).toHaveAccessibleDescription('Enter a whole number, or leave it blank for no cap.');
      expect(perMinute).toHaveAccessibleDescription('A cap is at least 1. Leave it blank for no cap.');

      await user.clear(monthly);
      await user.type(monthly, '5k');
      await user.clear(perMinute);
      await user.type(perMinute, '2000000');
      await user.click(save);
      expect(monthly).toHaveAccessibleDescription('Enter a whole number, or leave it blank for no cap.');
      expect(perMinute).toHaveAccessibleDescription('A cap is at most 1,000,000.');
      expect(patches()).toHaveLength(0);
      expect(db.keys.find((key) => key.label === 'Staging')?.cap_monthly).toBeNull();
    });

    it('says when a cap is not tighter than the account’s limit', async () => {
      seedAccount();
      const { user, monthly, perMinute } = await openLimits('Staging');
      expect(monthly).toHaveAccessibleDescription('Blank: no cap. The account allows 1,000 units a month.');

      await user.type(monthly, '5000');
      await user.type(perMinute, '5');
      expect(monthly).toHaveAccessibleDescription(
        'Not below the account’s 1,000 units a month, so it changes nothing.',
      );
      expect(perMinute).toHaveAccessibleDescription('Blank: no cap. The account allows 10 calls a minute.');
    });
  });

  describe('errors', () => {
    it('puts the API’s refusal of a field under that field and keeps the dialog open', async () => {
      server.use(
        http.patch('/api/dashboard/keys/:id', () =>
          apiError('invalid_request', 'cap_per_minute is at most 1000000', 'body.cap_per_minute'),
        ),
      );
      seedAccount();
      const { user, dialog, monthly, perMinute, save } = await openLimits('Staging');
      await user.type(monthly, '500');
      await user.type(perMinute, '5');
      await user.click(save);

      expect(await within(dialog).findByText('Cap_per_minute is at most 1000000.')).toBeInTheDocument();
      expect(perMinute).toHaveAttribute('aria-invalid', 'true');
      expect(monthly).toHaveAttribute('aria-invalid', 'false');
      expect(monthly).toHaveValue('500');
      expect(screen.getByRole('dialog', { name: 'Limits for “Staging”' })).toBeInTheDocument();
    });

    it('explains any other failure above the form, and nothing changes on the key', async () => {
      server.use(http.patch('/api/dashboard/keys/:id', () => apiError('not_found', 'no such key')));
      seedAccount();
      const { user, dialog, monthly, save } = await openLimits('Staging');
      await user.type(monthly, '500');
      await user.click(save);

      expect(await within(dialog).findByRole('alert')).toHaveTextContent(
        'That no longer exists. It may have been deleted.',
      );
      expect(monthly).toHaveValue('500');

      await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
      await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
      expect(
        within(screen.getByRole('row', { name: /Staging/ })).queryByText(/^cap /),
      ).not.toBeInTheDocument();
    });
  });
});
