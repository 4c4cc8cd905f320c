import { useQueryClient } from '@tanstack/react-query';
import { createContext, use, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import {
  currentSessionUser,
  linkPendingCredential,
  sameEmail,
  signInWith,
  signOutUser,
  watchSession,
  type LinkMethod,
  type PendingLink,
  type SessionUser,
  type SignInProvider,
} from '@/lib/firebase';

/** Why a session ended, when the dashboard ended it (the sign-in page says so). */
export type SignOutReason = 'signed-out' | 'account-deleted';

export type AuthState =
  | { status: 'loading'; user: null }
  | { status: 'signed-out'; user: null; reason: SignOutReason | null }
  | { status: 'signed-in'; user: SessionUser };

/** What came of a pending link, said once by the dashboard. */
export type LinkOutcome =
  | { status: 'linked'; method: LinkMethod }
  | { status: 'other-email'; method: LinkMethod; email: string }
  | { status: 'failed'; method: LinkMethod; error: unknown };

interface AuthContextValue {
  state: AuthState;
  signIn: (provider: SignInProvider) => Promise<'signed-in' | 'redirecting'>;
  signOut: (reason?: SignOutReason) => Promise<void>;
  /** A sign-in method to connect as soon as the person signs in to the account their address has. */
  pendingLink: PendingLink | null;
  setPendingLink: (link: PendingLink | null) => void;
  linkOutcome: LinkOutcome | null;
  dismissLinkOutcome: () => void;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [state, setState] = useState<AuthState>({ status: 'loading', user: null });
  const [pendingLink, setPendingLinkState] = useState<PendingLink | null>(null);
  const [linkOutcome, setLinkOutcome] = useState<LinkOutcome | null>(null);
  const pendingReason = useRef<SignOutReason | null>(null);
  const lastUid = useRef<string | null>(null);
  // The session callback reads it, and must see a link set after it was subscribed.
  const pendingLinkRef = useRef<PendingLink | null>(null);

  const setPendingLink = useCallback((link: PendingLink | null) => {
    pendingLinkRef.current = link;
    setPendingLinkState(link);
  }, []);

  useEffect(() => {
    /**
     * Links the pending credential before the dashboard opens, so its first request already
     * comes from the account with every way in. The sign-in may have happened in another tab
     * (an email link opens one): the session reaches this tab too, and so does the link.
     */
    async function settle(link: PendingLink, user: SessionUser): Promise<void> {
      if (!sameEmail(user.email, link.email)) {
        setLinkOutcome({ status: 'other-email', method: link.method, email: link.email });
        setState({ status: 'signed-in', user });
        return;
      }
      setState({ status: 'loading', user: null });
      try {
        await linkPendingCredential(link);
        setLinkOutcome({ status: 'linked', method: link.method });
      } catch (error) {
        setLinkOutcome({ status: 'failed', method: link.method, error });
      }
      const now = await currentSessionUser().catch(() => user);
      setState(now ? { status: 'signed-in', user: now } : { status: 'signed-out', user: null, reason: null });
    }

    return watchSession((user) => {
      // Nothing cached for one account may ever be shown to the next.
      if (user?.uid !== lastUid.current) queryClient.clear();
      lastUid.current = user?.uid ?? null;
      if (!user) {
        setState({ status: 'signed-out', user: null, reason: pendingReason.current });
        pendingReason.current = null;
        return;
      }
      const link = pendingLinkRef.current;
      if (link) {
        pendingLinkRef.current = null;
        setPendingLinkState(null);
        void settle(link, user);
        return;
      }
      setState({ status: 'signed-in', user });
    });
  }, [queryClient]);

  const signOut = useCallback(
    async (reason: SignOutReason = 'signed-out') => {
      pendingReason.current = reason;
      setPendingLink(null);
      await signOutUser();
    },
    [setPendingLink],
  );

  const dismissLinkOutcome = useCallback(() => setLinkOutcome(null), []);

  const value = useMemo<AuthContextValue>(
    () => ({
      state,
      signIn: signInWith,
      signOut,
      pendingLink,
      setPendingLink,
      linkOutcome,
      dismissLinkOutcome,
    }),
    [state, signOut, pendingLink, setPendingLink, linkOutcome, dismissLinkOutcome],
  );

  return <AuthContext value={value}>{children}</AuthContext>;
}

export function useAuth(): AuthContextValue {
  const value = use(AuthContext);
  if (!value) throw new Error('useAuth must be used inside <AuthProvider>');
  return value;
}

/** The signed-in user; only for components rendered behind the protected route. */
export function useSessionUser(): SessionUser {
  const { state } = useAuth();
  if (state.status !== 'signed-in') throw new Error('useSessionUser needs a signed-in user');
  return state.user;
}
