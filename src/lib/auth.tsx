import { useQueryClient } from '@tanstack/react-query';
import { createContext, use, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { signInWith, signOutUser, watchSession, type SessionUser, type SignInProvider } from '@/lib/firebase';

/** Why a session ended, when the dashboard ended it (the sign-in page says so). */
export type SignOutReason = 'signed-out' | 'account-deleted';

export type AuthState =
  | { status: 'loading'; user: null }
  | { status: 'signed-out'; user: null; reason: SignOutReason | null }
  | { status: 'signed-in'; user: SessionUser };

interface AuthContextValue {
  state: AuthState;
  signIn: (provider: SignInProvider) => Promise<'signed-in' | 'redirecting'>;
  signOut: (reason?: SignOutReason) => Promise<void>;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [state, setState] = useState<AuthState>({ status: 'loading', user: null });
  const pendingReason = useRef<SignOutReason | null>(null);
  const lastUid = useRef<string | null>(null);

  useEffect(
    () =>
      watchSession((user) => {
        // Nothing cached for one account may ever be shown to the next.
        if (user?.uid !== lastUid.current) queryClient.clear();
        lastUid.current = user?.uid ?? null;
        if (user) {
          setState({ status: 'signed-in', user });
        } else {
          setState({ status: 'signed-out', user: null, reason: pendingReason.current });
          pendingReason.current = null;
        }
      }),
    [queryClient],
  );

  const signOut = useCallback(async (reason: SignOutReason = 'signed-out') => {
    pendingReason.current = reason;
    await signOutUser();
  }, []);

  const value = useMemo<AuthContextValue>(() => ({ state, signIn: signInWith, signOut }), [state, signOut]);

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
