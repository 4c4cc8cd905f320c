import { AlertTriangle, RotateCw } from 'lucide-react';
import { ApiError, describeError } from '@/lib/api-error';
import { cn } from '@/lib/cn';
import { Button } from '@/components/ui/button';

export function ErrorState({
  title = "Couldn't load this",
  error,
  onRetry,
  retrying = false,
  className,
}: {
  title?: string;
  error: unknown;
  onRetry?: () => void;
  retrying?: boolean;
  className?: string;
}) {
  const requestId = error instanceof ApiError ? error.requestId : undefined;
  return (
    <div role="alert" className={cn('flex flex-col items-center px-6 py-10 text-center', className)}>
      <div className="mb-4 flex size-11 items-center justify-center rounded-full bg-rose-50 text-rose-600">
        <AlertTriangle className="size-5" aria-hidden />
      </div>
      <h3 className="text-sm font-semibold text-zinc-900">{title}</h3>
      <p className="mt-1 max-w-sm text-sm text-zinc-600">{describeError(error)}</p>
      {requestId && <p className="mt-1 font-mono text-xs text-zinc-400">Request ID {requestId}</p>}
      {onRetry && (
        <Button variant="secondary" size="sm" className="mt-5" onClick={onRetry} loading={retrying}>
          {!retrying && <RotateCw className="size-4" aria-hidden />}
          Try again
        </Button>
      )}
    </div>
  );
}
