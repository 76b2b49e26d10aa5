import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ok, onUnauthenticated, setCsrfToken } from '../api/client.ts';
import { ApiError } from '../api/errors.ts';
import type { CurrentUser, LoginResult } from '../api/models.ts';

export type SessionUser = Omit<CurrentUser, 'csrfToken'>;

/** Where a sign-in stands after the password: done, or a second-factor step (code, or enrolment). */
export type LoginStep =
  | { status: 'ok'; user: SessionUser }
  | { status: 'mfa_required' | 'mfa_enrolment_required'; challenge: string };

type SignedIn = Extract<LoginResult, { status: 'ok' }>;

/** Signed in through the code step: with the recovery codes the user has left. */
export interface SecondFactorSignIn {
  user: SessionUser;
  recoveryCodesLeft: number;
}

export type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous'; reason?: 'expired' | 'loggedOut' }
  | { status: 'authenticated'; user: SessionUser };

interface SessionApi {
  state: SessionState;
  login(login: string, password: string): Promise<LoginStep>;
  /** The code step of a sign-in (the user has a second factor). */
  verifyCode(challenge: string, code: string): Promise<SecondFactorSignIn>;
  /** The code step with a one-time recovery code instead (the phone is not at hand). */
  verifyRecoveryCode(challenge: string, recoveryCode: string): Promise<SecondFactorSignIn>;
  /** The first code of an enrolment made during a sign-in; completes it, with the recovery codes. */
  confirmEnrolment(challenge: string, code: string): Promise<{ user: SessionUser; recoveryCodes: string[] }>;
  logout(): Promise<void>;
}

const SessionContext = createContext<SessionApi | undefined>(undefined);

/**
 * The signed-in user. The session itself is the HttpOnly cookie the server sets; on reload the
 * console asks /auth/me who it is and gets the CSRF token back for unsafe calls.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  // What one user loaded is never shown to the next one signing in on this tab.
  const queryClient = useQueryClient();
  const signedOut = state.status === 'anonymous';
  useEffect(() => {
    if (signedOut) queryClient.clear();
  }, [signedOut, queryClient]);

  useEffect(() => {
    const ac = new AbortController();
    ok(api.GET('/api/v1/auth/me', { signal: ac.signal })).then(
      ({ csrfToken, ...user }) => {
        setCsrfToken(csrfToken);
        setState({ status: 'authenticated', user });
      },
      (err: unknown) => {
        if (!ac.signal.aborted) setState({ status: 'anonymous' });
        if (!(err instanceof ApiError) || err.status !== 401) console.warn('session check failed', err);
      },
    );
    return () => ac.abort();
  }, []);

  useEffect(
    () =>
      onUnauthenticated(() => {
        setCsrfToken(null);
        setState((s) => (s.status === 'authenticated' ? { status: 'anonymous', reason: 'expired' } : s));
      }),
    [],
  );

  const signedIn = useCallback((result: SignedIn) => {
    setCsrfToken(result.csrfToken);
    setState({ status: 'authenticated', user: result.user });
    return result.user;
  }, []);

  const login = useCallback(
    async (loginName: string, password: string): Promise<LoginStep> => {
      const result = await ok(api.POST('/api/v1/auth/login', { body: { login: loginName, password } }));
      if (result.status !== 'ok') return { status: result.status, challenge: result.challenge };
      return { status: 'ok', user: signedIn(result) };
    },
    [signedIn],
  );

  const verifyCode = useCallback(
    async (challenge: string, code: string) => {
      const result = await ok(api.POST('/api/v1/auth/login/mfa', { body: { challenge, code } }));
      return { user: signedIn(result), recoveryCodesLeft: result.recoveryCodesLeft };
    },
    [signedIn],
  );

  const verifyRecoveryCode = useCallback(
    async (challenge: string, recoveryCode: string) => {
      const result = await ok(
        api.POST('/api/v1/auth/login/mfa/recovery', { body: { challenge, recoveryCode } }),
      );
      return { user: signedIn(result), recoveryCodesLeft: result.recoveryCodesLeft };
    },
    [signedIn],
  );

  const confirmEnrolment = useCallback(
    async (challenge: string, code: string) => {
      const result = await ok(
        api.POST('/api/v1/auth/login/mfa/enrolment/confirm', { body: { challenge, code } }),
      );
      return { user: signedIn(result), recoveryCodes: result.recoveryCodes };
    },
    [signedIn],
  );

  const logout = useCallback(async () => {
    try {
      await ok(api.POST('/api/v1/auth/logout'));
    } finally {
      setCsrfToken(null);
      setState({ status: 'anonymous', reason: 'loggedOut' });
    }
  }, []);

  const value = useMemo(
    () => ({ state, login, verifyCode, verifyRecoveryCode, confirmEnrolment, logout }),
    [state, login, verifyCode, verifyRecoveryCode, confirmEnrolment, logout],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}

/** The signed-in user; only for components rendered behind RequireAuth. */
export function useUser(): SessionUser {
  const { state } = useSession();
  if (state.status !== 'authenticated') throw new Error('useUser without a signed-in user');
  return state.user;
}
