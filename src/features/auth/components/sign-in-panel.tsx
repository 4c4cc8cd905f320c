import { AlertCircle, CheckCircle2 } from 'lucide-react';
import { useEffect, useState } from 'react';
import { useHref, useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import { Button } from '@/components/ui/button';
import { paths, signInPath } from '@/config/paths';
import { useAuth, type SignOutReason } from '@/lib/auth';
import {
  completeRedirectSignIn,
  isEmailSignInLink,
  needsOfflineEmulatorSignIn,
  pendingLinkFromError,
  type SignInProvider,
} from '@/lib/firebase';
import { absoluteUrl } from '@/features/auth/email-forms';
import { describeSignInError } from '@/features/auth/sign-in-errors';
import { EmailLinkCompletion } from '@/features/auth/components/email-link-completion';
import { EmailSignIn } from '@/features/auth/components/email-sign-in';
import { EmulatorAccountChooser } from '@/features/auth/components/emulator-account-chooser';
import { PendingLinkNotice } from '@/features/auth/components/pending-link-notice';
import { GitHubIcon, GoogleIcon } from '@/features/auth/components/provider-icons';

const NOTICES: Record<SignOutReason, string> = {
  'signed-out': 'You are signed out.',
  'account-deleted': 'Your account and all of its keys and usage data have been deleted.',
};

export function SignInPanel({
  notice,
  usesEmulator,
}: {
  notice: SignOutReason | null;
  usesEmulator: boolean;
}) {
  const { signIn, pendingLink, setPendingLink } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const redirect = params.get('redirect');
  const [pending, setPending] = useState<SignInProvider | 'redirect' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [offlineProvider, setOfflineProvider] = useState<SignInProvider | null>(null);
  const href = absoluteUrl(useHref({ pathname: location.pathname, search: location.search }));

  useEffect(() => {
    // Coming back from a redirect sign-in: success shows up as a session, failure only here.
    completeRedirectSignIn().catch((failure: unknown) => setError(describeSignInError(failure)));
  }, []);

  if (isEmailSignInLink(href)) {
    return (
      <EmailLinkCompletion
        key={href}
        href={href}
        onStartOver={() => void navigate(redirect ? signInPath(redirect) : paths.signIn, { replace: true })}
      />
    );
  }

  async function start(provider: SignInProvider) {
    setError(null);
    setPending(provider);
    try {
      const outcome = await signIn(provider);
      if (outcome === 'redirecting') setPending('redirect');
    } catch (failure) {
      if (needsOfflineEmulatorSignIn(failure)) {
        setPending(null);
        setOfflineProvider(provider);
        return;
      }
      const link = await pendingLinkFromError(failure);
      setPending(null);
      if (link) setPendingLink(link);
      else setError(describeSignInError(failure));
    }
  }

  return (
    <div className="w-full max-w-sm">
      <h1 className="text-2xl font-semibold tracking-tight text-zinc-900">Sign in to Keymeter</h1>
      <p className="mt-2 text-sm text-zinc-500">Create API keys, watch your usage and manage your plan.</p>

      {notice && !error && !pendingLink && (
        <p role="status" className="mt-6 flex gap-2 rounded-lg bg-emerald-50 p-3 text-sm text-emerald-800">
          <CheckCircle2 className="mt-0.5 size-4 shrink-0" aria-hidden />
          {NOTICES[notice]}
        </p>
      )}
      {pendingLink && <PendingLinkNotice link={pendingLink} onCancel={() => setPendingLink(null)} />}
      {error && (
        <p role="alert" className="mt-6 flex gap-2 rounded-lg bg-rose-50 p-3 text-sm text-rose-800">
          <AlertCircle className="mt-0.5 size-4 shrink-0" aria-hidden />
          {error}
        </p>
      )}

      <div className="mt-6 space-y-3">
        <Button
          variant="secondary"
          className="h-11 w-full"
          onClick={() => void start('google')}
          loading={pending === 'google'}
          disabled={pending !== null}
        >
          {pending !== 'google' && <GoogleIcon className="size-5" />}
          Continue with Google
        </Button>
        <Button
          className="h-11 w-full bg-zinc-900 hover:bg-zinc-800 active:bg-zinc-950"
          onClick={() => void start('github')}
          loading={pending === 'github'}
          disabled={pending !== null}
        >
          {pending !== 'github' && <GitHubIcon className="size-5" />}
          Continue with GitHub
        </Button>
      </div>
      {pending === 'redirect' && (
        <p className="mt-3 text-sm text-zinc-500">
          Your browser blocked the pop-up, so we are taking you to sign in…
        </p>
      )}

      <div className="my-6 flex items-center gap-3 text-xs font-medium tracking-wide text-zinc-400 uppercase">
        <span className="h-px flex-1 bg-zinc-200" aria-hidden />
        or with your email
        <span className="h-px flex-1 bg-zinc-200" aria-hidden />
      </div>

      <EmailSignIn
        // A new pending link starts the form over, filled in with its address.
        key={pendingLink?.email ?? ''}
        redirect={redirect}
        initialEmail={pendingLink?.email ?? ''}
        initialMode={pendingLink?.existingMethods.includes('password') ? 'password' : 'link'}
        disabled={pending !== null}
        onPendingLink={setPendingLink}
      />

      <EmulatorAccountChooser
        provider={offlineProvider}
        onOpenChange={(open) => !open && setOfflineProvider(null)}
      />

      {usesEmulator && (
        <p className="mt-8 rounded-lg border border-dashed border-zinc-300 p-3 text-xs text-zinc-500">
          Running against the Firebase Auth emulator: the sign-in window is its test account chooser, so no
          real Google or GitHub account is used. Emails are not sent: their links are in the emulator’s log.
        </p>
      )}
    </div>
  );
}
