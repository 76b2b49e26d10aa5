import './texts.ts';
import { ArrowLeftOutlined, EditOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Row,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
  type DescriptionsProps,
  type TableColumnsType,
} from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { api, ok } from '../../api/client.ts';
import { queryKeys, useApiQuery } from '../../api/query.tsx';
import type {
  Customer,
  Customer360,
  CustomerAccess,
  CustomerContact,
  ProductInstance,
} from '../../api/models.ts';
import { useUser } from '../../auth/session.tsx';
import { Data } from '../../components/Data.tsx';
import { ErrorResult } from '../../components/errors.tsx';
import { PageFrame } from '../../components/PageFrame.tsx';
import { usePrefs } from '../../i18n/PrefsProvider.tsx';
import { tDynamic } from '../../i18n/dynamic.ts';
import { hasPermission } from '../../nav/workspaces.ts';
import { CustomerRequestsCard } from '../requests/CustomerRequestsCard.tsx';
import { MaskedValue, RevealedValuesProvider, StatusTag, useCodeLabel } from './common.tsx';
import { CustomerContractsCard, useShowsContracts } from './CustomerContracts.tsx';
import { CustomerSlaReportCard, useShowsSlaReport } from './CustomerSlaReport.tsx';
import {
  ContactModal,
  EditProfileModal,
  InstanceModal,
  InstanceStatusActions,
  RemoveContact,
  useCanManage,
} from './CustomerForms.tsx';

/** Which edit dialog is open on the 360 page. */
type Dialog =
  { kind: 'profile' } | { kind: 'contact'; contact?: CustomerContact } | { kind: 'instance' } | undefined;

/** 客户 360 视图: who the customer is, how to reach them, what they subscribe to and on which resources. */
export default function Customer360Page() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const user = useUser();
  const view = useApiQuery(queryKeys.customer360(id), (signal) =>
    ok(api.GET('/api/v1/customers/{id}/360', { params: { path: { id } }, signal })),
  );
  const data = view.data;
  const canManage = useCanManage();
  const [dialog, setDialog] = useState<Dialog>();
  // A change refreshes the customer's cached views (the dialogs' mutations invalidate them); the
  // page shows it afresh: a value revealed before the change is masked again (it may be the old one).
  const [generation, setGeneration] = useState(0);
  const changed = () => {
    setDialog(undefined);
    setGeneration((g) => g + 1);
  };
  const edit = canManage ? setDialog : undefined;
  const showsSlaReport = useShowsSlaReport(data?.customer.kind ?? '');
  const showsContracts = useShowsContracts(data?.customer.kind ?? '');

  return (
    <PageFrame
      testId="customer-360"
      title={data ? data.customer.name : t('customers.view.title')}
      subtitle={data ? `${data.customer.customerNo} · ${t('customers.view.masked')}` : undefined}
      extra={
        <>
          <Button icon={<ArrowLeftOutlined />} onClick={() => navigate(-1)}>
            {t('customers.view.back')}
          </Button>
          <Button icon={<ReloadOutlined />} onClick={view.reload}>
            {t('common.reload')}
          </Button>
        </>
      }
    >
      {view.error && !data ? (
        <ErrorResult error={view.error} onRetry={view.reload} />
      ) : !data ? (
        <Card loading />
      ) : (
        // Revealed values live above the fields; after a change they are masked again (new key).
        <RevealedValuesProvider key={`${data.customer.id}:${generation}`}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Profile customer={data.customer} onEdit={edit} />
            <Contacts
              customerId={data.customer.id}
              contacts={data.contacts}
              onEdit={edit}
              onChanged={changed}
            />
            {/* The open requests the 360 view returns, for users who may read requests. */}
            <CustomerRequestsCard customerId={data.customer.id} items={data.openRequests} />
            <Instances
              customerId={data.customer.id}
              instances={data.instances}
              onEdit={edit}
              onChanged={changed}
            />
            {/* An enterprise's signed service agreements (SLA contracts). */}
            {showsContracts ? <CustomerContractsCard customerId={data.customer.id} /> : null}
            {/* An enterprise's SLA report, for its account manager and supervisors. */}
            {showsSlaReport ? <CustomerSlaReportCard customerId={data.customer.id} /> : null}
            <History
              customerId={data.customer.id}
              history={data.recentHistory}
              canSeeAccessLog={hasPermission(user, 'audit.read')}
            />
          </Space>
        </RevealedValuesProvider>
      )}
      {data && dialog?.kind === 'profile' ? (
        <EditProfileModal customer={data.customer} onClose={() => setDialog(undefined)} onSaved={changed} />
      ) : null}
      {data && dialog?.kind === 'contact' ? (
        <ContactModal
          customerId={data.customer.id}
          contact={dialog.contact}
          onClose={() => setDialog(undefined)}
          onSaved={changed}
        />
      ) : null}
      {data && dialog?.kind === 'instance' ? (
        <InstanceModal customer={data.customer} onClose={() => setDialog(undefined)} onSaved={changed} />
      ) : null}
    </PageFrame>
  );
}

function Profile({ customer: c, onEdit }: { customer: Customer; onEdit?: (d: Dialog) => void }) {
  const { t } = useTranslation();
  const { fmt } = usePrefs();
  const label = useCodeLabel();
  const none = t('common.none');
  const masked = (field: 'phone' | 'email' | 'address' | 'idNumber', value: string | null) => (
    <MaskedValue
      customerId={c.id}
      field={field}
      value={value}
      label={t(`customers.fields.${field}`)}
      testId={`customer-${field}`}
    />
  );
  const items: DescriptionsProps['items'] = [
    { key: 'kind', label: t('customers.fields.kind'), children: label('kinds', c.kind) },
    { key: 'tier', label: t('customers.fields.tier'), children: label('tiers', c.tier) },
    {
      key: 'valueLevel',
      label: t('customers.fields.valueLevel'),
      children: label('valueLevels', c.valueLevel),
    },
    { key: 'status', label: t('customers.fields.status'), children: <StatusTag status={c.status} /> },
    { key: 'orgUnit', label: t('customers.fields.orgUnit'), children: c.orgUnitName ?? none },
    {
      key: 'accountManager',
      label: t('customers.fields.accountManager'),
      children: c.accountManager?.name ?? none,
    },
    { key: 'phone', label: t('customers.fields.phone'), children: masked('phone', c.phone) },
    { key: 'email', label: t('customers.fields.email'), children: masked('email', c.email) },
    {
      key: 'idNumber',
      label: c.kind === 'enterprise' ? t('customers.fields.creditCode') : t('customers.fields.idNumber'),
      children: c.kind === 'enterprise' && c.creditCode ? c.creditCode : masked('idNumber', c.idNumber),
    },
    { key: 'address', label: t('customers.fields.address'), children: masked('address', c.address), span: 2 },
    { key: 'industry', label: t('customers.fields.industry'), children: c.industry ?? none },
    { key: 'membership', label: t('customers.fields.membershipLevel'), children: c.membershipLevel ?? none },
    { key: 'createdAt', label: t('customers.fields.createdAt'), children: fmt.date(c.createdAt) },
    {
      key: 'tags',
      label: t('customers.fields.tags'),
      children: c.tags.length ? c.tags.map((tag) => <Tag key={tag}>{tag}</Tag>) : none,
    },
    ...(c.branches.length
      ? [
          {
            key: 'branches',
            label: t('customers.fields.branches'),
            span: 3,
            children: c.branches.map((b) => (
              <Tag key={b.id}>{b.orgUnitName ? `${b.name} · ${b.orgUnitName}` : b.name}</Tag>
            )),
          },
        ]
      : []),
    ...(c.notes ? [{ key: 'notes', label: t('customers.fields.notes'), span: 3, children: c.notes }] : []),
  ];
  return (
    <Card
      title={t('customers.view.profile')}
      data-testid="customer-profile"
      extra={
        onEdit ? (
          <Button
            icon={<EditOutlined />}
            data-testid="customer-edit"
            onClick={() => onEdit({ kind: 'profile' })}
          >
            {t('customers.edit.editProfile')}
          </Button>
        ) : undefined
      }
    >
      <Descriptions size="small" column={{ xs: 1, md: 2, xl: 3 }} items={items} />
    </Card>
  );
}

/**
 * The contacts, full width and one line per fact: a name never wraps a character a line, a number
 * never breaks mid-digits, and the actions stay in view (fixed at the right on a narrow screen).
 */
function Contacts({
  customerId,
  contacts,
  onEdit,
  onChanged,
}: {
  customerId: string;
  contacts: CustomerContact[];
  onEdit?: (d: Dialog) => void;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const label = useCodeLabel();
  const ways = ['mobile', 'officePhone', 'email'] as const;
  return (
    <Card
      title={t('customers.view.contacts')}
      data-testid="customer-contacts"
      extra={
        onEdit ? (
          <Button
            size="small"
            icon={<PlusOutlined />}
            data-testid="contact-add"
            onClick={() => onEdit({ kind: 'contact' })}
          >
            {t('customers.edit.addContact')}
          </Button>
        ) : undefined
      }
    >
      <Table<CustomerContact>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={contacts}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('customers.view.noContacts') }}
        columns={[
          {
            title: t('customers.contact.name'),
            dataIndex: 'name',
            render: (name: string, c) => (
              <div className="op-nowrap">
                <Space size={4}>
                  <span data-testid={`contact-name-${c.id}`}>
                    <Data>{name}</Data>
                  </span>
                  {c.isPrimary ? <Tag color="blue">{t('customers.contact.primary')}</Tag> : null}
                </Space>
                <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                  {label('contactRoles', c.role)}
                  {c.title ? (
                    <>
                      {' · '}
                      <Data>{c.title}</Data>
                    </>
                  ) : null}
                </Typography.Text>
              </div>
            ),
          },
          {
            title: t('customers.contact.ways'),
            key: 'ways',
            render: (_: unknown, c) => {
              const present = ways.filter((w) => c[w]);
              if (present.length === 0) return t('common.none');
              return present.map((w) => (
                <div key={w} className="op-nowrap">
                  <Typography.Text type="secondary">{t(`customers.contact.${w}`)}</Typography.Text>{' '}
                  <MaskedValue
                    customerId={customerId}
                    contactId={c.id}
                    field={w}
                    value={c[w]}
                    label={`${c.name} · ${t(`customers.contact.${w}`)}`}
                    testId={`contact-${w}-${c.id}`}
                  />
                </div>
              ));
            },
          },
          {
            title: t('customers.contact.preferredChannel'),
            dataIndex: 'preferredChannel',
            render: (ch: string, c) => (
              <div className="op-nowrap">
                {label('channels', ch)}
                {c.quietHours ? (
                  <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                    {`${t('customers.contact.quietHours')} ${c.quietHours.start}–${c.quietHours.end}`}
                  </Typography.Text>
                ) : null}
              </div>
            ),
          },
          ...(onEdit
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  fixed: 'right' as const,
                  render: (_: unknown, c: CustomerContact) => (
                    <Space size={0} className="op-nowrap">
                      <Button
                        type="link"
                        size="small"
                        data-testid={`contact-edit-${c.id}`}
                        onClick={() => onEdit({ kind: 'contact', contact: c })}
                      >
                        {t('common.edit')}
                      </Button>
                      <RemoveContact customerId={customerId} contact={c} onDone={onChanged} />
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
    </Card>
  );
}

function Instances({
  customerId,
  instances,
  onEdit,
  onChanged,
}: {
  customerId: string;
  instances: ProductInstance[];
  onEdit?: (d: Dialog) => void;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const label = useCodeLabel();
  const { fmt } = usePrefs();
  const none = t('common.none');
  return (
    <Card
      title={t('customers.view.instances')}
      data-testid="customer-instances"
      extra={
        onEdit ? (
          <Button
            size="small"
            icon={<PlusOutlined />}
            data-testid="instance-add"
            onClick={() => onEdit({ kind: 'instance' })}
          >
            {t('customers.edit.addInstance')}
          </Button>
        ) : undefined
      }
    >
      {instances.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('customers.view.noInstances')} />
      ) : (
        <Row gutter={[16, 16]}>
          {instances.map((i) => {
            const resources: Array<[string, ReactNode]> = [
              [t('customers.instance.accessType'), i.accessType ? label('accessTypes', i.accessType) : null],
              [t('customers.instance.exchange'), i.exchange],
              [
                t('customers.instance.device'),
                i.deviceId
                  ? `${i.deviceType ? label('deviceTypes', i.deviceType) : ''} ${i.deviceId}`.trim()
                  : null,
              ],
              [t('customers.instance.devicePort'), i.devicePort],
              [
                t('customers.instance.routeLengthKm'),
                i.routeLengthKm === null ? null : t('customers.instance.km', { value: i.routeLengthKm }),
              ],
              [
                t('customers.instance.switchOccupancy'),
                i.switchOccupancy === null ? null : `${Math.round(i.switchOccupancy * 100) / 100}%`,
              ],
              [t('customers.instance.stbId'), i.stbId],
              [t('customers.instance.circuitId'), i.circuitId],
              [
                t('customers.instance.bandwidthMbps'),
                i.bandwidthMbps === null ? null : t('customers.instance.mbps', { value: i.bandwidthMbps }),
              ],
              [
                t('customers.instance.ends'),
                i.aEnd || i.zEnd ? `${i.aEnd ?? none} ↔ ${i.zEnd ?? none}` : null,
              ],
              [t('customers.instance.startedOn'), i.startedOn ? fmt.date(i.startedOn) : null],
              [
                t('customers.instance.locationClass'),
                i.locationClass ? label('locationClasses', i.locationClass) : null,
              ],
            ];
            return (
              <Col xs={24} lg={12} key={i.id}>
                <Card
                  size="small"
                  type="inner"
                  data-testid={`instance-${i.id}`}
                  extra={
                    onEdit ? (
                      <InstanceStatusActions customerId={customerId} instance={i} onChanged={onChanged} />
                    ) : undefined
                  }
                  title={
                    <Space size={8} wrap>
                      <span>{i.productName ?? i.productCode}</span>
                      <Tag color={i.status === 'active' ? 'green' : undefined}>
                        {label('instanceStatuses', i.status)}
                      </Tag>
                    </Space>
                  }
                >
                  <Descriptions
                    size="small"
                    column={{ xs: 1, sm: 2 }}
                    items={[
                      // Account numbers of voice lines are phone numbers: masked, revealable.
                      ...(['accountNo', 'serviceAddress'] as const).map((field) => ({
                        key: field,
                        label: t(`customers.instance.${field}`),
                        children: (
                          <MaskedValue
                            customerId={customerId}
                            instanceId={i.id}
                            field={field}
                            value={i[field]}
                            label={t(`customers.instance.${field}`)}
                            testId={`instance-${field}-${i.id}`}
                          />
                        ),
                      })),
                      // Only the resources the instance records: a leased line has no set-top box.
                      ...resources
                        .filter(([, v]) => v !== null && v !== undefined && v !== '')
                        .map(([k, v]) => ({ key: k, label: k, children: v })),
                    ]}
                  />
                </Card>
              </Col>
            );
          })}
        </Row>
      )}
    </Card>
  );
}

interface LogRow {
  occurredAt: string;
  actorLogin: string | null;
  /** The person's name; null for the system (the seed, an import run from the command line). */
  actorName: string | null;
  action: string;
}

/** When, who, what: the columns of the history and of the access log. */
function useLogColumns() {
  const { t } = useTranslation();
  const { fmt } = usePrefs();
  return <T extends LogRow>(detail?: (row: T) => string): TableColumnsType<T> => [
    {
      title: t('customers.history.at'),
      dataIndex: 'occurredAt',
      width: 180,
      render: (v: string) => fmt.dateTime(v),
    },
    {
      title: t('customers.history.actor'),
      key: 'actor',
      width: 140,
      render: (_: unknown, row: T) => row.actorName ?? t('customers.history.system'),
    },
    {
      title: t('customers.history.action'),
      dataIndex: 'action',
      render: (a: string, row) => {
        const what = tDynamic(t, `customers.actions.${a}`, a);
        const extra = detail?.(row);
        return extra ? `${what} — ${extra}` : what;
      },
    },
  ];
}

function History(props: {
  customerId: string;
  history: Customer360['recentHistory'];
  canSeeAccessLog: boolean;
}) {
  const { t } = useTranslation();
  const logColumns = useLogColumns();
  const describe = (d: Record<string, unknown>) =>
    [
      typeof d.field === 'string'
        ? t('customers.history.field', { field: tDynamic(t, `customers.fields.${d.field}`, d.field) })
        : null,
      typeof d.reason === 'string' ? t('customers.history.reason', { reason: d.reason }) : null,
      typeof d.contractNo === 'string' ? t('customers.history.contract', { contractNo: d.contractNo }) : null,
    ]
      .filter(Boolean)
      .join(' · ');
  const recent = (
    <Table<Customer360['recentHistory'][number]>
      rowKey="seq"
      size="small"
      pagination={false}
      dataSource={props.history}
      data-testid="customer-history"
      locale={{ emptyText: t('customers.view.historyEmpty') }}
      columns={logColumns((h) => describe(h.details))}
    />
  );
  return (
    <Card title={t('customers.view.history')}>
      {props.canSeeAccessLog ? (
        <Tabs
          items={[
            { key: 'history', label: t('customers.view.history'), children: recent },
            {
              key: 'access',
              label: t('customers.view.accessLog'),
              children: <AccessLog customerId={props.customerId} />,
            },
          ]}
        />
      ) : (
        recent
      )}
    </Card>
  );
}

function AccessLog({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const logColumns = useLogColumns();
  const log = useApiQuery(queryKeys.customerAccess(customerId), (signal) =>
    ok(
      api.GET('/api/v1/customers/{id}/access-log', {
        params: { path: { id: customerId }, query: { limit: 50 } },
        signal,
      }),
    ),
  );
  if (log.error && !log.data) return <ErrorResult error={log.error} onRetry={log.reload} compact />;
  return (
    <>
      <Typography.Paragraph type="secondary">{t('customers.view.accessLogHint')}</Typography.Paragraph>
      <Table<CustomerAccess>
        rowKey="id"
        size="small"
        loading={log.loading}
        pagination={false}
        dataSource={log.data ?? []}
        data-testid="customer-access-log"
        columns={logColumns()}
      />
    </>
  );
}
