import { KeyRound } from 'lucide-react';
import { Link } from 'react-router-dom';
import { AccountQuotaMeter, KeyUsageList } from '@/components/account-usage';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { LoadingRegion, Skeleton } from '@/components/ui/skeleton';
import { paths } from '@/config/paths';
import { useSummary } from '@/lib/api/get-summary';
import { useAccountLink } from '@/lib/navigation';
import { formatDate, planName } from '@/lib/format';
import { runOut, type RunOut } from '@/lib/run-out';

/** When the month's pace uses up the quota, or the credits after it. */
function RunOutNote({ forecast, usedUp }: { forecast: RunOut; usedUp: boolean }) {
  if (usedUp || forecast.kind === 'idle') return null;
  return (
    <p className="mt-3 text-sm text-zinc-600">
      {forecast.kind === 'lasts' ? (
        'At this month’s pace, the account’s units last the month.'
      ) : (
        <>
          At this month’s pace, the {forecast.what === 'credits' ? 'prepaid credits run' : 'quota runs'} out
          on{' '}
          <time className="font-medium text-zinc-900" dateTime={forecast.at.toISOString()}>
            {formatDate(forecast.at.toISOString())}
          </time>
          .
        </>
      )}
    </p>
  );
}

/** This month's units: the account's against its quota, and what each key used of it. */
export function QuotaCard() {
  const me = useSummary();
  const link = useAccountLink();

  return (
    <Card aria-labelledby="quota-title">
      <CardHeader
        titleId="quota-title"
        title="This month"
        description="All your keys share the account’s quota. A call uses one unit unless its endpoint costs more."
        action={
          me.data && (
            <Button variant="ghost" size="sm" asChild>
              <Link to={link(paths.billing)}>{planName(me.data.account.plan_tier)} plan</Link>
            </Button>
          )
        }
      />
      <CardContent>
        {me.isPending ? (
          <LoadingRegion label="Loading this month's usage">
            <Skeleton className="h-9 w-40" />
            <Skeleton className="mt-3 h-2 w-full" />
            <Skeleton className="mt-4 h-10 w-full" />
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
            <AccountQuotaMeter usage={me.data.usage} />
            <RunOutNote
              forecast={runOut(me.data.usage, me.data.account.credits_balance, new Date())}
              usedUp={me.data.usage.units >= me.data.usage.quota + me.data.account.credits_balance}
            />
            <div className="mt-6 border-t border-zinc-100 pt-5">
              {me.data.usage.keys.length === 0 ? (
                <EmptyState
                  icon={KeyRound}
                  title="No active keys"
                  description="Create an API key to start calling the API; what each key uses shows up here."
                  action={
                    <Button asChild size="sm">
                      <Link to={link(paths.keys)}>Create a key</Link>
                    </Button>
                  }
                  className="py-4"
                />
              ) : (
                <KeyUsageList usage={me.data.usage} limit={5} />
              )}
            </div>
          </>
        )}
      </CardContent>
    </Card>
  );
}
