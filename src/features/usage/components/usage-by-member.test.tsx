import { screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { statsQuerySchema } from '@shared/contracts';
import { buildKey, buildStats, db, isoAgo } from '@/testing/mocks/db';
import { apiLog } from '@/testing/mocks/handlers';
import { server } from '@/testing/mocks/server';
import { buildMember, seedTeam } from '@/testing/mocks/team';
import { renderApp } from '@/testing/test-utils';

const HOUR = 3_600_000;

function teamStatsRequests(): Record<string, string>[] {
  return apiLog.filter((entry) => entry.path === '/accounts/team_acme/stats').map((entry) => entry.query);
}

function queryOf(request: Request): Record<string, string> {
  return Object.fromEntries(new URL(request.url).searchParams);
}

/** The member card's rows as [member, calls, share]. */
async function memberRows(): Promise<(string | null | undefined)[][]> {
  const card = await screen.findByRole('region', { name: 'By member' }, { timeout: 10_000 });
  const table = await within(card).findByRole('table', { name: 'Calls by member' }, { timeout: 10_000 });
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map((row) =>
      within(row)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    );
}

function seedTeamKeys() {
  const team = seedTeam({
    role: 'viewer',
    others: [buildMember({ uid: 'user-grace', display_name: 'Grace Hopper', role: 'admin' })],
  });
  db.callsPerDay = 100;
  const inTeam = { account_id: team.id, last_used_at: isoAgo(HOUR) };
  const keys = {
    adaFirst: buildKey({ ...inTeam, label: 'Ada one', created_by: db.profile.uid }),
    adaSecond: buildKey({ ...inTeam, label: 'Ada two', created_by: db.profile.uid }),
    grace: buildKey({ ...inTeam, label: 'Grace one', created_by: 'user-grace' }),
    gone: buildKey({ ...inTeam, label: 'Left behind', created_by: 'user-left' }),
    personal: buildKey({ label: 'Personal', last_used_at: isoAgo(HOUR) }),
  };
  db.keys = Object.values(keys);
  return keys;
}

// The whole Usage page renders: slow on a loaded 2-core machine.
describe('usage by member', { timeout: 20_000 }, () => {
  it('adds up the one /stats answer’s calls by key per member who created each key', async () => {
    const keys = seedTeamKeys();
    const asked: Record<string, string>[] = [];
    server.use(
      http.get('/api/dashboard/accounts/:accountId/stats', ({ request }) => {
        asked.push(queryOf(request));
        const query = statsQuerySchema.parse(queryOf(request));
        return HttpResponse.json({
          ...buildStats(query),
          by_key: [
            { key_id: keys.adaFirst.id, requests: 300 },
            { key_id: keys.grace.id, requests: 250 },
            { key_id: keys.adaSecond.id, requests: 200 },
            { key_id: keys.gone.id, requests: 100 },
            // Calls a day did not keep apart, and a key the list does not have.
            { key_id: 'other', requests: 50 },
            { key_id: 'key_unknown', requests: 25 },
            { key_id: keys.personal.id, requests: 0 },
          ],
        });
      }),
    );
    renderApp('/t/acme/usage');

    expect(await memberRows()).toEqual([
      ['Ada Lovelace', '500', '54.1%'],
      ['Grace Hopper', '250', '27%'],
      ['Former member', '100', '10.8%'],
      ['Other keys', '75', '8.1%'],
    ]);
    // One request for the page, none per key.
    expect(asked).toHaveLength(1);
    expect(asked[0]?.key_id).toBeUndefined();
  });

  it('follows the page’s filter: with one key chosen, only its creator’s calls', async () => {
    const keys = seedTeamKeys();
    const { user } = renderApp('/t/acme/usage');
    expect((await memberRows()).map((cells) => cells[0])).toEqual([
      'Ada Lovelace',
      'Former member',
      'Grace Hopper',
    ]);

    await user.selectOptions(screen.getByLabelText('Key'), 'Grace one');
    await waitFor(() => expect(teamStatsRequests().at(-1)).toMatchObject({ key_id: keys.grace.id }));
    await waitFor(async () =>
      expect((await memberRows()).map((cells) => cells[0])).toEqual(['Grace Hopper']),
    );
    expect((await memberRows())[0]?.[2]).toBe('100%');
  });

  it('is not shown for a personal account, which asks nothing of members', async () => {
    db.callsPerDay = 100;
    db.keys = [buildKey({ label: 'Personal', last_used_at: isoAgo(HOUR) })];
    renderApp('/usage');
    expect(await screen.findByRole('region', { name: 'By status' }, { timeout: 10_000 })).toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'By member' })).not.toBeInTheDocument();
    expect(apiLog.some((entry) => entry.path.endsWith('/members'))).toBe(false);
  });
});
