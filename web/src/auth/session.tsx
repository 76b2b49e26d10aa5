import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ok, onUnauthenticated, setCsrfToken } from '../api/client.ts';
import { ApiError } from '../api/errors.ts';
import type { CurrentUser } from '../api/models.ts';

export type SessionUser = Omit<CurrentUser, 'csrfToken'>;

export type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous'; reason?: 'expired' | 'loggedOut' }
  | { status: 'authenticated'; user: SessionUser };

interface SessionApi {
  state: SessionState;
  login(login: string, password: string): Promise<SessionUser>;
  logout(): Promise<void>;
}

const SessionContext = createContext<SessionApi | undefined>(undefined);

/**
 * The signed-in user. The session itself is the HttpOnly cookie the server sets; on reload the
 * console asks /auth/me who it is and gets the CSRF token back for unsafe calls.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

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

  const login = useCallback(async (loginName: string, password: string) => {
    const result = await ok(api.POST('/api/v1/auth/login', { body: { login: loginName, password } }));
    setCsrfToken(result.csrfToken);
    setState({ status: 'authenticated', user: result.user });
    return result.user;
  }, []);

  const logout = useCallback(async () => {
    try {
      await ok(api.POST('/api/v1/auth/logout'));
    } finally {
      setCsrfToken(null);
      setState({ status: 'anonymous', reason: 'loggedOut' });
    }
  }, []);

  const value = useMemo(() => ({ state, login, logout }), [state, login, logout]);
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
