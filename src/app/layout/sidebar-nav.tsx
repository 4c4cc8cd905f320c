import { NavLink } from 'react-router-dom';
import { can } from '@shared/roles';
import { paths } from '@/config/paths';
import { useActiveAccount } from '@/lib/active-account';
import { cn } from '@/lib/cn';
import { useSessionUser } from '@/lib/auth';
import { useAccountLink } from '@/lib/navigation';
import { NAV_ITEMS } from '@/app/layout/nav';

export function SidebarNav({ onNavigate }: { onNavigate?: () => void }) {
  const user = useSessionUser();
  const { role } = useActiveAccount();
  const link = useAccountLink();
  const items = NAV_ITEMS.filter(
    (item) =>
      (!item.adminOnly || user.isAdmin) && (item.permission === undefined || can(role, item.permission)),
  );
  return (
    <nav aria-label="Main">
      <ul className="space-y-0.5">
        {items.map(({ to, label, icon: Icon, adminOnly, inAccount }) => (
          <li key={to}>
            {adminOnly && <div className="mx-3 my-3 h-px bg-zinc-200" aria-hidden />}
            <NavLink
              to={inAccount ? link(to) : to}
              // Overview's path is the prefix of every other page of its account.
              end={to === paths.overview}
              onClick={onNavigate}
              className={({ isActive }) =>
                cn(
                  'group flex items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium transition-colors',
                  'focus-visible:outline-2 focus-visible:outline-brand-600',
                  isActive
                    ? 'bg-brand-50 text-brand-700'
                    : 'text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900',
                )
              }
            >
              {({ isActive }) => (
                <>
                  <Icon
                    className={cn(
                      'size-[18px] shrink-0',
                      isActive ? 'text-brand-600' : 'text-zinc-400 group-hover:text-zinc-600',
                    )}
                    aria-hidden
                  />
                  {label}
                </>
              )}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
