import type { ReactNode } from 'react';
import { useMatch } from 'react-router-dom';
import { Card } from '@/components/ui/card';
import { ErrorState } from '@/components/ui/error-state';
import { TEAM_PATH_PREFIX } from '@/config/paths';
import { ActiveAccountProvider, PERSONAL_ACCOUNT, type ActiveAccount } from '@/lib/active-account';
import { useAccounts } from '@/lib/api/get-accounts';
import { FullPageSpinner } from '@/app/full-page-spinner';
import { NotFoundRoute } from '@/app/routes/not-found';

/**
 * Makes the account the URL names the active one. The personal account's pages need no lookup
 * (the unprefixed routes serve them); a team's wait for the account list, which turns the slug
 * into the account's id and the caller's role. A slug the caller has no team for is a 404, as
 * the API answers for a team it is not a member of.
 */
export function AccountScope({ children }: { children: ReactNode }) {
  const match = useMatch(`${TEAM_PATH_PREFIX}/:slug/*`);
  const slug = match?.params.slug ?? null;
  const accounts = useAccounts();

  if (slug === null) {
    const personal = accounts.data?.find((account) => account.kind === 'personal');
    const account: ActiveAccount = personal ? { ...PERSONAL_ACCOUNT, name: personal.name } : PERSONAL_ACCOUNT;
    return <ActiveAccountProvider account={account}>{children}</ActiveAccountProvider>;
  }
  if (accounts.isPending) return <FullPageSpinner />;
  if (accounts.isError) {
    return (
      <main className="flex min-h-dvh items-center justify-center p-6">
        <Card className="w-full max-w-md">
          <ErrorState
            title="Couldn't load your accounts"
            error={accounts.error}
            onRetry={() => void accounts.refetch()}
            retrying={accounts.isFetching}
          />
        </Card>
      </main>
    );
  }
  const team = accounts.data.find((account) => account.kind === 'team' && account.slug === slug);
  if (!team) return <NotFoundRoute />;
  return (
    <ActiveAccountProvider
      account={{ id: team.id, kind: 'team', slug: team.slug, role: team.role, name: team.name }}
    >
      {children}
    </ActiveAccountProvider>
  );
}
