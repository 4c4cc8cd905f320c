import { useEffect } from 'react';
import { useToast } from '@/components/ui/toast';
import { useAuth, type LinkOutcome } from '@/lib/auth';
import { LINK_METHOD_NAMES } from '@/features/auth/link-methods';
import { describeSignInError } from '@/features/auth/sign-in-errors';

function toastFor(outcome: LinkOutcome) {
  const name = LINK_METHOD_NAMES[outcome.method];
  const added = outcome.method === 'password' ? 'Password added' : `${name} is now connected`;
  switch (outcome.status) {
    case 'linked':
      return {
        tone: 'success' as const,
        title: added,
        description:
          outcome.method === 'password'
            ? 'Next time you can also sign in with your email and this password.'
            : `Next time you can also continue with ${name}; it opens this same account.`,
      };
    case 'other-email':
      return {
        tone: 'error' as const,
        title: outcome.method === 'password' ? 'Password not added' : `${name} not connected`,
        description: `You signed in with another address than ${outcome.email}.`,
      };
    case 'failed':
      return {
        tone: 'error' as const,
        title: outcome.method === 'password' ? 'Password not added' : `${name} not connected`,
        description: describeSignInError(outcome.error) ?? undefined,
      };
  }
}

/** Says once, in the dashboard, what came of connecting a second way of signing in. */
export function LinkOutcomeToast() {
  const { linkOutcome, dismissLinkOutcome } = useAuth();
  const notify = useToast();
  useEffect(() => {
    if (!linkOutcome) return;
    notify(toastFor(linkOutcome));
    dismissLinkOutcome();
  }, [linkOutcome, notify, dismissLinkOutcome]);
  return null;
}
