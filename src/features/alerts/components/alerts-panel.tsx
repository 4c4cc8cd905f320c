import { can } from '@shared/roles';
import { Card } from '@/components/ui/card';
import { ErrorState } from '@/components/ui/error-state';
import { LoadingRegion, Skeleton } from '@/components/ui/skeleton';
import { useSummary } from '@/lib/api/get-summary';
import { useAlerts } from '@/features/alerts/api/get-alerts';
import { AlertSettingsCard } from '@/features/alerts/components/alert-settings-card';
import { DeliveryLog } from '@/features/alerts/components/delivery-log';
import { RecentAlerts } from '@/features/alerts/components/recent-alerts';
import { WebhookCard } from '@/features/alerts/components/webhook-card';

/** The Alerts page: settings and channels (changed by owners and admins), then what was sent. */
export function AlertsPanel() {
  const alerts = useAlerts();
  // The server's word on the caller's role in this account, as Billing reads it.
  const summary = useSummary();
  const role = summary.data?.account.role;
  const mayManage = role !== undefined && can(role, 'manage_alerts');

  if (alerts.isPending)
    return (
      <LoadingRegion label="Loading your alerts" className="space-y-6">
        <Skeleton className="h-72 w-full rounded-xl" />
        <Skeleton className="h-40 w-full rounded-xl" />
      </LoadingRegion>
    );
  if (alerts.isError)
    return (
      <Card>
        <ErrorState
          title="Couldn't load your alerts"
          error={alerts.error}
          onRetry={() => void alerts.refetch()}
          retrying={alerts.isFetching}
        />
      </Card>
    );
  const { settings } = alerts.data;
  return (
    <div className="space-y-6">
      <AlertSettingsCard settings={settings} mayManage={mayManage} />
      <WebhookCard webhook={settings.webhook} mayManage={mayManage} />
      <DeliveryLog />
      <RecentAlerts alerts={alerts.data.alerts} />
    </div>
  );
}
