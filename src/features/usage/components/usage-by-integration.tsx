import type { StatsResponse } from '@shared/contracts';
import { BarList } from '@/components/ui/bar-list';
import { Card, CardContent, CardHeader } from '@/components/ui/card';
import { integrationGroupLabel } from '@/lib/integrations';

/** The range's calls by the integration each key was made for, most first (as the API orders them). */
export function UsageByIntegration({ stats }: { stats: StatsResponse }) {
  return (
    <Card aria-labelledby="by-integration-title">
      <CardHeader
        titleId="by-integration-title"
        title="By integration"
        description="Calls of the keys made for each integration"
      />
      <CardContent>
        {stats.by_integration.length === 0 ? (
          <p className="py-6 text-center text-sm text-zinc-500">No calls in this range.</p>
        ) : (
          <BarList
            label="Calls by integration"
            nameHeader="Integration"
            rows={stats.by_integration.map((row) => ({
              key: row.integration,
              name: <span className="font-sans">{integrationGroupLabel(row.integration)}</span>,
              value: row.requests,
            }))}
          />
        )}
      </CardContent>
    </Card>
  );
}
