import { Menu, X } from 'lucide-react';
import { Dialog as DialogPrimitive } from 'radix-ui';
import { useState } from 'react';
import { Link, Outlet } from 'react-router-dom';
import { Logo } from '@/components/logo';
import { overlayClasses } from '@/components/ui/dialog';
import { paths } from '@/config/paths';
import { useActiveAccount } from '@/lib/active-account';
import { useAccountLink } from '@/lib/navigation';
import { AccountSwitcher } from '@/app/layout/account-switcher';
import { PlanCard } from '@/app/layout/plan-card';
import { SidebarNav } from '@/app/layout/sidebar-nav';
import { UserMenu } from '@/app/layout/user-menu';
import { NotificationsBell } from '@/features/alerts/components/notifications-bell';

function SidebarContents({ onNavigate }: { onNavigate?: () => void }) {
  const link = useAccountLink();
  return (
    <div className="flex h-full flex-col gap-6 px-3 py-5">
      <Link
        to={link(paths.overview)}
        onClick={onNavigate}
        className="rounded-md px-3 focus-visible:outline-2 focus-visible:outline-brand-600"
      >
        <Logo />
      </Link>
      <AccountSwitcher onNavigate={onNavigate} />
      <div className="flex-1 overflow-y-auto">
        <SidebarNav onNavigate={onNavigate} />
      </div>
      <PlanCard onNavigate={onNavigate} />
    </div>
  );
}

/** Sidebar on wide screens; on phones the same navigation opens from a menu button as a sheet. */
export function DashboardLayout() {
  const [menuOpen, setMenuOpen] = useState(false);
  const closeMenu = () => setMenuOpen(false);
  const active = useActiveAccount();
  const link = useAccountLink();

  return (
    <div className="min-h-dvh lg:flex">
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-white px-3 py-2 text-sm font-medium shadow focus:not-sr-only focus:fixed focus:top-3 focus:left-3"
      >
        Skip to content
      </a>

      <aside className="hidden w-64 shrink-0 border-r border-zinc-200 bg-white lg:block">
        <div className="sticky top-0 h-dvh">
          <SidebarContents />
        </div>
      </aside>

      <DialogPrimitive.Root open={menuOpen} onOpenChange={setMenuOpen}>
        <DialogPrimitive.Portal>
          <DialogPrimitive.Overlay className={`${overlayClasses} lg:hidden`} />
          <DialogPrimitive.Content
            aria-describedby={undefined}
            className="fixed inset-y-0 left-0 z-50 w-72 max-w-[85vw] bg-white shadow-xl focus:outline-none data-[state=open]:animate-[sheet-in_200ms_ease-out] lg:hidden"
          >
            <DialogPrimitive.Title className="sr-only">Navigation</DialogPrimitive.Title>
            <SidebarContents onNavigate={closeMenu} />
            <DialogPrimitive.Close
              aria-label="Close menu"
              className="absolute top-5 right-3 rounded-md p-1.5 text-zinc-500 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-brand-600"
            >
              <X className="size-5" aria-hidden />
            </DialogPrimitive.Close>
          </DialogPrimitive.Content>
        </DialogPrimitive.Portal>
      </DialogPrimitive.Root>

      <div className="min-w-0 flex-1">
        <header className="sticky top-0 z-30 flex h-16 items-center gap-3 border-b border-zinc-200 bg-white/85 px-4 backdrop-blur sm:px-6 lg:px-8">
          <button
            type="button"
            onClick={() => setMenuOpen(true)}
            aria-label="Open menu"
            aria-expanded={menuOpen}
            className="-ml-1.5 rounded-md p-1.5 text-zinc-600 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-brand-600 lg:hidden"
          >
            <Menu className="size-6" aria-hidden />
          </button>
          <Link to={link(paths.overview)} className="lg:hidden" aria-label="Keymeter overview">
            <Logo withName={false} />
          </Link>
          <div className="flex-1" />
          <NotificationsBell />
          <UserMenu />
        </header>
        <main
          id="main"
          tabIndex={-1}
          className="mx-auto max-w-6xl px-4 py-6 focus:outline-none sm:px-6 sm:py-8 lg:px-8"
        >
          {/* A page of another account starts afresh: no state or placeholder data carries over. */}
          <Outlet key={active.id ?? 'personal'} />
        </main>
      </div>
    </div>
  );
}
