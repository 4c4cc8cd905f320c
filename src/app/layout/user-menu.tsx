import { ChevronDown, CreditCard, LogOut, Settings } from 'lucide-react';
import { useNavigate } from 'react-router-dom';
import { Avatar } from '@/components/ui/avatar';
import { Badge } from '@/components/ui/badge';
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from '@/components/ui/dropdown-menu';
import { Skeleton } from '@/components/ui/skeleton';
import { paths } from '@/config/paths';
import { useMe } from '@/lib/api/get-me';
import { useAuth, useSessionUser } from '@/lib/auth';
import { planName } from '@/lib/format';
import { useAccountLink } from '@/lib/navigation';

export function UserMenu() {
  const user = useSessionUser();
  const { signOut } = useAuth();
  const me = useMe();
  const navigate = useNavigate();
  const link = useAccountLink();
  const name = user.displayName ?? me.data?.user.display_name ?? user.email ?? 'Your account';
  const plan = me.data?.account.plan_tier;

  return (
    <DropdownMenu>
      <DropdownMenuTrigger
        className="flex items-center gap-2.5 rounded-full py-1 pr-2 pl-1 text-left hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-brand-600 data-[state=open]:bg-zinc-100"
        aria-label={`Account menu for ${name}`}
      >
        <Avatar name={user.displayName} email={user.email} photoUrl={user.photoUrl} />
        <span className="hidden min-w-0 flex-col sm:flex">
          <span className="max-w-40 truncate text-sm leading-tight font-medium text-zinc-900">{name}</span>
          <span className="text-xs leading-tight text-zinc-500">
            {plan ? `${planName(plan)} plan` : <Skeleton className="mt-0.5 h-3 w-14" />}
          </span>
        </span>
        <ChevronDown className="hidden size-4 text-zinc-400 sm:block" aria-hidden />
      </DropdownMenuTrigger>
      <DropdownMenuContent className="w-64">
        <DropdownMenuLabel>
          <div className="flex items-center gap-3">
            <Avatar name={user.displayName} email={user.email} photoUrl={user.photoUrl} className="size-10" />
            <div className="min-w-0">
              <p className="truncate text-sm font-medium text-zinc-900">{name}</p>
              {user.email && <p className="truncate text-xs text-zinc-500">{user.email}</p>}
            </div>
          </div>
          {plan && (
            <div className="mt-2.5 flex gap-1.5">
              <Badge tone={plan === 'free' ? 'neutral' : 'brand'}>{planName(plan)} plan</Badge>
              {user.isAdmin && <Badge tone="info">Operator</Badge>}
            </div>
          )}
        </DropdownMenuLabel>
        <DropdownMenuSeparator />
        <DropdownMenuItem onSelect={() => navigate(link(paths.billing))}>
          <CreditCard className="size-4 text-zinc-400" aria-hidden />
          Billing
        </DropdownMenuItem>
        <DropdownMenuItem onSelect={() => navigate(link(paths.settings))}>
          <Settings className="size-4 text-zinc-400" aria-hidden />
          Settings
        </DropdownMenuItem>
        <DropdownMenuSeparator />
        <DropdownMenuItem onSelect={() => void signOut()}>
          <LogOut className="size-4 text-zinc-400" aria-hidden />
          Sign out
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
