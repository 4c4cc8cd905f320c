import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { alertsDb, buildNotification } from '@/testing/mocks/alerts';
import { apiLog } from '@/testing/mocks/handlers';
import { renderApp, waitForLoaded } from '@/testing/test-utils';

const marked = () =>
  apiLog.filter((entry) => entry.method === 'POST' && entry.path === '/notifications/read');

describe('the notifications bell', () => {
  it('shows how many are unread, and lists them newest first', async () => {
    const first = buildNotification();
    const second = buildNotification({ title: 'Monthly quota reached (2026-12)' });
    const old = buildNotification({ title: 'Credits running low', read_at: new Date().toISOString() });
    alertsDb.notifications = [first, second, old];
    const { user } = renderApp('/');
    await waitForLoaded();
    const bell = await screen.findByRole('button', { name: 'Notifications, 2 unread' });
    await user.click(bell);
    const menu = await screen.findByRole('menu');
    const items = within(menu).getAllByRole('menuitem');
    expect(items.slice(0, 3).map((item) => item.getAttribute('aria-label'))).toEqual([
      `Unread: ${first.title}`,
      'Unread: Monthly quota reached (2026-12)',
      'Credits running low',
    ]);
    expect(within(menu).getByText('2 unread')).toBeInTheDocument();
  });

  it('marks one read when it is chosen, and the count goes down', async () => {
    const [first, second] = [buildNotification(), buildNotification()];
    alertsDb.notifications = [first, second];
    const { user } = renderApp('/');
    await user.click(await screen.findByRole('button', { name: 'Notifications, 2 unread' }));
    await user.click(await screen.findByRole('menuitem', { name: `Unread: ${second.title}` }));
    expect(await screen.findByRole('button', { name: 'Notifications, 1 unread' })).toBeInTheDocument();
    expect(marked().map((entry) => entry.body)).toEqual([{ ids: [second.id] }]);
  });

  it('marks all read at once', async () => {
    alertsDb.notifications = [buildNotification(), buildNotification(), buildNotification()];
    const { user } = renderApp('/');
    await user.click(await screen.findByRole('button', { name: 'Notifications, 3 unread' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Mark all read' }));
    expect(await screen.findByRole('button', { name: 'Notifications' })).toBeInTheDocument();
    expect(marked().map((entry) => entry.body)).toEqual([{ all: true }]);
  });

  it('says when there is nothing, and leads to the alert settings', async () => {
    const { user, router } = renderApp('/');
    await user.click(await screen.findByRole('button', { name: 'Notifications' }));
    expect(await screen.findByText('No notifications yet.')).toBeInTheDocument();
    await user.click(screen.getByRole('menuitem', { name: 'Alert settings' }));
    expect(await screen.findByRole('heading', { name: 'Alerts', level: 1 })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/dashboard/alerts');
  });
});
