import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Flex,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Radio,
  Select,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client.ts';
import type {
  NewSlaOverride,
  SlaAddCheck,
  SlaBetweenCheck,
  SlaCalendar,
  SlaOverride,
  SlaYear,
} from '../../api/models.ts';
import { queryKeys, useApiMutation, useApiQuery } from '../../api/query.tsx';
import { useUser } from '../../auth/session.tsx';
import { Data } from '../../components/Data.tsx';
import { ErrorResult, useActionError } from '../../components/errors.tsx';
import { FormDialog } from '../../components/FormDialog.tsx';
import { OrgUnitSelect, unitName, useOrgUnits } from '../../components/OrgUnitSelect.tsx';
import { PageFrame } from '../../components/PageFrame.tsx';
import { usePrefs } from '../../i18n/PrefsProvider.tsx';
import { adminScreensFor } from '../../nav/workspaces.ts';
import { beijing } from './SlaPoliciesPage.tsx';

/** 工作日历: calendars, overrides (sla.calendar.manage changes them), the national schedule, the check. */
export default function SlaCalendarsPage() {
  const { t } = useTranslation();
  const me = useUser();
  const canManage = adminScreensFor(me).find((s) => s.id === 'slaCalendars')?.canManage ?? false;
  return (
    <PageFrame testId="sla-calendars" title={t('sla.calendars.title')} subtitle={t('sla.calendars.subtitle')}>
      {canManage ? null : (
        <Alert type="info" showIcon title={t('admin.readOnly')} style={{ marginBottom: 16 }} />
      )}
      <Years canManage={canManage} />
      <Calendars />
      <Overrides canManage={canManage} />
      <CalendarCheck />
    </PageFrame>
  );
}

function useCalendars() {
  return useApiQuery(
    queryKeys.slaCalendars,
    async (signal) => (await ok(api.GET('/api/v1/sla/calendars', { signal }))).items,
  );
}

function Years({ canManage }: { canManage: boolean }) {
  const { t } = useTranslation();
  const { fmt } = usePrefs();
  const years = useApiQuery(queryKeys.slaYears, (signal) =>
    ok(api.GET('/api/v1/sla/calendar-years', { signal })),
  );
  const [entering, setEntering] = useState(false);
  return (
    <Card
      title={t('sla.calendars.years.title')}
      style={{ marginBottom: 16 }}
      data-testid="sla-years"
      extra={
        canManage ? (
          <Button onClick={() => setEntering(true)} data-testid="sla-year-enter">
            {t('sla.calendars.years.enter')}
          </Button>
        ) : null
      }
    >
      {entering ? <YearDialog onClose={() => setEntering(false)} /> : null}
      {years.data?.warnings.map((w) => (
        <Alert
          key={`${w.code}-${w.year}`}
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          data-testid="sla-year-warning"
          title={
            <>
              <Data>{w.code}</Data> ·{' '}
              {w.code === 'NATIONAL_SCHEDULE_MISSING' ? (
                t('sla.calendars.years.missing', { year: w.year })
              ) : (
                <Data>{w.message}</Data>
              )}
            </>
          }
        />
      ))}
      {years.error && !years.data ? (
        <ErrorResult error={years.error} onRetry={years.reload} compact />
      ) : (
        <Table<SlaYear>
          size="small"
          rowKey="year"
          loading={years.loading && !years.data}
          dataSource={[...(years.data?.items ?? [])].reverse()}
          pagination={{ pageSize: 5, showSizeChanger: false }}
          locale={{ emptyText: t('sla.calendars.years.empty') }}
          columns={[
            { title: t('sla.calendars.years.fields.year'), dataIndex: 'year', width: 90 },
            {
              title: t('sla.calendars.years.fields.source'),
              dataIndex: 'source',
              render: (s: string) => (s === 'admin' ? t('sla.calendars.years.admin') : <Data>{s}</Data>),
            },
            { title: t('sla.calendars.years.fields.holidays'), dataIndex: 'holidays', width: 120 },
            { title: t('sla.calendars.years.fields.workdays'), dataIndex: 'workdays', width: 140 },
            {
              title: t('sla.calendars.years.fields.updatedAt'),
              dataIndex: 'updatedAt',
              width: 170,
              render: (v: string) => fmt.dateTime(v),
            },
          ]}
        />
      )}
    </Card>
  );
}

// The lines' fields are not named like the API's (holidays, workdays): an error about one line
// (body.holidays.3.date) is a notification with the server's message, not lost on a textarea.
interface YearForm {
  year: number;
  holidayLines: string;
  workdayLines?: string;
}

/** `2027-01-01 元旦` per line → `{ date, name }` (the API refuses a malformed date, naming it). */
const scheduleDays = (text: string | undefined) =>
  (text ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [date = '', ...name] = line.split(/\s+/);
      return { date, ...(name.length ? { name: name.join(' ') } : {}) };
    });

/** Enters (or replaces) a year's national schedule once the State Council has published it. */
function YearDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const save = useApiMutation(
    (v: YearForm) =>
      ok(
        api.PUT('/api/v1/sla/calendar-years/{year}', {
          params: { path: { year: v.year } },
          body: { holidays: scheduleDays(v.holidayLines), workdays: scheduleDays(v.workdayLines) },
        }),
      ),
    [queryKeys.slaYears],
  );
  return (
    <FormDialog<YearForm>
      name="sla-year"
      testId="sla-year-modal"
      creating
      okText={t('common.save')}
      title={t('sla.calendars.years.enter')}
      intro={
        <Typography.Paragraph type="secondary">{t('sla.calendars.years.enterHelp')}</Typography.Paragraph>
      }
      initialValues={{ year: new Date().getFullYear() + 1 }}
      onClose={onClose}
      onSubmit={(v) => save.mutateAsync(v).then(() => undefined)}
      successMessage={t('common.saved')}
    >
      <Form.Item
        name="year"
        label={t('sla.calendars.years.fields.year')}
        rules={[{ required: true, message: t('validation.required') }]}
      >
        <InputNumber min={1990} max={2200} />
      </Form.Item>
      <Form.Item
        name="holidayLines"
        label={t('sla.calendars.years.fields.holidays')}
        rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
      >
        <Input.TextArea rows={8} />
      </Form.Item>
      <Form.Item name="workdayLines" label={t('sla.calendars.years.fields.workdays')}>
        <Input.TextArea rows={4} />
      </Form.Item>
    </FormDialog>
  );
}

function Calendars() {
  const { t, i18n } = useTranslation();
  const calendars = useCalendars();
  const units = useOrgUnits();
  const unitLabel = (id: string | null) => {
    const u = id ? units.data?.find((x) => x.id === id) : undefined;
    return u ? unitName(u, i18n.language) : (id ?? '');
  };
  return (
    <Card title={t('sla.calendars.list')} style={{ marginBottom: 16 }}>
      {calendars.error && !calendars.data ? (
        <ErrorResult error={calendars.error} onRetry={calendars.reload} compact />
      ) : (
        <Table<SlaCalendar>
          size="small"
          rowKey="code"
          loading={calendars.loading && !calendars.data}
          dataSource={calendars.data ?? []}
          pagination={false}
          data-testid="sla-calendar-table"
          scroll={{ x: 800 }}
          columns={[
            {
              title: t('sla.calendars.fields.code'),
              dataIndex: 'code',
              render: (code: string, c) => (
                <Flex vertical>
                  <Data>{code}</Data>
                  <Typography.Text type="secondary">
                    <Data>{c.name}</Data>
                  </Typography.Text>
                </Flex>
              ),
            },
            {
              title: t('sla.calendars.fields.unit'),
              key: 'unit',
              render: (_, c) =>
                c.builtin ? (
                  <Tag>{t('sla.calendars.builtin')}</Tag>
                ) : (
                  <Flex vertical>
                    <Data>{unitLabel(c.orgUnitId)}</Data>
                    {c.replaces ? <Tag>{t('sla.calendars.replaces', { code: c.replaces })}</Tag> : null}
                  </Flex>
                ),
            },
            {
              title: t('sla.calendars.fields.days'),
              dataIndex: 'days',
              render: (d: SlaCalendar['days']) => t(`sla.calendars.days.${d}`),
            },
            {
              title: t('sla.calendars.fields.hours'),
              dataIndex: 'hours',
              render: (hours: SlaCalendar['hours']) =>
                hours.length ? (
                  <Data>{hours.map((h) => `${h.from}–${h.to}`).join(', ')}</Data>
                ) : (
                  t('sla.calendars.wholeDay')
                ),
            },
            {
              title: t('sla.calendars.fields.zone'),
              dataIndex: 'zone',
              render: (z: string) => <Data>{z}</Data>,
            },
            {
              title: t('sla.calendars.honoursOverrides'),
              dataIndex: 'honoursOverrides',
              render: (v: boolean) => (v ? t('common.yes') : t('common.no')),
            },
          ]}
        />
      )}
    </Card>
  );
}

function Overrides({ canManage }: { canManage: boolean }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const actionError = useActionError();
  const overrides = useApiQuery(
    queryKeys.slaOverrides,
    async (signal) => (await ok(api.GET('/api/v1/sla/calendar-overrides', { signal }))).items,
  );
  const units = useOrgUnits();
  const [adding, setAdding] = useState(false);
  const remove = useApiMutation(
    (o: SlaOverride) =>
      ok(
        api.DELETE('/api/v1/sla/calendar-overrides/{id}', {
          params: { path: { id: o.id } },
          headers: { 'if-match': `"${o.version}"` },
        }),
      ),
    [queryKeys.slaOverrides],
  );
  const unitLabel = (id: string) => {
    const u = units.data?.find((x) => x.id === id);
    return u ? unitName(u, i18n.language) : id;
  };
  return (
    <Card
      title={t('sla.calendars.overrides.title')}
      style={{ marginBottom: 16 }}
      data-testid="sla-overrides"
      extra={
        canManage ? (
          <Button type="primary" onClick={() => setAdding(true)} data-testid="sla-override-new">
            {t('sla.calendars.overrides.new')}
          </Button>
        ) : null
      }
    >
      {overrides.error && !overrides.data ? (
        <ErrorResult error={overrides.error} onRetry={overrides.reload} compact />
      ) : (
        <Table<SlaOverride>
          size="small"
          rowKey="id"
          loading={overrides.loading && !overrides.data}
          dataSource={overrides.data ?? []}
          pagination={false}
          locale={{ emptyText: t('sla.calendars.overrides.empty') }}
          data-testid="sla-override-table"
          columns={[
            { title: t('sla.calendars.overrides.fields.date'), dataIndex: 'date', width: 120 },
            {
              title: t('sla.calendars.overrides.fields.unit'),
              dataIndex: 'orgUnitId',
              render: (id: string) => <Data>{unitLabel(id)}</Data>,
            },
            {
              title: t('sla.calendars.overrides.fields.kind'),
              dataIndex: 'kind',
              render: (k: SlaOverride['kind']) => (
                <Tag color={k === 'closed' ? 'red' : 'blue'}>{t(`sla.calendars.overrides.kinds.${k}`)}</Tag>
              ),
            },
            {
              title: t('sla.calendars.overrides.fields.reason'),
              dataIndex: 'reason',
              render: (r: string) => <Data>{r}</Data>,
            },
            ...(canManage
              ? [
                  {
                    title: t('common.actions'),
                    key: 'actions',
                    width: 100,
                    render: (_: unknown, o: SlaOverride) => (
                      <Popconfirm
                        title={t('sla.calendars.overrides.removeConfirm', { date: o.date })}
                        okText={t('sla.calendars.overrides.remove')}
                        cancelText={t('common.cancel')}
                        onConfirm={() =>
                          remove
                            .mutateAsync(o)
                            .then(
                              () => void message.success(t('sla.calendars.overrides.removed')),
                              actionError,
                            )
                        }
                      >
                        <Button type="link" danger data-testid="sla-override-remove">
                          {t('sla.calendars.overrides.remove')}
                        </Button>
                      </Popconfirm>
                    ),
                  },
                ]
              : []),
          ]}
        />
      )}
      {adding ? <OverrideDialog onClose={() => setAdding(false)} /> : null}
    </Card>
  );
}

interface OverrideForm {
  orgUnitId: string;
  date: Dayjs;
  kind: NewSlaOverride['kind'];
  reason: string;
}

function OverrideDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const units = useOrgUnits();
  const save = useApiMutation(
    (v: OverrideForm) =>
      ok(
        api.POST('/api/v1/sla/calendar-overrides', {
          body: {
            orgUnitId: v.orgUnitId,
            date: v.date.format('YYYY-MM-DD'),
            kind: v.kind,
            reason: v.reason.trim(),
          },
        }),
      ),
    [queryKeys.slaOverrides],
  );
  const required = [{ required: true, message: t('validation.required') }];
  return (
    <FormDialog<OverrideForm>
      name="sla-override"
      testId="sla-override-modal"
      creating
      title={t('sla.calendars.overrides.new')}
      initialValues={{ kind: 'closed' }}
      onClose={onClose}
      onSubmit={(v) => save.mutateAsync(v).then(() => undefined)}
      successMessage={t('common.saved')}
    >
      <Form.Item name="orgUnitId" label={t('sla.calendars.overrides.fields.unit')} rules={required}>
        <OrgUnitSelect units={units.data} />
      </Form.Item>
      <Form.Item name="date" label={t('sla.calendars.overrides.fields.date')} rules={required}>
        <DatePicker style={{ width: '100%' }} />
      </Form.Item>
      <Form.Item name="kind" label={t('sla.calendars.overrides.fields.kind')} rules={required}>
        <Radio.Group
          options={(['closed', 'working'] as const).map((k) => ({
            value: k,
            label: t(`sla.calendars.overrides.kinds.${k}`),
          }))}
        />
      </Form.Item>
      <Form.Item
        name="reason"
        label={t('sla.calendars.overrides.fields.reason')}
        rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
      >
        <Input maxLength={200} />
      </Form.Item>
    </FormDialog>
  );
}

interface CheckForm {
  op: 'add' | 'between';
  calendar: string;
  orgUnitId?: string;
  from: Dayjs;
  to?: Dayjs;
  duration?: string;
}

function CalendarCheck() {
  const { t } = useTranslation();
  const calendars = useCalendars();
  const units = useOrgUnits();
  const actionError = useActionError();
  const [form] = Form.useForm<CheckForm>();
  const op = Form.useWatch('op', form) ?? 'add';
  const [result, setResult] = useState<SlaAddCheck | SlaBetweenCheck | null>(null);
  const run = async (v: CheckForm) => {
    const common = {
      calendar: v.calendar,
      from: beijing(v.from),
      ...(v.orgUnitId ? { orgUnitId: v.orgUnitId } : {}),
    };
    try {
      setResult(
        v.op === 'between'
          ? await ok(
              api.POST('/api/v1/sla/calendar-check/between', { body: { ...common, to: beijing(v.to!) } }),
            )
          : await ok(
              api.POST('/api/v1/sla/calendar-check/add', {
                body: { ...common, duration: (v.duration ?? '').trim() },
              }),
            ),
      );
    } catch (err) {
      actionError(err);
    }
  };
  const required = [{ required: true, message: t('validation.required') }];
  return (
    <Card title={t('sla.calendars.check.title')} data-testid="sla-calendar-check">
      <Typography.Paragraph type="secondary">{t('sla.calendars.check.subtitle')}</Typography.Paragraph>
      <Form<CheckForm>
        form={form}
        layout="vertical"
        name="sla-calendar-check"
        initialValues={{ op: 'add', calendar: 'cn-office' }}
        onFinish={(v) => void run(v)}
        style={{ maxWidth: 560 }}
      >
        <Form.Item name="op" label={t('sla.calendars.check.op')}>
          <Radio.Group
            optionType="button"
            options={[
              { value: 'add', label: t('sla.calendars.check.add') },
              { value: 'between', label: t('sla.calendars.check.between') },
            ]}
          />
        </Form.Item>
        <Form.Item name="calendar" label={t('sla.calendars.check.calendar')} rules={required}>
          <Select
            options={(calendars.data ?? []).map((c) => ({ value: c.code, label: `${c.code} · ${c.name}` }))}
          />
        </Form.Item>
        <Form.Item name="orgUnitId" label={t('sla.calendars.check.unit')}>
          <OrgUnitSelect units={units.data} allowClear />
        </Form.Item>
        <Form.Item name="from" label={t('sla.calendars.check.from')} rules={required}>
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} />
        </Form.Item>
        {op === 'between' ? (
          <Form.Item name="to" label={t('sla.calendars.check.to')} rules={required}>
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} />
          </Form.Item>
        ) : (
          <Form.Item name="duration" label={t('sla.calendars.check.duration')} rules={required}>
            <Input maxLength={16} placeholder={t('sla.calendars.check.durationExample')} />
          </Form.Item>
        )}
        <Button type="primary" htmlType="submit" data-testid="sla-calendar-check-run">
          {t('sla.calendars.check.run')}
        </Button>
      </Form>
      {result ? (
        <div style={{ marginTop: 16 }} data-testid="sla-calendar-check-result">
          {result.warnings.map((w) => (
            <Alert key={w} type="warning" showIcon style={{ marginBottom: 8 }} title={<Data>{w}</Data>} />
          ))}
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('sla.calendars.check.usedCalendar')}>
              <Data>{result.calendar}</Data>
            </Descriptions.Item>
            {'result' in result ? (
              <>
                <Descriptions.Item label={t('sla.calendars.check.countedFrom')}>
                  <Data>{result.countedFrom}</Data>
                </Descriptions.Item>
                <Descriptions.Item label={t('sla.calendars.check.result')}>
                  <Data>{result.result}</Data>
                </Descriptions.Item>
              </>
            ) : (
              <Descriptions.Item label={t('sla.calendars.check.workingTime')}>
                <Data>{result.workingTime}</Data>
              </Descriptions.Item>
            )}
          </Descriptions>
        </div>
      ) : null}
    </Card>
  );
}
