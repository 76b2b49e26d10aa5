import {
  Alert,
  App,
  Button,
  Checkbox,
  Col,
  DatePicker,
  Descriptions,
  Drawer,
  Flex,
  Form,
  Input,
  InputNumber,
  Modal,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client.ts';
import { queryKeys, useApiMutation, useApiQuery, useInvalidate, useKeysetQuery } from '../../api/query.tsx';
import { useUser } from '../../auth/session.tsx';
import { ErrorResult, useActionError } from '../../components/errors.tsx';
import { FormDialog } from '../../components/FormDialog.tsx';
import { ListPage } from '../../components/ListPage.tsx';
import { LoadMoreFooter } from '../../components/LoadMore.tsx';
import { usePrefs } from '../../i18n/PrefsProvider.tsx';
import { hasPermission } from '../../nav/workspaces.ts';
import {
  CATEGORIES,
  changeBody,
  createBody,
  DATA_KINDS,
  formValuesOf,
  INCIDENT_STATES,
  NEXT_STATES,
  parseCustomerNos,
  SEVERITIES,
  type IncidentFormValues,
} from './incident-form.ts';
import type { Incident, IncidentState, Recipient } from './models.ts';
import { SecurityTabs } from './tabs.tsx';
import './texts.ts';

const PAGE = 50;
const STATE_COLOR: Record<IncidentState, string | undefined> = {
  open: 'red',
  assessed: 'gold',
  notified: 'blue',
  closed: undefined,
};
const SEVERITY_COLOR = { minor: undefined, significant: 'gold', major: 'orange', critical: 'red' } as const;

/** 安全事件: the register of information-security incidents (PIPL Art. 57). */
export default function IncidentsPage() {
  const { t } = useTranslation();
  const { fmt } = usePrefs();
  const canManage = hasPermission(useUser(), 'security.incident.manage');
  const [state, setState] = useState<IncidentState>();
  const [creating, setCreating] = useState(false);
  const [openId, setOpenId] = useState<string>();
  const list = useKeysetQuery(queryKeys.incidents({ state }), (cursor, signal) =>
    ok(
      api.GET('/api/v1/security/incidents', {
        params: {
          query: { limit: PAGE, ...(state ? { state } : {}), ...(cursor ? { before: cursor } : {}) },
        },
        signal,
      }),
    ).then((p) => ({ items: p.items, nextCursor: p.nextBefore })),
  );

  return (
    <ListPage<Incident>
      testId="security-incidents"
      title={t('security.title')}
      subtitle={t('security.subtitle')}
      list={list}
      header={<SecurityTabs />}
      newButton={
        canManage
          ? { label: t('security.incidents.new'), onClick: () => setCreating(true), testId: 'incident-new' }
          : undefined
      }
      toolbar={
        <Select
          allowClear
          placeholder={t('security.incidents.filters.state')}
          style={{ width: 160 }}
          value={state}
          onChange={(v?: IncidentState) => setState(v)}
          options={INCIDENT_STATES.map((s) => ({ value: s, label: t(`security.incidents.states.${s}`) }))}
        />
      }
      emptyText={t('security.incidents.empty')}
      table={{
        'data-testid': 'incident-table',
        rowKey: 'id',
        scroll: { x: 900 },
        columns: [
          { title: t('security.incidents.fields.incidentNo'), dataIndex: 'incidentNo', width: 110 },
          {
            title: t('security.incidents.fields.title'),
            dataIndex: 'title',
            render: (title: string, i) => (
              <Button
                type="link"
                style={{ padding: 0 }}
                onClick={() => setOpenId(i.id)}
                data-testid={`incident-open-${i.incidentNo}`}
              >
                {title}
              </Button>
            ),
          },
          {
            title: t('security.incidents.fields.category'),
            dataIndex: 'category',
            width: 90,
            render: (c: Incident['category']) => t(`security.incidents.categories.${c}`),
          },
          {
            title: t('security.incidents.fields.severity'),
            dataIndex: 'severity',
            width: 100,
            render: (s: Incident['severity']) =>
              s ? (
                <Tag color={SEVERITY_COLOR[s]}>{t(`security.incidents.severities.${s}`)}</Tag>
              ) : (
                t('common.none')
              ),
          },
          {
            title: t('security.incidents.fields.state'),
            dataIndex: 'state',
            width: 100,
            render: (s: IncidentState) => (
              <Tag color={STATE_COLOR[s]}>{t(`security.incidents.states.${s}`)}</Tag>
            ),
          },
          {
            title: t('security.incidents.fields.discoveredAt'),
            dataIndex: 'discoveredAt',
            width: 170,
            render: (v: string) => fmt.dateTime(v),
          },
          {
            title: t('security.incidents.fields.affectedCustomers'),
            dataIndex: 'affectedCustomers',
            width: 110,
          },
        ],
      }}
    >
      {creating ? (
        <IncidentFormDialog onClose={() => setCreating(false)} onSaved={(i) => setOpenId(i.id)} />
      ) : null}
      {openId ? (
        <IncidentDrawer id={openId} canManage={canManage} onClose={() => setOpenId(undefined)} />
      ) : null}
    </ListPage>
  );
}

interface FormShape extends Omit<IncidentFormValues, 'discoveredAt' | 'occurredAt'> {
  discoveredAt: Dayjs;
  occurredAt: Dayjs | null;
}

/** Create (no incident) or edit (sends only what changed, with the version read). */
function IncidentFormDialog(props: {
  incident?: Incident;
  onClose: () => void;
  onSaved: (i: Incident) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<FormShape>();
  const notify = Form.useWatch('notifyIndividuals', form);
  const original = props.incident;
  const initial: Partial<FormShape> = original
    ? (() => {
        const v = formValuesOf(original);
        return {
          ...v,
          discoveredAt: dayjs(v.discoveredAt),
          occurredAt: v.occurredAt ? dayjs(v.occurredAt) : null,
        };
      })()
    : { category: 'leak', dataKinds: [], notifyIndividuals: true, discoveredAt: dayjs() };
  const save = useApiMutation(
    async (values: IncidentFormValues): Promise<Incident> => {
      if (!original) return ok(api.POST('/api/v1/security/incidents', { body: createBody(values) }));
      const body = changeBody(original, values);
      if (!body) return original;
      return ok(
        api.PATCH('/api/v1/security/incidents/{id}', { params: { path: { id: original.id } }, body }),
      );
    },
    [queryKeys.allIncidents],
  );

  const submit = async (f: FormShape) => {
    const saved = await save.mutateAsync({
      ...f,
      discoveredAt: f.discoveredAt.toISOString(),
      occurredAt: f.occurredAt ? f.occurredAt.toISOString() : null,
      estimatedAffected: f.estimatedAffected ?? null,
      severity: f.severity ?? null,
      dataKinds: f.dataKinds ?? [],
      cause: f.cause ?? '',
      harm: f.harm ?? '',
      measures: f.measures ?? '',
      advice: f.advice ?? '',
      decidedBy: f.decidedBy ?? '',
      noNoticeReason: f.noNoticeReason ?? '',
    });
    props.onSaved(saved);
  };

  const f = (k: keyof IncidentFormValues) => t(`security.incidents.fields.${k}`);
  const required = { required: true, whitespace: true, message: t('validation.required') };
  return (
    <FormDialog<FormShape>
      width={760}
      name="incident"
      testId="incident-form-modal"
      title={original ? t('security.incidents.edit') : t('security.incidents.new')}
      okText={t('common.save')}
      form={form}
      initialValues={initial}
      onClose={props.onClose}
      onSubmit={submit}
      successMessage={original ? t('common.saved') : t('security.incidents.created')}
      conflictReloads={[queryKeys.allIncidents]}
    >
      <Form.Item name="title" label={f('title')} rules={[required]}>
        <Input maxLength={200} data-testid="incident-title" />
      </Form.Item>
      <Form.Item
        name="description"
        label={f('description')}
        extra={t('security.incidents.fields.descriptionHint')}
        rules={[required]}
      >
        <Input.TextArea rows={3} maxLength={10000} data-testid="incident-description" />
      </Form.Item>
      <Row gutter={12}>
        <Col xs={24} sm={8}>
          <Form.Item name="category" label={f('category')} rules={[required]}>
            <Select
              options={CATEGORIES.map((c) => ({
                value: c,
                label: t(`security.incidents.categories.${c}`),
              }))}
            />
          </Form.Item>
        </Col>
        <Col xs={24} sm={8}>
          <Form.Item
            name="discoveredAt"
            label={f('discoveredAt')}
            rules={[{ required: true, message: t('validation.required') }]}
          >
            <DatePicker showTime style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={8}>
          <Form.Item name="occurredAt" label={f('occurredAt')}>
            <DatePicker showTime style={{ width: '100%' }} />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={12}>
        <Col xs={24} sm={16}>
          <Form.Item name="dataKinds" label={f('dataKinds')}>
            <Select
              data-testid="incident-data-kinds"
              mode="multiple"
              options={DATA_KINDS.map((k) => ({ value: k, label: t(`security.incidents.dataKinds.${k}`) }))}
            />
          </Form.Item>
        </Col>
        <Col xs={24} sm={8}>
          <Form.Item name="severity" label={f('severity')}>
            <Select
              data-testid="incident-severity"
              allowClear
              options={SEVERITIES.map((s) => ({
                value: s,
                label: t(`security.incidents.severities.${s}`),
              }))}
            />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={12}>
        <Col xs={24} sm={16}>
          <Form.Item name="decidedBy" label={f('decidedBy')}>
            <Input maxLength={200} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={8}>
          <Form.Item name="estimatedAffected" label={f('estimatedAffected')}>
            <InputNumber min={0} max={2_000_000_000} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
      </Row>
      {(['cause', 'harm', 'measures', 'advice'] as const).map((k) => (
        <Form.Item key={k} name={k} label={f(k)}>
          <Input.TextArea rows={2} maxLength={5000} />
        </Form.Item>
      ))}
      <Form.Item name="notifyIndividuals" valuePropName="checked">
        <Checkbox>{f('notifyIndividuals')}</Checkbox>
      </Form.Item>
      {notify === false ? (
        <Form.Item name="noNoticeReason" label={f('noNoticeReason')}>
          <Input.TextArea rows={2} maxLength={5000} />
        </Form.Item>
      ) : null}
    </FormDialog>
  );
}

function IncidentDrawer(props: { id: string; canManage: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { fmt } = usePrefs();
  const loaded = useApiQuery(queryKeys.incident(props.id), (signal) =>
    ok(api.GET('/api/v1/security/incidents/{id}', { params: { path: { id: props.id } }, signal })),
  );
  const [editing, setEditing] = useState(false);
  const [moving, setMoving] = useState<IncidentState>();
  const [notice, setNotice] = useState(false);
  const i = loaded.data;
  const none = t('common.none');
  const f = (k: string) => t(`security.incidents.fields.${k}` as 'security.incidents.fields.title');

  return (
    <Drawer
      open
      size={760}
      title={i ? `${i.incidentNo} ${i.title}` : ''}
      onClose={props.onClose}
      data-testid="incident-drawer"
    >
      {loaded.error && !i ? <ErrorResult error={loaded.error} onRetry={loaded.reload} /> : null}
      {i ? (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Flex wrap gap={8}>
            <Tag color={STATE_COLOR[i.state]} data-testid="incident-state">
              {t(`security.incidents.states.${i.state}`)}
            </Tag>
            <div style={{ flex: 1 }} />
            <Button onClick={() => setNotice(true)} data-testid="incident-notice">
              {t('security.incidents.notice.open')}
            </Button>
            {props.canManage && i.state !== 'closed' ? (
              <>
                <Button onClick={() => setEditing(true)} data-testid="incident-edit">
                  {t('common.edit')}
                </Button>
                {NEXT_STATES[i.state].map((s) => (
                  <Button
                    key={s}
                    type={s === 'closed' ? 'default' : 'primary'}
                    onClick={() => setMoving(s)}
                    data-testid={`incident-move-${s}`}
                  >
                    {t(`security.incidents.move.${s as Exclude<IncidentState, 'open'>}`)}
                  </Button>
                ))}
              </>
            ) : null}
          </Flex>
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={f('category')}>
              {t(`security.incidents.categories.${i.category}`)}
            </Descriptions.Item>
            <Descriptions.Item label={f('severity')}>
              {i.severity ? t(`security.incidents.severities.${i.severity}`) : none}
            </Descriptions.Item>
            <Descriptions.Item label={f('discoveredAt')}>{fmt.dateTime(i.discoveredAt)}</Descriptions.Item>
            <Descriptions.Item label={f('occurredAt')}>
              {i.occurredAt ? fmt.dateTime(i.occurredAt) : none}
            </Descriptions.Item>
            <Descriptions.Item label={f('description')}>{i.description}</Descriptions.Item>
            <Descriptions.Item label={f('dataKinds')}>
              {i.dataKinds.length
                ? i.dataKinds.map((k) => <Tag key={k}>{t(`security.incidents.dataKinds.${k}`)}</Tag>)
                : none}
            </Descriptions.Item>
            <Descriptions.Item label={f('affectedCustomers')}>
              {i.affectedCustomers}
              {i.estimatedAffected !== null ? ` / ${f('estimatedAffected')} ${i.estimatedAffected}` : ''}
            </Descriptions.Item>
            {(
              ['cause', 'harm', 'measures', 'advice', 'decidedBy', 'notificationNote', 'closeNote'] as const
            ).map((k) => (
              <Descriptions.Item key={k} label={f(k)}>
                {i[k] ?? none}
              </Descriptions.Item>
            ))}
            <Descriptions.Item label={f('notifyIndividuals')}>
              {i.notifyIndividuals
                ? t('common.yes')
                : `${t('common.no')}${i.noNoticeReason ? `: ${i.noNoticeReason}` : ''}`}
            </Descriptions.Item>
          </Descriptions>
          <div>
            <Typography.Title level={5}>{t('security.incidents.timeline')}</Typography.Title>
            <Timeline
              items={(
                [
                  ['createdAt', i.createdAt, i.createdBy],
                  ['assessedAt', i.assessedAt, i.assessedBy],
                  ['notifiedAt', i.notifiedAt, i.notifiedBy],
                  ['closedAt', i.closedAt, i.closedBy],
                ] as const
              )
                .filter(([, at]) => at)
                .map(([k, at, by]) => ({ content: `${f(k)} · ${fmt.dateTime(at)} · ${by?.name ?? none}` }))}
            />
          </div>
          <CustomersSection incident={i} canManage={props.canManage && i.state !== 'closed'} />
        </Space>
      ) : null}
      {editing && i ? (
        <IncidentFormDialog incident={i} onClose={() => setEditing(false)} onSaved={() => undefined} />
      ) : null}
      {moving && i ? <MoveDialog incident={i} to={moving} onClose={() => setMoving(undefined)} /> : null}
      {notice && i ? <NoticeModal incident={i} onClose={() => setNotice(false)} /> : null}
    </Drawer>
  );
}

/** Moves an incident on; the server names what the step still lacks (shown as the error). */
function MoveDialog(props: { incident: Incident; to: IncidentState; onClose: () => void }) {
  const { t } = useTranslation();
  const noteField =
    props.to === 'notified' ? 'notificationNote' : props.to === 'closed' ? 'closeNote' : undefined;
  const action = t(`security.incidents.move.${props.to as Exclude<IncidentState, 'open'>}`);
  const move = useApiMutation(
    ({ note }: { note?: string }) =>
      ok(
        api.PATCH('/api/v1/security/incidents/{id}', {
          params: { path: { id: props.incident.id } },
          body: {
            state: props.to,
            version: props.incident.version,
            ...(noteField && note?.trim() ? { [noteField]: note.trim() } : {}),
          },
        }),
      ),
    [queryKeys.allIncidents],
  );
  return (
    <FormDialog<{ note?: string }>
      name="incident-move"
      testId="incident-move-modal"
      title={t('security.incidents.move.title', { incident: props.incident.incidentNo, action })}
      okText={t('common.submit')}
      onClose={props.onClose}
      onSubmit={async (v) => void (await move.mutateAsync(v))}
      successMessage={t('security.incidents.move.done')}
      conflictReloads={[queryKeys.allIncidents]}
    >
      {noteField ? (
        <Form.Item
          name="note"
          label={t(`security.incidents.fields.${noteField}`)}
          rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
        >
          <Input.TextArea rows={3} maxLength={5000} data-testid="incident-move-note" />
        </Form.Item>
      ) : (
        <Typography.Paragraph>{t('security.incidents.move.confirmAssess')}</Typography.Paragraph>
      )}
    </FormDialog>
  );
}

function useRecipientColumns() {
  const { t } = useTranslation();
  const none = t('common.none');
  const c = (k: string) => t(`security.incidents.customers.${k}` as 'security.incidents.customers.name');
  return [
    { title: c('customerNo'), dataIndex: 'customerNo', width: 120, render: (v: string | null) => v ?? none },
    {
      title: c('name'),
      key: 'name',
      render: (_: unknown, r: Recipient) =>
        r.inScope ? (
          r.contactName ? (
            `${r.name ?? ''}（${r.contactName}）`
          ) : (
            (r.name ?? none)
          )
        ) : (
          <Typography.Text type="secondary">{c('outOfScope')}</Typography.Text>
        ),
    },
    { title: c('phone'), dataIndex: 'phone', width: 130, render: (v: string | null) => v ?? none },
    { title: c('email'), dataIndex: 'email', render: (v: string | null) => v ?? none },
    {
      title: c('channel'),
      key: 'channel',
      width: 110,
      render: (_: unknown, r: Recipient) =>
        r.inScope && !r.reachable ? (
          <Tag color="orange">{c('unreachable')}</Tag>
        ) : r.preferredChannel ? (
          t(`security.incidents.customers.channels.${r.preferredChannel as 'sms'}`, {
            defaultValue: r.preferredChannel,
          })
        ) : (
          none
        ),
    },
  ];
}

function useRecipients(path: 'customers' | 'notice', id: string) {
  return useKeysetQuery<Recipient>(queryKeys.incidentRecipients(id, path), async (cursor, signal) => {
    const query = { limit: 100, ...(cursor ? { after: cursor } : {}) };
    const page =
      path === 'customers'
        ? await ok(
            api.GET('/api/v1/security/incidents/{id}/customers', {
              params: { path: { id }, query },
              signal,
            }),
          )
        : (
            await ok(
              api.GET('/api/v1/security/incidents/{id}/notice', {
                params: { path: { id }, query },
                signal,
              }),
            )
          ).individuals.recipients;
    return { items: page.items, nextCursor: page.nextAfter };
  });
}

function CustomersSection(props: { incident: Incident; canManage: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const actionError = useActionError();
  const invalidate = useInvalidate();
  const [pasted, setPasted] = useState('');
  const [busy, setBusy] = useState(false);
  const list = useRecipients('customers', props.incident.id);
  const columns = useRecipientColumns();
  const add = async () => {
    const customerNos = parseCustomerNos(pasted);
    if (customerNos.length === 0) return;
    setBusy(true);
    try {
      const r = await ok(
        api.POST('/api/v1/security/incidents/{id}/customers', {
          params: { path: { id: props.incident.id } },
          body: { customerNos },
        }),
      );
      void message.success(
        t('security.incidents.customers.added', { added: r.added, already: r.alreadyLinked }),
      );
      setPasted('');
      await invalidate(queryKeys.allIncidents);
    } catch (err) {
      actionError(err);
    } finally {
      setBusy(false);
    }
  };
  const remove = async (customerId: string) => {
    try {
      await ok(
        api.DELETE('/api/v1/security/incidents/{id}/customers/{customerId}', {
          params: { path: { id: props.incident.id, customerId } },
        }),
      );
      void message.success(t('security.incidents.customers.removed'));
      await invalidate(queryKeys.allIncidents);
    } catch (err) {
      actionError(err);
    }
  };
  return (
    <div data-testid="incident-customers">
      <Typography.Title level={5}>{t('security.incidents.customers.title')}</Typography.Title>
      {props.canManage ? (
        <Flex gap={8} align="flex-start" style={{ marginBottom: 12 }}>
          <Input.TextArea
            rows={2}
            value={pasted}
            onChange={(e) => setPasted(e.target.value)}
            placeholder={t('security.incidents.customers.addHint')}
            data-testid="incident-customer-nos"
          />
          <Button onClick={() => void add()} loading={busy} data-testid="incident-customers-add">
            {t('security.incidents.customers.add')}
          </Button>
        </Flex>
      ) : null}
      {list.error && !list.loaded ? <ErrorResult error={list.error} onRetry={list.reload} compact /> : null}
      <Table<Recipient>
        rowKey="customerId"
        size="small"
        loading={list.loading}
        dataSource={list.rows}
        pagination={false}
        scroll={{ x: 640 }}
        locale={{ emptyText: t('common.empty') }}
        columns={[
          ...columns,
          ...(props.canManage
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  width: 80,
                  render: (_: unknown, r: Recipient) =>
                    r.inScope ? (
                      <Button type="link" danger onClick={() => void remove(r.customerId)}>
                        {t('security.incidents.customers.remove')}
                      </Button>
                    ) : null,
                },
              ]
            : []),
        ]}
      />
      <LoadMoreFooter list={list} />
    </div>
  );
}

/** The notice: what sending will need, until sending is built (the list and the texts). */
function NoticeModal(props: { incident: Incident; onClose: () => void }) {
  const { t } = useTranslation();
  const loaded = useApiQuery(queryKeys.incidentNotice(props.incident.id), (signal) =>
    ok(
      api.GET('/api/v1/security/incidents/{id}/notice', {
        params: { path: { id: props.incident.id }, query: { limit: 1 } },
        signal,
      }),
    ),
  );
  const recipients = useRecipients('notice', props.incident.id);
  const columns = useRecipientColumns();
  const n = loaded.data;
  const missingLabel = (m: string) =>
    m.startsWith('ONEPOINT_')
      ? m
      : t(`security.incidents.fields.${m}` as 'security.incidents.fields.title', { defaultValue: m });
  return (
    <Modal
      open
      width={860}
      title={t('security.incidents.notice.title', { incident: props.incident.incidentNo })}
      footer={<Button onClick={props.onClose}>{t('common.close')}</Button>}
      onCancel={props.onClose}
      data-testid="notice-modal"
    >
      {loaded.error && !n ? <ErrorResult error={loaded.error} onRetry={loaded.reload} compact /> : null}
      {n ? (
        <Space orientation="vertical" size={12} style={{ width: '100%' }}>
          <Alert
            type="info"
            showIcon
            title={t('security.incidents.notice.notBuilt')}
            data-testid="notice-not-built"
          />
          {n.missing.length ? (
            <Alert
              type="warning"
              showIcon
              title={t('security.incidents.notice.missing', {
                items: n.missing.map(missingLabel).join('、'),
              })}
            />
          ) : null}
          <Typography.Title level={5}>{t('security.incidents.notice.individuals')}</Typography.Title>
          {n.individuals.notify ? null : (
            <Alert
              type="warning"
              title={t('security.incidents.notice.individualsSkipped', {
                reason: n.individuals.noNoticeReason ?? '',
              })}
            />
          )}
          <Typography.Paragraph
            copyable={{ text: n.individuals.text }}
            style={{ whiteSpace: 'pre-wrap' }}
            data-testid="notice-individual-text"
          >
            {n.individuals.text}
          </Typography.Paragraph>
          <Typography.Text strong>
            {t('security.incidents.notice.recipients', { count: n.individuals.recipients.total })}
          </Typography.Text>
          <Table<Recipient>
            rowKey="customerId"
            size="small"
            loading={recipients.loading}
            dataSource={recipients.rows}
            pagination={false}
            scroll={{ x: 640, y: 240 }}
            columns={columns}
            data-testid="notice-recipients"
          />
          <LoadMoreFooter list={recipients} />
          <Typography.Title level={5}>{t('security.incidents.notice.regulator')}</Typography.Title>
          <Typography.Text type="secondary">
            {t('security.incidents.notice.regulatorTo', {
              to: n.regulator.to ?? t('security.incidents.notice.regulatorUnset'),
            })}
          </Typography.Text>
          <Typography.Paragraph
            copyable={{ text: n.regulator.text }}
            style={{ whiteSpace: 'pre-wrap' }}
            data-testid="notice-regulator-text"
          >
            {n.regulator.text}
          </Typography.Paragraph>
        </Space>
      ) : null}
    </Modal>
  );
}
