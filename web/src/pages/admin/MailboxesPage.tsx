import { App, Button, Form, Input, InputNumber, Select, Space, Switch, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client.ts';
import type { ChannelMailbox, MailboxImapChange } from '../../api/models.ts';
import { queryKeys, useApiMutation, useApiQuery, useListQuery } from '../../api/query.tsx';
import { Data } from '../../components/Data.tsx';
import { FormDialog } from '../../components/FormDialog.tsx';
import { ListPage } from '../../components/ListPage.tsx';
import { tDynamic } from '../../i18n/dynamic.ts';
import { usePrefs } from '../../i18n/PrefsProvider.tsx';
import { GatewaySettingsCard } from './GatewaySettings.tsx';
// The request kinds' names (the requests screens' texts).
import '../requests/texts.ts';

/** The environment variables an IMAP password may be named by (a name, not a text to translate). */
const IMAP_PASSWORD_VARIABLES = 'ONEPOINT_IMAP_PASSWORD_*';

const KINDS = [
  'consultation',
  'business_order',
  'fault',
  'complaint',
  'billing',
  'technical_support',
  'integration',
  'suggestion',
] as const;

/**
 * 邮箱设置: the addresses mail is taken for (→ request kind, intake user and unit), the IMAP
 * accounts some are read from with their last poll, and how notices go out (GatewaySettings.tsx:
 * the environment's settings or an administrator's, editable; secrets never sent to the console).
 * channels.admin.
 */
export default function MailboxesPage() {
  const { t } = useTranslation();
  const { fmt } = usePrefs();
  const { message } = App.useApp();
  const mailboxes = useListQuery(
    queryKeys.channelMailboxes,
    async (signal) => (await ok(api.GET('/api/v1/channel-mailboxes', { signal }))).items,
  );
  const [editing, setEditing] = useState<ChannelMailbox | null>(null);
  const [imapOf, setImapOf] = useState<ChannelMailbox | null>(null);
  const poll = useApiMutation(
    (address: string) =>
      ok(api.POST('/api/v1/channel-mailboxes/{address}/imap/poll', { params: { path: { address } } })),
    [queryKeys.channelMailboxes],
  );
  const remove = useApiMutation(
    (address: string) =>
      ok(api.DELETE('/api/v1/channel-mailboxes/{address}/imap', { params: { path: { address } } })),
    [queryKeys.channelMailboxes],
  );
  return (
    <ListPage<ChannelMailbox>
      testId="admin-mailboxes"
      title={t('admin.mailboxes.title')}
      subtitle={t('admin.mailboxes.subtitle')}
      list={mailboxes}
      table={{
        'data-testid': 'mailbox-table',
        rowKey: 'address',
        scroll: { x: 1000 },
        columns: [
          {
            title: t('admin.mailboxes.fields.address'),
            dataIndex: 'address',
            width: 200,
            render: (v: string) => <Data>{v}</Data>,
          },
          {
            title: t('admin.mailboxes.fields.kind'),
            dataIndex: 'kind',
            width: 110,
            render: (k: string) => tDynamic(t, `requests.kinds.${k}`, k),
          },
          {
            title: t('admin.mailboxes.fields.owner'),
            key: 'owner',
            width: 180,
            render: (_, m) => (
              <>
                <Data>{m.ownerName ?? m.ownerUserId}</Data>
                {m.unitName ? (
                  <Typography.Text type="secondary">
                    {' · '}
                    <Data>{m.unitName}</Data>
                  </Typography.Text>
                ) : null}
              </>
            ),
          },
          {
            title: t('admin.mailboxes.fields.active'),
            dataIndex: 'active',
            width: 80,
            render: (a: boolean) =>
              a ? <Tag color="green">{t('admin.mailboxes.on')}</Tag> : <Tag>{t('admin.mailboxes.off')}</Tag>,
          },
          {
            title: t('admin.mailboxes.fields.imap'),
            key: 'imap',
            render: (_, m) =>
              m.imap ? (
                <Space orientation="vertical" size={0} data-testid="mailbox-imap">
                  <Typography.Text>
                    <Data>{`${m.imap.username} @ ${m.imap.host}:${m.imap.port}`}</Data>{' '}
                    <Tag>{tDynamic(t, `admin.mailboxes.tls.${m.imap.tls}`, m.imap.tls)}</Tag>
                    {m.imap.active ? null : <Tag>{t('admin.mailboxes.off')}</Tag>}
                  </Typography.Text>
                  <Typography.Text type="secondary" data-testid="mailbox-imap-status">
                    {!m.imap.lastPollAt ? (
                      t('admin.mailboxes.neverPolled')
                    ) : m.imap.lastError ? (
                      <Typography.Text type="danger">
                        {t('admin.mailboxes.pollFailed', { time: fmt.dateTime(m.imap.lastPollAt) })}
                        <Data>{m.imap.lastError}</Data>
                      </Typography.Text>
                    ) : (
                      t('admin.mailboxes.polledOk', {
                        time: fmt.dateTime(m.imap.lastPollAt),
                        count: m.imap.lastTaken ?? 0,
                      })
                    )}
                  </Typography.Text>
                </Space>
              ) : (
                <Typography.Text type="secondary">{t('admin.mailboxes.smtpOnly')}</Typography.Text>
              ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            width: 260,
            render: (_, m) => (
              <Space size={0} wrap>
                <Button type="link" onClick={() => setEditing(m)} data-testid="mailbox-edit">
                  {t('admin.mailboxes.edit')}
                </Button>
                <Button type="link" onClick={() => setImapOf(m)} data-testid="mailbox-imap-edit">
                  {m.imap ? t('admin.mailboxes.editImap') : t('admin.mailboxes.addImap')}
                </Button>
                {m.imap ? (
                  <>
                    <Button
                      type="link"
                      loading={poll.isPending && poll.variables === m.address}
                      data-testid="mailbox-imap-poll"
                      onClick={() =>
                        poll.mutateAsync(m.address).then(
                          (r) =>
                            r.status === 'ok'
                              ? message.success(t('admin.mailboxes.pollDone', { count: r.taken }))
                              : message.warning(
                                  tDynamic(t, `admin.mailboxes.pollStatus.${r.status}`, r.status),
                                ),
                          () => undefined,
                        )
                      }
                    >
                      {t('admin.mailboxes.pollNow')}
                    </Button>
                    <Button
                      type="link"
                      danger
                      data-testid="mailbox-imap-remove"
                      onClick={() => void remove.mutateAsync(m.address).catch(() => undefined)}
                    >
                      {t('admin.mailboxes.removeImap')}
                    </Button>
                  </>
                ) : null}
              </Space>
            ),
          },
        ],
      }}
    >
      <GatewaySettingsCard />
      {editing ? <MailboxDialog mailbox={editing} onClose={() => setEditing(null)} /> : null}
      {imapOf ? <ImapDialog mailbox={imapOf} onClose={() => setImapOf(null)} /> : null}
    </ListPage>
  );
}

interface MailboxForm {
  kind: (typeof KINDS)[number];
  active: boolean;
}

function MailboxDialog({ mailbox: m, onClose }: { mailbox: ChannelMailbox; onClose: () => void }) {
  const { t } = useTranslation();
  const save = useApiMutation(
    (v: MailboxForm) =>
      ok(
        api.PUT('/api/v1/channel-mailboxes/{address}', {
          params: { path: { address: m.address } },
          body: { kind: v.kind, active: v.active, ownerUserId: m.ownerUserId },
        }),
      ),
    [queryKeys.channelMailboxes],
  );
  return (
    <FormDialog<MailboxForm>
      name="mailbox"
      testId="mailbox-modal"
      creating={false}
      title={
        <>
          {t('admin.mailboxes.editTitle')}
          <Data>{m.address}</Data>
        </>
      }
      initialValues={{ kind: m.kind as MailboxForm['kind'], active: m.active }}
      onClose={onClose}
      onSubmit={(v) => save.mutateAsync(v).then(() => undefined)}
      successMessage={t('common.saved')}
    >
      <Form.Item name="kind" label={t('admin.mailboxes.fields.kind')} rules={[{ required: true }]}>
        <Select
          data-testid="mailbox-kind"
          options={KINDS.map((k) => ({ value: k, label: tDynamic(t, `requests.kinds.${k}`, k) }))}
        />
      </Form.Item>
      <Form.Item name="active" label={t('admin.mailboxes.fields.active')} valuePropName="checked">
        <Switch />
      </Form.Item>
    </FormDialog>
  );
}

interface ImapForm {
  host: string;
  port: number;
  tls: MailboxImapChange['tls'];
  username: string;
  passwordFrom: 'stored' | 'env';
  password?: string;
  passwordEnv?: string;
  folder: string;
  afterStore: 'seen' | 'move';
  moveTo?: string;
  active: boolean;
}

function ImapDialog({ mailbox: m, onClose }: { mailbox: ChannelMailbox; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ImapForm>();
  const settings = useApiQuery(queryKeys.channelSettings, (signal) =>
    ok(api.GET('/api/v1/channel-settings', { signal })),
  );
  const passwordFrom = Form.useWatch('passwordFrom', form);
  const afterStore = Form.useWatch('afterStore', form);
  const save = useApiMutation(
    (v: ImapForm) => {
      const body: MailboxImapChange = {
        host: v.host.trim(),
        port: v.port,
        tls: v.tls,
        username: v.username.trim(),
        folder: v.folder.trim() || 'INBOX',
        afterStore: v.afterStore,
        active: v.active,
        ...(v.afterStore === 'move' && v.moveTo ? { moveTo: v.moveTo.trim() } : {}),
        ...(v.passwordFrom === 'env' && v.passwordEnv
          ? { passwordEnv: v.passwordEnv }
          : v.passwordFrom === 'stored' && v.password
            ? { password: v.password }
            : {}),
      };
      return ok(
        api.PUT('/api/v1/channel-mailboxes/{address}/imap', {
          params: { path: { address: m.address } },
          body,
        }),
      );
    },
    [queryKeys.channelMailboxes],
  );
  const i = m.imap;
  const required = [{ required: true, whitespace: true, message: t('validation.required') }];
  return (
    <FormDialog<ImapForm>
      name="mailbox-imap"
      form={form}
      testId="mailbox-imap-modal"
      creating={!i}
      title={
        <>
          {t('admin.mailboxes.imapTitle')}
          <Data>{m.address}</Data>
        </>
      }
      intro={<Typography.Paragraph type="secondary">{t('admin.mailboxes.imapIntro')}</Typography.Paragraph>}
      initialValues={{
        host: i?.host ?? '',
        port: i?.port ?? 993,
        tls: i?.tls ?? 'implicit',
        username: i?.username ?? m.address,
        passwordFrom: i?.password ?? 'stored',
        passwordEnv: i?.passwordEnv ?? undefined,
        folder: i?.folder ?? 'INBOX',
        afterStore: i?.afterStore ?? 'seen',
        moveTo: i?.moveTo ?? undefined,
        active: i?.active ?? true,
      }}
      onClose={onClose}
      onSubmit={(v) => save.mutateAsync(v).then(() => undefined)}
      successMessage={t('common.saved')}
    >
      <Form.Item name="host" label={t('admin.mailboxes.imap.host')} rules={required}>
        <Input maxLength={253} data-testid="imap-host" />
      </Form.Item>
      <Space>
        <Form.Item name="port" label={t('admin.mailboxes.imap.port')} rules={[{ required: true }]}>
          <InputNumber min={1} max={65535} controls={false} data-testid="imap-port" />
        </Form.Item>
        <Form.Item name="tls" label={t('admin.mailboxes.imap.tls')} rules={[{ required: true }]}>
          <Select
            style={{ width: 200 }}
            data-testid="imap-tls"
            options={(['implicit', 'starttls', 'none'] as const).map((v) => ({
              value: v,
              label: tDynamic(t, `admin.mailboxes.tls.${v}`, v),
            }))}
          />
        </Form.Item>
      </Space>
      <Form.Item name="username" label={t('admin.mailboxes.imap.username')} rules={required}>
        <Input maxLength={200} data-testid="imap-username" autoComplete="off" />
      </Form.Item>
      <Form.Item name="passwordFrom" label={t('admin.mailboxes.imap.passwordFrom')}>
        <Select
          options={[
            { value: 'stored', label: t('admin.mailboxes.imap.stored') },
            { value: 'env', label: t('admin.mailboxes.imap.env') },
          ]}
        />
      </Form.Item>
      {passwordFrom === 'env' ? (
        <Form.Item
          name="passwordEnv"
          label={t('admin.mailboxes.imap.passwordEnv')}
          rules={[{ required: true, message: t('validation.required') }]}
          extra={
            <>
              {t('admin.mailboxes.imap.passwordEnvHint')}
              <Data>{IMAP_PASSWORD_VARIABLES}</Data>
            </>
          }
        >
          <Select
            options={(settings.data?.imapPasswordVariables ?? []).map((v) => ({ value: v, label: v }))}
          />
        </Form.Item>
      ) : (
        <Form.Item
          name="password"
          label={t('admin.mailboxes.imap.password')}
          rules={i?.password === 'stored' ? [] : required}
          extra={
            i?.password === 'stored'
              ? t('admin.mailboxes.imap.passwordKept')
              : t('admin.mailboxes.imap.passwordHint')
          }
        >
          <Input.Password maxLength={500} autoComplete="new-password" data-testid="imap-password" />
        </Form.Item>
      )}
      <Form.Item name="folder" label={t('admin.mailboxes.imap.folder')}>
        <Input maxLength={200} />
      </Form.Item>
      <Form.Item name="afterStore" label={t('admin.mailboxes.imap.afterStore')}>
        <Select
          options={[
            { value: 'seen', label: t('admin.mailboxes.imap.markSeen') },
            { value: 'move', label: t('admin.mailboxes.imap.move') },
          ]}
        />
      </Form.Item>
      {afterStore === 'move' ? (
        <Form.Item name="moveTo" label={t('admin.mailboxes.imap.moveTo')} rules={required}>
          <Input maxLength={200} />
        </Form.Item>
      ) : null}
      <Form.Item name="active" label={t('admin.mailboxes.fields.active')} valuePropName="checked">
        <Switch />
      </Form.Item>
    </FormDialog>
  );
}
