import { useState } from 'react';
import { PageHeader } from '@/components/ui/page-header';
import { useActiveAccount } from '@/lib/active-account';
import { useSessionUser } from '@/lib/auth';
import { lastDays } from '@/lib/date-range';
import { useDocumentTitle } from '@/lib/use-document-title';
import { CallsCard } from '@/features/overview/components/calls-card';
import { OnboardingChecklist } from '@/features/overview/components/onboarding-checklist';
import { OverviewStats } from '@/features/overview/components/overview-stats';
import { QuotaCard } from '@/features/overview/components/quota-card';
import { RecentActivity } from '@/features/overview/components/recent-activity';

function greeting(name: string | null): string {
  const first = name?.trim().split(/\s+/)[0];
  return first ? `Welcome back, ${first}` : 'Welcome back';
}

export function OverviewRoute() {
  useDocumentTitle('Overview');
  const user = useSessionUser();
  const account = useActiveAccount();
  // Fixed for the life of the page, so a re-render near midnight doesn't change the query.
  const [range] = useState(() => lastDays(30));

  return (
    <>
      <PageHeader
        title={greeting(user.displayName)}
        description={
          account.kind === 'team'
            ? `How ${account.name ?? 'the team'}’s API keys are doing this month.`
            : 'How your API keys are doing this month.'
        }
      />
      <div className="space-y-6">
        {/* Keyed by account: whether the checklist was complete on arrival is each account's. */}
        <OnboardingChecklist key={account.id ?? 'personal'} />
        <OverviewStats range={range} />
        <div className="grid gap-6 lg:grid-cols-5">
          <div className="lg:col-span-3">
            <CallsCard range={range} />
          </div>
          <div className="lg:col-span-2">
            <QuotaCard />
          </div>
        </div>
        <RecentActivity />
      </div>
    </>
  );
}
