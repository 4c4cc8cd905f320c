import type { MeResponse } from '@shared/contracts';
import { Progress } from '@/components/ui/progress';
import { formatNumber, formatPercent } from '@/lib/format';

/**
 * Each active key's calls this month against its own monthly quota (quotas are per key),
 * fullest first so the key about to hit its limit is on top.
 */
export function KeyQuotaList({ usage, limit }: { usage: MeResponse['usage']; limit?: number }) {
  const keys = [...usage.keys].sort((a, b) => b.requests / b.limit - a.requests / a.limit);
  const shown = limit === undefined ? keys : keys.slice(0, limit);
  return (
    <ul className="space-y-4">
      {shown.map((key) => (
        <li key={key.id}>
          <div className="mb-1.5 flex items-baseline justify-between gap-3 text-sm">
            <span className="truncate font-medium text-zinc-800">{key.label}</span>
            <span className="shrink-0 text-zinc-500 tabular-nums">
              <span className="font-medium text-zinc-900">{formatNumber(key.requests)}</span> /{' '}
              {formatNumber(key.limit)}
              <span className="ml-2 hidden text-xs sm:inline">{formatPercent(key.requests / key.limit)}</span>
            </span>
          </div>
          <Progress
            value={key.requests}
            max={key.limit}
            label={`${key.label}: calls this month against its quota`}
          />
        </li>
      ))}
      {shown.length < keys.length && (
        <li className="text-xs text-zinc-500">
          and {keys.length - shown.length} more {keys.length - shown.length === 1 ? 'key' : 'keys'} with less
          usage
        </li>
      )}
    </ul>
  );
}
