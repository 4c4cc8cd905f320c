import { createBrowserRouter, Outlet, type RouteObject } from 'react-router-dom';
import { paths } from '@/config/paths';
import { DashboardLayout } from '@/app/layout/dashboard-layout';
import { FullPageSpinner } from '@/app/full-page-spinner';
import { RequireAdmin, RequireAuth } from '@/app/require-auth';
import { NotFoundRoute } from '@/app/routes/not-found';
import { RouteError } from '@/app/routes/route-error';

export const routes: RouteObject[] = [
  {
    element: <Outlet />,
    errorElement: <RouteError />,
    hydrateFallbackElement: <FullPageSpinner />,
    children: [
      {
        path: paths.signIn,
        lazy: () => import('@/app/routes/sign-in').then((m) => ({ Component: m.SignInRoute })),
      },
      {
        element: (
          <RequireAuth>
            <DashboardLayout />
          </RequireAuth>
        ),
        children: [
          {
            errorElement: <RouteError inLayout />,
            children: [
              {
                index: true,
                lazy: () => import('@/app/routes/overview').then((m) => ({ Component: m.OverviewRoute })),
              },
              {
                path: paths.keys,
                lazy: () => import('@/app/routes/keys').then((m) => ({ Component: m.KeysRoute })),
              },
              {
                path: paths.usage,
                lazy: () => import('@/app/routes/usage').then((m) => ({ Component: m.UsageRoute })),
              },
              {
                path: paths.billing,
                lazy: () => import('@/app/routes/billing').then((m) => ({ Component: m.BillingRoute })),
              },
              {
                path: paths.alerts,
                lazy: () => import('@/app/routes/alerts').then((m) => ({ Component: m.AlertsRoute })),
              },
              {
                path: paths.settings,
                lazy: () => import('@/app/routes/settings').then((m) => ({ Component: m.SettingsRoute })),
              },
              {
                path: paths.admin,
                element: (
                  <RequireAdmin>
                    <Outlet />
                  </RequireAdmin>
                ),
                children: [
                  {
                    index: true,
                    lazy: () => import('@/app/routes/admin').then((m) => ({ Component: m.AdminRoute })),
                  },
                ],
              },
            ],
          },
        ],
      },
      { path: '*', element: <NotFoundRoute /> },
    ],
  },
];

export const ROUTER_BASENAME = '/dashboard';

export function createAppRouter() {
  return createBrowserRouter(routes, { basename: ROUTER_BASENAME });
}
