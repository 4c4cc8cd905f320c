import { AlertCircle } from 'lucide-react';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Field, Input } from '@/components/ui/form';
import { Spinner } from '@/components/ui/spinner';
import { fieldErrors } from '@/lib/form';
import { completeEmailLinkSignIn, isFirebaseError, rememberedSignInEmail } from '@/lib/firebase';
import { emailOnlySchema } from '@/features/auth/email-forms';
import { describeSignInError } from '@/features/auth/sign-in-errors';

/** The link is bound to one address; Firebase calls a different one an invalid email. */
function describeCompletionError(error: unknown): string | null {
  if (isFirebaseError(error) && error.code === 'auth/invalid-email') {
    return 'That is not the address this link was sent to. Enter the one you asked for the link with.';
  }
  return describeSignInError(error);
}

/**
 * The sign-in page opened from an emailed sign-in link. In the browser that asked for it the
 * address is remembered and sign-in completes at once; elsewhere (another device, another
 * browser) the link alone must not sign anyone in, so the address is asked for again.
 */
export function EmailLinkCompletion({ href, onStartOver }: { href: string; onStartOver: () => void }) {
  const [remembered] = useState(rememberedSignInEmail);
  const [phase, setPhase] = useState<'signing-in' | 'ask' | 'failed'>(remembered ? 'signing-in' : 'ask');
  const [email, setEmail] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const started = useRef(false);

  useEffect(() => {
    // Once, even where React runs effects twice: a link's code works a single time.
    if (!remembered || started.current) return;
    started.current = true;
    completeEmailLinkSignIn(remembered, href).catch((failure: unknown) => {
      setError(describeCompletionError(failure));
      // The remembered address may be another request's: let the visitor say which.
      setPhase(isFirebaseError(failure) && failure.code === 'auth/invalid-email' ? 'ask' : 'failed');
    });
  }, [remembered, href]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = emailOnlySchema.safeParse({ email });
    if (!parsed.success) {
      setFieldError(fieldErrors<'email'>(parsed.error).email);
      return;
    }
    setFieldError(undefined);
    setError(null);
    setBusy(true);
    try {
      await completeEmailLinkSignIn(parsed.data.email, href);
    } catch (failure) {
      setError(describeCompletionError(failure));
      if (isFirebaseError(failure) && failure.code !== 'auth/invalid-email') setPhase('failed');
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="w-full max-w-sm">
      <h1 className="text-2xl font-semibold tracking-tight text-zinc-900">
        {phase === 'ask'
          ? 'Confirm your email'
          : phase === 'failed'
            ? 'This link didn’t work'
            : 'Signing you in'}
      </h1>
      {phase === 'signing-in' && !error && (
        <p role="status" className="mt-6 flex items-center gap-3 text-sm text-zinc-600">
          <Spinner className="size-5 text-brand-600" />
          Checking your sign-in link…
        </p>
      )}
      {phase === 'ask' && (
        <p className="mt-2 text-sm text-zinc-500">
          This sign-in link was opened in another browser or on another device than the one that asked for it.
          Enter the email address you asked for it with.
        </p>
      )}
      {error && (
        <p role="alert" className="mt-6 flex gap-2 rounded-lg bg-rose-50 p-3 text-sm text-rose-800">
          <AlertCircle className="mt-0.5 size-4 shrink-0" aria-hidden />
          {error}
        </p>
      )}
      {phase === 'ask' && (
        <form onSubmit={(event) => void submit(event)} noValidate className="mt-6 space-y-4">
          <Field label="Email" error={fieldError}>
            {(props) => (
              <Input
                {...props}
                type="email"
                name="email"
                autoComplete="email"
                inputMode="email"
                value={email}
                onChange={(event) => setEmail(event.target.value)}
                className="h-11"
                autoFocus
              />
            )}
          </Field>
          <Button type="submit" className="h-11 w-full" loading={busy}>
            Sign in
          </Button>
        </form>
      )}
      {phase !== 'signing-in' && (
        <Button variant="secondary" className="mt-4 h-11 w-full" onClick={onStartOver}>
          {phase === 'failed' ? 'Ask for a new link' : 'Sign in another way'}
        </Button>
      )}
    </div>
  );
}
