import { Button } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import type { PendingLink } from '@/lib/firebase';
import { LINK_METHOD_NAMES, existingMethodsText } from '@/features/auth/link-methods';

/**
 * The address already has an account: say how to get into it, and that the new way in will be
 * added once they have. Which way it is Firebase often will not say (email enumeration
 * protection), so without that the notice names them all.
 */
export function PendingLinkNotice({ link, onCancel }: { link: PendingLink; onCancel: () => void }) {
  const known = link.existingMethods.length > 0;
  return (
    <Notice
      tone="info"
      role="status"
      className="mt-6"
      title={
        <>
          <span className="break-all">{link.email}</span> already has a Keymeter account
        </>
      }
      action={
        <Button variant="secondary" size="sm" onClick={onCancel}>
          Cancel
        </Button>
      }
    >
      Sign in {known ? 'with' : 'the way you did before:'} {existingMethodsText(link)}. We’ll then add{' '}
      {LINK_METHOD_NAMES[link.method]} to the same account, so either way opens it.
    </Notice>
  );
}
