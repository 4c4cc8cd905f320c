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

    it('sends the chosen integration and metadata, and the key shows its integration', async () => {
      const { user, dialog } = await openCreateDialog();
      const options = within(within(dialog).getByLabelText('Integration'))
        .getAllByRole('option')
        .map((option) => option.textContent);
      expect(options).toEqual(['None', 'Zapier', 'n8n', 'Make', 'Google Sheets', 'Custom']);
      expect(within(dialog).getByLabelText('Metadata')).toHaveAccessibleDescription(
        'A flat JSON object, e.g. {"customer_id": "cus_123"} — returned when your service verifies the key.',
      );

      await user.type(within(dialog).getByLabelText('Name'), 'Zap');
      await user.selectOptions(within(dialog).getByLabelText('Integration'), 'Zapier');
      await user.click(within(dialog).getByLabelText('Metadata'));
      await user.paste('{"customer_id": "cus_42", "seats": 3, "trial": false}');
      await user.click(within(dialog).getByRole('button', { name: 'Create key' }));

      const reveal = await screen.findByRole('dialog', { name: '“Zap” is ready' });
      const posted = apiLog.find((entry) => entry.method === 'POST' && entry.path === '/keys');
      expect(posted?.body).toEqual({
        label: 'Zap',
        scopes: ['read'],
        integration: 'zapier',
        metadata: { customer_id: 'cus_42', seats: 3, trial: false },
      });
      await user.click(within(reveal).getByRole('button', { name: 'I’ve saved my key' }));
      const row = await screen.findByRole('row', { name: /Zap/ });
      expect(within(row).getByText('Zapier')).toBeInTheDocument();
    });

    it('sends neither integration nor metadata when none is given', async () => {
      const { user, dialog } = await openCreateDialog();
      await user.type(within(dialog).getByLabelText('Name'), 'Plain');
      await user.click(within(dialog).getByLabelText('Metadata'));
      await user.paste('   ');
      await user.click(within(dialog).getByRole('button', { name: 'Create key' }));
      await screen.findByRole('dialog', { name: '“Plain” is ready' });
      expect(apiLog.find((entry) => entry.method === 'POST')?.body).toEqual({
        label: 'Plain',
        scopes: ['read'],
      });
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

    it('refuses metadata that is not JSON, or not what a key can hold, without sending anything', async () => {
      const { user, dialog } = await openCreateDialog();
      await user.type(within(dialog).getByLabelText('Name'), 'Tagged');
      const metadata = within(dialog).getByLabelText('Metadata');
      const create = within(dialog).getByRole('button', { name: 'Create key' });

      await user.click(metadata);
      await user.paste('{customer_id: cus_42}');
      await user.click(create);
      expect(metadata).toHaveAttribute('aria-invalid', 'true');
      expect(metadata).toHaveAccessibleDescription(
        'This is not valid JSON. Check the quotes, commas and braces.',
      );

      await user.clear(metadata);
      await user.paste('{"customer": {"id": 42}}');
      await user.click(create);
      expect(metadata).toHaveAccessibleDescription(
        '“customer”: a value is a string (at most 256 characters), a number, true, false or null; no objects or lists.',
      );

      await user.clear(metadata);
      await user.paste('["cus_42"]');
      await user.click(create);
      expect(metadata).toHaveAccessibleDescription(
        'Metadata is a JSON object, like {"customer_id": "cus_123"}.',
      );

      await user.clear(metadata);
      await user.paste('{"2fa": true}');
      await user.click(create);
      expect(metadata).toHaveAccessibleDescription(
        '“2fa”: a property name starts with a letter and has at most 40 letters, digits, _ or -.',
      );

      await user.clear(metadata);
      await user.paste(JSON.stringify({ note: 'x'.repeat(257) }));
      await user.click(create);
      expect(metadata).toHaveAccessibleDescription('“note”: A value is at most 256 characters.');

      await user.clear(metadata);
      await user.paste(
        JSON.stringify({ a: 'x'.repeat(250), b: 'x'.repeat(250), c: 'x'.repeat(250), d: 'x'.repeat(250) }),
      );
      await user.click(create);
      expect(metadata).toHaveAccessibleDescription('Metadata is at most 1024 bytes as JSON.');

      expect(within(dialog).getByLabelText('Name')).toHaveAttribute('aria-invalid', 'false');
      expect(apiLog.filter((entry) => entry.method === 'POST')).toHaveLength(0);
    });

    it('puts the API’s refusal of a metadata property under Metadata, not under a field of that name', async () => {
      server.use(
        http.post('/api/dashboard/keys', () =>
          apiError('invalid_request', 'metadata.label: a value is at most 256 characters', 'metadata.label'),
        ),
      );
      const { user, dialog } = await openCreateDialog();
      await user.type(within(dialog).getByLabelText('Name'), 'Labelled');
      await user.click(within(dialog).getByLabelText('Metadata'));
      await user.paste('{"label": "gold"}');
      await user.click(within(dialog).getByRole('button', { name: 'Create key' }));

      const metadata = within(dialog).getByLabelText('Metadata');
      await waitFor(() => expect(metadata).toHaveAttribute('aria-invalid', 'true'));
      expect(metadata).toHaveAccessibleDescription('Metadata.label: a value is at most 256 characters.');
      expect(within(dialog).getByLabelText('Name')).toHaveAttribute('aria-invalid', 'false');
      expect(within(dialog).queryByRole('alert')).not.toBeInTheDocument();
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
