import { MailCheck } from 'lucide-react';
import { useEffect, useState } from 'react';
import { useHref } from 'react-router-dom';
import { Logo } from '@/components/logo';
import { Button } from '@/components/ui/button';
import { Notice, type NoticeTone } from '@/components/ui/notice';
import { paths } from '@/config/paths';
import { useAuth } from '@/lib/auth';
import { refreshEmailVerification, resendEmailVerification } from '@/lib/firebase';
import { useDocumentTitle } from '@/lib/use-document-title';
import { absoluteUrl } from '@/features/auth/email-forms';
import { describeSignInError } from '@/features/auth/sign-in-errors';

/**
 * In place of the dashboard for an email sign-in whose address is not verified yet (the API
 * would refuse it). It checks again by itself when it opens and whenever the tab comes back into
 * view, so following the link in another tab is enough.
 */
export function VerifyEmailScreen({ email }: { email: string | null }) {
  useDocumentTitle('Verify your email');
  const { signOut } = useAuth();
  const [checking, setChecking] = useState(false);
  const [sending, setSending] = useState(false);
  const homeHref = useHref(paths.overview);
  const [message, setMessage] = useState<{ tone: NoticeTone; text: string } | null>(null);

  useEffect(() => {
    // Unasked-for checks stay quiet when they fail; the button says why.
    const checkQuietly = () => void refreshEmailVerification().catch(() => undefined);
    checkQuietly();
    const onVisible = () => {
      if (document.visibilityState === 'visible') checkQuietly();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, []);

  async function checkNow() {
    setChecking(true);
    setMessage(null);
    let verified: boolean;
    try {
      verified = await refreshEmailVerification();
    } catch (error) {
      setMessage({ tone: 'danger', text: describeSignInError(error) ?? "Couldn't check. Try again." });
      return;
    } finally {
      setChecking(false);
    }
    if (!verified) {
      setMessage({
        tone: 'warning',
        text: `Your address isn’t verified yet. Open the link in the email we sent to ${email ?? 'you'}, then try again.`,
      });
    }
  }

  async function resend() {
    setSending(true);
    setMessage(null);
    try {
      await resendEmailVerification(absoluteUrl(homeHref));
      setMessage({ tone: 'success', text: `We sent a new link to ${email ?? 'your address'}.` });
    } catch (error) {
      setMessage({
        tone: 'danger',
        text: describeSignInError(error) ?? "Couldn't send the email. Try again.",
      });
    } finally {
      setSending(false);
    }
  }

  return (
    <div className="flex min-h-dvh flex-col px-6 py-8 sm:px-10">
      <Logo />
      <main className="flex flex-1 items-center justify-center py-12">
        <div className="w-full max-w-sm">
          <span className="flex size-11 items-center justify-center rounded-full bg-brand-50 text-brand-600">
            <MailCheck className="size-6" aria-hidden />
          </span>
          <h1 className="mt-5 text-2xl font-semibold tracking-tight text-zinc-900">Verify your email</h1>
          <p className="mt-2 text-sm text-zinc-500">
            We sent a link to <strong className="break-all text-zinc-800">{email}</strong>. Open it to finish
            setting up your account; this page moves on by itself once you have.
          </p>
          {message && (
            <Notice
              tone={message.tone}
              role={message.tone === 'danger' ? 'alert' : 'status'}
              className="mt-6"
            >
              {message.text}
            </Notice>
          )}
          <div className="mt-6 space-y-3">
            <Button className="h-11 w-full" onClick={() => void checkNow()} loading={checking}>
              I’ve verified my email
            </Button>
            <Button
              variant="secondary"
              className="h-11 w-full"
              onClick={() => void resend()}
              loading={sending}
            >
              Send the link again
            </Button>
          </div>
          <p className="mt-6 text-sm text-zinc-500">
            Wrong address?{' '}
            <button
              type="button"
              onClick={() => void signOut()}
              className="cursor-pointer rounded font-medium text-brand-700 hover:underline focus-visible:outline-2 focus-visible:outline-brand-600"
            >
              Sign out
            </button>{' '}
            and sign up with the right one.
          </p>
        </div>
      </main>
    </div>
  );
}
