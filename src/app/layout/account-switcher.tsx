import { Check, ChevronsUpDown, Plus, User, Users } from 'lucide-react';
import { useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { can } from '@shared/roles';
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from '@/components/ui/dropdown-menu';
import { Skeleton } from '@/components/ui/skeleton';
import { accountPageOf, accountPagePath, paths } from '@/config/paths';
import { useActiveAccount } from '@/lib/active-account';
import { useAccounts, type AccountListEntry } from '@/lib/api/get-accounts';
import { cn } from '@/lib/cn';
import { planName } from '@/lib/format';
import { CreateTeamDialog } from '@/features/team/components/create-team-dialog';
import { ROLE_NAMES } from '@/features/team/roles';

function describe(account: AccountListEntry): string {
  const who = account.kind === 'personal' ? 'Personal' : ROLE_NAMES[account.role];
  return `${who} · ${planName(account.plan_tier)}`;
}

/**
 * Which account the dashboard shows, and the way to the others: the same page in the chosen
 * account (Usage stays Usage), unless the caller's role there may not see it.
 */
export function AccountSwitcher({ onNavigate }: { onNavigate?: () => void }) {
  const active = useActiveAccount();
  const accounts = useAccounts();
  const navigate = useNavigate();
  const location = useLocation();
  const [creating, setCreating] = useState(false);

  const current =
    accounts.data?.find((account) =>
      active.id === null ? account.kind === 'personal' : account.id === active.id,
    ) ?? null;
  const currentName = current?.name ?? active.name ?? 'Personal';

  function open(account: AccountListEntry) {
    const page = accountPageOf(location.pathname) ?? paths.overview;
    const allowed = page !== paths.auditLog || can(account.role, 'read_audit_log');
    onNavigate?.();
    void navigate(
      accountPagePath(account.kind === 'personal' ? null : account.slug, allowed ? page : paths.overview),
    );
  }

  return (
    <>
      <DropdownMenu>
        <DropdownMenuTrigger
          aria-label={`Switch account (current: ${currentName})`}
          className="flex w-full items-center gap-2.5 rounded-lg px-3 py-2 text-left ring-1 ring-zinc-200 hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-brand-600 data-[state=open]:bg-zinc-50"
        >
          <span className="flex size-8 shrink-0 items-center justify-center rounded-md bg-brand-50 text-brand-700">
            {active.kind === 'team' ? (
              <Users className="size-4" aria-hidden />
            ) : (
              <User className="size-4" aria-hidden />
            )}
          </span>
          <span className="min-w-0 flex-1">
            <span className="block truncate text-sm font-medium text-zinc-900">{currentName}</span>
            <span className="block truncate text-xs text-zinc-500">
              {current ? describe(current) : <Skeleton className="mt-0.5 h-3 w-20" />}
            </span>
          </span>
          <ChevronsUpDown className="size-4 shrink-0 text-zinc-400" aria-hidden />
        </DropdownMenuTrigger>
        <DropdownMenuContent align="start" className="w-64">
          <DropdownMenuLabel className="text-xs font-medium text-zinc-500">Accounts</DropdownMenuLabel>
          {accounts.isError && (
            <p className="px-2.5 py-2 text-sm text-rose-700">Couldn’t load your accounts.</p>
          )}
          {accounts.isPending && <p className="px-2.5 py-2 text-sm text-zinc-500">Loading…</p>}
          {accounts.data?.map((account) => {
            const selected = account === current;
            return (
              <DropdownMenuItem
                key={account.id}
                onSelect={() => open(account)}
                aria-current={selected ? 'true' : undefined}
                className="items-start"
              >
                <Check
                  className={cn('mt-0.5 size-4 shrink-0', selected ? 'text-brand-600' : 'invisible')}
                  aria-hidden
                />
                <span className="min-w-0">
                  <span className="block truncate font-medium text-zinc-900">{account.name}</span>
                  <span className="block text-xs text-zinc-500">{describe(account)}</span>
                </span>
              </DropdownMenuItem>
            );
          })}
          <DropdownMenuSeparator />
          <DropdownMenuItem onSelect={() => setCreating(true)}>
            <Plus className="size-4 text-zinc-400" aria-hidden />
            Create team
          </DropdownMenuItem>
        </DropdownMenuContent>
      </DropdownMenu>
      {/* The mobile menu closes once the new team opens. */}
      <CreateTeamDialog open={creating} onOpenChange={setCreating} onCreated={onNavigate} />
    </>
  );
}
