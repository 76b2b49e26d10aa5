import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Flex, Table, type TableProps } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ListState } from '../api/query.tsx';
import { ErrorResult } from './errors.tsx';
import { LoadMoreFooter, pagedTableProps } from './LoadMore.tsx';
import { PageFrame } from './PageFrame.tsx';

export type ListTableProps<T> = Omit<TableProps<T>, 'dataSource' | 'loading' | 'locale' | 'pagination'> & {
  'data-testid'?: string;
};

export interface ListPageProps<T> {
  title: string;
  subtitle?: ReactNode;
  testId?: string;
  /** The list (api/query.tsx: useKeysetQuery for a paged list, useListQuery for a short one). */
  list: ListState<T>;
  /** The "new" button; pass it only to users who may create. */
  newButton?: { label: string; onClick: () => void; testId?: string; disabled?: boolean };
  /** More buttons in the header, before Reload and New. */
  actions?: ReactNode;
  /** One line saying the page is read-only for this user. */
  readOnly?: boolean;
  /** Above the toolbar (e.g. a search box of its own). */
  header?: ReactNode;
  /** Filters and search above the table. */
  toolbar?: ReactNode;
  /** The table (columns, rowKey…); rows, loading and the empty text come from `list`. */
  table?: ListTableProps<T>;
  /** What an empty list says (once it is known to be empty). */
  emptyText?: ReactNode;
  loadMoreTestId?: string;
  /** Content instead of the table (e.g. a tree); the error state is still the page's. */
  content?: ReactNode;
  /** Dialogs and anything else rendered with the page. */
  children?: ReactNode;
}

/**
 * Every list screen: title and purpose, Reload and New in the header, filters, the table with
 * keyset "load more", and honest states (a blank spinner while the first page loads, the empty
 * text only once the list is known to be empty, the error with a retry in place of the table).
 */
export function ListPage<T extends object>(props: ListPageProps<T>) {
  const { t } = useTranslation();
  const { list } = props;
  return (
    <PageFrame
      testId={props.testId}
      title={props.title}
      subtitle={props.subtitle}
      extra={
        <>
          {props.actions}
          <Button icon={<ReloadOutlined />} onClick={list.reload} data-testid="list-reload">
            {t('common.reload')}
          </Button>
          {props.newButton ? (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={props.newButton.onClick}
              disabled={props.newButton.disabled}
              data-testid={props.newButton.testId}
            >
              {props.newButton.label}
            </Button>
          ) : null}
        </>
      }
    >
      {props.readOnly ? (
        <Alert type="info" showIcon title={t('admin.readOnly')} style={{ marginBottom: 16 }} />
      ) : null}
      {props.header}
      {props.toolbar ? (
        <Flex wrap gap={8} style={{ marginBottom: 16 }}>
          {props.toolbar}
        </Flex>
      ) : null}
      {list.error && !list.loaded ? (
        <ErrorResult error={list.error} onRetry={list.reload} />
      ) : (
        (props.content ?? (
          <>
            <Table<T>
              size="middle"
              pagination={false}
              {...props.table}
              {...pagedTableProps(list, props.emptyText ?? t('common.empty'))}
            />
            <LoadMoreFooter list={list} testId={props.loadMoreTestId} />
          </>
        ))
      )}
      {props.children}
    </PageFrame>
  );
}
