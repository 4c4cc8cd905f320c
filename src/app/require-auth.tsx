import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { paths, signInPath } from '@/config/paths';
import { useAuth } from '@/lib/auth';
import { FullPageSpinner } from '@/app/full-page-spinner';
import { NotFoundRoute } from '@/app/routes/not-found';
import { LinkOutcomeToast } from '@/features/auth/components/link-outcome-toast';
import { VerifyEmailScreen } from '@/features/auth/components/verify-email-screen';

/**
 * Signed-out visitors go to sign-in, which brings them back here afterwards. An email sign-in
 * with an unverified address gets the "verify your email" screen instead of the dashboard.
 */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { state } = useAuth();
  const location = useLocation();
  if (state.status === 'loading') return <FullPageSpinner />;
  if (state.status === 'signed-out') {
    // A sign-out the visitor chose doesn't bring them back to where they were.
    if (state.reason) return <Navigate to={paths.signIn} replace state={{ reason: state.reason }} />;
    return <Navigate to={signInPath(`${location.pathname}${location.search}`)} replace />;
  }
  if (state.user.needsEmailVerification) return <VerifyEmailScreen email={state.user.email} />;
  return (
    <>
      <LinkOutcomeToast />
      {children}
    </>
  );
}

/** Pages only operators (the `admin` claim) may see; to anyone else they do not exist. */
export function RequireAdmin({ children }: { children: ReactNode }) {
  const { state } = useAuth();
  if (state.status !== 'signed-in' || !state.user.isAdmin) return <NotFoundRoute />;
  return children;
}
