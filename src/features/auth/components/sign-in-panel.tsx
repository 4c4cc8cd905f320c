import { AlertCircle, CheckCircle2 } from 'lucide-react';
import { useEffect, useState } from 'react';
import { Button } from '@/components/ui/button';
import { useAuth, type SignOutReason } from '@/lib/auth';
import { completeRedirectSignIn, needsOfflineEmulatorSignIn, type SignInProvider } from '@/lib/firebase';
import { describeSignInError } from '@/features/auth/sign-in-errors';
import { EmulatorAccountChooser } from '@/features/auth/components/emulator-account-chooser';
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
  const { signIn } = useAuth();
  const [pending, setPending] = useState<SignInProvider | 'redirect' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [offlineProvider, setOfflineProvider] = useState<SignInProvider | null>(null);

  useEffect(() => {
    // Coming back from a redirect sign-in: success shows up as a session, failure only here.
    completeRedirectSignIn().catch((failure: unknown) => setError(describeSignInError(failure)));
  }, []);

  async function start(provider: SignInProvider) {
    setError(null);
    setPending(provider);
    try {
      const outcome = await signIn(provider);
      if (outcome === 'redirecting') setPending('redirect');
    } catch (failure) {
      setPending(null);
      if (needsOfflineEmulatorSignIn(failure)) setOfflineProvider(provider);
      else setError(describeSignInError(failure));
    }
  }

  return (
    <div className="w-full max-w-sm">
      <h1 className="text-2xl font-semibold tracking-tight text-zinc-900">Sign in to Keymeter</h1>
      <p className="mt-2 text-sm text-zinc-500">Create API keys, watch your usage and manage your plan.</p>

      {notice && !error && (
        <p role="status" className="mt-6 flex gap-2 rounded-lg bg-emerald-50 p-3 text-sm text-emerald-800">
          <CheckCircle2 className="mt-0.5 size-4 shrink-0" aria-hidden />
          {NOTICES[notice]}
        </p>
      )}
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

      <EmulatorAccountChooser
        provider={offlineProvider}
        onOpenChange={(open) => !open && setOfflineProvider(null)}
      />

      {usesEmulator && (
        <p className="mt-8 rounded-lg border border-dashed border-zinc-300 p-3 text-xs text-zinc-500">
          Running against the Firebase Auth emulator: the sign-in window is its test account chooser, so no
          real Google or GitHub account is used.
        </p>
      )}
    </div>
  );
}
