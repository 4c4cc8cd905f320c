import { AlertTriangle } from 'lucide-react';
import { useId } from 'react';
import { CopyButton } from '@/components/ui/copy-button';
import { inputClasses } from '@/components/ui/form';
import { cn } from '@/lib/cn';
import { CurlExample } from '@/features/keys/components/curl-example';

/** The one and only display of a key's secret, with a copy button and a plain warning. */
export function SecretReveal({ secret }: { secret: string }) {
  const id = useId();
  return (
    <div className="space-y-4">
      <div
        role="alert"
        className="flex gap-2.5 rounded-lg bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200"
      >
        <AlertTriangle className="mt-0.5 size-4 shrink-0 text-amber-600" aria-hidden />
        <p>
          <strong className="font-semibold">This key will not be shown again.</strong> Copy it now and keep it
          somewhere safe, such as your secrets manager. If you lose it, roll the key to get a new one.
        </p>
      </div>
      <div>
        <label htmlFor={id} className="block text-sm font-medium text-zinc-800">
          Your new API key
        </label>
        <div className="mt-1.5 flex gap-2">
          <input
            id={id}
            readOnly
            value={secret}
            onFocus={(event) => event.currentTarget.select()}
            className={cn(inputClasses, 'font-mono text-[13px]')}
            spellCheck={false}
            autoComplete="off"
          />
          <CopyButton text={secret} label="Copy key" size="md" variant="primary" />
        </div>
      </div>
      <CurlExample secret={secret} label="Try it" />
    </div>
  );
}
