import { formatNumber, formatPercent } from '@/lib/format';
import { cn } from '@/lib/cn';

/**
 * Ranked rows with a proportional bar behind each — a chart that is also a readable table,
 * for breakdowns such as requests by endpoint.
 */
export function BarList({
  label,
  nameHeader,
  rows,
  barClassName,
}: {
  label: string;
  nameHeader: string;
  rows: { name: React.ReactNode; key: string; value: number; barClassName?: string }[];
  barClassName?: string;
}) {
  const total = rows.reduce((sum, row) => sum + row.value, 0);
  const max = Math.max(...rows.map((row) => row.value), 1);
  return (
    <table className="w-full text-sm" aria-label={label}>
      <thead className="sr-only">
        <tr>
          <th scope="col">{nameHeader}</th>
          <th scope="col">Requests</th>
          <th scope="col">Share</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key}>
            <td className="w-full py-1 pr-3">
              {/* The bar is measured inside the cell's padding, so the longest never touches its number. */}
              <div className="relative">
                <div
                  aria-hidden
                  className={cn(
                    'absolute inset-y-0 left-0 rounded-md',
                    row.barClassName ?? barClassName ?? 'bg-brand-100',
                  )}
                  style={{ width: `${Math.max((row.value / max) * 100, 1)}%` }}
                />
                <div className="relative truncate px-2 py-1 font-mono text-xs text-zinc-800">{row.name}</div>
              </div>
            </td>
            <td className="py-1 text-right font-medium text-zinc-900 tabular-nums">
              {formatNumber(row.value)}
            </td>
            <td className="w-16 py-1 pl-3 text-right text-zinc-500 tabular-nums">
              {formatPercent(total > 0 ? row.value / total : 0)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
