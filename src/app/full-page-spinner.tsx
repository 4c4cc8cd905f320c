import { Spinner } from '@/components/ui/spinner';

export function FullPageSpinner() {
  return (
    <div className="flex min-h-dvh items-center justify-center text-brand-600">
      <Spinner className="size-7" label="Loading Keymeter" />
    </div>
  );
}
