import { screen, waitFor, within } from '@testing-library/react';
import { delay, http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { statsQuerySchema, type StatsResponse } from '@shared/contracts';
import { addDays } from '@shared/dates';
import { todayUtc } from '@/lib/date-range';
import { formatPercent } from '@/lib/format';
import { buildEvent, buildStats, db, isoAgo, seedAccount } from '@/testing/mocks/db';
import { TEST_USER } from '@/testing/mocks/firebase';
import { apiError, apiLog } from '@/testing/mocks/handlers';
import { server } from '@/testing/mocks/server';
import { recordDownloads } from '@/testing/downloads';
import { renderApp, waitForLoaded } from '@/testing/test-utils';

/** A row's cells as a wide screen shows them (the first line of each; phones stack the rest). */
function cellTexts(row: HTMLElement): (string | null | undefined)[] {
  return within(row)
    .getAllByRole('cell')
    .map((cell) => cell.firstChild?.textContent);
}

/** The mock's stats for whatever the page asks, with `overrides` in place of what they name. */
function serveStats(overrides: Partial<StatsResponse>) {
  server.use(
    http.get('/api/dashboard/stats', ({ request }) =>
      HttpResponse.json({
        ...buildStats(statsQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams)), db.keys),
        ...overrides,
      }),
    ),
  );
}

function statsRequests() {
  return apiLog.filter((entry) => entry.path === '/stats').map((entry) => entry.query);
}

describe('usage page', () => {
  describe('states', () => {
    it('shows skeletons while stats load', async () => {
      seedAccount();
      server.use(http.get('/api/dashboard/stats', () => delay('infinite')));
      renderApp('/usage');
      expect(await screen.findByRole('status', { name: 'Loading the usage chart' })).toBeInTheDocument();
    });

    it('says there were no calls, and how to get some, for an account without keys', async () => {
      renderApp('/usage');
      expect(await screen.findByRole('heading', { name: 'No calls in this range' })).toBeInTheDocument();
      expect(screen.getByRole('link', { name: 'Create a key' })).toHaveAttribute('href', '/dashboard/keys');
      expect(screen.getAllByText('No calls in this range.')).toHaveLength(2);
      // Nothing to chart: no empty latency and availability cards either.
      expect(screen.queryByRole('heading', { name: 'Latency over time' })).not.toBeInTheDocument();
      expect(screen.queryByRole('list', { name: 'Availability by day' })).not.toBeInTheDocument();
    });

    it('shows an error with a retry when stats fail', async () => {
      seedAccount();
      server.use(http.get('/api/dashboard/stats', () => apiError('internal', 'boom'), { once: true }));
      const { user } = renderApp('/usage');
      const alert = await screen.findByRole('alert');
      expect(alert).toHaveTextContent("Couldn't load usage");
      expect(alert).toHaveTextContent('Something went wrong on our side. Try again in a moment.');
      await user.click(within(alert).getByRole('button', { name: 'Try again' }));
      expect(await screen.findByRole('heading', { name: 'Calls over time' })).toBeInTheDocument();
    });
  });

  describe('filters', () => {
    it('loads the last 30 days for all keys, with cards, chart and breakdowns', async () => {
      seedAccount();
      renderApp('/usage');
      await waitForLoaded();
      const today = todayUtc();
      expect(statsRequests()).toEqual([{ from: addDays(today, -29), to: today }]);
      expect(screen.getByText('Calls', { selector: 'p' })).toBeInTheDocument();
      // Units beside calls: the mock's calls cost 1.5 units on average.
      const { totals } = buildStats({ from: addDays(today, -29), to: today });
      expect(totals.units).not.toBe(totals.requests);
      expect(screen.getByRole('region', { name: 'Units' })).toHaveTextContent(
        totals.units.toLocaleString('en-US'),
      );
      expect(screen.getByRole('region', { name: 'Calls' })).toHaveTextContent(
        totals.requests.toLocaleString('en-US'),
      );
      expect(screen.getByRole('table', { name: 'Calls by endpoint' })).toHaveTextContent('GET /v1/forecast');
      expect(screen.getByRole('table', { name: 'Calls by status code' })).toHaveTextContent(
        '429Too many requests',
      );
      // With all keys selected, the latest calls are the account's, each naming its key.
      const recent = within(screen.getByRole('table', { name: 'Recent requests' })).getAllByRole('row');
      expect(recent.slice(1).map(cellTexts)).toEqual([
        ['200', 'GET /v1/forecast', 'Production server', '1', '88 ms', '3 minutes ago'],
        ['429', 'POST /v1/convert', 'Production server', '0', '4 ms', '9 minutes ago'],
        ['200', 'GET /v1/time', 'Staging', '1', '21 ms', '2 days ago'],
      ]);
      expect(apiLog.find((entry) => entry.path === '/usage/recent')?.query).toEqual({});
    });

    it('asks for 7 days when the range changes, and keeps it in the URL', async () => {
      seedAccount();
      const { user, router } = renderApp('/usage');
      await waitForLoaded();
      await user.click(screen.getByRole('radio', { name: '7 days' }));
      const today = todayUtc();
      await waitFor(() => expect(statsRequests()).toContainEqual({ from: addDays(today, -6), to: today }));
      expect(router.state.location.search).toBe('?range=7d');
    });

    it('reads a custom range from the URL', async () => {
      seedAccount();
      const to = addDays(todayUtc(), -10);
      const from = addDays(to, -13);
      renderApp(`/usage?range=custom&from=${from}&to=${to}`);
      await waitForLoaded();
      expect(statsRequests()).toEqual([{ from, to }]);
      expect(screen.getByLabelText('From')).toHaveValue(from);
    });

    it('narrows to one key and lists that key’s recent requests', async () => {
      const { active } = seedAccount();
      const { user } = renderApp('/usage');
      await waitForLoaded();
      await user.selectOptions(screen.getByLabelText('Key'), 'Production server');

      await waitFor(() => expect(statsRequests().at(-1)).toMatchObject({ key_id: active.id }));
      const table = await screen.findByRole('table', { name: 'Recent requests' });
      const rows = within(table).getAllByRole('row').slice(1);
      expect(rows.map(cellTexts)).toEqual([
        ['200', 'GET /v1/forecast', '1', '88 ms', '3 minutes ago'],
        ['429', 'POST /v1/convert', '0', '4 ms', '9 minutes ago'],
      ]);
      expect(screen.getByText(/“Production server”, /)).toBeInTheDocument();
    });

    it('lists the newest ten requests, and all of them on request', async () => {
      const { active } = seedAccount();
      db.events = Array.from({ length: 12 }, (_, index) =>
        buildEvent(active.id, { at: isoAgo((index + 1) * 60_000) }),
      );
      const { user } = renderApp('/usage');
      await waitForLoaded();
      const table = screen.getByRole('table', { name: 'Recent requests' });
      expect(within(table).getAllByRole('row')).toHaveLength(1 + 10);
      await user.click(screen.getByRole('button', { name: 'Show all 12 requests' }));
      expect(within(table).getAllByRole('row')).toHaveLength(1 + 12);
      expect(screen.getByRole('button', { name: 'Show fewer' })).toBeInTheDocument();
    });

    it('narrows to one integration’s keys, clearing the key, and back to a key, clearing the integration', async () => {
      const { active, staging } = seedAccount();
      active.integration = 'zapier';
      const today = todayUtc();
      const from = addDays(today, -29);
      const { user, router } = renderApp(`/usage?key=${staging.id}`);
      await waitForLoaded();
      expect(statsRequests()).toEqual([{ from, to: today, key_id: staging.id }]);
      const integrations = within(screen.getByLabelText('Integration'))
        .getAllByRole('option')
        .map((option) => option.textContent);
      expect(integrations).toEqual([
        'All integrations',
        'Zapier',
        'n8n',
        'Make',
        'Google Sheets',
        'Custom',
        'No integration',
      ]);

      await user.selectOptions(screen.getByLabelText('Integration'), 'Zapier');
      await waitFor(() => expect(statsRequests().at(-1)).toEqual({ from, to: today, integration: 'zapier' }));
      expect(screen.getByLabelText('Key')).toHaveValue('');
      expect(router.state.location.search).toBe('?integration=zapier');
      expect(await screen.findByText(/^Zapier keys, /)).toBeInTheDocument();
      // Only the Zapier key's latest calls, each still naming its key.
      const recent = screen.getByRole('table', { name: 'Recent requests' });
      expect(
        within(recent)
          .getAllByRole('row')
          .slice(1)
          .map((row) => cellTexts(row)[2]),
      ).toEqual(['Production server', 'Production server']);

      await user.selectOptions(screen.getByLabelText('Key'), 'Production server');
      await waitFor(() => expect(statsRequests().at(-1)).toEqual({ from, to: today, key_id: active.id }));
      expect(screen.getByLabelText('Integration')).toHaveValue('');
      expect(router.state.location.search).toBe(`?key=${active.id}`);
    });

    it('asks for the keys without an integration as “No integration”', async () => {
      seedAccount();
      const { user } = renderApp('/usage');
      await waitForLoaded();
      await user.selectOptions(screen.getByLabelText('Integration'), 'No integration');
      await waitFor(() => expect(statsRequests().at(-1)).toMatchObject({ integration: 'none' }));
    });

    it('marks revoked keys in the key menu', async () => {
      seedAccount();
      renderApp('/usage');
      await waitForLoaded();
      const options = within(screen.getByLabelText('Key'))
        .getAllByRole('option')
        .map((option) => option.textContent);
      expect(options).toEqual([
        'All keys',
        'Production server',
        'Staging',
        'Old laptop (revoked)',
        'Hackathon (expired)',
      ]);
    });
  });

  describe('by integration', () => {
    it('shows the calls by integration, named, when a key was made for one', async () => {
      const { active, staging } = seedAccount();
      active.integration = 'zapier';
      staging.integration = 'google_sheets';
      serveStats({
        by_integration: [
          { integration: 'zapier', requests: 1_500 },
          { integration: 'none', requests: 300 },
          { integration: 'google_sheets', requests: 120 },
          { integration: 'other', requests: 7 },
        ],
      });
      renderApp('/usage');
      await waitForLoaded();
      const table = await screen.findByRole('table', { name: 'Calls by integration' });
      const rows = within(table)
        .getAllByRole('row')
        .slice(1)
        .map((row) =>
          within(row)
            .getAllByRole('cell')
            .map((cell) => cell.textContent),
        );
      // In the API's order (most first); 'none' and 'other' in words.
      expect(rows).toEqual([
        ['Zapier', '1,500', '77.8%'],
        ['No integration', '300', '15.6%'],
        ['Google Sheets', '120', '6.2%'],
        ['Other keys', '7', '0.4%'],
      ]);
    });

    it('is shown when calls came from keys with an integration, though no listed key has one', async () => {
      seedAccount();
      serveStats({
        by_integration: [
          { integration: 'none', requests: 90 },
          { integration: 'other', requests: 10 },
        ],
      });
      renderApp('/usage');
      await waitForLoaded();
      expect(await screen.findByRole('table', { name: 'Calls by integration' })).toHaveTextContent(
        'Other keys',
      );
    });

    it('is not shown to an account none of whose keys has an integration', async () => {
      seedAccount();
      renderApp('/usage');
      await waitForLoaded();
      expect(screen.getByRole('region', { name: 'By status' })).toBeInTheDocument();
      expect(screen.queryByRole('region', { name: 'By integration' })).not.toBeInTheDocument();
    });
  });

  describe('latency and availability', () => {
    it('shows the range’s percentiles, success rate and availability, per day and per endpoint', async () => {
      seedAccount();
      renderApp('/usage');
      await waitForLoaded();
      const today = todayUtc();
      const stats = buildStats({ from: addDays(today, -29), to: today });
      // The mock's 30 days: 1,000 minutes with calls each, 2 of them with a 5xx every fifth day.
      expect(stats.totals).toMatchObject({ minutes_with_calls: 30_000, minutes_with_server_errors: 12 });
      expect(screen.getByRole('region', { name: 'Latency p95' })).toHaveTextContent(
        '150 msp50 50 ms · p99 500 ms',
      );
      expect(screen.getByRole('region', { name: 'Success rate' })).toHaveTextContent(
        `Success rate${formatPercent(stats.totals.success_rate ?? 0)}Answered 1xx–3xx; 12 calls answered 5xx`,
      );
      expect(screen.getByRole('region', { name: 'Availability' })).toHaveTextContent(
        'Availability99.96%29,988 of 30,000 minutes with calls had no 5xx',
      );
      expect(screen.getByRole('heading', { name: 'Latency over time' })).toBeInTheDocument();
      expect(screen.getAllByRole('figure')).toHaveLength(2);
      const days = within(screen.getByRole('list', { name: 'Availability by day' })).getAllByRole('listitem');
      expect(days).toHaveLength(30);
      expect(days[0]).toHaveAccessibleName(/: 99\.8%, 2 minutes with a 5xx of 1,000 minutes with calls$/);
      expect(days[1]).toHaveAccessibleName(/: 100%, 0 minutes with a 5xx of 1,000 minutes with calls$/);
      const rows = within(screen.getByRole('table', { name: 'Latency by endpoint' })).getAllByRole('row');
      expect(
        rows.slice(1).map((row) =>
          within(row)
            .getAllByRole('cell')
            .map((cell) => cell.textContent),
        ),
      ).toEqual([
        ['GET /v1/forecast', expect.any(String), '75 ms', '200 ms', '750 ms'],
        ['GET /v1/time', expect.any(String), '10 ms', '20 ms', '50 ms'],
        ['POST /v1/convert', expect.any(String), '30 ms', '100 ms', '300 ms'],
      ]);
    });
  });

  // A render, a download and its toast: on a loaded 2-core machine this passes 5 s at times.
  describe('CSV export', { timeout: 15_000 }, () => {
    it("downloads the selected range and key: the server's bytes, under the server's filename", async () => {
      const { staging } = seedAccount();
      const today = todayUtc();
      const from = addDays(today, -6);
      // A BOM, CRLF, a quoted label and non-ASCII text: any re-encoding on the way (text()
      // drops a BOM, for one) would change these bytes.
      const bytes = new TextEncoder().encode(
        `\uFEFFdate,key_id,key_label,requests,errors,avg_latency_ms\r\n${today},${staging.id},"Staging, café",7,1,12.5\r\n`,
      );
      const filename = `keymeter-usage-${from}-to-${today}.csv`;
      const exports: { query: Record<string, string>; authorization: string | null }[] = [];
      server.use(
        http.get('/api/dashboard/usage/export', ({ request }) => {
          exports.push({
            query: Object.fromEntries(new URL(request.url).searchParams),
            authorization: request.headers.get('Authorization'),
          });
          return new HttpResponse(bytes, {
            headers: {
              'Content-Type': 'text/csv; charset=utf-8',
              'Content-Disposition': `attachment; filename="${filename}"`,
            },
          });
        }),
      );
      // Choosing 7 days is covered above ('asks for 7 days…'); here the key is chosen in the menu.
      const { user } = renderApp('/usage?range=7d');
      await waitForLoaded();
      await user.selectOptions(screen.getByLabelText('Key'), 'Staging');
      await waitFor(() => expect(statsRequests().at(-1)).toEqual({ from, to: today, key_id: staging.id }));

      const saved = await recordDownloads(async () => {
        await user.click(screen.getByRole('button', { name: 'Export CSV' }));
        expect(await screen.findByText('CSV downloaded')).toBeInTheDocument();
      });
      expect(exports).toEqual([
        {
          query: { from, to: today, key_id: staging.id },
          authorization: `Bearer test-token-${TEST_USER.uid}`,
        },
      ]);
      expect(saved.map(({ href, download }) => ({ href, download }))).toEqual([
        { href: 'blob:keymeter-test', download: filename },
      ]);
      const blob = saved[0]?.blob;
      if (blob === undefined) throw new Error('no Blob was saved');
      // Compared as plain arrays: the typed arrays come from two realms (jsdom's and Node's).
      expect(Array.from(new Uint8Array(await blob.arrayBuffer()))).toEqual(Array.from(bytes));
    });

    it('exports the chosen integration’s keys', async () => {
      const { active } = seedAccount();
      active.integration = 'n8n';
      const { user } = renderApp('/usage?range=7d&integration=n8n');
      await waitForLoaded();
      const saved = await recordDownloads(async () => {
        await user.click(screen.getByRole('button', { name: 'Export CSV' }));
        expect(await screen.findByText('CSV downloaded')).toBeInTheDocument();
      });
      const today = todayUtc();
      expect(apiLog.filter((entry) => entry.path === '/usage/export').map((entry) => entry.query)).toEqual([
        { from: addDays(today, -6), to: today, integration: 'n8n' },
      ]);
      expect(saved).toHaveLength(1);
    });

    it('names the file after the selected range and key when the server gives no name', async () => {
      const { active } = seedAccount();
      const to = addDays(todayUtc(), -3);
      const from = addDays(to, -9);
      server.use(
        http.get(
          '/api/dashboard/usage/export',
          () => new HttpResponse('date\n', { headers: { 'Content-Type': 'text/csv; charset=utf-8' } }),
        ),
      );
      const { user } = renderApp(`/usage?range=custom&from=${from}&to=${to}&key=${active.id}`);
      await waitForLoaded();
      const saved = await recordDownloads(async () => {
        await user.click(screen.getByRole('button', { name: 'Export CSV' }));
        expect(await screen.findByText('CSV downloaded')).toBeInTheDocument();
      });
      expect(saved.map((entry) => entry.download)).toEqual([
        `keymeter-usage-${from}-to-${to}-${active.id}.csv`,
      ]);
    });

    it('says why an export failed', async () => {
      seedAccount();
      server.use(http.get('/api/dashboard/usage/export', () => apiError('rate_limited', 'slow down')));
      const { user } = renderApp('/usage');
      await waitForLoaded();
      await user.click(screen.getByRole('button', { name: 'Export CSV' }));
      expect(await screen.findByText("Couldn't export CSV")).toBeInTheDocument();
      expect(
        screen.getByText('Too many requests in a short time. Wait a moment and try again.'),
      ).toBeInTheDocument();
    });
  });
});
