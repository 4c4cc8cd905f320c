import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ApiKey } from '@shared/contracts';
import type { Role } from '@shared/roles';
import { buildKey, db } from '@/testing/mocks/db';
import { apiLog } from '@/testing/mocks/handlers';
import { buildMember, seedTeam } from '@/testing/mocks/team';
import { renderApp, waitForLoaded } from '@/testing/test-utils';

/** A team in which the user has `role`, with a key it created and one another member created. */
async function openTeamKeys(role: Role, theirs: Partial<ApiKey> = {}) {
  const team = seedTeam({ role, others: [buildMember({ uid: 'user-grace', role: 'admin' })] });
  db.keys = [
    buildKey({ label: 'My worker', account_id: team.id, created_by: db.profile.uid }),
    buildKey({ label: 'Grace’s server', account_id: team.id, created_by: 'user-grace', ...theirs }),
  ];
  const rendered = renderApp('/t/acme/keys');
  await waitForLoaded();
  expect(await screen.findByRole('row', { name: /My worker/ })).toBeInTheDocument();
  return rendered;
}

const actionsFor = (label: string) => screen.queryByRole('button', { name: `Actions for ${label}` });

describe('keys by role', () => {
  it('offers a viewer no way to create, rename, cap, roll or revoke a key', async () => {
    await openTeamKeys('viewer');
    expect(screen.getByRole('row', { name: /Grace’s server/ })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Create key' })).not.toBeInTheDocument();
    expect(actionsFor('My worker')).not.toBeInTheDocument();
    expect(actionsFor('Grace’s server')).not.toBeInTheDocument();
  });

  it('lets a viewer read a key’s metadata, and change nothing', async () => {
    const { user } = await openTeamKeys('viewer', { metadata: { customer_id: 'cus_7' } });
    // A key without metadata still offers a viewer nothing.
    expect(actionsFor('My worker')).not.toBeInTheDocument();

    const theirs = actionsFor('Grace’s server');
    expect(theirs).toBeInTheDocument();
    if (theirs) await user.click(theirs);
    const menu = await screen.findByRole('menu');
    expect(
      within(menu)
        .getAllByRole('menuitem')
        .map((item) => item.textContent),
    ).toEqual(['Metadata']);
    await user.click(within(menu).getByRole('menuitem', { name: 'Metadata' }));
    const dialog = await screen.findByRole('dialog', { name: 'Metadata of “Grace’s server”' });
    const field = within(dialog).getByLabelText('Metadata');
    expect(field).toHaveValue('{\n  "customer_id": "cus_7"\n}');
    expect(field).toHaveAttribute('readonly');
    expect(within(dialog).queryByRole('button', { name: 'Save metadata' })).not.toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(apiLog.filter((entry) => entry.method !== 'GET')).toHaveLength(0);
  });

  it('offers a member the keys it created only, and creating new ones', async () => {
    const { user } = await openTeamKeys('member');
    expect(screen.getByRole('button', { name: 'Create key' })).toBeEnabled();
    expect(actionsFor('Grace’s server')).not.toBeInTheDocument();
    expect(within(screen.getByRole('row', { name: /My worker/ })).getByText('Yours')).toBeInTheDocument();

    const mine = actionsFor('My worker');
    expect(mine).toBeInTheDocument();
    if (mine) await user.click(mine);
    const menu = await screen.findByRole('menu');
    expect(
      within(menu)
        .getAllByRole('menuitem')
        .map((item) => item.textContent),
    ).toEqual(['Rename', 'Metadata', 'Set limits', 'Roll key', 'Revoke']);
  });

  it('offers an admin every key, and its changes go to the team', async () => {
    const { user } = await openTeamKeys('admin');
    const theirs = actionsFor('Grace’s server');
    expect(theirs).toBeInTheDocument();
    if (theirs) await user.click(theirs);
    await user.click(within(await screen.findByRole('menu')).getByRole('menuitem', { name: 'Revoke' }));
    const dialog = await screen.findByRole('alertdialog');
    await user.click(within(dialog).getByRole('button', { name: 'Revoke key' }));
    expect(await screen.findByRole('row', { name: /Grace’s server.*Revoked/ })).toBeInTheDocument();
    const revoked = db.keys.find((key) => key.label === 'Grace’s server');
    expect(
      apiLog.some(
        (entry) => entry.method === 'POST' && entry.path === `/accounts/team_acme/keys/${revoked?.id}/revoke`,
      ),
    ).toBe(true);
  });

  it('creates a member’s key in the team, not in the personal account', async () => {
    const { user } = await openTeamKeys('member');
    await user.click(screen.getByRole('button', { name: 'Create key' }));
    const dialog = await screen.findByRole('dialog', { name: 'Create an API key' });
    await user.type(within(dialog).getByLabelText('Name'), 'Nightly job');
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }));
    await screen.findByRole('dialog', { name: '“Nightly job” is ready' });
    expect(db.keys.find((key) => key.label === 'Nightly job')?.account_id).toBe('team_acme');
  });
});
