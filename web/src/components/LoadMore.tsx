import { Button, Flex, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** Under a keyset-paged table: how many rows are shown, and "load more" while the API has more. */
export function LoadMoreFooter(props: {
  count: number;
  hasMore: boolean;
  loading: boolean;
  onLoadMore: () => void;
  testId?: string;
}) {
  const { t } = useTranslation();
  return (
    <Flex justify="space-between" align="center" style={{ marginTop: 12 }}>
      <Typography.Text type="secondary">{t('common.total', { count: props.count })}</Typography.Text>
      {props.hasMore ? (
        <Button onClick={props.onLoadMore} loading={props.loading} data-testid={props.testId}>
          {t('common.loadMore')}
        </Button>
      ) : null}
    </Flex>
  );
}
