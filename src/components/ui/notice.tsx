import { AlertTriangle, CheckCircle2, Info, XCircle, type LucideIcon } from 'lucide-react';
import type { ReactNode } from 'react';
import { cn } from '@/lib/cn';

const TONES = {
  info: { box: 'bg-sky-50 text-sky-900 ring-sky-200', icon: Info, iconClass: 'text-sky-600' },
  success: {
    box: 'bg-emerald-50 text-emerald-900 ring-emerald-200',
    icon: CheckCircle2,
    iconClass: 'text-emerald-600',
  },
  warning: {
    box: 'bg-amber-50 text-amber-900 ring-amber-200',
    icon: AlertTriangle,
    iconClass: 'text-amber-600',
  },
  danger: { box: 'bg-rose-50 text-rose-900 ring-rose-200', icon: XCircle, iconClass: 'text-rose-600' },
  neutral: { box: 'bg-zinc-50 text-zinc-800 ring-zinc-200', icon: Info, iconClass: 'text-zinc-500' },
} as const;

export type NoticeTone = keyof typeof TONES;

/**
 * A message that stays on the page (unlike a toast): what happened, what it means, and the
 * next step. `role` decides how a screen reader announces it: `status` politely, `alert` at once.
 */
export function Notice({
  tone = 'info',
  title,
  children,
  action,
  icon,
  role,
  className,
}: {
  tone?: NoticeTone;
  title?: ReactNode;
  children?: ReactNode;
  action?: ReactNode;
  /** Replaces the tone's icon, e.g. with a spinner while something is on its way. */
  icon?: ReactNode;
  role?: 'status' | 'alert';
  className?: string;
}) {
  const look = TONES[tone];
  const Icon: LucideIcon = look.icon;
  return (
    <div
      role={role}
      className={cn(
        'flex flex-col gap-3 rounded-lg p-4 text-sm ring-1 sm:flex-row sm:items-start',
        look.box,
        className,
      )}
    >
      <div className="flex min-w-0 flex-1 gap-3">
        <span className={cn('mt-0.5 shrink-0', look.iconClass)}>
          {icon ?? <Icon className="size-5" aria-hidden />}
        </span>
        <div className="min-w-0">
          {title && <p className="font-semibold">{title}</p>}
          {children && <div className={cn(title ? 'mt-0.5' : null, 'opacity-90')}>{children}</div>}
        </div>
      </div>
      {action && <div className="flex shrink-0 flex-wrap gap-2 pl-8 sm:pl-0">{action}</div>}
    </div>
  );
}
