import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Role } from '@shared/roles';
import { db } from '@/testing/mocks/db';
import { apiLog } from '@/testing/mocks/handlers';
import { buildInvitation, buildMember, seedTeam, teamDb, teamState } from '@/testing/mocks/team';
import { renderApp, waitForLoaded } from '@/testing/test-utils';

const grace = () =>
  buildMember({
    uid: 'user-grace',
    email: 'grace@example.com',
    display_name: 'Grace Hopper',
    role: 'member',
  });

async function openTeam(role: Role, others = [grace()]) {
  const team = seedTeam({ role, others });
  const rendered = renderApp('/t/acme/team');
  await waitForLoaded();
  expect(await screen.findByRole('table', { name: 'Members' })).toBeInTheDocument();
  return { ...rendered, team };
}

const sent = (method: string, path: string) =>
  apiLog.filter((entry) => entry.method === method && entry.path === path);

function invitations() {
  return screen.getByRole('region', { name: 'Invitations' });
}

describe('team page', () => {
  describe('members', () => {
    it('lists members with email, role and when they joined, and the seats they use', async () => {
      await openTeam('owner');
      const rows = within(screen.getByRole('table', { name: 'Members' }))
        .getAllByRole('row')
        .slice(1);
      expect(rows.map((row) => within(row).getAllByRole('cell')[0]?.textContent)).toEqual([
        'Ada Lovelace(you)ada@example.com',
        'Grace Hoppergrace@example.com',
      ]);
      expect(within(rows[0] as HTMLElement).getByText('Owner')).toBeInTheDocument();
      expect(screen.getByText('2 of 3 seats used')).toBeInTheDocument();
      expect(screen.queryByText('Every seat is taken')).not.toBeInTheDocument();
    });

    it('changes a member’s role, and never offers the owner’s or the caller’s own', async () => {
      const { user } = await openTeam('admin');
      expect(screen.queryByRole('combobox', { name: 'Role of Ada Lovelace' })).not.toBeInTheDocument();
      expect(screen.queryByRole('combobox', { name: 'Role of Olive Owner' })).not.toBeInTheDocument();
      expect(screen.queryByRole('button', { name: 'Remove Olive Owner' })).not.toBeInTheDocument();

      await user.selectOptions(screen.getByRole('combobox', { name: 'Role of Grace Hopper' }), 'Viewer');
      expect(await screen.findByText('Grace Hopper is now viewer')).toBeInTheDocument();
      expect(sent('PATCH', '/accounts/team_acme/members/user-grace').map((entry) => entry.body)).toEqual([
        { role: 'viewer' },
      ]);
      expect(screen.getByRole('combobox', { name: 'Role of Grace Hopper' })).toHaveValue('viewer');
    });

    it('removes a member after confirming', async () => {
      const { user } = await openTeam('owner');
      await user.click(screen.getByRole('button', { name: 'Remove Grace Hopper' }));
      const dialog = await screen.findByRole('alertdialog', { name: 'Remove Grace Hopper?' });
      await user.click(within(dialog).getByRole('button', { name: 'Remove member' }));
      expect(await screen.findByText('Grace Hopper was removed from the team')).toBeInTheDocument();
      await waitFor(() => expect(screen.queryByText('Grace Hopper')).not.toBeInTheDocument());
      expect(screen.getByText('1 of 3 seats used')).toBeInTheDocument();
    });

    it('offers a member no member management, and lets it leave the team', async () => {
      const { user, router } = await openTeam('member', []);
      expect(screen.queryByRole('combobox', { name: /^Role of/ })).not.toBeInTheDocument();
      expect(screen.queryByRole('button', { name: /^Remove/ })).not.toBeInTheDocument();
      expect(screen.queryByRole('region', { name: 'Invitations' })).not.toBeInTheDocument();
      expect(screen.queryByRole('button', { name: 'Delete team' })).not.toBeInTheDocument();
      expect(apiLog.some((entry) => entry.path.endsWith('/invitations'))).toBe(false);

      await user.click(screen.getByRole('button', { name: 'Leave team' }));
      const dialog = await screen.findByRole('alertdialog', { name: 'Leave “Acme”?' });
      await user.click(within(dialog).getByRole('button', { name: 'Leave team' }));

      await waitFor(() => expect(router.state.location.pathname).toBe('/dashboard'));
      expect(await screen.findByText('You left “Acme”')).toBeInTheDocument();
      expect(sent('DELETE', `/accounts/team_acme/members/${db.profile.uid}`)).toHaveLength(1);
      await user.click(await screen.findByRole('button', { name: /^Switch account/ }));
      const menu = await screen.findByRole('menu');
      await waitFor(() =>
        expect(within(menu).queryByRole('menuitem', { name: /Acme/ })).not.toBeInTheDocument(),
      );
    });
  });

  describe('invitations', () => {
    it('invites by email with a role, shows the link once with a copy button, then lists it as pending', async () => {
      const { user } = await openTeam('owner');
      const card = invitations();
      await user.type(within(card).getByLabelText('Email address'), 'Linus@Example.com');
      await user.selectOptions(within(card).getByLabelText('Role'), 'Viewer');
      await user.click(within(card).getByRole('button', { name: 'Send invitation' }));

      const link = await within(card).findByLabelText('Invitation link for linus@example.com');
      expect(sent('POST', '/accounts/team_acme/invitations').map((entry) => entry.body)).toEqual([
        { email: 'linus@example.com', role: 'viewer' },
      ]);
      const url = (link as HTMLInputElement).value;
      expect(url).toMatch(/^http:\/\/localhost(:\d+)?\/dashboard\/invitations\/[A-Za-z0-9_-]{43}$/);
      expect(teamDb.links.has(url.split('/').at(-1) ?? '')).toBe(true);
      expect(within(card).getByRole('alert')).toHaveTextContent('This link will not be shown again.');
      expect(within(card).getByRole('alert')).toHaveTextContent(
        'Email is not set up on this Keymeter server',
      );

      await user.click(within(card).getByRole('button', { name: 'Copy invitation link' }));
      expect(await navigator.clipboard.readText()).toBe(url);

      await user.click(within(card).getByRole('button', { name: 'Done' }));
      expect(within(card).queryByLabelText(/^Invitation link for/)).not.toBeInTheDocument();
      expect(screen.queryByDisplayValue(url)).not.toBeInTheDocument();
      const pending = await within(card).findByRole('list', { name: 'Pending invitations' });
      expect(pending).toHaveTextContent('linus@example.com');
      expect(pending).toHaveTextContent('Viewer');
      expect(screen.getByText('3 of 3 seats used')).toBeInTheDocument();
    });

    it('says the link was emailed when mail is set up', async () => {
      teamDb.delivery = 'email';
      const { user } = await openTeam('owner');
      const card = invitations();
      await user.type(within(card).getByLabelText('Email address'), 'linus@example.com');
      await user.click(within(card).getByRole('button', { name: 'Send invitation' }));
      expect(await within(card).findByRole('alert')).toHaveTextContent('We emailed it to linus@example.com');
    });

    it('refuses an invitation when every seat is taken and says how to get more', async () => {
      const { user, team } = await openTeam('owner', [
        grace(),
        buildMember({ uid: 'user-linus', display_name: 'Linus', role: 'viewer' }),
      ]);
      expect(screen.getByText('3 of 3 seats used')).toBeInTheDocument();
      expect(screen.getByText('Every seat is taken')).toBeInTheDocument();

      const card = invitations();
      await user.type(within(card).getByLabelText('Email address'), 'margaret@example.com');
      await user.click(within(card).getByRole('button', { name: 'Send invitation' }));

      const alert = await within(card).findByRole('alert');
      expect(alert).toHaveTextContent('All 3 seats of this team are taken, pending invitations included.');
      expect(within(alert).getByRole('link', { name: 'Upgrade on Billing' })).toHaveAttribute(
        'href',
        '/dashboard/t/acme/billing',
      );
      expect(within(card).queryByLabelText(/^Invitation link for/)).not.toBeInTheDocument();
      expect(teamState(team.id).invitations).toEqual([]);
    });

    it('revokes a pending invitation', async () => {
      const team = seedTeam({ role: 'admin' });
      teamState(team.id).invitations.push(buildInvitation(team, { email: 'linus@example.com' }));
      const { user } = renderApp('/t/acme/team');
      const revoke = await screen.findByRole('button', {
        name: 'Revoke the invitation for linus@example.com',
      });
      await user.click(revoke);
      expect(await screen.findByText('Invitation for linus@example.com revoked')).toBeInTheDocument();
      expect(await within(invitations()).findByText('No pending invitations.')).toBeInTheDocument();
    });
  });

  describe('ownership', () => {
    it('transfers ownership: the owner becomes an admin', async () => {
      const { user } = await openTeam('owner');
      expect(
        screen.getByText('As the owner you can’t leave the team: transfer ownership first.'),
      ).toBeInTheDocument();
      expect(screen.queryByRole('button', { name: 'Leave team' })).not.toBeInTheDocument();

      await user.click(screen.getByRole('button', { name: 'Transfer ownership' }));
      const dialog = await screen.findByRole('alertdialog', { name: 'Transfer ownership?' });
      const confirm = within(dialog).getByRole('button', { name: 'Make them the owner' });
      expect(confirm).toBeDisabled();
      await user.selectOptions(within(dialog).getByLabelText('New owner'), 'Grace Hopper');
      await user.click(confirm);

      expect(await screen.findByText('Grace Hopper is now the owner')).toBeInTheDocument();
      expect(sent('POST', '/accounts/team_acme/transfer').map((entry) => entry.body)).toEqual([
        { uid: 'user-grace' },
      ]);
      await waitFor(() =>
        expect(screen.getByRole('button', { name: /^Switch account/ })).toHaveTextContent('Admin · Free'),
      );
      expect(screen.queryByRole('button', { name: 'Delete team' })).not.toBeInTheDocument();
      expect(screen.getByRole('button', { name: 'Leave team' })).toBeInTheDocument();
    });

    it('deletes the team once its name is typed, and goes back to the personal account', async () => {
      const { user, router } = await openTeam('owner');
      await user.click(screen.getByRole('button', { name: 'Delete team' }));
      const dialog = await screen.findByRole('alertdialog', { name: 'Delete “Acme”?' });
      const confirm = within(dialog).getByRole('button', { name: 'Delete team' });
      await user.type(within(dialog).getByLabelText('Type the team’s name, Acme, to confirm'), 'Acm');
      expect(confirm).toBeDisabled();
      await user.type(within(dialog).getByLabelText('Type the team’s name, Acme, to confirm'), 'e');
      await user.click(confirm);

      await waitFor(() => expect(router.state.location.pathname).toBe('/dashboard'));
      expect(await screen.findByText('“Acme” was deleted')).toBeInTheDocument();
      expect(sent('DELETE', '/accounts/team_acme')).toHaveLength(1);
      expect(db.teams).toEqual([]);
    });
  });

  describe('personal account', () => {
    it('offers to create a team instead of members', async () => {
      const { user } = renderApp('/team');
      await user.click(await screen.findByRole('button', { name: 'Create a team' }));
      expect(await screen.findByRole('dialog', { name: 'Create a team' })).toBeInTheDocument();
      expect(apiLog.some((entry) => entry.path.endsWith('/members'))).toBe(false);
    });
  });
});
