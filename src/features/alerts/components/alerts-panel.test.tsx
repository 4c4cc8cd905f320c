import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { alertsDb } from '@/testing/mocks/alerts';
import { db } from '@/testing/mocks/db';
import { apiLog } from '@/testing/mocks/handlers';
import { renderApp, waitForLoaded } from '@/testing/test-utils';

const sent = (method: string, path: string) =>
  apiLog.filter((entry) => entry.method === method && entry.path === path);

function card(name: string): HTMLElement {
  return screen.getByRole('region', { name });
}

/** Replaces a field's text the way a paste does: long URLs typed key by key are slow in jsdom. */
async function fill(user: ReturnType<typeof renderApp>['user'], field: HTMLElement, text: string) {
  await user.clear(field);
  await user.click(field);
  await user.paste(text);
}

describe('the Alerts page', () => {
  it('is in the sidebar and shows the defaults: 80% and 100%, email to the owner, no webhook', async () => {
    const { user } = renderApp('/');
    await user.click(await screen.findByRole('link', { name: 'Alerts' }));
    expect(await screen.findByRole('heading', { name: 'Alerts', level: 1 })).toBeInTheDocument();
    await waitForLoaded();
    const settings = card('Thresholds and email');
    expect(within(settings).getByLabelText('Quota alerts (% of the monthly quota)')).toHaveValue('80, 100');
    expect(within(settings).getByLabelText('Send alerts by email')).toBeChecked();
    expect(within(card('Webhook')).getByLabelText('Endpoint URL')).toHaveValue('');
    expect(within(card('Delivery log')).getByText('No webhook events yet')).toBeInTheDocument();
  });

  it('saves thresholds, the low-credits level and recipients as the contract wants them', async () => {
    const { user } = renderApp('/alerts');
    await waitForLoaded();
    const settings = card('Thresholds and email');
    const thresholds = within(settings).getByLabelText('Quota alerts (% of the monthly quota)');
    await user.clear(thresholds);
    await user.type(thresholds, '100, 50%, 90');
    await user.type(within(settings).getByLabelText('Low credits (units left)'), '2,000');
    await user.type(within(settings).getByLabelText('Email recipients'), 'ops@example.com, cto@example.com');
    await user.click(within(settings).getByRole('button', { name: 'Save alert settings' }));
    expect(await screen.findByText('Alert settings saved')).toBeInTheDocument();
    expect(sent('PUT', '/alerts/settings').map((entry) => entry.body)).toEqual([
      {
        quota_thresholds: [50, 90, 100],
        low_credits_units: 2000,
        email: { enabled: true, recipients: ['ops@example.com', 'cto@example.com'] },
      },
    ]);
    await waitFor(() =>
      expect(
        within(card('Thresholds and email')).getByLabelText('Quota alerts (% of the monthly quota)'),
      ).toHaveValue('50, 90, 100'),
    );
  });

  it('says what is wrong with a threshold or an address and sends nothing', async () => {
    const { user } = renderApp('/alerts');
    await waitForLoaded();
    const settings = card('Thresholds and email');
    const thresholds = within(settings).getByLabelText('Quota alerts (% of the monthly quota)');
    await user.clear(thresholds);
    await user.type(thresholds, '80, 120');
    await user.type(within(settings).getByLabelText('Email recipients'), 'not-an-address');
    await user.click(within(settings).getByRole('button', { name: 'Save alert settings' }));
    expect(within(settings).getByText(/whole percentages from 1 to 100/)).toBeInTheDocument();
    expect(within(settings).getByText(/email addresses, separated by commas/)).toBeInTheDocument();
    expect(thresholds).toHaveAttribute('aria-invalid', 'true');
    expect(sent('PUT', '/alerts/settings')).toHaveLength(0);
  });

  it('registers a webhook and shows its secret once, with a copy button', async () => {
    const { user } = renderApp('/alerts');
    await waitForLoaded();
    const webhook = card('Webhook');
    const field = within(webhook).getByLabelText('Endpoint URL');
    await fill(user, field, 'ftp://example.com/hook');
    await user.click(within(webhook).getByRole('button', { name: 'Register webhook' }));
    expect(within(webhook).getByText(/Enter an https:\/\/ URL/)).toBeInTheDocument();
    expect(sent('PUT', '/alerts/webhook')).toHaveLength(0);

    // The functions decide where a URL may point: their refusal is shown at the field.
    await fill(user, field, 'http://example.com/hook');
    await user.click(within(webhook).getByRole('button', { name: 'Register webhook' }));
    expect(await within(webhook).findByText('Use https://.')).toBeInTheDocument();
    expect(within(webhook).queryByLabelText('Signing secret')).not.toBeInTheDocument();

    await fill(user, field, 'https://hooks.example.com/keymeter');
    await user.click(within(webhook).getByRole('button', { name: 'Register webhook' }));
    const secret = await within(webhook).findByLabelText('Signing secret');
    const shown = (secret as HTMLInputElement).value;
    expect(shown).toMatch(/^whsec_test_/);
    expect(within(webhook).getByText('This signing secret will not be shown again.')).toBeInTheDocument();
    expect(within(webhook).getByRole('button', { name: 'Copy secret' })).toBeInTheDocument();
    expect(sent('PUT', '/alerts/webhook').map((entry) => entry.body)).toEqual([
      { url: 'http://example.com/hook' },
      { url: 'https://hooks.example.com/keymeter' },
    ]);

    await user.click(within(webhook).getByRole('button', { name: 'Done' }));
    expect(await within(webhook).findByText('https://hooks.example.com/keymeter')).toBeInTheDocument();
    expect(screen.queryByDisplayValue(shown)).not.toBeInTheDocument();
    expect(document.body.textContent).not.toContain(shown);
  });

  it('sends a test event and shows it in the delivery log, with each attempt', async () => {
    alertsDb.settings.webhook = { url: 'https://hooks.example.com/k', created_at: new Date().toISOString() };
    alertsDb.testStatus = 500;
    const { user } = renderApp('/alerts');
    await waitForLoaded();
    await user.click(within(card('Webhook')).getByRole('button', { name: 'Send test event' }));
    expect(
      await screen.findByText('The receiver answered HTTP 500; Keymeter will retry it'),
    ).toBeInTheDocument();
    expect(sent('POST', '/alerts/webhook/test')).toHaveLength(1);
    const log = card('Delivery log');
    expect(await within(log).findByText('alert.test')).toBeInTheDocument();
    expect(within(log).getByText('Retrying')).toBeInTheDocument();
    expect(within(log).getByText(/HTTP 500 · 42 ms/)).toBeInTheDocument();
  });

  it('removes the webhook after confirming', async () => {
    alertsDb.settings.webhook = { url: 'https://hooks.example.com/k', created_at: new Date().toISOString() };
    const { user } = renderApp('/alerts');
    await waitForLoaded();
    await user.click(within(card('Webhook')).getByRole('button', { name: 'Remove' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Remove the webhook?' });
    await user.click(within(dialog).getByRole('button', { name: 'Remove webhook' }));
    expect(await screen.findByText('Webhook removed')).toBeInTheDocument();
    expect(sent('DELETE', '/alerts/webhook')).toHaveLength(1);
    expect(await within(card('Webhook')).findByLabelText('Endpoint URL')).toHaveValue('');
  });

  it('offers a viewer nothing to change', async () => {
    db.account = { ...db.account, role: 'viewer' };
    alertsDb.settings.webhook = { url: 'https://hooks.example.com/k', created_at: new Date().toISOString() };
    renderApp('/alerts');
    await waitForLoaded();
    expect(await screen.findByText('https://hooks.example.com/k')).toBeInTheDocument();
    for (const name of ['Save alert settings', 'Send test event', 'Change URL', 'Remove', 'Register webhook'])
      expect(screen.queryByRole('button', { name })).not.toBeInTheDocument();
    expect(screen.getByLabelText('Quota alerts (% of the monthly quota)')).toBeDisabled();
    expect(
      screen.getByText('Only the account’s owners and admins can change its alerts.'),
    ).toBeInTheDocument();
  });

  it('lists the alerts that fired', async () => {
    alertsDb.alerts = [
      {
        id: 'a_2026-12_quota_threshold_80',
        kind: 'quota_threshold',
        threshold: 80,
        period: '2026-12',
        key_id: null,
        meter: 'units',
        value: 800,
        limit: 1000,
        fired_at: new Date().toISOString(),
      },
    ];
    renderApp('/alerts');
    await waitForLoaded();
    const recent = card('Recent alerts');
    expect(within(recent).getByText('80% of the monthly quota')).toBeInTheDocument();
    expect(within(recent).getByText(/800 units of 1,000 · 2026-12/)).toBeInTheDocument();
  });
});
