import { Card, Col, Empty, List, Row, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { listAllUsers } from '../../api/queries.ts';
import { ErrorResult } from '../../components/errors.tsx';
import { PageFrame } from '../../components/PageFrame.tsx';
import { useLoad } from '../../lib/useLoad.ts';

const COLUMNS = ['unassigned', 'assigned', 'inProgress', 'done'] as const;

/** 调度: the work-order board by state, and the technicians in the dispatcher's area. */
export default function DispatcherBoard() {
  const { t } = useTranslation();
  const technicians = useLoad(
    (signal) => listAllUsers({ role: 'technician', status: 'active' }, signal),
    'tech',
  );
  return (
    <PageFrame testId="workspace-dispatch" title={t('dispatch.title')} subtitle={t('dispatch.subtitle')}>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={17}>
          <Row gutter={[12, 12]}>
            {COLUMNS.map((c) => (
              <Col xs={24} sm={12} lg={6} key={c}>
                <Card
                  size="small"
                  title={t(`dispatch.columns.${c}`)}
                  extra={<Tag>{0}</Tag>}
                  style={{ minHeight: 220 }}
                >
                  <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dispatch.columnEmpty')} />
                </Card>
              </Col>
            ))}
          </Row>
        </Col>
        <Col xs={24} xl={7}>
          <Card title={t('dispatch.technicians.title')} size="small" data-testid="technicians">
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
                locale={{ emptyText: t('dispatch.technicians.empty') }}
                pagination={
                  (technicians.data?.items.length ?? 0) > 10 ? { pageSize: 10, size: 'small' } : false
                }
                renderItem={(u) => (
                  <List.Item>
                    <List.Item.Meta title={u.displayName} description={u.orgUnitName ?? ''} />
                  </List.Item>
                )}
              />
            )}
          </Card>
        </Col>
      </Row>
    </PageFrame>
  );
}
