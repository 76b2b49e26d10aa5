import { Card, List, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { listAllUsers } from '../../api/queries.ts';
import { ErrorResult } from '../../components/errors.tsx';
import { NotBuilt } from '../../components/NotBuilt.tsx';
import { PageFrame } from '../../components/PageFrame.tsx';
import { queryKeys, useApiQuery } from '../../api/query.tsx';

/** 调度: the technicians in the dispatcher's area (the work-order board comes with work orders). */
export default function DispatcherBoard() {
  const { t } = useTranslation();
  const technicians = useApiQuery(
    queryKeys.users({ role: 'technician', status: 'active', all: true }),
    (signal) => listAllUsers({ role: 'technician', status: 'active' }, signal),
  );
  return (
    <PageFrame testId="workspace-dispatch" title={t('dispatch.title')} subtitle={t('dispatch.subtitle')}>
      <NotBuilt>{t('dispatch.notBuilt')}</NotBuilt>
      <Card
        title={t('dispatch.technicians.title')}
        size="small"
        data-testid="technicians"
        style={{ maxWidth: 640 }}
      >
        {technicians.error ? (
          <ErrorResult error={technicians.error} onRetry={technicians.reload} compact />
        ) : (
          <List
            size="small"
            loading={technicians.loading}
            dataSource={technicians.data?.items ?? []}
            header={
              technicians.data ? (
                <Typography.Text type="secondary">
                  {t('dispatch.technicians.count', { count: technicians.data.items.length })}
                </Typography.Text>
              ) : null
            }
            locale={{ emptyText: technicians.data ? t('dispatch.technicians.empty') : ' ' }}
            pagination={(technicians.data?.items.length ?? 0) > 10 ? { pageSize: 10, size: 'small' } : false}
            renderItem={(u) => (
              <List.Item>
                <List.Item.Meta title={u.displayName} description={u.orgUnitName ?? ''} />
              </List.Item>
            )}
          />
        )}
      </Card>
    </PageFrame>
  );
}
