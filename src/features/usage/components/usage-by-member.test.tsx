import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { buildKey, db, isoAgo } from '@/testing/mocks/db';
import { apiLog } from '@/testing/mocks/handlers';
import { buildMember, seedTeam } from '@/testing/mocks/team';
import { renderApp } from '@/testing/test-utils';

const HOUR = 3_600_000;

function keyStatsRequests(): string[] {
  return apiLog
    .filter((entry) => entry.path === '/accounts/team_acme/stats' && entry.query.key_id !== undefined)
    .map((entry) => entry.query.key_id ?? '');
}

// The whole Usage page renders, with a stats request per key: slow on a loaded 2-core machine.
describe('usage by member', { timeout: 20_000 }, () => {
  it('adds up the range’s calls of each member’s keys, asking only about keys used in the range', async () => {
    const team = seedTeam({
      role: 'viewer',
      others: [buildMember({ uid: 'user-grace', display_name: 'Grace Hopper', role: 'admin' })],
    });
    db.callsPerDay = 100;
    const inTeam = { account_id: team.id, last_used_at: isoAgo(HOUR) };
    const adaFirst = buildKey({ ...inTeam, label: 'Ada one', created_by: db.profile.uid });
    const adaSecond = buildKey({ ...inTeam, label: 'Ada two', created_by: db.profile.uid });
    const graceKey = buildKey({ ...inTeam, label: 'Grace one', created_by: 'user-grace' });
    const neverUsed = buildKey({ account_id: team.id, label: 'Spare', created_by: 'user-grace' });
    const gone = buildKey({ ...inTeam, label: 'Left behind', created_by: 'user-left' });
    const personal = buildKey({ label: 'Personal', last_used_at: isoAgo(HOUR) });
    db.keys = [adaFirst, adaSecond, graceKey, neverUsed, gone, personal];

    renderApp('/t/acme/usage');
    const card = await screen.findByRole('region', { name: 'By member' }, { timeout: 10_000 });
    const table = await within(card).findByRole('table', { name: 'Calls by member' }, { timeout: 10_000 });
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map((row) => within(row).getAllByRole('cell'));
    // Every key's stats are the same here, so the shares are the number of keys each made.
    expect(rows.map((cells) => [cells[0]?.textContent, cells[2]?.textContent])).toEqual([
      ['Ada Lovelace', '50%'],
      ['Former member', '25%'],
      ['Grace Hopper', '25%'],
    ]);
    const perKey = Number(rows[1]?.[1]?.textContent?.replaceAll(',', ''));
    expect(perKey).toBeGreaterThan(0);
    expect(Number(rows[0]?.[1]?.textContent?.replaceAll(',', ''))).toBe(2 * perKey);
    expect(keyStatsRequests().sort()).toEqual([adaFirst.id, adaSecond.id, graceKey.id, gone.id].sort());
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
