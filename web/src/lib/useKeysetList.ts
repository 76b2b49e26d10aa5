import { useCallback, useState } from 'react';
import { useLoad } from './useLoad.ts';

export interface KeysetPage<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * A list the API pages by cursor (keyset): the first page loads with `key` (the filters), "load
 * more" appends the next pages for the same key only; changing the filters starts again.
 */
export function useKeysetList<T>(
  fetchPage: (cursor: string | undefined, signal?: AbortSignal) => Promise<KeysetPage<T>>,
  key: string,
  onError: (err: unknown) => void,
) {
  const first = useLoad((signal) => fetchPage(undefined, signal), key);
  const [more, setMore] = useState<{ key: string; items: T[]; nextCursor: string | null }>();
  const [loadingMore, setLoadingMore] = useState(false);
  // Pages after the first, for the current key only.
  const extra = more?.key === key ? more : undefined;
  const rows = [...(first.data?.items ?? []), ...(extra?.items ?? [])];
  const nextCursor = extra ? extra.nextCursor : (first.data?.nextCursor ?? null);

  const loadMore = async () => {
    if (!nextCursor) return;
    setLoadingMore(true);
    try {
      const page = await fetchPage(nextCursor);
      setMore({ key, items: [...(extra?.items ?? []), ...page.items], nextCursor: page.nextCursor });
    } catch (err) {
      onError(err);
    } finally {
      setLoadingMore(false);
    }
  };

  const { reload: reloadFirst } = first;
  const reload = useCallback(() => {
    setMore(undefined);
    reloadFirst();
  }, [reloadFirst]);

  return {
    rows,
    nextCursor,
    hasMore: nextCursor !== null,
    loadMore: () => void loadMore(),
    loadingMore,
    reload,
    loading: first.loading,
    error: first.error,
    /** The first page arrived at least once (a failed reload keeps showing it). */
    loaded: first.data !== undefined,
  };
}
