import { AlertTriangle } from 'lucide-react';
import { useId, type ReactNode } from 'react';
import { CopyButton } from '@/components/ui/copy-button';
import { inputClasses } from '@/components/ui/form';
import { cn } from '@/lib/cn';

/**
 * A secret the server sends once (a key, a signing secret): a plain warning that it will not be
 * shown again, the value selected on focus, and a copy button.
 */
export function ShownOnce({
  warning,
  label,
  value,
  copyLabel,
}: {
  warning: ReactNode;
  label: string;
  value: string;
  copyLabel: string;
}) {
  const id = useId();
  return (
    <>
      <div
        role="alert"
        className="flex gap-2.5 rounded-lg bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200"
      >
        <AlertTriangle className="mt-0.5 size-4 shrink-0 text-amber-600" aria-hidden />
        <p>{warning}</p>
      </div>
      <div>
        <label htmlFor={id} className="block text-sm font-medium text-zinc-800">
          {label}
        </label>
        <div className="mt-1.5 flex gap-2">
          <input
            id={id}
            readOnly
            value={value}
            onFocus={(event) => event.currentTarget.select()}
            className={cn(inputClasses, 'font-mono text-[13px]')}
            spellCheck={false}
            autoComplete="off"
          />
          <CopyButton text={value} label={copyLabel} size="md" variant="primary" />
        </div>
      </div>
    </>
  );
}
