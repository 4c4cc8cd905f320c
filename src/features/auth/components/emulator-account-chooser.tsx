import { useQuery } from '@tanstack/react-query';
import { UserPlus } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { z } from 'zod';
import { Avatar } from '@/components/ui/avatar';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent } from '@/components/ui/dialog';
import { Field, Input } from '@/components/ui/form';
import { LoadingRegion, Skeleton } from '@/components/ui/skeleton';
import {
  listEmulatorAccounts,
  newEmulatorSub,
  signInWithEmulatorAccount,
  type EmulatorAccount,
  type SignInProvider,
} from '@/lib/firebase';
import { describeSignInError } from '@/features/auth/sign-in-errors';

const PROVIDER_NAMES: Record<SignInProvider, string> = { google: 'Google', github: 'GitHub' };
const emailSchema = z.email('Enter an email address, e.g. ada@example.com');

function NewAccountForm({
  onSubmit,
  pending,
}: {
  onSubmit: (account: EmulatorAccount) => void;
  pending: boolean;
}) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | undefined>();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = emailSchema.safeParse(email.trim());
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message);
      return;
    }
    onSubmit({ sub: newEmulatorSub(), email: parsed.data, displayName: name.trim() || null, photoUrl: null });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-3">
      <Field label="Email" error={error}>
        {(props) => (
          <Input
            {...props}
            type="email"
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            autoComplete="off"
          />
        )}
      </Field>
      <Field label="Name" hint="Optional; shown in the dashboard.">
        {(props) => (
          <Input
            {...props}
            value={name}
            onChange={(event) => setName(event.target.value)}
            autoComplete="off"
          />
        )}
      </Field>
      <Button type="submit" className="w-full" loading={pending}>
        <UserPlus className="size-4" aria-hidden />
        Add account and sign in
      </Button>
    </form>
  );
}

function ChooserBody({ provider }: { provider: SignInProvider }) {
  const accounts = useQuery({
    queryKey: ['emulator-accounts', provider],
    queryFn: () => listEmulatorAccounts(provider),
  });
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function choose(account: EmulatorAccount) {
    setPending(account.sub);
    setError(null);
    try {
      await signInWithEmulatorAccount(provider, account);
    } catch (failure) {
      setError(describeSignInError(failure));
      setPending(null);
    }
  }

  return (
    <div className="space-y-5">
      {error && (
        <p role="alert" className="rounded-lg bg-rose-50 p-3 text-sm text-rose-800">
          {error}
        </p>
      )}
      {accounts.isPending ? (
        <LoadingRegion label="Loading test accounts" className="space-y-2">
          <Skeleton className="h-14 w-full" />
          <Skeleton className="h-14 w-full" />
        </LoadingRegion>
      ) : accounts.isError ? (
        <p role="alert" className="rounded-lg bg-rose-50 p-3 text-sm text-rose-800">
          Can’t reach the Auth emulator. Is the emulator suite running?
        </p>
      ) : accounts.data.length > 0 ? (
        <ul className="space-y-2" aria-label={`${PROVIDER_NAMES[provider]} test accounts`}>
          {accounts.data.map((account) => (
            <li key={account.sub}>
              <button
                type="button"
                onClick={() => void choose(account)}
                disabled={pending !== null}
                className="flex w-full items-center gap-3 rounded-lg p-3 text-left ring-1 ring-zinc-200 hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-brand-600 disabled:opacity-60"
              >
                <Avatar
                  name={account.displayName}
                  email={account.email}
                  photoUrl={account.photoUrl}
                  className="size-9"
                />
                <span className="min-w-0">
                  <span className="block truncate text-sm font-medium text-zinc-900">
                    {account.displayName ?? '(No display name)'}
                  </span>
                  <span className="block truncate text-xs text-zinc-500">{account.email}</span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-zinc-500">
          The emulator has no {PROVIDER_NAMES[provider]} accounts yet. Add one below.
        </p>
      )}
      <div className="border-t border-zinc-200 pt-4">
        <h3 className="mb-3 text-sm font-semibold text-zinc-900">Add a test account</h3>
        <NewAccountForm onSubmit={(account) => void choose(account)} pending={pending !== null} />
      </div>
    </div>
  );
}

/**
 * The Auth emulator's accounts for a provider, offered when the emulator's own chooser can't
 * open (it needs apis.google.com, which an offline machine can't reach).
 */
export function EmulatorAccountChooser({
  provider,
  onOpenChange,
}: {
  provider: SignInProvider | null;
  onOpenChange: (open: boolean) => void;
}) {
  return (
    <Dialog open={provider !== null} onOpenChange={onOpenChange}>
      {provider && (
        <DialogContent
          title={`Sign in with a test ${PROVIDER_NAMES[provider]} account`}
          description="The Auth emulator’s account chooser needs apis.google.com, which this machine can’t reach. Pick one of the emulator’s accounts instead; no real account is used."
        >
          <ChooserBody provider={provider} />
        </DialogContent>
      )}
    </Dialog>
  );
}
