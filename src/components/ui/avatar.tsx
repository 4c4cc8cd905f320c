import { useState } from 'react';
import { cn } from '@/lib/cn';

function initials(name: string | null, email: string | null): string {
  const source = name?.trim() || email?.split('@')[0] || '?';
  const parts = source.split(/[\s._-]+/).filter(Boolean);
  const letters = parts.length > 1 ? `${parts[0]?.[0] ?? ''}${parts[1]?.[0] ?? ''}` : source.slice(0, 2);
  return letters.toUpperCase();
}

export function Avatar({
  name,
  email,
  photoUrl,
  className,
}: {
  name: string | null;
  email: string | null;
  photoUrl: string | null;
  className?: string;
}) {
  const [failed, setFailed] = useState(false);
  const base = cn(
    'inline-flex size-8 shrink-0 items-center justify-center overflow-hidden rounded-full',
    className,
  );
  if (photoUrl && !failed) {
    return (
      <img
        src={photoUrl}
        alt=""
        referrerPolicy="no-referrer"
        className={cn(base, 'object-cover')}
        onError={() => setFailed(true)}
      />
    );
  }
  return (
    <span aria-hidden className={cn(base, 'bg-brand-100 text-xs font-semibold text-brand-700')}>
      {initials(name, email)}
    </span>
  );
}
