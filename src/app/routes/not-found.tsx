import { Compass } from 'lucide-react';
import { Link } from 'react-router-dom';
import { Button } from '@/components/ui/button';
import { paths } from '@/config/paths';
import { useDocumentTitle } from '@/lib/use-document-title';

export function NotFoundRoute() {
  useDocumentTitle('Page not found');
  return (
    <main className="flex min-h-[70dvh] flex-col items-center justify-center px-6 py-16 text-center">
      <div className="mb-5 flex size-12 items-center justify-center rounded-full bg-brand-50 text-brand-600">
        <Compass className="size-6" aria-hidden />
      </div>
      <p className="text-sm font-semibold text-brand-600">404</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight text-zinc-900">This page doesn't exist</h1>
      <p className="mt-2 max-w-sm text-sm text-zinc-500">
        The link may be old or mistyped. Your keys and usage are where you left them.
      </p>
      <Button asChild className="mt-6">
        <Link to={paths.overview}>Go to Overview</Link>
      </Button>
    </main>
  );
}
