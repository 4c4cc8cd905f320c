import type { ApiKey, StatsResponse } from '@shared/contracts';
import type { Member } from '@shared/teams';
import { QueryBoundary } from '@/components/query-boundary';
import { BarList } from '@/components/ui/bar-list';
import { Card, CardContent, CardHeader } from '@/components/ui/card';
import { LoadingRegion, Skeleton } from '@/components/ui/skeleton';
import { useActiveAccount } from '@/lib/active-account';
import { useKeys } from '@/lib/api/get-keys';
import { useMembers } from '@/lib/api/get-members';

/** The row of calls whose key is not in the account's list (the API's `other`, among them). */
const OTHER_KEYS = 'other-keys';

function memberName(member: Member | undefined): string {
  if (!member) return 'Former member';
  return member.display_name ?? member.email ?? member.uid;
}

/**
 * The calls of `byKey` added up by the member who created each key, most first. A key whose
 * creator has left counts for "Former member"; calls of keys the list does not have (those a
 * day's usage did not keep apart) for "Other keys".
 */
export function callsByMember(
  byKey: StatsResponse['by_key'],
  keys: readonly ApiKey[],
  members: readonly Member[],
): { key: string; name: string; value: number }[] {
  const creators = new Map(keys.map((key) => [key.id, key.created_by]));
  const totals = new Map<string, number>();
  for (const row of byKey) {
    if (row.requests === 0) continue;
    const uid = creators.get(row.key_id) ?? OTHER_KEYS;
    totals.set(uid, (totals.get(uid) ?? 0) + row.requests);
  }
  return [...totals.entries()]
    .map(([uid, requests]) => ({
      key: uid,
      name: uid === OTHER_KEYS ? 'Other keys' : memberName(members.find((member) => member.uid === uid)),
      value: requests,
    }))
    .sort((a, b) => b.value - a.value || a.name.localeCompare(b.name));
}

/**
 * A team's calls in the page's range and filter by the member who created each key: the one
 * `/stats` answer's `by_key`, grouped by each key's `created_by`.
 */
export function UsageByMember({ stats }: { stats: StatsResponse }) {
  const { kind } = useActiveAccount();
  const keys = useKeys();
  const members = useMembers({ enabled: kind === 'team' });
  if (kind !== 'team') return null;

  return (
    <Card aria-labelledby="by-member-title">
      <CardHeader
        titleId="by-member-title"
        title="By member"
        description="Calls of the keys each member created"
      />
      <CardContent>
        <QueryBoundary
          queries={[keys, members]}
          errorTitle="Couldn't break usage down by member"
          errorClassName="py-6"
          loading={
            <LoadingRegion label="Loading usage by member" className="space-y-2">
              <Skeleton className="h-6 w-full" />
              <Skeleton className="h-6 w-2/3" />
            </LoadingRegion>
          }
        >
          {() => {
            const rows = callsByMember(stats.by_key, keys.data ?? [], members.data?.members ?? []);
            return rows.length === 0 ? (
              <p className="py-6 text-center text-sm text-zinc-500">No calls in this range.</p>
            ) : (
              <BarList label="Calls by member" nameHeader="Member" rows={rows} />
            );
          }}
        </QueryBoundary>
      </CardContent>
    </Card>
  );
}
