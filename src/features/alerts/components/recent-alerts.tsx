import { BellRing } from 'lucide-react';
import type { AlertKind, FiredAlert } from '@shared/contracts';
import { Card, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { formatDateTime, formatNumber } from '@/lib/format';

const KIND: Record<AlertKind, (alert: FiredAlert) => string> = {
  quota_threshold: (alert) => `${formatNumber(alert.threshold)}% of the monthly quota`,
  low_credits: (alert) => `Credits down to ${formatNumber(alert.threshold)} units`,
  spend_cap: () => 'Spend cap reached',
  key_cap: (alert) => `Key ${alert.key_id ?? ''} reached its cap`,
};

/** What fired lately, newest first. */
export function RecentAlerts({ alerts }: { alerts: FiredAlert[] }) {
  return (
    <Card aria-labelledby="recent-alerts-title">
      <CardHeader titleId="recent-alerts-title" title="Recent alerts" className="pb-5" />
      <div className="border-t border-zinc-200">
        {alerts.length === 0 ? (
          <EmptyState
            icon={BellRing}
            title="Nothing has fired yet"
            description="When usage reaches a threshold, the alert shows here and in the bell."
          />
        ) : (
          <ul className="divide-y divide-zinc-100">
            {alerts.map((alert) => (
              <li key={alert.id} className="flex flex-wrap justify-between gap-2 px-5 py-3 text-sm sm:px-6">
                <span className="font-medium text-zinc-900">{KIND[alert.kind](alert)}</span>
                <span className="text-zinc-500">
                  {formatNumber(alert.value)} {alert.meter}
                  {alert.limit === null ? '' : ` of ${formatNumber(alert.limit)}`} · {alert.period} ·{' '}
                  {formatDateTime(alert.fired_at)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </div>
    </Card>
  );
}
