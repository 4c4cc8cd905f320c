import { Bell, Settings2 } from 'lucide-react';
import { useNavigate } from 'react-router-dom';
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from '@/components/ui/dropdown-menu';
import { useToast } from '@/components/ui/toast';
import { paths } from '@/config/paths';
import { describeError } from '@/lib/api-error';
import { cn } from '@/lib/cn';
import { formatRelative } from '@/lib/format';
import { useAccountLink } from '@/lib/navigation';
import { useMarkNotificationsRead } from '@/features/alerts/api/mark-notifications-read';
import { useNotifications } from '@/features/alerts/api/get-notifications';

/** The header's bell: how many alerts are unread, the latest of them, and marking them read. */
export function NotificationsBell() {
  const notifications = useNotifications();
  const mark = useMarkNotificationsRead();
  const navigate = useNavigate();
  const link = useAccountLink();
  const notify = useToast();
  const unread = notifications.data?.unread ?? 0;
  const list = notifications.data?.notifications ?? [];
  const onError = (error: unknown) =>
    notify({ tone: 'error', title: "Couldn't mark notifications read", description: describeError(error) });

  return (
    <DropdownMenu>
      <DropdownMenuTrigger
        aria-label={unread === 0 ? 'Notifications' : `Notifications, ${unread} unread`}
        className="relative rounded-full p-2 text-zinc-600 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-brand-600 data-[state=open]:bg-zinc-100"
      >
        <Bell className="size-5" aria-hidden />
        {unread > 0 && (
          <span
            aria-hidden
            className="absolute -top-0.5 -right-0.5 flex h-5 min-w-5 items-center justify-center rounded-full bg-rose-600 px-1 text-[11px] font-semibold text-white"
          >
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </DropdownMenuTrigger>
      <DropdownMenuContent className="w-[min(24rem,calc(100vw-2rem))]">
        <DropdownMenuLabel className="flex items-center justify-between">
          <span className="text-sm font-semibold text-zinc-900">Notifications</span>
          <span className="text-xs text-zinc-500">{unread === 0 ? 'All read' : `${unread} unread`}</span>
        </DropdownMenuLabel>
        <DropdownMenuSeparator />
        {notifications.isError ? (
          <p className="px-2.5 py-3 text-sm text-rose-700">Couldn’t load notifications.</p>
        ) : list.length === 0 ? (
          <p className="px-2.5 py-3 text-sm text-zinc-500">
            {notifications.isPending ? 'Loading…' : 'No notifications yet.'}
          </p>
        ) : (
          <div className="max-h-96 overflow-y-auto">
            {list.map((entry) => (
              <DropdownMenuItem
                key={entry.id}
                onSelect={() => {
                  if (entry.read_at === null) mark.mutate({ ids: [entry.id] }, { onError });
                }}
                className="items-start"
                aria-label={`${entry.read_at === null ? 'Unread: ' : ''}${entry.title}`}
              >
                <span
                  aria-hidden
                  className={cn(
                    'mt-1.5 size-2 shrink-0 rounded-full',
                    entry.read_at === null ? 'bg-brand-600' : 'bg-transparent',
                  )}
                />
                <span className="min-w-0">
                  <span
                    className={cn(
                      'block',
                      entry.read_at === null ? 'font-semibold text-zinc-900' : 'text-zinc-700',
                    )}
                  >
                    {entry.title}
                  </span>
                  <span className="block text-xs text-zinc-500">{entry.body}</span>
                  <span className="block text-xs text-zinc-400">{formatRelative(entry.created_at)}</span>
                </span>
              </DropdownMenuItem>
            ))}
          </div>
        )}
        <DropdownMenuSeparator />
        {unread > 0 && (
          <DropdownMenuItem onSelect={() => mark.mutate({ all: true }, { onError })}>
            Mark all read
          </DropdownMenuItem>
        )}
        <DropdownMenuItem onSelect={() => navigate(link(paths.alerts))}>
          <Settings2 className="size-4 text-zinc-400" aria-hidden />
          Alert settings
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
