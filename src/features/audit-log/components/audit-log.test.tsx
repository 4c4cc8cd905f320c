import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AUDIT_EXPORT_COLUMNS } from '@shared/teams';
import { recordDownloads } from '@/testing/downloads';
import { apiLog } from '@/testing/mocks/handlers';
import { buildAuditEntry, seedTeam, teamDb, teamState } from '@/testing/mocks/team';
import { renderApp, waitForLoaded } from '@/testing/test-utils';

const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString();

/** An admin's team with five entries, newest first, as the API keeps them. */
function seedLog() {
  const team = seedTeam({ role: 'admin', plan_tier: 'pro' });
  teamState(team.id).audit = [
    buildAuditEntry({
      action: 'member.role_changed',
      at: daysAgo(1),
      actor: { id: 'user-owner', email: 'olive@example.com' },
      target: { type: 'member', id: 'user-grace', label: 'grace@example.com' },
      request_id: 'req_role',
      client_ip: '198.51.100.4',
    }),
    buildAuditEntry({ action: 'key.created', at: daysAgo(2), request_id: 'req_created' }),
    buildAuditEntry({ action: 'key.revoked', at: daysAgo(3), request_id: 'req_revoked' }),
    buildAuditEntry({ action: 'key.created', at: daysAgo(20), request_id: 'req_old_key' }),
    buildAuditEntry({ action: 'billing.plan_changed', at: daysAgo(30), request_id: 'req_plan' }),
  ];
  return team;
}

function requestIds(): string[] {
  const table = screen.getByRole('table', { name: 'Audit log entries' });
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map((row) => within(row).getAllByRole('cell')[5]?.textContent ?? '');
}

const logRequests = () => apiLog.filter((entry) => entry.path === '/accounts/team_acme/audit-log');

describe('audit log', () => {
  it('lists who did what, to what, from where, with the request id', async () => {
    seedLog();
    renderApp('/t/acme/audit-log');
    await waitForLoaded();
    const first = within(screen.getByRole('table', { name: 'Audit log entries' })).getAllByRole('row')[1];
    const cells = within(first as HTMLElement)
      .getAllByRole('cell')
      .map((cell) => cell.textContent);
    expect(cells.slice(1)).toEqual([
      'olive@example.com',
      'Member role changed',
      'grace@example.commember user-grace',
      '198.51.100.4',
      'req_role',
    ]);
    expect(screen.getByText(/Entries are kept 90 days on this plan/)).toBeInTheDocument();
  });

  it('pages with the cursor: Load more appends the next page until there is none', async () => {
    seedLog();
    teamDb.auditPageSize = 2;
    const { user } = renderApp('/t/acme/audit-log');
    await waitForLoaded();
    expect(requestIds()).toEqual(['req_role', 'req_created']);

    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(requestIds()).toHaveLength(4));
    expect(requestIds()).toEqual(['req_role', 'req_created', 'req_revoked', 'req_old_key']);
    expect(logRequests().map((entry) => entry.query.cursor)).toEqual([undefined, 'c2']);

    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(requestIds()).toHaveLength(5));
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
  });

  it('filters by action, actor and dates, and keeps the filters in the URL', async () => {
    seedLog();
    const { user, router } = renderApp('/t/acme/audit-log');
    await waitForLoaded();
    const form = screen.getByRole('form', { name: 'Filter the audit log' });

    await user.selectOptions(within(form).getByLabelText('Action'), 'Key created');
    await user.click(within(form).getByRole('button', { name: 'Apply filters' }));
    await waitFor(() => expect(requestIds()).toEqual(['req_created', 'req_old_key']));
    expect(logRequests().at(-1)?.query).toEqual({ action: 'key.created' });
    expect(router.state.location.search).toBe('?action=key.created');

    const from = new Date(Date.now() - 10 * DAY).toISOString().slice(0, 10);
    await user.type(within(form).getByLabelText('From'), from);
    await user.click(within(form).getByRole('button', { name: 'Apply filters' }));
    await waitFor(() => expect(requestIds()).toEqual(['req_created']));
    expect(logRequests().at(-1)?.query).toEqual({ action: 'key.created', from });

    await user.click(within(form).getByRole('button', { name: 'Clear' }));
    await user.selectOptions(within(form).getByLabelText('Actor'), 'Olive Owner');
    await user.click(within(form).getByRole('button', { name: 'Apply filters' }));
    await waitFor(() => expect(requestIds()).toEqual(['req_role']));
    expect(logRequests().at(-1)?.query).toEqual({ actor: 'user-owner' });
  });

  it('refuses a range that ends before it starts, without asking the API', async () => {
    seedLog();
    const { user } = renderApp('/t/acme/audit-log');
    await waitForLoaded();
    const form = screen.getByRole('form', { name: 'Filter the audit log' });
    await user.type(within(form).getByLabelText('From'), '2026-03-10');
    await user.type(within(form).getByLabelText('To'), '2026-03-01');
    const before = logRequests().length;
    await user.click(within(form).getByRole('button', { name: 'Apply filters' }));
    expect(within(form).getByRole('alert')).toHaveTextContent(
      'The start date must not be after the end date.',
    );
    expect(logRequests()).toHaveLength(before);
  });

  it('says when no entry matches', async () => {
    seedLog();
    renderApp('/t/acme/audit-log?action=alerts.webhook_deleted');
    expect(
      await screen.findByRole('heading', { name: 'No entries match these filters' }),
    ).toBeInTheDocument();
  });

  it('exports the filtered log as CSV', async () => {
    seedLog();
    const { user } = renderApp('/t/acme/audit-log?action=key.revoked');
    await waitForLoaded();
    const files = await recordDownloads(async () => {
      await user.click(screen.getByRole('button', { name: 'Export CSV' }));
      expect(await screen.findByText('CSV downloaded')).toBeInTheDocument();
    });
    const exported = apiLog.filter((entry) => entry.path === '/accounts/team_acme/audit-log/export');
    expect(exported.map((entry) => entry.query)).toEqual([{ action: 'key.revoked' }]);
    expect(files.map((file) => file.download)).toEqual(['audit-log.csv']);
    const lines = (await files[0]?.blob?.text())?.split('\n') ?? [];
    expect(lines[0]).toBe(AUDIT_EXPORT_COLUMNS.join(','));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('req_revoked');
  });

  it('is for owners and admins only: a member gets neither the entries nor a request', async () => {
    seedTeam({ role: 'member' });
    renderApp('/t/acme/audit-log');
    expect(await screen.findByText('Only owners and admins read the audit log')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Export CSV' })).not.toBeInTheDocument();
    expect(logRequests()).toHaveLength(0);
  });
});
