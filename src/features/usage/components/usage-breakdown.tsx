import { NO_INTEGRATION, type ApiKey, type StatsResponse } from '@shared/contracts';
import { BarList } from '@/components/ui/bar-list';
import { Card, CardContent, CardHeader } from '@/components/ui/card';
import { UsageByIntegration } from '@/features/usage/components/usage-by-integration';
import { UsageByMember } from '@/features/usage/components/usage-by-member';

function statusBar(status: string): string {
  if (status.startsWith('5')) return 'bg-rose-100';
  if (status.startsWith('4')) return 'bg-amber-100';
  if (status.startsWith('3')) return 'bg-sky-100';
  return 'bg-emerald-100';
}

const STATUS_NAMES: Record<string, string> = {
  '200': 'OK',
  '201': 'Created',
  '400': 'Bad request',
  '401': 'Unauthorized',
  '403': 'Forbidden',
  '404': 'Not found',
  '429': 'Too many requests',
  '500': 'Server error',
  '503': 'Unavailable',
};

function Empty() {
  return <p className="py-6 text-center text-sm text-zinc-500">No calls in this range.</p>;
}

/**
 * Whether a breakdown by integration says anything: some key was made for one, or some calls
 * were not of keys without one. An account that never chose an integration is not shown it.
 */
export function showsIntegrations(keys: readonly ApiKey[], stats: StatsResponse): boolean {
  return (
    keys.some((key) => key.integration !== null) ||
    stats.by_integration.some((row) => row.integration !== NO_INTEGRATION)
  );
}

export function UsageBreakdown({ stats, keys }: { stats: StatsResponse; keys: readonly ApiKey[] }) {
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Card aria-labelledby="by-endpoint-title">
        <CardHeader
          titleId="by-endpoint-title"
          title="By endpoint"
          description="Which endpoints your keys call most"
        />
        <CardContent>
          {stats.by_endpoint.length === 0 ? (
            <Empty />
          ) : (
            <BarList
              label="Calls by endpoint"
              nameHeader="Endpoint"
              rows={stats.by_endpoint.map((row) => ({
                key: row.endpoint,
                name: row.endpoint,
                value: row.requests,
              }))}
            />
          )}
        </CardContent>
      </Card>
      <Card aria-labelledby="by-status-title">
        <CardHeader titleId="by-status-title" title="By status" description="How the API answered" />
        <CardContent>
          {stats.by_status.length === 0 ? (
            <Empty />
          ) : (
            <BarList
              label="Calls by status code"
              nameHeader="Status code"
              rows={stats.by_status.map((row) => ({
                key: row.status,
                name: (
                  <>
                    {row.status}
                    {STATUS_NAMES[row.status] && (
                      <span className="ml-2 font-sans text-zinc-500">{STATUS_NAMES[row.status]}</span>
                    )}
                  </>
                ),
                value: row.requests,
                barClassName: statusBar(row.status),
              }))}
            />
          )}
        </CardContent>
      </Card>
      {showsIntegrations(keys, stats) && <UsageByIntegration stats={stats} />}
      {/* Teams only: it renders nothing for a personal account. */}
      <UsageByMember stats={stats} />
    </div>
  );
}
