import { useCallback, useEffect, useState } from 'react';
import { errorKind } from '../api/errors.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads data for a component and reloads when `key` changes (or on reload()). The previous data
 * stays visible while a reload runs and after a transient failure, but not after a refusal
 * (401/403/404): data the user may no longer see is dropped. An unmounted or superseded load is
 * aborted and ignored.
 */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, key: string): Loaded<T> {
  const [version, setVersion] = useState(0);
  const [state, setState] = useState<{ token: string; data?: T; error?: unknown }>();
  const token = `${key}#${version}`;
  useEffect(() => {
    const ac = new AbortController();
    load(ac.signal).then(
      (data) => {
        if (!ac.signal.aborted) setState({ token, data });
      },
      (error: unknown) => {
        if (ac.signal.aborted) return;
        const refused = ['unauthenticated', 'forbidden', 'notFound'].includes(errorKind(error));
        setState((prev) => ({ token, data: refused ? undefined : prev?.data, error }));
      },
    );
    return () => ac.abort();
    // `load` is a fresh closure each render; `token` says when it must run again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [token]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return {
    data: state?.data,
    error: state?.token === token ? state.error : undefined,
    loading: state?.token !== token,
    reload,
  };
}
