import { AlertTriangle } from 'lucide-react';
import { isRouteErrorResponse, useRouteError } from 'react-router-dom';
import { Button } from '@/components/ui/button';
import { cn } from '@/lib/cn';
import { NotFoundRoute } from '@/app/routes/not-found';

/** Shown when a page throws while rendering or its code fails to load (e.g. after a deploy). */
export function RouteError({ inLayout = false }: { inLayout?: boolean }) {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) return <NotFoundRoute />;
  const chunkFailed =
    error instanceof Error &&
    /dynamically imported module|Importing a module script failed/i.test(error.message);
  if (!chunkFailed) console.error(error);
  return (
    <div
      role="alert"
      className={cn(
        'flex flex-col items-center justify-center px-6 text-center',
        inLayout ? 'py-24' : 'min-h-dvh',
      )}
    >
      <div className="mb-5 flex size-12 items-center justify-center rounded-full bg-rose-50 text-rose-600">
        <AlertTriangle className="size-6" aria-hidden />
      </div>
      <h1 className="text-xl font-semibold text-zinc-900">
        {chunkFailed ? 'A new version of Keymeter is available' : 'This page ran into a problem'}
      </h1>
      <p className="mt-2 max-w-sm text-sm text-zinc-500">
        {chunkFailed
          ? 'Reload to get the latest version.'
          : 'Reloading usually fixes it. If it keeps happening, let us know what you were doing.'}
      </p>
      <Button className="mt-6" onClick={() => window.location.reload()}>
        Reload
      </Button>
    </div>
  );
}
