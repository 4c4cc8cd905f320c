import type { AccountUsage } from '@shared/contracts';
import { Badge } from '@/components/ui/badge';
import { Progress } from '@/components/ui/progress';
import { formatCaps, formatDate, formatNumber, formatPercent } from '@/lib/format';

/**
 * The account's units this period against its monthly quota, with the per-minute limit and the
 * reset date: one budget that all of the account's keys draw on; then one indicator per named
 * meter (units of a kind, such as emails verified) against the plan's limit for it.
 */
export function AccountQuotaMeter({ usage }: { usage: AccountUsage }) {
  const usedUp = usage.units >= usage.quota;
  return (
    <div>
      <p className="flex flex-wrap items-baseline gap-x-2">
        <span className="text-3xl font-semibold tracking-tight text-zinc-900 tabular-nums">
          {formatNumber(usage.units)}
        </span>
        <span className="text-sm text-zinc-500">
          of {formatNumber(usage.quota)} {usage.quota === 1 ? 'unit' : 'units'} used
        </span>
        <span className="ml-auto text-sm text-zinc-500 tabular-nums">
          {formatPercent(Math.min(usage.units / usage.quota, 1))}
        </span>
      </p>
      <Progress
        className="mt-3"
        value={usage.units}
        max={usage.quota}
        label="The account’s units this month against its quota"
      />
      {usedUp && (
        <p className="mt-2 text-sm font-medium text-rose-700">
          The quota is used up: calls are refused until it resets.
        </p>
      )}
      <dl className="mt-4 grid grid-cols-2 gap-3 text-sm">
        <div>
          <dt className="text-zinc-500">Per minute</dt>
          <dd className="mt-0.5 font-medium text-zinc-900 tabular-nums">
            {formatNumber(usage.per_minute_limit)} calls, all keys together
          </dd>
        </div>
        <div>
          <dt className="text-zinc-500">Resets</dt>
          <dd className="mt-0.5 font-medium text-zinc-900">
            <time dateTime={usage.resets_at}>{formatDate(usage.resets_at)}</time>
          </dd>
        </div>
      </dl>
      {usage.meters.length > 0 && <MeterUsageList meters={usage.meters} />}
    </div>
  );
}

function MeterUsageList({ meters }: { meters: AccountUsage['meters'] }) {
  return (
    <ul className="mt-5 space-y-3 border-t border-zinc-100 pt-4" aria-label="Meters">
      {meters.map((meter) => (
        <li key={meter.meter}>
          <div className="mb-1.5 flex items-baseline justify-between gap-3 text-sm">
            <span className="font-medium text-zinc-800">{meter.label}</span>
            <span className="text-zinc-500 tabular-nums">
              <span className="font-medium text-zinc-900">{formatNumber(meter.used)}</span>
              {meter.monthly === null
                ? ' this month, no limit'
                : ` / ${formatNumber(meter.monthly)} this month`}
              {meter.per_minute !== null && `, ${formatNumber(meter.per_minute)} a minute`}
            </span>
          </div>
          {meter.monthly !== null && (
            <Progress
              value={meter.used}
              max={meter.monthly}
              label={`${meter.label} this month against the limit`}
            />
          )}
        </li>
      ))}
    </ul>
  );
}

type KeyUsage = AccountUsage['keys'][number];

/** How full a key is: against its own monthly cap when it has one, else its share of the quota. */
function fullness(key: KeyUsage, quota: number): number {
  return key.units / (key.cap_monthly ?? quota);
}

/**
 * Each active key's units this period, fullest first so the key nearest a limit is on top, with
 * its caps where set. A key with a monthly cap is measured against the cap; one without draws on
 * the account's quota like every other key.
 */
export function KeyUsageList({ usage, limit }: { usage: AccountUsage; limit?: number }) {
  const keys = [...usage.keys].sort(
    (a, b) =>
      fullness(b, usage.quota) - fullness(a, usage.quota) ||
      b.units - a.units ||
      a.label.localeCompare(b.label),
  );
  const shown = limit === undefined ? keys : keys.slice(0, limit);
  return (
    <ul className="space-y-4" aria-label="Keys this month">
      {shown.map((key) => {
        const caps = formatCaps(key);
        return (
          <li key={key.id}>
            <div className="mb-1.5 flex items-baseline justify-between gap-3 text-sm">
              <span className="min-w-0 truncate font-medium text-zinc-800" title={key.label}>
                {key.label}
              </span>
              <span className="shrink-0 text-zinc-500 tabular-nums">
                <span className="font-medium text-zinc-900">{formatNumber(key.units)}</span>
                {key.cap_monthly === null ? (
                  <> {key.units === 1 ? 'unit' : 'units'}</>
                ) : (
                  <> / {formatNumber(key.cap_monthly)}</>
                )}
              </span>
            </div>
            <Progress
              value={key.units}
              max={key.cap_monthly ?? usage.quota}
              label={
                key.cap_monthly === null
                  ? `${key.label}: units this month of the account’s quota`
                  : `${key.label}: units this month against its cap`
              }
            />
            {caps.length > 0 && (
              <p className="mt-1.5 flex flex-wrap gap-1.5">
                {caps.map((cap) => (
                  <Badge key={cap} className="px-1.5 py-0 text-[11px]">
                    {cap}
                  </Badge>
                ))}
              </p>
            )}
          </li>
        );
      })}
      {shown.length < keys.length && (
        <li className="text-xs text-zinc-500">
          and {keys.length - shown.length} more {keys.length - shown.length === 1 ? 'key' : 'keys'} further
          from their limits
        </li>
      )}
    </ul>
  );
}
