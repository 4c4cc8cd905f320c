import { useQueries } from '@tanstack/react-query';
import type { ApiKey, StatsQuery } from '@shared/contracts';
import type { Member } from '@shared/teams';
import { BarList } from '@/components/ui/bar-list';
import { Card, CardContent, CardHeader } from '@/components/ui/card';
import { ErrorState } from '@/components/ui/error-state';
import { LoadingRegion, Skeleton } from '@/components/ui/skeleton';
import { useActiveAccount } from '@/lib/active-account';
import { useKeys } from '@/lib/api/get-keys';
import { statsQueryOptions } from '@/lib/api/get-stats';
import { useMembers } from '@/lib/api/get-members';

/** Keys that may have calls in the range: used at all, not only before it, made before its end. */
export function keysActiveIn(keys: readonly ApiKey[], range: { from: string; to: string }): ApiKey[] {
  return keys.filter(
    (key) =>
      key.last_used_at !== null &&
      key.last_used_at.slice(0, 10) >= range.from &&
      key.created_at.slice(0, 10) <= range.to,
  );
}

function memberName(member: Member | undefined): string {
  if (!member) return 'Former member';
  return member.display_name ?? member.email ?? member.uid;
}

/**
 * A team's calls in the range by the member who created each key. Kept simple and in the
 * browser: `/stats` has no per-key breakdown, so this asks `/stats?key_id=` once per key that
 * may have calls in the range (the queries the key selector makes, so they are shared) and adds
 * them up by the key's `created_by`. A `by_key` in `/stats` would make it one request.
 */
export function UsageByMember({ range }: { range: StatsQuery }) {
  const { id, kind } = useActiveAccount();
  const keys = useKeys();
  const members = useMembers({ enabled: kind === 'team' });
  const used = keysActiveIn(keys.data ?? [], range);
  const stats = useQueries({
    queries: kind === 'team' ? used.map((key) => statsQueryOptions(id, { ...range, key_id: key.id })) : [],
  });
  if (kind !== 'team') return null;

  const failed = keys.error ?? members.error ?? stats.find((query) => query.isError)?.error;
  const pending = keys.isPending || members.isPending || stats.some((query) => query.isPending);
  const byMember = new Map<string, number>();
  used.forEach((key, index) => {
    const requests = stats[index]?.data?.totals.requests ?? 0;
    if (requests > 0) byMember.set(key.created_by, (byMember.get(key.created_by) ?? 0) + requests);
  });
  const rows = [...byMember.entries()]
    .map(([uid, requests]) => ({
      key: uid,
      name: memberName(members.data?.members.find((member) => member.uid === uid)),
      value: requests,
    }))
    .sort((a, b) => b.value - a.value || a.name.localeCompare(b.name));

  return (
    <Card aria-labelledby="by-member-title">
      <CardHeader
        titleId="by-member-title"
        title="By member"
        description="Calls of the keys each member created"
      />
      <CardContent>
        {failed ? (
          <ErrorState title="Couldn't break usage down by member" error={failed} className="py-6" />
        ) : pending ? (
          <LoadingRegion label="Loading usage by member" className="space-y-2">
            <Skeleton className="h-6 w-full" />
            <Skeleton className="h-6 w-2/3" />
          </LoadingRegion>
        ) : rows.length === 0 ? (
          <p className="py-6 text-center text-sm text-zinc-500">No calls in this range.</p>
        ) : (
          <BarList label="Calls by member" nameHeader="Member" rows={rows} />
        )}
      </CardContent>
    </Card>
  );
}
