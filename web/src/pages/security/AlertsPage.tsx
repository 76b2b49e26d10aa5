import { Button, Form, Input, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client.ts';
import { queryKeys, useApiMutation, useKeysetQuery } from '../../api/query.tsx';
import { useUser } from '../../auth/session.tsx';
import { FormDialog } from '../../components/FormDialog.tsx';
import { ListPage } from '../../components/ListPage.tsx';
import { usePrefs } from '../../i18n/PrefsProvider.tsx';
import { hasPermission } from '../../nav/workspaces.ts';
import type { AlertState, SecurityAlert } from './models.ts';
import { SecurityTabs } from './tabs.tsx';
import './texts.ts';

const STATES = ['open', 'acknowledged', 'closed'] as const;
const KINDS = ['search.misses', 'reveal.cap'] as const;
const STATE_COLOR: Record<AlertState, string | undefined> = {
  open: 'red',
  acknowledged: 'gold',
  closed: undefined,
};
const PAGE = 50;

/** 安全告警: alerts other modules raised; acknowledge or close each with a note. */
export default function AlertsPage() {
  const { t, i18n } = useTranslation();
  const { fmt } = usePrefs();
  const canManage = hasPermission(useUser(), 'security.alert.manage');
  const [state, setState] = useState<AlertState | undefined>('open');
  const [kind, setKind] = useState<string>();
  const [acting, setActing] = useState<{ alert: SecurityAlert; action: 'acknowledge' | 'close' }>();
  const list = useKeysetQuery(queryKeys.securityAlerts({ state, kind }), (cursor, signal) =>
    ok(
      api.GET('/api/v1/security/alerts', {
        params: {
          query: {
            limit: PAGE,
            ...(state ? { state } : {}),
            ...(kind ? { kind } : {}),
            ...(cursor ? { before: cursor } : {}),
          },
        },
        signal,
      }),
    ).then((p) => ({ items: p.items, nextCursor: p.nextBefore })),
  );
  // Kinds are `<area>.<what>`; their texts sit under `<area>_<what>` (a dot would nest the key).
  const kindLabel = (k: string) => {
    const key = `security.alerts.kinds.${k.replaceAll('.', '_')}`;
    return i18n.exists(key) ? t(key as 'security.alerts.kinds.reveal_cap') : k;
  };

  return (
    <ListPage<SecurityAlert>
      testId="security-alerts"
      title={t('security.title')}
      subtitle={t('security.subtitle')}
      list={list}
      header={<SecurityTabs />}
      toolbar={
        <>
          <Select
            allowClear
            placeholder={t('security.alerts.filters.state')}
            style={{ width: 160 }}
            value={state}
            onChange={(v?: AlertState) => setState(v)}
            options={STATES.map((s) => ({ value: s, label: t(`security.alerts.states.${s}`) }))}
            data-testid="alert-state-filter"
          />
          <Select
            allowClear
            placeholder={t('security.alerts.filters.kind')}
            style={{ width: 260 }}
            value={kind}
            onChange={(v?: string) => setKind(v)}
            options={KINDS.map((k) => ({ value: k, label: kindLabel(k) }))}
          />
        </>
      }
      emptyText={t('security.alerts.empty')}
      table={{
        'data-testid': 'alert-table',
        rowKey: 'id',
        scroll: { x: 960 },
        columns: [
          {
            title: t('security.alerts.fields.lastAt'),
            dataIndex: 'lastAt',
            width: 170,
            render: (v: string) => fmt.dateTime(v),
          },
          {
            title: t('security.alerts.fields.kind'),
            dataIndex: 'kind',
            render: (k: string) => kindLabel(k),
          },
          {
            title: t('security.alerts.fields.user'),
            dataIndex: 'user',
            width: 120,
            render: (u: SecurityAlert['user']) => u?.name || t('common.none'),
          },
          { title: t('security.alerts.fields.summary'), dataIndex: 'summary' },
          { title: t('security.alerts.fields.occurrences'), dataIndex: 'occurrences', width: 70 },
          {
            title: t('security.alerts.fields.state'),
            dataIndex: 'state',
            width: 90,
            render: (s: AlertState) => <Tag color={STATE_COLOR[s]}>{t(`security.alerts.states.${s}`)}</Tag>,
          },
          {
            title: t('security.alerts.fields.handled'),
            key: 'handled',
            render: (_, a) => {
              const note = a.closeNote ?? a.acknowledgeNote;
              const who = a.closedBy ?? a.acknowledgedBy;
              const at = a.closedAt ?? a.acknowledgedAt;
              return note ? (
                <Space orientation="vertical" size={0}>
                  <span>{note}</span>
                  <Typography.Text type="secondary">
                    {t('security.alerts.by', { name: who?.name ?? '', time: fmt.dateTime(at) })}
                  </Typography.Text>
                </Space>
              ) : (
                t('common.none')
              );
            },
          },
          ...(canManage
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  fixed: 'right' as const,
                  width: 150,
                  render: (_: unknown, a: SecurityAlert) => (
                    <Space size={0}>
                      {a.state === 'open' ? (
                        <Button
                          type="link"
                          onClick={() => setActing({ alert: a, action: 'acknowledge' })}
                          data-testid={`alert-ack-${a.id}`}
                        >
                          {t('security.alerts.acknowledge')}
                        </Button>
                      ) : null}
                      {a.state !== 'closed' ? (
                        <Button
                          type="link"
                          onClick={() => setActing({ alert: a, action: 'close' })}
                          data-testid={`alert-close-${a.id}`}
                        >
                          {t('security.alerts.close')}
                        </Button>
                      ) : null}
                    </Space>
                  ),
                },
              ]
            : []),
        ],
      }}
    >
      {acting ? <AlertNoteDialog {...acting} onClose={() => setActing(undefined)} /> : null}
    </ListPage>
  );
}

/** Acknowledge or close an alert, with a note (audited); the version guards a concurrent change. */
function AlertNoteDialog(props: {
  alert: SecurityAlert;
  action: 'acknowledge' | 'close';
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const acknowledge = props.action === 'acknowledge';
  const act = useApiMutation(
    async ({ note }: { note: string }) => {
      const body = { note: note.trim(), version: props.alert.version };
      const params = { path: { id: props.alert.id } };
      if (acknowledge) await ok(api.POST('/api/v1/security/alerts/{id}/acknowledge', { params, body }));
      else await ok(api.POST('/api/v1/security/alerts/{id}/close', { params, body }));
    },
    [queryKeys.allSecurityAlerts],
  );
  return (
    <FormDialog<{ note: string }>
      name="alert-note"
      testId="alert-note-modal"
      title={t(acknowledge ? 'security.alerts.acknowledge' : 'security.alerts.close')}
      okText={t('common.submit')}
      intro={<Typography.Paragraph type="secondary">{props.alert.summary}</Typography.Paragraph>}
      onClose={props.onClose}
      onSubmit={(v) => act.mutateAsync(v)}
      successMessage={t(acknowledge ? 'security.alerts.acknowledged' : 'security.alerts.closed')}
      conflictReloads={[queryKeys.allSecurityAlerts]}
    >
      <Form.Item
        name="note"
        label={t(acknowledge ? 'security.alerts.noteAcknowledge' : 'security.alerts.noteClose')}
        rules={[{ required: true, whitespace: true, max: 2000, message: t('validation.required') }]}
      >
        <Input.TextArea
          rows={3}
          placeholder={t('security.alerts.notePlaceholder')}
          data-testid="alert-note"
        />
      </Form.Item>
    </FormDialog>
  );
}
