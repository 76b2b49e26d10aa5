import { Button, Card, Col, Form, List, Row, Select, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client.ts';
import type { RequestListItem, RequestStatus, User } from '../../api/models.ts';
import { listAllUsers } from '../../api/queries.ts';
import { queryKeys, useApiMutation, useApiQuery } from '../../api/query.tsx';
import { useUser } from '../../auth/session.tsx';
import { ErrorResult } from '../../components/errors.tsx';
import { FormDialog } from '../../components/FormDialog.tsx';
import { PageFrame } from '../../components/PageFrame.tsx';
import { hasPermission } from '../../nav/workspaces.ts';
import { BoardColumn, sumCounts, useOverview } from '../requests/board.tsx';
import { readableNumber } from '../requests/common.tsx';

/** The board's columns: which states each shows (待派单 = the states a request is dispatched from). */
const COLUMNS: ReadonlyArray<{
  key: 'toDispatch' | 'dispatched' | 'working' | 'suspended';
  states: RequestStatus[];
}> = [
  { key: 'toDispatch', states: ['accepted', 'triage', 'returned'] },
  { key: 'dispatched', states: ['dispatched'] },
  { key: 'working', states: ['taken', 'in_progress', 'escalated'] },
  { key: 'suspended', states: ['suspended'] },
];

/** 调度: the requests in the dispatcher's scope by stage, live, with 派单 on those waiting. */
export default function DispatcherBoard() {
  const { t } = useTranslation();
  const user = useUser();
  const overview = useOverview();
  const technicians = useApiQuery(
    queryKeys.users({ role: 'technician', status: 'active', all: true }),
    (signal) => listAllUsers({ role: 'technician', status: 'active' }, signal),
  );
  const [dispatching, setDispatching] = useState<RequestListItem>();
  // 派单 where the kind's workflow allows it from the request's state (a complaint needs 预处理 first).
  const workflows = useApiQuery(
    queryKeys.requestWorkflows,
    async (signal) => (await ok(api.GET('/api/v1/service-request-workflows', { signal }))).items,
  );
  const canDispatch = (r: RequestListItem) =>
    hasPermission(user, 'request.dispatch') &&
    Boolean(
      workflows.data
        ?.find((w) => w.kind === r.kind)
        ?.definition.transitions.some(
          (x) => x.action === 'dispatch' && x.from.includes(r.status as RequestStatus),
        ),
    );
  return (
    <PageFrame testId="workspace-dispatch" title={t('dispatch.title')} subtitle={t('dispatch.subtitle')}>
      {overview.error && !overview.data ? (
        <ErrorResult error={overview.error} onRetry={overview.reload} compact />
      ) : null}
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        {COLUMNS.map((c) => (
          <Col key={c.key} xs={24} md={12} xl={6}>
            <BoardColumn
              title={t(`dispatch.columns.${c.key}`)}
              testId={`column-${c.key}`}
              statuses={c.states}
              count={
                overview.data
                  ? sumCounts(
                      c.states.map((s) => overview.data!.byStatus[s as keyof typeof overview.data.byStatus]),
                      overview.data.cap,
                    )
                  : undefined
              }
              action={
                c.key === 'toDispatch'
                  ? (r) =>
                      canDispatch(r) ? (
                        <Button
                          size="small"
                          type="link"
                          onClick={() => setDispatching(r)}
                          data-testid="board-dispatch"
                        >
                          {t('dispatch.assign.action')}
                        </Button>
                      ) : null
                  : undefined
              }
            />
          </Col>
        ))}
      </Row>
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
      {dispatching ? (
        <DispatchDialog
          request={dispatching}
          technicians={technicians.data?.items}
          onClose={() => setDispatching(undefined)}
        />
      ) : null}
    </PageFrame>
  );
}

/** 派单: to a technician picked here, or by the handling group's rules (the transition API). */
function DispatchDialog({
  request: r,
  technicians,
  onClose,
}: {
  request: RequestListItem;
  technicians: User[] | undefined;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const dispatch = useApiMutation(
    (v: { assigneeId?: string }) =>
      ok(
        api.POST('/api/v1/service-requests/{id}/transitions', {
          params: { path: { id: r.id } },
          headers: { 'If-Match': `"${r.version}"` },
          body: { action: 'dispatch', ...(v.assigneeId ? { assigneeId: v.assigneeId } : {}) },
        }),
      ),
    [queryKeys.allRequests],
  );
  return (
    <FormDialog<{ assigneeId?: string }>
      name="dispatch"
      testId="dispatch-modal"
      title={t('dispatch.assign.title', { number: readableNumber(r.number) })}
      okText={t('dispatch.assign.action')}
      intro={<Typography.Paragraph type="secondary">{t('dispatch.assign.hint')}</Typography.Paragraph>}
      onClose={onClose}
      onSubmit={(v) => dispatch.mutateAsync(v).then(() => undefined)}
      successMessage={t('dispatch.assign.done')}
      conflictReloads={[queryKeys.allRequests]}
    >
      <Form.Item name="assigneeId" label={t('dispatch.assign.assignee')}>
        <Select
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          loading={!technicians}
          options={(technicians ?? []).map((u) => ({
            value: u.id,
            label: u.orgUnitName ? `${u.displayName}（${u.orgUnitName}）` : u.displayName,
          }))}
          data-testid="dispatch-assignee"
        />
      </Form.Item>
    </FormDialog>
  );
}
