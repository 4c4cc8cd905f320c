import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { db, seedAccount } from '@/testing/mocks/db';
import { authCalls, failNextSignIn, TEST_USER } from '@/testing/mocks/firebase';
import { renderApp, waitForLoaded } from '@/testing/test-utils';

describe('routing and sign-in', () => {
  describe('protected routes', () => {
    it('sends a signed-out visitor to sign-in, then back where they were going', async () => {
      seedAccount();
      const { user, router } = renderApp('/keys?from=email', { user: null });

      expect(await screen.findByRole('heading', { name: 'Sign in to Keymeter' })).toBeInTheDocument();
      expect(router.state.location.pathname).toBe('/dashboard/sign-in');
      expect(router.state.location.search).toBe(`?redirect=${encodeURIComponent('/keys?from=email')}`);

      await user.click(screen.getByRole('button', { name: 'Continue with Google' }));

      expect(await screen.findByRole('heading', { name: 'API keys' })).toBeInTheDocument();
      expect(router.state.location.pathname).toBe('/dashboard/keys');
      expect(router.state.location.search).toBe('?from=email');
      expect(authCalls.signIn).toEqual(['google']);
    });

    it('signs in with GitHub too', async () => {
      const { user } = renderApp('/', { user: null });
      await user.click(await screen.findByRole('button', { name: 'Continue with GitHub' }));
      expect(await screen.findByRole('heading', { name: /Welcome back, Ada/ })).toBeInTheDocument();
      expect(authCalls.signIn).toEqual(['github']);
    });

    it('explains a failed sign-in and stays put', async () => {
      const { user } = renderApp('/', { user: null });
      failNextSignIn('auth/account-exists-with-different-credential');
      await user.click(await screen.findByRole('button', { name: 'Continue with GitHub' }));
      expect(await screen.findByRole('alert')).toHaveTextContent(
        'An account with this email already signs in with another provider. Use that provider instead.',
      );
      expect(screen.getByRole('button', { name: 'Continue with Google' })).toBeEnabled();
    });

    it('says nothing when the visitor just closes the sign-in window', async () => {
      const { user } = renderApp('/', { user: null });
      failNextSignIn('auth/popup-closed-by-user');
      await user.click(await screen.findByRole('button', { name: 'Continue with Google' }));
      await waitFor(() => expect(screen.getByRole('button', { name: 'Continue with Google' })).toBeEnabled());
      expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    });

    it('ignores a redirect target outside the dashboard', async () => {
      const { router } = renderApp('/sign-in?redirect=%2F%2Fevil.example%2F');
      expect(await screen.findByRole('heading', { name: /Welcome back/ })).toBeInTheDocument();
      expect(router.state.location.pathname).toBe('/dashboard');
    });
  });

  describe('layout', () => {
    it('shows the user menu with name, plan and a working sign-out', async () => {
      seedAccount();
      const { user, router } = renderApp('/keys');
      const menuButton = await screen.findByRole('button', { name: 'Account menu for Ada Lovelace' });
      await waitFor(() => expect(menuButton).toHaveTextContent('Free plan'));

      await user.click(menuButton);
      const menu = await screen.findByRole('menu');
      expect(menu).toHaveTextContent('ada@example.com');
      await user.click(within(menu).getByRole('menuitem', { name: 'Sign out' }));

      expect(await screen.findByText('You are signed out.')).toBeInTheDocument();
      expect(router.state.location.pathname).toBe('/dashboard/sign-in');
      expect(router.state.location.search).toBe('');
      expect(authCalls.signOut).toBe(1);
    });

    it('opens the navigation from a menu button on small screens and closes it after navigating', async () => {
      const { user, router } = renderApp('/');
      await user.click(await screen.findByRole('button', { name: 'Open menu' }));
      const sheet = await screen.findByRole('dialog', { name: 'Navigation' });
      await user.click(within(sheet).getByRole('link', { name: 'Usage' }));
      await waitFor(() =>
        expect(screen.queryByRole('dialog', { name: 'Navigation' })).not.toBeInTheDocument(),
      );
      expect(await screen.findByRole('heading', { name: 'Usage' })).toBeInTheDocument();
      expect(router.state.location.pathname).toBe('/dashboard/usage');
    });

    it('marks the current page in the navigation', async () => {
      renderApp('/billing');
      const nav = await screen.findByRole('navigation', { name: 'Main' });
      expect(within(nav).getByRole('link', { name: 'Billing' })).toHaveAttribute('aria-current', 'page');
      expect(within(nav).getByRole('link', { name: 'Overview' })).not.toHaveAttribute('aria-current');
    });
  });

  describe('admin', () => {
    it('hides Admin from the navigation and answers 404 to a non-admin', async () => {
      renderApp('/admin');
      expect(await screen.findByRole('heading', { name: "This page doesn't exist" })).toBeInTheDocument();
      const nav = screen.getByRole('navigation', { name: 'Main' });
      expect(within(nav).queryByRole('link', { name: 'Admin' })).not.toBeInTheDocument();
    });

    it('shows Admin to an operator with the admin claim', async () => {
      db.profile.is_admin = true;
      renderApp('/admin', { user: { ...TEST_USER, isAdmin: true } });
      expect(await screen.findByRole('heading', { name: 'Admin' })).toBeInTheDocument();
      await waitForLoaded();
      expect(
        within(screen.getByRole('navigation', { name: 'Main' })).getByRole('link', { name: 'Admin' }),
      ).toBeInTheDocument();
      expect(screen.getByRole('table', { name: 'Top accounts' })).toHaveTextContent('grace@example.com');
    });
  });

  describe('not found', () => {
    it('shows a 404 page with a way back', async () => {
      renderApp('/no-such-page');
      expect(await screen.findByRole('heading', { name: "This page doesn't exist" })).toBeInTheDocument();
      expect(screen.getByRole('link', { name: 'Go to Overview' })).toHaveAttribute('href', '/dashboard');
    });
  });
});
