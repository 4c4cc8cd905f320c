import { screen, waitFor, within } from '@testing-library/react';
import { http } from 'msw';
import { describe, expect, it } from 'vitest';
import { seedAccount } from '@/testing/mocks/db';
import { authCalls } from '@/testing/mocks/firebase';
import { apiError, apiLog } from '@/testing/mocks/handlers';
import { server } from '@/testing/mocks/server';
import { renderApp, waitForLoaded } from '@/testing/test-utils';

describe('settings page', () => {
  it('shows the profile', async () => {
    renderApp('/settings');
    await waitForLoaded();
    const profile = await screen.findByRole('region', { name: 'Profile' });
    expect(profile).toHaveTextContent('Ada Lovelace');
    expect(profile).toHaveTextContent('ada@example.com');
    expect(profile).toHaveTextContent('Signed in withGoogle');
    expect(profile).toHaveTextContent('user-ada');
  });

  describe('export my data', () => {
    it('downloads the account as JSON', async () => {
      seedAccount();
      const { user } = renderApp('/settings');
      await user.click(await screen.findByRole('button', { name: 'Export JSON' }));
      expect(await screen.findByText('Your data was downloaded')).toBeInTheDocument();
      const blob = (URL.createObjectURL as unknown as { mock: { calls: [Blob][] } }).mock.calls[0]?.[0];
      const exported = JSON.parse((await blob?.text()) ?? '{}') as {
        profile: { uid: string };
        keys: unknown[];
      };
      expect(exported.profile.uid).toBe('user-ada');
      expect(exported.keys).toHaveLength(4);
    });

    it('refuses to save an export that does not match the schema', async () => {
      server.use(http.get('/api/dashboard/me/export', () => Response.json({ hello: 'world' })));
      const { user } = renderApp('/settings');
      await user.click(await screen.findByRole('button', { name: 'Export JSON' }));
      expect(await screen.findByText("Couldn't export your data")).toBeInTheDocument();
      expect(URL.createObjectURL).not.toHaveBeenCalled();
    });
  });

  describe('delete my account', () => {
    it('needs the confirmation typed before deleting', async () => {
      const { user } = renderApp('/settings');
      await user.click(await screen.findByRole('button', { name: 'Delete account' }));
      const dialog = await screen.findByRole('alertdialog', { name: 'Delete your account?' });
      const confirm = within(dialog).getByRole('button', { name: 'Delete my account' });
      expect(confirm).toBeDisabled();

      await user.type(within(dialog).getByLabelText(/To confirm, type/), 'delete my acount{Enter}');
      expect(confirm).toBeDisabled();
      expect(apiLog.filter((entry) => entry.method === 'DELETE')).toHaveLength(0);
    });

    it('deletes the account, signs out and lands on sign-in', async () => {
      seedAccount();
      const { user, router } = renderApp('/settings');
      await user.click(await screen.findByRole('button', { name: 'Delete account' }));
      const dialog = await screen.findByRole('alertdialog');
      await user.type(within(dialog).getByLabelText(/To confirm, type/), 'delete my account');
      await user.click(within(dialog).getByRole('button', { name: 'Delete my account' }));

      expect(await screen.findByRole('heading', { name: 'Sign in to Keymeter' })).toBeInTheDocument();
      expect(screen.getByRole('status')).toHaveTextContent(
        'Your account and all of its keys and usage data have been deleted.',
      );
      expect(router.state.location.pathname).toBe('/dashboard/sign-in');
      expect(apiLog.filter((entry) => entry.method === 'DELETE' && entry.path === '/me')).toHaveLength(1);
      expect(authCalls.signOut).toBe(1);
    });

    it('stays signed in and explains when deletion fails', async () => {
      server.use(http.delete('/api/dashboard/me', () => apiError('internal', 'boom')));
      const { user } = renderApp('/settings');
      await user.click(await screen.findByRole('button', { name: 'Delete account' }));
      const dialog = await screen.findByRole('alertdialog');
      await user.type(within(dialog).getByLabelText(/To confirm, type/), 'delete my account{Enter}');
      expect(await within(dialog).findByRole('alert')).toHaveTextContent('Something went wrong on our side.');
      await waitFor(() =>
        expect(within(dialog).getByRole('button', { name: 'Delete my account' })).toBeEnabled(),
      );
      expect(authCalls.signOut).toBe(0);
    });
  });
});
