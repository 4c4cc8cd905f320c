import { Navigate, useLocation, useSearchParams } from 'react-router-dom';
import { Logo } from '@/components/logo';
import { getEnv } from '@/config/env';
import { safeRedirect } from '@/config/paths';
import { useAuth, type SignOutReason } from '@/lib/auth';
import { useDocumentTitle } from '@/lib/use-document-title';
import { SignInPanel } from '@/features/auth/components/sign-in-panel';
import { FullPageSpinner } from '@/app/full-page-spinner';

function reasonFrom(state: unknown): SignOutReason | null {
  if (typeof state === 'object' && state !== null && 'reason' in state) {
    if (state.reason === 'signed-out' || state.reason === 'account-deleted') return state.reason;
  }
  return null;
}

const HIGHLIGHTS = [
  ['Keys you control', 'Scoped sk_live_ keys with expiry, rolling and instant revocation.'],
  ['Usage at a glance', 'Calls, errors and latency per day, per key and per endpoint.'],
  ['Plans that grow with you', 'From 1,000 free calls a month to millions, upgraded in a click.'],
] as const;

export function SignInRoute() {
  useDocumentTitle('Sign in');
  const { state } = useAuth();
  const location = useLocation();
  const [params] = useSearchParams();

  if (state.status === 'loading') return <FullPageSpinner />;
  if (state.status === 'signed-in') return <Navigate to={safeRedirect(params.get('redirect'))} replace />;

  return (
    <div className="grid min-h-dvh lg:grid-cols-2">
      <main className="flex flex-col px-6 py-8 sm:px-10">
        <Logo />
        <div className="flex flex-1 items-center justify-center py-12">
          <SignInPanel notice={reasonFrom(location.state)} usesEmulator={getEnv().authEmulatorUrl !== null} />
        </div>
        <p className="text-xs text-zinc-400">By signing in you agree to Keymeter's terms of service.</p>
      </main>
      <aside className="relative hidden overflow-hidden bg-brand-950 lg:flex lg:flex-col lg:justify-center lg:px-16">
        <div
          className="absolute inset-0 bg-[radial-gradient(circle_at_top_right,var(--color-brand-700),transparent_60%)] opacity-70"
          aria-hidden
        />
        <div className="relative max-w-md">
          <p className="text-sm font-semibold text-brand-300">The developer portal for your API</p>
          <h2 className="mt-3 text-3xl font-semibold tracking-tight text-white">
            Meter every call. Keep every key in hand.
          </h2>
          <ul className="mt-10 space-y-6">
            {HIGHLIGHTS.map(([title, text]) => (
              <li key={title} className="flex gap-3">
                <span className="mt-1.5 size-2 shrink-0 rounded-full bg-brand-400" aria-hidden />
                <div>
                  <p className="font-medium text-white">{title}</p>
                  <p className="mt-0.5 text-sm text-brand-200">{text}</p>
                </div>
              </li>
            ))}
          </ul>
        </div>
      </aside>
    </div>
  );
}
