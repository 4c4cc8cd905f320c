import { AlertCircle } from 'lucide-react';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useHref } from 'react-router-dom';
import type { z } from 'zod';
import { Button } from '@/components/ui/button';
import { Field, Input } from '@/components/ui/form';
import { Notice } from '@/components/ui/notice';
import { paths } from '@/config/paths';
import { fieldErrors, type FieldErrors } from '@/lib/form';
import {
  isFirebaseError,
  pendingPasswordLink,
  sendEmailSignInLink,
  sendPasswordReset,
  signInWithPassword,
  signUpWithPassword,
  type PendingLink,
} from '@/lib/firebase';
import {
  PASSWORD_MIN_LENGTH,
  absoluteUrl,
  emailOnlySchema,
  passwordSignInSchema,
  passwordSignUpSchema,
  signInPageUrl,
  type EmailFormField,
} from '@/features/auth/email-forms';
import { describeSignInError } from '@/features/auth/sign-in-errors';

export type EmailMode = 'link' | 'password' | 'sign-up' | 'reset';

const SUBMIT_LABELS: Record<EmailMode, string> = {
  link: 'Email me a sign-in link',
  password: 'Sign in',
  'sign-up': 'Create account',
  reset: 'Send reset link',
};

const SCHEMAS: Record<EmailMode, z.ZodType<{ email: string; password?: string }>> = {
  link: emailOnlySchema,
  password: passwordSignInSchema,
  'sign-up': passwordSignUpSchema,
  reset: emailOnlySchema,
};

function SwitchLink({ onClick, children }: { onClick: () => void; children: ReactNode }) {
  return (
    <button
      type="button"
      onClick={onClick}
      className="cursor-pointer rounded font-medium text-brand-700 hover:text-brand-800 hover:underline focus-visible:outline-2 focus-visible:outline-brand-600"
    >
      {children}
    </button>
  );
}

type Sent = { kind: 'link' | 'reset'; email: string } | null;

/**
 * Email sign-in: a link by email (no password to remember), or a password with sign-up and
 * reset. A sign-up under an address that already has an account becomes a pending link: the
 * password is added to that account once the person signs in to it.
 */
export function EmailSignIn({
  redirect,
  initialEmail = '',
  initialMode = 'link',
  disabled = false,
  onPendingLink,
}: {
  redirect: string | null;
  initialEmail?: string;
  initialMode?: EmailMode;
  disabled?: boolean;
  onPendingLink: (link: PendingLink) => void;
}) {
  const [mode, setMode] = useState<EmailMode>(initialMode);
  const [email, setEmail] = useState(initialEmail);
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors<EmailFormField>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<Sent>(null);
  const signInHref = useHref(paths.signIn);
  const homeHref = useHref(paths.overview);

  function switchTo(next: EmailMode) {
    setMode(next);
    setErrors({});
    setFormError(null);
    setPassword('');
  }

  async function run(data: { email: string; password?: string }): Promise<void> {
    const secret = data.password ?? '';
    switch (mode) {
      case 'link':
        await sendEmailSignInLink(data.email, signInPageUrl(signInHref, redirect));
        setSent({ kind: 'link', email: data.email });
        return;
      case 'reset':
        await sendPasswordReset(data.email, signInPageUrl(signInHref, redirect));
        setSent({ kind: 'reset', email: data.email });
        return;
      case 'password':
        // Success shows up as a session: the sign-in page moves on by itself.
        await signInWithPassword(data.email, secret);
        return;
      case 'sign-up':
        try {
          await signUpWithPassword(data.email, secret, absoluteUrl(homeHref));
        } catch (error) {
          if (!isFirebaseError(error) || error.code !== 'auth/email-already-in-use') throw error;
          onPendingLink(await pendingPasswordLink(data.email, secret));
        }
        return;
    }
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = SCHEMAS[mode].safeParse(
      mode === 'link' || mode === 'reset' ? { email } : { email, password },
    );
    if (!parsed.success) {
      setErrors(fieldErrors<EmailFormField>(parsed.error));
      return;
    }
    setErrors({});
    setFormError(null);
    setBusy(true);
    try {
      await run(parsed.data);
    } catch (error) {
      setFormError(describeSignInError(error));
    } finally {
      setBusy(false);
    }
  }

  if (sent) {
    return (
      <Notice
        tone="success"
        role="status"
        title="Check your email"
        action={
          <Button
            variant="secondary"
            size="sm"
            onClick={() => {
              if (sent.kind === 'reset') switchTo('password');
              setSent(null);
            }}
          >
            {sent.kind === 'link' ? 'Use another email' : 'Back to sign in'}
          </Button>
        }
      >
        {sent.kind === 'link' ? (
          <>
            We sent a sign-in link to <strong className="break-all">{sent.email}</strong>. Open it in this
            browser, or on any other device.
          </>
        ) : (
          <>
            If <strong className="break-all">{sent.email}</strong> has a Keymeter password, we sent it a link
            to choose a new one.
          </>
        )}
      </Notice>
    );
  }

  const withPassword = mode === 'password' || mode === 'sign-up';

  return (
    <div>
      {mode === 'reset' && (
        <p className="mb-4 text-sm text-zinc-600">
          Enter your email and we’ll send you a link to choose a new password.
        </p>
      )}
      <form onSubmit={(event) => void submit(event)} noValidate className="space-y-4">
        <Field label="Email" error={errors.email}>
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
            />
          )}
        </Field>
        {withPassword && (
          <Field
            label="Password"
            error={errors.password}
            hint={mode === 'sign-up' ? `At least ${PASSWORD_MIN_LENGTH} characters.` : undefined}
          >
            {(props) => (
              <Input
                {...props}
                type="password"
                name="password"
                autoComplete={mode === 'sign-up' ? 'new-password' : 'current-password'}
                value={password}
                onChange={(event) => setPassword(event.target.value)}
                className="h-11"
              />
            )}
          </Field>
        )}
        {formError && (
          <p role="alert" className="flex gap-2 rounded-lg bg-rose-50 p-3 text-sm text-rose-800">
            <AlertCircle className="mt-0.5 size-4 shrink-0" aria-hidden />
            {formError}
          </p>
        )}
        <Button type="submit" className="h-11 w-full" loading={busy} disabled={disabled}>
          {SUBMIT_LABELS[mode]}
        </Button>
      </form>

      <div className="mt-4 flex flex-col items-center gap-2 text-sm text-zinc-600">
        {mode === 'link' && (
          <SwitchLink onClick={() => switchTo('password')}>Use a password instead</SwitchLink>
        )}
        {mode === 'password' && (
          <>
            <SwitchLink onClick={() => switchTo('reset')}>Forgot your password?</SwitchLink>
            <p>
              New to Keymeter? <SwitchLink onClick={() => switchTo('sign-up')}>Create an account</SwitchLink>
            </p>
            <SwitchLink onClick={() => switchTo('link')}>Email me a sign-in link instead</SwitchLink>
          </>
        )}
        {mode === 'sign-up' && (
          <>
            <p>
              Already have a password? <SwitchLink onClick={() => switchTo('password')}>Sign in</SwitchLink>
            </p>
            <SwitchLink onClick={() => switchTo('link')}>Email me a sign-in link instead</SwitchLink>
          </>
        )}
        {mode === 'reset' && <SwitchLink onClick={() => switchTo('password')}>Back to sign in</SwitchLink>}
      </div>
    </div>
  );
}
