import { screen, waitFor, within } from '@testing-library/react';
import { http } from 'msw';
import { describe, expect, it } from 'vitest';
import { KeysPanel } from '@/features/keys/components/keys-panel';
import { db, seedAccount } from '@/testing/mocks/db';
import { apiError, apiLog } from '@/testing/mocks/handlers';
import { server } from '@/testing/mocks/server';
import { renderWithProviders, waitForLoaded } from '@/testing/test-utils';

async function openCreateDialog() {
  const rendered = renderWithProviders(<KeysPanel />);
  await waitForLoaded();
  await rendered.user.click(screen.getByRole('button', { name: 'Create key' }));
  const dialog = await screen.findByRole('dialog', { name: 'Create an API key' });
  return { ...rendered, dialog };
}

describe('create-key dialog', () => {
  describe('happy path', () => {
    it('creates a key with the chosen name, scopes and expiry, and shows it once with a warning', async () => {
      seedAccount();
      const { user, dialog } = await openCreateDialog();

      await user.type(within(dialog).getByLabelText('Name'), 'CI runner');
      await user.click(within(dialog).getByRole('checkbox', { name: 'write' }));
      await user.selectOptions(within(dialog).getByLabelText('Expires'), 'In 30 days');
      await user.click(within(dialog).getByRole('button', { name: 'Create key' }));

      const reveal = await screen.findByRole('dialog', { name: '“CI runner” is ready' });
      const posted = apiLog.find((entry) => entry.method === 'POST' && entry.path === '/keys');
      expect(posted?.body).toEqual({ label: 'CI runner', scopes: ['read', 'write'], expires_in_days: 30 });

      const created = db.keys.at(-1);
      const secret = created ? db.secrets.get(created.id) : undefined;
      expect(secret).toMatch(/^sk_live_/);
      expect(within(reveal).getByLabelText('Your new API key')).toHaveValue(secret);
      expect(within(reveal).getByRole('alert')).toHaveTextContent('This key will not be shown again.');
    });

    it('copies the new key to the clipboard', async () => {
      const { user, dialog } = await openCreateDialog();
      await user.type(within(dialog).getByLabelText('Name'), 'Laptop');
      await user.click(within(dialog).getByRole('button', { name: 'Create key' }));
      const reveal = await screen.findByRole('dialog', { name: '“Laptop” is ready' });
      const secret = (within(reveal).getByLabelText('Your new API key') as HTMLInputElement).value;

      await user.click(within(reveal).getByRole('button', { name: 'Copy key' }));

      expect(await navigator.clipboard.readText()).toBe(secret);
      expect(within(reveal).getByRole('button', { name: 'Copied' })).toBeInTheDocument();
    });

    it('never shows the key again once the dialog is closed', async () => {
      const { user, dialog } = await openCreateDialog();
      await user.type(within(dialog).getByLabelText('Name'), 'Laptop');
      await user.click(within(dialog).getByRole('button', { name: 'Create key' }));
      const reveal = await screen.findByRole('dialog', { name: '“Laptop” is ready' });
      const secret = (within(reveal).getByLabelText('Your new API key') as HTMLInputElement).value;

      await user.click(within(reveal).getByRole('button', { name: 'I’ve saved my key' }));
      await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());

      const row = await screen.findByRole('row', { name: /Laptop/ });
      expect(row).toHaveTextContent(`${secret.slice(0, 12)}…${secret.slice(-4)}`);
      expect(document.body.innerHTML).not.toContain(secret);

      await user.click(screen.getByRole('button', { name: 'Create key' }));
      const reopened = await screen.findByRole('dialog', { name: 'Create an API key' });
      expect(within(reopened).getByLabelText('Name')).toHaveValue('');
      expect(document.body.innerHTML).not.toContain(secret);
    });

    it('closes with Escape while the form is shown', async () => {
      const { user } = await openCreateDialog();
      await user.keyboard('{Escape}');
      await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
      expect(screen.getByRole('button', { name: 'Create key' })).toHaveFocus();
    });
  });

  describe('validation', () => {
    it('requires a name before sending anything', async () => {
      const { user, dialog } = await openCreateDialog();
      await user.type(within(dialog).getByLabelText('Name'), '   ');
      await user.click(within(dialog).getByRole('button', { name: 'Create key' }));

      const name = within(dialog).getByLabelText('Name');
      expect(name).toHaveAttribute('aria-invalid', 'true');
      expect(name).toHaveAccessibleDescription('Label is required');
      expect(apiLog.filter((entry) => entry.method === 'POST')).toHaveLength(0);
    });

    it('requires at least one scope', async () => {
      const { user, dialog } = await openCreateDialog();
      await user.type(within(dialog).getByLabelText('Name'), 'Reader');
      await user.click(within(dialog).getByRole('checkbox', { name: 'read' }));
      await user.click(within(dialog).getByRole('button', { name: 'Create key' }));

      expect(within(dialog).getByText('Choose at least one scope')).toBeInTheDocument();
      expect(apiLog.filter((entry) => entry.method === 'POST')).toHaveLength(0);
    });

    it('puts a field error from the API under that field', async () => {
      server.use(
        http.post('/api/dashboard/keys', () =>
          apiError('invalid_request', 'label must not contain control characters', 'label'),
        ),
      );
      const { user, dialog } = await openCreateDialog();
      await user.type(within(dialog).getByLabelText('Name'), 'Weird');
      await user.click(within(dialog).getByRole('button', { name: 'Create key' }));

      expect(
        await within(dialog).findByText('Label must not contain control characters.'),
      ).toBeInTheDocument();
      expect(within(dialog).getByLabelText('Name')).toHaveAttribute('aria-invalid', 'true');
    });
  });

  describe('errors', () => {
    it('explains the active-key limit in words and keeps the form', async () => {
      server.use(http.post('/api/dashboard/keys', () => apiError('key_limit_reached', 'too many keys')));
      const { user, dialog } = await openCreateDialog();
      await user.type(within(dialog).getByLabelText('Name'), 'One too many');
      await user.click(within(dialog).getByRole('button', { name: 'Create key' }));

      expect(await within(dialog).findByRole('alert')).toHaveTextContent(
        'You already have 25 active keys. Revoke one you no longer use to create another.',
      );
      expect(within(dialog).getByLabelText('Name')).toHaveValue('One too many');
    });
  });
});
