import { screen, waitFor, within } from '@testing-library/react';
import { delay, http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { KeysPanel } from '@/features/keys/components/keys-panel';
import { buildKey, db, seedAccount } from '@/testing/mocks/db';
import { apiError, apiLog } from '@/testing/mocks/handlers';
import { server } from '@/testing/mocks/server';
import { seedTeam } from '@/testing/mocks/team';
import { renderApp, renderWithProviders, waitForLoaded } from '@/testing/test-utils';

describe('keys panel', () => {
  describe('states', () => {
    it('shows a skeleton while the keys load', async () => {
      server.use(http.get('/api/dashboard/keys', () => delay('infinite')));
      renderWithProviders(<KeysPanel />);
      expect(await screen.findByRole('status', { name: 'Loading your keys' })).toBeInTheDocument();
      expect(screen.getByRole('button', { name: 'Create key' })).toBeDisabled();
    });

    it('invites the user to create a first key when there are none', async () => {
      const { user } = renderWithProviders(<KeysPanel />);
      expect(await screen.findByRole('heading', { name: 'No API keys yet' })).toBeInTheDocument();
      await user.click(screen.getByRole('button', { name: 'Create your first key' }));
      expect(await screen.findByRole('dialog', { name: 'Create an API key' })).toBeInTheDocument();
    });

    it('shows a readable error with a retry that recovers', async () => {
      server.use(
        http.get('/api/dashboard/keys', () => apiError('unavailable', 'firestore timeout'), { once: true }),
      );
      seedAccount();
      const { user } = renderWithProviders(<KeysPanel />);

      const alert = await screen.findByRole('alert');
      expect(alert).toHaveTextContent('Keymeter is briefly unavailable. Try again in a moment.');
      expect(alert).toHaveTextContent('Request ID req_test');

      await user.click(within(alert).getByRole('button', { name: 'Try again' }));
      expect(await screen.findByRole('row', { name: /Production server/ })).toBeInTheDocument();
    });

    it('treats a network failure as "can\'t reach Keymeter"', async () => {
      server.use(http.get('/api/dashboard/keys', () => HttpResponse.error()));
      renderWithProviders(<KeysPanel />);
      expect(await screen.findByRole('alert')).toHaveTextContent(
        "Can't reach Keymeter. Check your connection and try again.",
      );
    });
  });

  describe('table', () => {
    it('lists each key with prefix…hint, status and last use, usable keys first', async () => {
      const { active, revoked, expired } = seedAccount();
      db.keys.push(
        buildKey({
          label: 'Partner',
          created_at: new Date(Date.now() - 30 * 86_400_000).toISOString(),
          status: 'expiring',
          expires_at: new Date(Date.now() + 2 * 86_400_000).toISOString(),
        }),
      );
      renderWithProviders(<KeysPanel />);
      await waitForLoaded();

      const rows = within(screen.getByRole('table')).getAllByRole('row').slice(1);
      expect(rows.map((row) => within(row).getAllByRole('cell')[0]?.querySelector('p')?.textContent)).toEqual(
        ['Staging', 'Partner', 'Production server', 'Hackathon', 'Old laptop'],
      );

      const activeRow = screen.getByRole('row', { name: /Production server/ });
      expect(activeRow).toHaveTextContent(`${active.key_prefix}…${active.key_hint}`);
      expect(within(activeRow).getByText('Active')).toBeInTheDocument();
      expect(within(activeRow).getByText('3 minutes ago')).toBeInTheDocument();
      expect(within(screen.getByRole('row', { name: /Partner/ })).getByText('Expiring')).toBeInTheDocument();
      expect(
        within(screen.getByRole('row', { name: new RegExp(revoked.label) })).getByText('Revoked'),
      ).toBeInTheDocument();
      expect(
        within(screen.getByRole('row', { name: new RegExp(expired.label) })).getByText('Expired'),
      ).toBeInTheDocument();
      expect(within(screen.getByRole('row', { name: /Partner/ })).getByText('Never')).toBeInTheDocument();
      expect(screen.getByText(/3 of 25 active keys/)).toBeInTheDocument();
    });

    it('marks a key made for an integration with its name, and no other key', async () => {
      const { staging } = seedAccount();
      staging.integration = 'google_sheets';
      renderWithProviders(<KeysPanel />);
      await waitForLoaded();
      expect(
        within(screen.getByRole('row', { name: /Staging/ })).getByText('Google Sheets'),
      ).toBeInTheDocument();
      expect(
        within(screen.getByRole('row', { name: /Production server/ })).queryByText(
          /Zapier|n8n|Make|Google Sheets|Custom/,
        ),
      ).not.toBeInTheDocument();
    });

    it('offers only Rename and Metadata for revoked keys', async () => {
      seedAccount();
      const { user } = renderWithProviders(<KeysPanel />);
      await user.click(await screen.findByRole('button', { name: 'Actions for Old laptop' }));
      const menu = await screen.findByRole('menu');
      expect(
        within(menu)
          .getAllByRole('menuitem')
          .map((item) => item.textContent),
      ).toEqual(['Rename', 'Metadata']);
    });
  });

  describe('arriving to create a key', () => {
    it('opens the create dialog for ?create=1 and takes the parameter out of the URL', async () => {
      seedAccount();
      const { router } = renderApp('/keys?create=1');
      expect(await screen.findByRole('dialog', { name: 'Create an API key' })).toBeInTheDocument();
      await waitFor(() => expect(router.state.location.search).toBe(''));
      expect(router.state.location.pathname).toBe('/dashboard/keys');
    });

    it('opens nothing for a role that does not create keys', async () => {
      seedTeam({ role: 'viewer' });
      const { router } = renderApp('/t/acme/keys?create=1');
      expect(await screen.findByRole('heading', { name: 'No API keys yet' })).toBeInTheDocument();
      await waitFor(() => expect(router.state.location.search).toBe(''));
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    });
  });

  describe('revoke', () => {
    it('asks for confirmation, revokes, and shows the key as revoked', async () => {
      const { active } = seedAccount();
      const { user } = renderWithProviders(<KeysPanel />);
      await user.click(await screen.findByRole('button', { name: 'Actions for Production server' }));
      await user.click(await screen.findByRole('menuitem', { name: 'Revoke' }));

      const confirm = await screen.findByRole('alertdialog', { name: 'Revoke “Production server”?' });
      expect(confirm).toHaveTextContent(`${active.key_prefix}…${active.key_hint}`);
      expect(within(confirm).getByRole('button', { name: 'Cancel' })).toHaveFocus();
      await user.click(within(confirm).getByRole('button', { name: 'Revoke key' }));

      await waitFor(() => expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument());
      expect(
        apiLog.some((entry) => entry.method === 'POST' && entry.path === `/keys/${active.id}/revoke`),
      ).toBe(true);
      expect(
        await within(screen.getByRole('row', { name: /Production server/ })).findByText('Revoked'),
      ).toBeInTheDocument();
      expect(await screen.findByText('“Production server” revoked')).toBeInTheDocument();
    });

    it('does nothing when cancelled, and gives focus back to the key’s menu button', async () => {
      seedAccount();
      const { user } = renderWithProviders(<KeysPanel />);
      await user.click(await screen.findByRole('button', { name: 'Actions for Staging' }));
      await user.click(await screen.findByRole('menuitem', { name: 'Revoke' }));
      await user.keyboard('{Escape}');

      await waitFor(() => expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument());
      expect(apiLog.filter((entry) => entry.path.endsWith('/revoke'))).toHaveLength(0);
      await waitFor(() => expect(screen.getByRole('button', { name: 'Actions for Staging' })).toHaveFocus());
    });
  });

  describe('rename', () => {
    it('renames a key', async () => {
      const { staging } = seedAccount();
      const { user } = renderWithProviders(<KeysPanel />);
      await user.click(await screen.findByRole('button', { name: 'Actions for Staging' }));
      await user.click(await screen.findByRole('menuitem', { name: 'Rename' }));

      const dialog = await screen.findByRole('dialog', { name: 'Rename key' });
      const name = within(dialog).getByLabelText('Name');
      await user.clear(name);
      await user.type(name, 'Staging (EU){Enter}');

      await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
      expect(apiLog.find((entry) => entry.method === 'PATCH')).toMatchObject({
        path: `/keys/${staging.id}`,
        body: { label: 'Staging (EU)' },
      });
      expect(await screen.findByRole('row', { name: /Staging \(EU\)/ })).toBeInTheDocument();
    });
  });

  describe('roll', () => {
    it('sends the chosen grace period and shows the new key once', async () => {
      const { active } = seedAccount();
      const { user } = renderWithProviders(<KeysPanel />);
      await user.click(await screen.findByRole('button', { name: 'Actions for Production server' }));
      await user.click(await screen.findByRole('menuitem', { name: 'Roll key' }));

      const dialog = await screen.findByRole('dialog', { name: 'Roll “Production server”' });
      expect(within(dialog).getByRole('radio', { name: /In 24 hours/ })).toBeChecked();
      await user.click(within(dialog).getByRole('radio', { name: /In 1 hour/ }));
      await user.click(within(dialog).getByRole('button', { name: 'Roll key' }));

      const reveal = await screen.findByRole('dialog', { name: 'Your key was rolled' });
      expect(apiLog.find((entry) => entry.path === `/keys/${active.id}/roll`)?.body).toEqual({
        grace_period_hours: 1,
      });
      expect((within(reveal).getByLabelText('Your new API key') as HTMLInputElement).value).toMatch(
        /^sk_live_\w{40}$/,
      );
      expect(within(reveal).getByText(/This key will not be shown again/)).toBeInTheDocument();
    });
  });
});
