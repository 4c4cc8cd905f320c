import { createBrowserRouter, Outlet, type RouteObject } from 'react-router-dom';
import { paths, TEAM_PATH_PREFIX } from '@/config/paths';
import { AccountScope } from '@/app/account-scope';
import { DashboardLayout } from '@/app/layout/dashboard-layout';
import { FullPageSpinner } from '@/app/full-page-spinner';
import { RequireAdmin, RequireAuth } from '@/app/require-auth';
import { NotFoundRoute } from '@/app/routes/not-found';
import { RouteError } from '@/app/routes/route-error';

/** A route path below its parent: team pages nest under `t/:slug`, so no leading slash. */
const sub = (path: string) => path.slice(1);

/** The pages every account has, mounted for the personal account and again under `t/:slug`. */
function accountPages(): RouteObject[] {
  return [
    {
      index: true,
      lazy: () => import('@/app/routes/overview').then((m) => ({ Component: m.OverviewRoute })),
    },
    {
      path: sub(paths.keys),
      lazy: () => import('@/app/routes/keys').then((m) => ({ Component: m.KeysRoute })),
    },
    {
      path: sub(paths.usage),
      lazy: () => import('@/app/routes/usage').then((m) => ({ Component: m.UsageRoute })),
    },
    {
      path: sub(paths.billing),
      lazy: () => import('@/app/routes/billing').then((m) => ({ Component: m.BillingRoute })),
    },
    {
      path: sub(paths.alerts),
      lazy: () => import('@/app/routes/alerts').then((m) => ({ Component: m.AlertsRoute })),
    },
    {
      path: sub(paths.settings),
      lazy: () => import('@/app/routes/settings').then((m) => ({ Component: m.SettingsRoute })),
    },
    {
      path: sub(paths.team),
      lazy: () => import('@/app/routes/team').then((m) => ({ Component: m.TeamRoute })),
    },
    {
      path: sub(paths.auditLog),
      lazy: () => import('@/app/routes/audit-log').then((m) => ({ Component: m.AuditLogRoute })),
    },
  ];
}

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
            <AccountScope>
              <DashboardLayout />
            </AccountScope>
          </RequireAuth>
        ),
        children: [
          {
            errorElement: <RouteError inLayout />,
            children: [
              ...accountPages(),
              {
                path: paths.docs,
                lazy: () => import('@/app/routes/docs').then((m) => ({ Component: m.DocsRoute })),
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
              // A team's pages: the same sub-paths, in the account the slug names (AccountScope).
              { path: `${TEAM_PATH_PREFIX.slice(1)}/:slug`, children: accountPages() },
              {
                path: 'invitations/:token',
                lazy: () => import('@/app/routes/invitation').then((m) => ({ Component: m.InvitationRoute })),
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
