// 服务协议 on an enterprise customer's 360 page: its signed service agreements (SLA contracts),
// which one is in force, what each commits (the SLA policy rows naming it, for users who may read
// the matrix), and — for users who may change customers — adding, changing and ending one.
import './texts.ts';
import { PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Flex,
  Form,
  Input,
  Row,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client.ts';
import type { ContractChange, CustomerContract, NewContract, SlaPolicy } from '../../api/models.ts';
import { queryKeys, useApiQuery, useInvalidate } from '../../api/query.tsx';
import { useUser } from '../../auth/session.tsx';
import { Data } from '../../components/Data.tsx';
import { ErrorResult } from '../../components/errors.tsx';
import { FormDialog } from '../../components/FormDialog.tsx';
import { tDynamic } from '../../i18n/dynamic.ts';
import { hasPermission } from '../../nav/workspaces.ts';
import {
  contractActions,
  contractError,
  contractStatus,
  limitOf,
  rowsOfContract,
  type ContractStatus,
  type Translate,
} from './contracts.ts';

/** Contract days are China dates (the API picks a request's contract by its China day). */
const CONTRACT_ZONE = 'Asia/Shanghai';
const DAY = 'YYYY-MM-DD';
const CONTRACT_NO = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const todayInChina = () => dayjs().tz(CONTRACT_ZONE).format(DAY);
const STATUS_COLORS: Record<ContractStatus, string | undefined> = {
  current: 'green',
  upcoming: 'blue',
  ended: undefined,
};

/** Whether the 360 page lists contracts: an enterprise, and a user who may read customers (the GET's permission). */
export function useShowsContracts(kind: string): boolean {
  const user = useUser();
  return kind === 'enterprise' && hasPermission(user, 'customer.read');
}

/** Who may read the SLA policy matrix (the rows that say what a contract commits). */
function useReadsPolicies(): boolean {
  const user = useUser();
  return ['sla.calendar.read', 'sla.calendar.manage', 'sla.policy.manage'].some((p) =>
    hasPermission(user, p),
  );
}

type Dialog = { kind: 'add' } | { kind: 'edit' | 'end'; contract: CustomerContract } | undefined;

export function CustomerContractsCard({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const user = useUser();
  // Adding, changing and ending need customer.manage (the POST's and PATCH's): hidden for others.
  const canManage = hasPermission(user, 'customer.manage');
  const readsPolicies = useReadsPolicies();
  const [dialog, setDialog] = useState<Dialog>();
  const contracts = useApiQuery(queryKeys.customerContracts(customerId), (signal) =>
    ok(api.GET('/api/v1/customers/{id}/contracts', { params: { path: { id: customerId } }, signal })),
  );
  const policies = useApiQuery(
    queryKeys.slaContractRows,
    async (signal) => (await ok(api.GET('/api/v1/sla/policies', { signal }))).items,
    { enabled: readsPolicies },
  );
  const today = todayInChina();
  const list = contracts.data ?? [];
  return (
    <Card
      title={t('customers.contracts.title')}
      data-testid="customer-contracts"
      extra={
        canManage ? (
          <Button
            size="small"
            icon={<PlusOutlined />}
            data-testid="contract-add"
            onClick={() => setDialog({ kind: 'add' })}
          >
            {t('customers.contracts.add')}
          </Button>
        ) : undefined
      }
    >
      <Typography.Paragraph type="secondary">{t('customers.contracts.subtitle')}</Typography.Paragraph>
      {contracts.error && !contracts.data ? (
        <ErrorResult error={contracts.error} onRetry={contracts.reload} compact />
      ) : (
        <Table<CustomerContract>
          rowKey="contractNo"
          size="small"
          pagination={false}
          loading={contracts.loading && !contracts.data}
          dataSource={list}
          scroll={{ x: 'max-content' }}
          data-testid="contract-table"
          locale={{ emptyText: t('customers.contracts.empty') }}
          columns={[
            {
              key: 'contract',
              title: t('customers.contracts.fields.contract'),
              render: (_, c) => (
                <div className="op-nowrap">
                  <Typography.Text strong data-testid="contract-no">
                    <Data>{c.contractNo}</Data>
                  </Typography.Text>
                  <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                    <Data>{c.name}</Data>
                  </Typography.Text>
                </div>
              ),
            },
            {
              key: 'period',
              title: t('customers.contracts.fields.period'),
              render: (_, c) => (
                <span className="op-nowrap" data-testid="contract-period">
                  {t('customers.contracts.periodText', {
                    from: c.validFrom,
                    to: c.validTo ?? t('customers.contracts.openEnded'),
                  })}
                </span>
              ),
            },
            {
              key: 'status',
              title: t('customers.contracts.fields.status'),
              render: (_, c) => {
                const status = contractStatus(c, today);
                return (
                  <Tag color={STATUS_COLORS[status]} data-testid="contract-status">
                    {t(`customers.contracts.statuses.${status}`)}
                  </Tag>
                );
              },
            },
            ...(readsPolicies
              ? [
                  {
                    key: 'commitments',
                    title: t('customers.contracts.fields.commitments'),
                    render: (_: unknown, c: CustomerContract) => (
                      <Commitments
                        rows={rowsOfContract(policies.data ?? [], c.contractNo)}
                        loading={policies.loading && !policies.data}
                      />
                    ),
                  },
                ]
              : []),
            ...(canManage
              ? [
                  {
                    key: 'actions',
                    title: t('common.actions'),
                    fixed: 'right' as const,
                    render: (_: unknown, c: CustomerContract) => (
                      <Space size={0} className="op-nowrap">
                        {contractActions(c, today).map((action) => (
                          <Button
                            key={action}
                            type="link"
                            size="small"
                            danger={action === 'end'}
                            data-testid={`contract-${action}-${c.contractNo}`}
                            onClick={() => setDialog({ kind: action, contract: c })}
                          >
                            {t(`customers.contracts.${action}`)}
                          </Button>
                        ))}
                      </Space>
                    ),
                  },
                ]
              : []),
          ]}
        />
      )}
      {dialog?.kind === 'add' ? (
        <ContractDialog customerId={customerId} onClose={() => setDialog(undefined)} />
      ) : dialog?.kind === 'edit' ? (
        <ContractDialog
          customerId={customerId}
          contract={dialog.contract}
          onClose={() => setDialog(undefined)}
        />
      ) : dialog?.kind === 'end' ? (
        <EndContractDialog
          customerId={customerId}
          contract={dialog.contract}
          onClose={() => setDialog(undefined)}
        />
      ) : null}
    </Card>
  );
}

/** What a contract commits: its SLA rows' targets in plain words ("修复/恢复 4 小时"). */
function Commitments({ rows, loading }: { rows: SlaPolicy[]; loading: boolean }) {
  const { t } = useTranslation();
  if (loading) return null;
  if (!rows.length)
    return <Typography.Text type="secondary">{t('customers.contracts.noCommitments')}</Typography.Text>;
  return (
    <Flex vertical gap={4} data-testid="contract-commitments">
      {rows.map((row) => (
        <Flex key={row.code} gap={4} wrap align="center">
          {Object.entries(row.targets).map(([target, x]) => {
            if (!x) return null;
            const limit = limitOf(x.duration, x.calendar);
            return (
              <Tag key={target}>
                {t('customers.slaReport.contractTarget', {
                  target: tDynamic(t, `customers.slaReport.targets.${target}`, target),
                  limit: limit
                    ? t(`customers.slaReport.limits.${limit.unit}`, { count: limit.amount })
                    : x.duration,
                })}
              </Tag>
            );
          })}
        </Flex>
      ))}
    </Flex>
  );
}

interface ContractForm {
  contractNo?: string;
  name?: string;
  validFrom?: Dayjs | null;
  validTo?: Dayjs | null;
}

const dayOf = (d: Dayjs | null | undefined) => (d ? d.format(DAY) : null);

/** 添加 / 修改服务协议: a change sends only what changed, with the version read (409: reload). */
function ContractDialog(props: { customerId: string; contract?: CustomerContract; onClose: () => void }) {
  const { t } = useTranslation();
  const invalidate = useInvalidate();
  const [form] = Form.useForm<ContractForm>();
  const c = props.contract;
  const validFrom = Form.useWatch('validFrom', form);
  const initial: ContractForm = c
    ? {
        name: c.name,
        validFrom: dayjs(c.validFrom, DAY),
        validTo: c.validTo ? dayjs(c.validTo, DAY) : null,
      }
    : {};
  const submit = async (v: ContractForm) => {
    const path = { id: props.customerId };
    try {
      if (!c) {
        const body: NewContract = {
          contractNo: v.contractNo!.trim(),
          name: v.name!.trim(),
          validFrom: dayOf(v.validFrom)!,
          ...(v.validTo ? { validTo: dayOf(v.validTo) } : {}),
        };
        await ok(api.POST('/api/v1/customers/{id}/contracts', { params: { path }, body }));
      } else {
        const changes: Omit<ContractChange, 'version'> = {};
        if (v.name?.trim() !== c.name) changes.name = v.name!.trim();
        if (dayOf(v.validFrom) !== c.validFrom) changes.validFrom = dayOf(v.validFrom)!;
        if (dayOf(v.validTo) !== c.validTo) changes.validTo = dayOf(v.validTo);
        if (Object.keys(changes).length === 0) return;
        await ok(
          api.PATCH('/api/v1/customers/{id}/contracts/{contractNo}', {
            params: { path: { ...path, contractNo: c.contractNo } },
            body: { ...changes, version: c.version } as ContractChange,
          }),
        );
      }
    } catch (err) {
      throw contractError(err, t as unknown as Translate);
    }
    await invalidate(queryKeys.customerContracts(props.customerId), queryKeys.customer360(props.customerId));
  };
  const required = [{ required: true, whitespace: true, message: t('validation.required') }];
  return (
    <FormDialog<ContractForm>
      name="contract"
      testId="contract-modal"
      title={
        c
          ? t('customers.contracts.editTitle', { contractNo: c.contractNo })
          : t('customers.contracts.addTitle')
      }
      creating={!c}
      form={form}
      formProps={{ preserve: false }}
      initialValues={initial}
      onClose={props.onClose}
      onSubmit={submit}
      successMessage={c ? t('customers.contracts.saved') : t('customers.contracts.added')}
      conflictReloads={[queryKeys.customerContracts(props.customerId)]}
      intro={
        c ? undefined : (
          <Alert type="info" showIcon title={t('customers.contracts.addHint')} style={{ marginBottom: 16 }} />
        )
      }
    >
      {c ? null : (
        <Form.Item
          name="contractNo"
          label={t('customers.contracts.fields.contractNo')}
          extra={t('customers.contracts.contractNoHint')}
          rules={[
            ...required,
            { pattern: CONTRACT_NO, message: t('customers.contracts.errors.contractNoFormat') },
          ]}
        >
          <Input maxLength={64} autoComplete="off" />
        </Form.Item>
      )}
      <Form.Item name="name" label={t('customers.contracts.fields.name')} rules={required}>
        <Input maxLength={200} />
      </Form.Item>
      <Row gutter={12}>
        <Col xs={24} sm={12}>
          <Form.Item
            name="validFrom"
            label={t('customers.contracts.fields.validFrom')}
            rules={[{ required: true, message: t('validation.required') }]}
          >
            <DatePicker format={DAY} style={{ width: '100%' }} data-testid="contract-valid-from" />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item
            name="validTo"
            label={t('customers.contracts.fields.validTo')}
            extra={t('customers.contracts.validToHint')}
            dependencies={['validFrom']}
            rules={[endNotBeforeStart(t as unknown as Translate)]}
          >
            <DatePicker
              format={DAY}
              allowClear
              style={{ width: '100%' }}
              placeholder={t('customers.contracts.openEnded')}
              disabledDate={(d) => Boolean(validFrom && d.isBefore(validFrom, 'day'))}
              data-testid="contract-valid-to"
            />
          </Form.Item>
        </Col>
      </Row>
    </FormDialog>
  );
}

/** The last day may not come before the first (the server says so too). */
const endNotBeforeStart =
  (t: Translate) =>
  ({ getFieldValue }: { getFieldValue: (name: string) => unknown }) => ({
    validator: (_: unknown, to?: Dayjs | null) => {
      const from = getFieldValue('validFrom') as Dayjs | null | undefined;
      return to && from && to.isBefore(from, 'day')
        ? Promise.reject(new Error(t('customers.contracts.errors.endBeforeStart')))
        : Promise.resolve();
    },
  });

/** 终止: the contract's last day becomes the one picked (today by default). */
function EndContractDialog(props: { customerId: string; contract: CustomerContract; onClose: () => void }) {
  const { t } = useTranslation();
  const invalidate = useInvalidate();
  const c = props.contract;
  const from = dayjs(c.validFrom, DAY);
  return (
    <FormDialog<{ validFrom: Dayjs; validTo: Dayjs }>
      name="contract-end"
      testId="contract-end-modal"
      title={t('customers.contracts.endTitle', { contractNo: c.contractNo })}
      okText={t('customers.contracts.end')}
      initialValues={{ validFrom: from, validTo: dayjs(todayInChina(), DAY) }}
      onClose={props.onClose}
      onSubmit={async (v) => {
        try {
          await ok(
            api.PATCH('/api/v1/customers/{id}/contracts/{contractNo}', {
              params: { path: { id: props.customerId, contractNo: c.contractNo } },
              body: { validTo: dayOf(v.validTo), version: c.version },
            }),
          );
        } catch (err) {
          throw contractError(err, t as unknown as Translate);
        }
        await invalidate(
          queryKeys.customerContracts(props.customerId),
          queryKeys.customer360(props.customerId),
        );
      }}
      successMessage={t('customers.contracts.ended')}
      conflictReloads={[queryKeys.customerContracts(props.customerId)]}
      intro={
        <Alert
          type="warning"
          showIcon
          title={t('customers.contracts.endHint')}
          style={{ marginBottom: 16 }}
        />
      }
    >
      {/* Not shown: the start, for the end's check (and a server error naming it). */}
      <Form.Item name="validFrom" hidden>
        <DatePicker />
      </Form.Item>
      <Form.Item
        name="validTo"
        label={t('customers.contracts.endDate')}
        rules={[
          { required: true, message: t('validation.required') },
          endNotBeforeStart(t as unknown as Translate),
        ]}
      >
        <DatePicker
          format={DAY}
          allowClear={false}
          style={{ width: '100%' }}
          disabledDate={(d) => d.isBefore(from, 'day')}
          data-testid="contract-end-date"
        />
      </Form.Item>
    </FormDialog>
  );
}
