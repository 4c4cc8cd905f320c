import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { buildKey, db } from '@/testing/mocks/db';
import { apiLog } from '@/testing/mocks/handlers';
import { buildMember, seedTeam } from '@/testing/mocks/team';
import { renderApp, waitForLoaded } from '@/testing/test-utils';

/** A personal key and a key of the team `acme`, so each page can show whose keys it lists. */
function seedTwoAccounts() {
  const team = seedTeam({ name: 'Acme', slug: 'acme', role: 'admin', plan_tier: 'pro' });
  seedTeam({ name: 'Beta Labs', slug: 'beta', role: 'viewer' });
  db.keys = [
    buildKey({ label: 'Personal laptop' }),
    buildKey({ label: 'Acme production', account_id: team.id }),
  ];
  return team;
}

function switcher() {
  return screen.getByRole('button', { name: /^Switch account/ });
}

describe('account switcher', () => {
  describe('happy path', () => {
    it('lists the personal account and the teams with role and plan', async () => {
      seedTwoAccounts();
      const { user } = renderApp('/');
      await waitFor(() => expect(switcher()).toHaveTextContent('Personal · Free'));
      expect(switcher()).toHaveAccessibleName('Switch account (current: Ada Lovelace)');

      await user.click(switcher());
      const menu = await screen.findByRole('menu');
      const items = within(menu).getAllByRole('menuitem');
      expect(items.map((item) => item.textContent)).toEqual([
        'Ada LovelacePersonal · Free',
        'AcmeAdmin · Pro',
        'Beta LabsViewer · Free',
        'Create team',
      ]);
      expect(items[0]).toHaveAttribute('aria-current', 'true');
    });

    it('opens the same page in the chosen team, whose URL names it, with its own data only', async () => {
      seedTwoAccounts();
      const { user, router } = renderApp('/keys');
      expect(await screen.findByRole('row', { name: /Personal laptop/ })).toBeInTheDocument();

      await user.click(switcher());
      await user.click(within(await screen.findByRole('menu')).getByRole('menuitem', { name: /Acme/ }));

      expect(await screen.findByRole('row', { name: /Acme production/ })).toBeInTheDocument();
      expect(router.state.location.pathname).toBe('/dashboard/t/acme/keys');
      expect(screen.queryByRole('row', { name: /Personal laptop/ })).not.toBeInTheDocument();
      expect(switcher()).toHaveAccessibleName('Switch account (current: Acme)');
      expect(apiLog.some((entry) => entry.path === '/accounts/team_acme/keys')).toBe(true);

      // Back to the personal account: its own keys, at today's path.
      await user.click(switcher());
      await user.click(
        within(await screen.findByRole('menu')).getByRole('menuitem', { name: /Ada Lovelace/ }),
      );
      expect(await screen.findByRole('row', { name: /Personal laptop/ })).toBeInTheDocument();
      expect(router.state.location.pathname).toBe('/dashboard/keys');
      expect(screen.queryByRole('row', { name: /Acme production/ })).not.toBeInTheDocument();
    });

    it('keeps the team in every link of the navigation', async () => {
      seedTwoAccounts();
      renderApp('/t/acme/usage');
      const nav = await screen.findByRole('navigation', { name: 'Main' });
      expect(within(nav).getByRole('link', { name: 'Usage' })).toHaveAttribute(
        'href',
        '/dashboard/t/acme/usage',
      );
      expect(within(nav).getByRole('link', { name: 'Usage' })).toHaveAttribute('aria-current', 'page');
      expect(within(nav).getByRole('link', { name: 'Overview' })).toHaveAttribute(
        'href',
        '/dashboard/t/acme',
      );
      expect(within(nav).getByRole('link', { name: 'Overview' })).not.toHaveAttribute('aria-current');
      expect(within(nav).getByRole('link', { name: 'Team' })).toHaveAttribute(
        'href',
        '/dashboard/t/acme/team',
      );
    });

    it('creates a team from the switcher and opens it', async () => {
      const { user, router } = renderApp('/');
      await waitForLoaded();
      await user.click(switcher());
      await user.click(
        within(await screen.findByRole('menu')).getByRole('menuitem', { name: 'Create team' }),
      );
      const dialog = await screen.findByRole('dialog', { name: 'Create a team' });
      await user.type(within(dialog).getByLabelText('Team name'), 'Night Owls');
      await user.type(within(dialog).getByLabelText('URL name (optional)'), 'owls');
      await user.click(within(dialog).getByRole('button', { name: 'Create team' }));

      await waitFor(() => expect(router.state.location.pathname).toBe('/dashboard/t/owls'));
      expect(apiLog.find((entry) => entry.method === 'POST' && entry.path === '/teams')?.body).toEqual({
        name: 'Night Owls',
        slug: 'owls',
      });
      await waitFor(() => expect(switcher()).toHaveAccessibleName('Switch account (current: Night Owls)'));
      expect(switcher()).toHaveTextContent('Owner · Free');
    });

    it('switches from the menu on small screens, and the menu closes', async () => {
      seedTwoAccounts();
      const { user, router } = renderApp('/usage');
      await user.click(await screen.findByRole('button', { name: 'Open menu' }));
      const sheet = await screen.findByRole('dialog', { name: 'Navigation' });
      await user.click(within(sheet).getByRole('button', { name: /^Switch account/ }));
      await user.click(within(await screen.findByRole('menu')).getByRole('menuitem', { name: /Beta Labs/ }));

      await waitFor(() => expect(router.state.location.pathname).toBe('/dashboard/t/beta/usage'));
      await waitFor(() =>
        expect(screen.queryByRole('dialog', { name: 'Navigation' })).not.toBeInTheDocument(),
      );
    });
  });

  describe('errors', () => {
    it('answers an unknown team slug with the not-found page', async () => {
      seedTwoAccounts();
      renderApp('/t/nobody/keys');
      expect(await screen.findByRole('heading', { name: "This page doesn't exist" })).toBeInTheDocument();
      expect(apiLog.some((entry) => entry.path.includes('/keys'))).toBe(false);
    });

    it('says why a team could not be created and stays in the dialog', async () => {
      seedTeam({ name: 'Acme', slug: 'acme' });
      const { user } = renderApp('/');
      await waitForLoaded();
      await user.click(switcher());
      await user.click(
        within(await screen.findByRole('menu')).getByRole('menuitem', { name: 'Create team' }),
      );
      const dialog = await screen.findByRole('dialog', { name: 'Create a team' });
      await user.type(within(dialog).getByLabelText('Team name'), 'Acme');
      await user.click(within(dialog).getByRole('button', { name: 'Create team' }));
      expect(
        await within(dialog).findByText('The URL name “acme” is taken. Choose another.'),
      ).toBeInTheDocument();
    });
  });

  describe('roles', () => {
    it('shows the audit log only to roles that may read it, in each account', async () => {
      seedTeam({
        name: 'Acme',
        slug: 'acme',
        role: 'member',
        others: [buildMember({ uid: 'user-grace', role: 'admin' })],
      });
      const { user } = renderApp('/t/acme');
      const nav = await screen.findByRole('navigation', { name: 'Main' });
      expect(within(nav).queryByRole('link', { name: 'Audit log' })).not.toBeInTheDocument();

      await user.click(switcher());
      await user.click(
        within(await screen.findByRole('menu')).getByRole('menuitem', { name: /Ada Lovelace/ }),
      );
      expect(
        await within(screen.getByRole('navigation', { name: 'Main' })).findByRole('link', {
          name: 'Audit log',
        }),
      ).toHaveAttribute('href', '/dashboard/audit-log');
    });
  });
});
