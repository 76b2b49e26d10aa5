import { Button, Flex, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** What a keyset-paged list tells its table and footer (api/query.tsx: useKeysetQuery). */
export interface PagedRows<T> {
  rows: T[];
  /** The API has more after the rows loaded. */
  hasMore: boolean;
  /** The first page is loading (again). */
  loading: boolean;
  /** The first page arrived at least once. */
  loaded: boolean;
  loadingMore: boolean;
  loadMore: () => void;
}

/**
 * A paged list's table props: while the first page loads, the spinner sits over a blank space, not
 * over "nothing found" (which is not known yet).
 */
export function pagedTableProps<T>(list: PagedRows<T>, emptyText: ReactNode) {
  return {
    loading: list.loading,
    dataSource: list.rows,
    locale: { emptyText: list.loaded && !list.loading ? emptyText : <div style={{ height: 96 }} /> },
  };
}

/**
 * Under a keyset-paged table: how many rows are loaded (a total only once there is no more: the
 * API does not count), and "load more" while the API has more.
 */
export function LoadMoreFooter<T>(props: { list: PagedRows<T>; testId?: string }) {
  const { t } = useTranslation();
  const { list } = props;
  if (!list.loaded || list.loading) return null;
  const count = list.rows.length;
  return (
    <Flex justify="space-between" align="center" style={{ marginTop: 12 }}>
      <Typography.Text type="secondary" data-testid="loaded-count">
        {list.hasMore ? t('common.loaded', { count }) : t('common.total', { count })}
      </Typography.Text>
      {list.hasMore ? (
        <Button onClick={list.loadMore} loading={list.loadingMore} data-testid={props.testId}>
          {t('common.loadMore')}
        </Button>
      ) : null}
    </Flex>
  );
}
