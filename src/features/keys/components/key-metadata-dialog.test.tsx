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

async function openMetadata(label: string) {
  const rendered = renderWithProviders(<KeysPanel />);
  await waitForLoaded();
  await rendered.user.click(await screen.findByRole('button', { name: `Actions for ${label}` }));
  await rendered.user.click(await screen.findByRole('menuitem', { name: 'Metadata' }));
  const dialog = await screen.findByRole('dialog', { name: `Metadata of “${label}”` });
  return {
    ...rendered,
    dialog,
    field: within(dialog).getByLabelText('Metadata'),
    save: within(dialog).getByRole('button', { name: 'Save metadata' }),
  };
}

describe('key metadata', () => {
  describe('happy path', () => {
    it('shows the metadata pretty-printed, and replaces it whole with PATCH', async () => {
      const { staging } = seedAccount();
      staging.metadata = { customer_id: 'cus_1', tier: 'gold' };
      const { user, field, save } = await openMetadata('Staging');
      expect(field).toHaveValue('{\n  "customer_id": "cus_1",\n  "tier": "gold"\n}');

      await user.clear(field);
      await user.paste('{"customer_id": "cus_2", "seats": 5}');
      await user.click(save);

      await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
      expect(patches()).toEqual([
        {
          method: 'PATCH',
          path: `/keys/${staging.id}`,
          query: {},
          body: { metadata: { customer_id: 'cus_2', seats: 5 } },
        },
      ]);
      expect(await screen.findByText('Metadata saved for “Staging”')).toBeInTheDocument();
      expect(db.keys.find((key) => key.id === staging.id)?.metadata).toEqual({
        customer_id: 'cus_2',
        seats: 5,
      });

      // The list was refreshed: opening it again shows what was saved.
      await user.click(screen.getByRole('button', { name: 'Actions for Staging' }));
      await user.click(await screen.findByRole('menuitem', { name: 'Metadata' }));
      const reopened = await screen.findByRole('dialog', { name: 'Metadata of “Staging”' });
      expect(within(reopened).getByLabelText('Metadata')).toHaveValue(
        '{\n  "customer_id": "cus_2",\n  "seats": 5\n}',
      );
    });

    it('clears the metadata with null when the field is emptied', async () => {
      const { active } = seedAccount();
      active.metadata = { customer_id: 'cus_1' };
      const { user, field, save } = await openMetadata('Production server');
      await user.clear(field);
      await user.click(save);

      await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
      expect(patches().map((entry) => entry.body)).toEqual([{ metadata: null }]);
      expect(await screen.findByText('Metadata cleared for “Production server”')).toBeInTheDocument();
      expect(db.keys.find((key) => key.id === active.id)?.metadata).toBeNull();
    });

    it('sends nothing when the metadata did not change', async () => {
      const { staging } = seedAccount();
      staging.metadata = { customer_id: 'cus_1' };
      const { user, field, save } = await openMetadata('Staging');
      // The same object, typed differently.
      await user.clear(field);
      await user.paste('{"customer_id":"cus_1"}');
      await user.click(save);
      await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
      expect(patches()).toHaveLength(0);
    });

    it('is offered for revoked keys too, which keep their history readable', async () => {
      const { revoked } = seedAccount();
      const { user, field, save } = await openMetadata('Old laptop');
      expect(field).toHaveValue('');
      await user.click(field);
      await user.paste('{"owner": "it-team"}');
      await user.click(save);
      await waitFor(() => expect(patches().map((entry) => entry.path)).toEqual([`/keys/${revoked.id}`]));
    });
  });

  describe('validation and errors', () => {
    it('refuses what the contract refuses before sending anything', async () => {
      seedAccount();
      const { user, field, save } = await openMetadata('Staging');
      await user.click(field);
      await user.paste('{"nested": [1, 2]}');
      await user.click(save);
      expect(field).toHaveAttribute('aria-invalid', 'true');
      expect(field).toHaveAccessibleDescription(
        '“nested”: a value is a string (at most 256 characters), a number, true, false or null; no objects or lists.',
      );
      expect(patches()).toHaveLength(0);
    });

    it('puts the API’s refusal under the field, and any other failure above the form', async () => {
      server.use(
        http.patch(
          '/api/dashboard/keys/:id',
          () => apiError('invalid_request', 'metadata: metadata is at most 1024 bytes as JSON', 'metadata'),
          { once: true },
        ),
        http.patch('/api/dashboard/keys/:id', () => apiError('forbidden', 'not yours')),
      );
      seedAccount();
      const { user, dialog, field, save } = await openMetadata('Staging');
      await user.click(field);
      await user.paste('{"customer_id": "cus_9"}');
      await user.click(save);
      expect(
        await within(dialog).findByText('Metadata: metadata is at most 1024 bytes as JSON.'),
      ).toBeInTheDocument();
      expect(field).toHaveAttribute('aria-invalid', 'true');

      await user.click(save);
      expect(await within(dialog).findByRole('alert')).toHaveTextContent("You don't have access to this.");
      expect(field).toHaveValue('{"customer_id": "cus_9"}');
    });
  });
});
