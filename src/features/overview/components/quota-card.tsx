import { KeyRound } from 'lucide-react';
import { Link } from 'react-router-dom';
import { KeyQuotaList } from '@/components/key-quota-list';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { LoadingRegion, Skeleton } from '@/components/ui/skeleton';
import { paths } from '@/config/paths';
import { useMe } from '@/lib/api/get-me';
import { formatDate, formatNumber, planName } from '@/lib/format';

/** This month's calls: the account's total and each key against its own quota. */
export function QuotaCard() {
  const me = useMe();

  return (
    <Card aria-labelledby="quota-title">
      <CardHeader
        titleId="quota-title"
        title="This month"
        description={
          me.data
            ? `Quota resets ${formatDate(me.data.usage.resets_at)}`
            : 'Calls against each key’s monthly quota'
        }
        action={
          me.data && (
            <Button variant="ghost" size="sm" asChild>
              <Link to={paths.billing}>{planName(me.data.user.plan_tier)} plan</Link>
            </Button>
          )
        }
      />
      <CardContent>
        {me.isPending ? (
          <LoadingRegion label="Loading this month's usage">
            <Skeleton className="h-9 w-40" />
            <div className="mt-6 space-y-5">
              {[0, 1, 2].map((row) => (
                <div key={row}>
                  <Skeleton className="mb-2 h-4 w-full" />
                  <Skeleton className="h-2 w-full" />
                </div>
              ))}
            </div>
          </LoadingRegion>
        ) : me.isError ? (
          <ErrorState error={me.error} onRetry={() => void me.refetch()} retrying={me.isFetching} />
        ) : (
          <>
            <p className="flex items-baseline gap-2">
              <span className="text-3xl font-semibold tracking-tight text-zinc-900 tabular-nums">
                {formatNumber(me.data.usage.requests)}
              </span>
              <span className="text-sm text-zinc-500">
                {me.data.usage.requests === 1 ? 'call' : 'calls'} across all keys
              </span>
            </p>
            <div className="mt-6">
              {me.data.usage.keys.length === 0 ? (
                <EmptyState
                  icon={KeyRound}
                  title="No active keys"
                  description="Create an API key to start calling the API; its quota shows up here."
                  action={
                    <Button asChild size="sm">
                      <Link to={paths.keys}>Create a key</Link>
                    </Button>
                  }
                  className="py-4"
                />
              ) : (
                <KeyQuotaList usage={me.data.usage} limit={5} />
              )}
            </div>
          </>
        )}
      </CardContent>
    </Card>
  );
}
