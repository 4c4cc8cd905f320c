import { cn } from '@/lib/cn';

export function Logo({ className, withName = true }: { className?: string; withName?: boolean }) {
  return (
    <span className={cn('inline-flex items-center gap-2', className)}>
      <svg viewBox="0 0 32 32" className="size-7 shrink-0" aria-hidden>
        <rect width="32" height="32" rx="8" fill="var(--color-brand-600)" />
        <path
          d="M9 21.5a7 7 0 1 1 14 0"
          fill="none"
          stroke="var(--color-brand-200)"
          strokeWidth="3"
          strokeLinecap="round"
        />
        <path d="M16 21.5l4.5-6" stroke="#fff" strokeWidth="3" strokeLinecap="round" />
        <circle cx="16" cy="21.5" r="2.2" fill="#fff" />
      </svg>
      {withName && <span className="text-[17px] font-semibold tracking-tight text-zinc-900">Keymeter</span>}
    </span>
  );
}
