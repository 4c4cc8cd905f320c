import { QueryClient } from '@tanstack/react-query';
import { render, screen, waitFor, type RenderResult } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { expect } from 'vitest';
import { createMemoryRouter, RouterProvider, type RouteObject } from 'react-router-dom';
import { AppProvider } from '@/app/provider';
import { RequireAuth } from '@/app/require-auth';
import { ROUTER_BASENAME, routes } from '@/app/router';
import { resetTestAuth, type SessionUser, TEST_USER } from '@/testing/mocks/firebase';

export function createTestQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, staleTime: Infinity, gcTime: Infinity },
      mutations: { retry: false },
    },
  });
}

interface Options {
  /** The signed-in user, or null to render signed out. */
  user?: SessionUser | null;
}

/** Renders the whole app at `path` (inside `/dashboard`), with the real routes and providers. */
export function renderApp(path: string, { user = TEST_USER }: Options = {}) {
  resetTestAuth(user);
  const events = userEvent.setup();
  const router = createMemoryRouter(routes, {
    basename: ROUTER_BASENAME,
    initialEntries: [`${ROUTER_BASENAME}${path === '/' ? '' : path}`],
  });
  const result = render(
    <AppProvider queryClient={createTestQueryClient()}>
      <RouterProvider router={router} />
    </AppProvider>,
  );
  return { ...result, router, user: events };
}

/** Renders one component with the app's providers, inside a router at `path`. */
export function renderWithProviders(
  ui: ReactNode,
  { user = TEST_USER, path = '/' }: Options & { path?: string } = {},
): RenderResult & {
  user: ReturnType<typeof userEvent.setup>;
} {
  resetTestAuth(user);
  const events = userEvent.setup();
  const testRoutes: RouteObject[] = [
    { path: '/sign-in', element: <p>Sign-in page</p> },
    { path: '*', element: <RequireAuth>{ui}</RequireAuth> },
  ];
  const router = createMemoryRouter(testRoutes, { initialEntries: [path] });
  const result = render(
    <AppProvider queryClient={createTestQueryClient()}>
      <RouterProvider router={router} />
    </AppProvider>,
  );
  return { ...result, user: events };
}

/** Waits until every loading region (skeletons) on the page is gone. */
export async function waitForLoaded(): Promise<void> {
  await waitFor(() => expect(screen.queryAllByRole('status', { name: /^loading/i })).toHaveLength(0));
}
