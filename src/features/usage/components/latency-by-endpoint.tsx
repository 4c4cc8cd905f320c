import type { StatsResponse } from '@shared/contracts';
import { Table, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { formatLatency, formatNumber } from '@/lib/format';
import { describePercentile } from '@/features/usage/service-figures';

/** Each endpoint's calls and latency percentiles over the range, busiest first. */
export function LatencyByEndpoint({ rows }: { rows: StatsResponse['by_endpoint'] }) {
  return (
    <Table label="Latency by endpoint">
      <THead>
        <TR>
          <TH>Endpoint</TH>
          <TH className="text-right">Calls</TH>
          <TH className="text-right">p50</TH>
          <TH className="text-right">p95</TH>
          <TH className="text-right">p99</TH>
        </TR>
      </THead>
      <TBody>
        {rows.map((row) => (
          <TR key={row.endpoint}>
            <TD className="font-mono text-xs whitespace-nowrap text-zinc-800">{row.endpoint}</TD>
            <TD className="text-right whitespace-nowrap tabular-nums">{formatNumber(row.requests)}</TD>
            {([row.p50_ms, row.p95_ms, row.p99_ms] as const).map((ms, index) => (
              <TD
                key={index}
                className="text-right whitespace-nowrap tabular-nums"
                title={describePercentile(ms)}
              >
                {formatLatency(ms)}
              </TD>
            ))}
          </TR>
        ))}
      </TBody>
    </Table>
  );
}
