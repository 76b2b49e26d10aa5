import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Select,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client.ts';
import { isVersionConflict } from '../../api/errors.ts';
import type {
  ChannelSettings,
  GatewayCheck,
  MailOutChange,
  MailOutSettings,
  SmsSettings,
  SmsSettingsChange,
} from '../../api/models.ts';
import { queryKeys, useApiMutation, useApiQuery, useInvalidate } from '../../api/query.tsx';
import { Data } from '../../components/Data.tsx';
import { useActionError } from '../../components/errors.tsx';
import { FormDialog, useFormSubmit } from '../../components/FormDialog.tsx';
import { tDynamic } from '../../i18n/dynamic.ts';
import { usePrefs } from '../../i18n/PrefsProvider.tsx';

const TLS_MODES = ['implicit', 'starttls', 'opportunistic'] as const;
// What the server takes as a From: an address, or a name and <address> (no line breaks).
const MAILBOX = /^([^\r\n\t<>]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/;
/** An example From (data, not words to translate). */
const FROM_EXAMPLE = 'onepoint <noreply@example.cn>';
const GATEWAY_URL = /^https?:\/\/[^\s/?#@]+(\/[^\s?#]*)?$/;
const MOBILE = /^(\+?86)?1\d{10}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

type Dialog = 'mail' | 'sms' | 'mail-test' | 'sms-test' | null;

/**
 * 发送与接收设置: how mail and SMS/voice go out — the environment's settings or an administrator's,
 * said for each gateway — edited here (secrets write-only), tried with a test message, or reset to
 * the environment; and how mail comes in (environment only, read-only). channels.admin.
 */
export function GatewaySettingsCard() {
  const { t } = useTranslation();
  const settings = useApiQuery(queryKeys.channelSettings, (signal) =>
    ok(api.GET('/api/v1/channel-settings', { signal })),
  );
  const [dialog, setDialog] = useState<Dialog>(null);
  const s: ChannelSettings | undefined = settings.data;
  const none = t('admin.mailboxes.notSet');
  return (
    <Card
      title={t('admin.mailboxes.settings.title')}
      loading={!s}
      style={{ marginTop: 16 }}
      data-testid="channel-settings"
    >
      <Typography.Paragraph type="secondary">{t('admin.mailboxes.settings.intro')}</Typography.Paragraph>
      {s ? (
        <Space orientation="vertical" size="large" style={{ width: '100%' }}>
          <MailOutSection
            m={s.mailOut}
            onEdit={() => setDialog('mail')}
            onTest={() => setDialog('mail-test')}
          />
          <SmsSection sms={s.sms} onEdit={() => setDialog('sms')} onTest={() => setDialog('sms-test')} />
          <Descriptions
            title={t('admin.mailboxes.settings.receiving')}
            column={1}
            size="small"
            bordered
            data-testid="channel-settings-receiving"
          >
            <Descriptions.Item label={t('admin.mailboxes.settings.listener')}>
              {s.smtpListen ? <Data>{s.smtpListen}</Data> : t('admin.mailboxes.settings.listenerOff')}
            </Descriptions.Item>
            <Descriptions.Item label={t('admin.mailboxes.settings.imapPoll')}>
              {t('admin.mailboxes.settings.seconds', { count: s.imapPollSeconds })}
            </Descriptions.Item>
            <Descriptions.Item label={t('admin.mailboxes.settings.passwordVariables')}>
              {s.imapPasswordVariables.length ? <Data>{s.imapPasswordVariables.join(', ')}</Data> : none}
            </Descriptions.Item>
          </Descriptions>
        </Space>
      ) : null}
      {s && dialog === 'mail' ? <MailOutDialog m={s.mailOut} onClose={() => setDialog(null)} /> : null}
      {s && dialog === 'sms' ? <SmsDialog sms={s.sms} onClose={() => setDialog(null)} /> : null}
      {dialog === 'mail-test' || dialog === 'sms-test' ? (
        <TestDialog kind={dialog === 'mail-test' ? 'mail' : 'sms'} onClose={() => setDialog(null)} />
      ) : null}
    </Card>
  );
}

/** Where a gateway's settings come from, and who saved or reset them when. */
function SourceLine({
  g,
}: {
  g: { source: 'environment' | 'stored'; updatedAt: string | null; updatedBy: string | null };
}) {
  const { t } = useTranslation();
  const { fmt } = usePrefs();
  return (
    <span data-testid="gateway-source">
      <Tag color={g.source === 'stored' ? 'green' : 'blue'}>
        {tDynamic(t, `admin.mailboxes.settings.sources.${g.source}`, g.source)}
      </Tag>
      {g.updatedAt && g.updatedBy ? (
        <Typography.Text type="secondary">
          {t(
            g.source === 'stored' ? 'admin.mailboxes.settings.savedBy' : 'admin.mailboxes.settings.resetBy',
            {
              time: fmt.dateTime(g.updatedAt),
            },
          )}
          <Data>{g.updatedBy}</Data>
        </Typography.Text>
      ) : null}
    </span>
  );
}

/** Reset to the environment (only when an administrator's settings apply), with the version read. */
function ResetButton({ gateway, version }: { gateway: 'mail-out' | 'sms'; version: number }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const actionError = useActionError();
  const invalidate = useInvalidate();
  const reset = useApiMutation(async () => {
    // The version read: a reset over someone's newer save is refused (409), not made blindly.
    const headers = { 'If-Match': `"${version}"` };
    if (gateway === 'mail-out') await ok(api.DELETE('/api/v1/channel-settings/mail-out', { headers }));
    else await ok(api.DELETE('/api/v1/channel-settings/sms', { headers }));
  }, [queryKeys.channelSettings]);
  return (
    <Popconfirm
      title={t('admin.mailboxes.settings.resetConfirm')}
      okText={t('admin.mailboxes.settings.reset')}
      cancelText={t('common.cancel')}
      onConfirm={() =>
        reset.mutateAsync(undefined).then(
          () => void message.success(t('admin.mailboxes.settings.resetDone')),
          (err: unknown) => {
            if (isVersionConflict(err)) {
              void message.warning(t('common.conflict'));
              void invalidate(queryKeys.channelSettings);
            } else actionError(err);
          },
        )
      }
    >
      <Button danger loading={reset.isPending} data-testid={`${gateway}-reset`}>
        {t('admin.mailboxes.settings.reset')}
      </Button>
    </Popconfirm>
  );
}

/** A secret's state only: "set (not shown)" or "not set". */
function SecretState({ state }: { state: 'set' | 'not_set' }) {
  const { t } = useTranslation();
  return state === 'set'
    ? t('admin.mailboxes.settings.secretSet')
    : t('admin.mailboxes.settings.secretNotSet');
}

function MailOutSection({
  m,
  onEdit,
  onTest,
}: {
  m: MailOutSettings;
  onEdit: () => void;
  onTest: () => void;
}) {
  const { t } = useTranslation();
  const server = (g: {
    configured: boolean;
    host: string | null;
    port: number | null;
    tls: MailOutSettings['tls'];
  }) =>
    g.configured ? (
      <>
        <Data>{`${g.host}:${g.port}`}</Data>{' '}
        {g.tls ? <Tag>{tDynamic(t, `admin.mailboxes.settings.tlsModes.${g.tls}`, g.tls)}</Tag> : null}
      </>
    ) : (
      <Typography.Text type="warning">{t('admin.mailboxes.settings.mailOutOff')}</Typography.Text>
    );
  return (
    <Descriptions
      title={t('admin.mailboxes.settings.mailOut')}
      column={1}
      size="small"
      bordered
      data-testid="mail-out-settings"
      extra={
        <Space wrap>
          <Button type="primary" onClick={onEdit} data-testid="mail-out-edit">
            {t('admin.mailboxes.settings.edit')}
          </Button>
          <Button onClick={onTest} data-testid="mail-out-test">
            {t('admin.mailboxes.settings.test')}
          </Button>
          {m.source === 'stored' ? <ResetButton gateway="mail-out" version={m.version} /> : null}
        </Space>
      }
    >
      <Descriptions.Item label={t('admin.mailboxes.settings.source')}>
        <SourceLine g={m} />
      </Descriptions.Item>
      <Descriptions.Item label={t('admin.mailboxes.settings.server')}>
        <span data-testid="channel-settings-mail-out">{server(m)}</span>
      </Descriptions.Item>
      {m.configured ? (
        <>
          <Descriptions.Item label={t('admin.mailboxes.settings.username')}>
            {m.username ? <Data>{m.username}</Data> : t('admin.mailboxes.settings.noLogin')}
          </Descriptions.Item>
          {m.username ? (
            <Descriptions.Item label={t('admin.mailboxes.settings.password')}>
              <span data-testid="mail-out-password">
                <SecretState state={m.password} />
              </span>
            </Descriptions.Item>
          ) : null}
        </>
      ) : null}
      <Descriptions.Item label={t('admin.mailboxes.settings.mailFrom')}>
        <span data-testid="mail-out-from">
          <Data>{m.from}</Data>
        </span>
      </Descriptions.Item>
      {m.source === 'stored' ? (
        <Descriptions.Item label={t('admin.mailboxes.settings.environmentSays')}>
          {server(m.environment)}
          {' · '}
          <Data>{m.environment.from}</Data>
        </Descriptions.Item>
      ) : null}
    </Descriptions>
  );
}

function SmsSection({ sms, onEdit, onTest }: { sms: SmsSettings; onEdit: () => void; onTest: () => void }) {
  const { t } = useTranslation();
  const driver = (g: { driver: SmsSettings['driver']; url: string | null }) => (
    <>
      {tDynamic(t, `admin.mailboxes.settings.drivers.${g.driver}`, g.driver)}
      {g.url ? (
        <>
          {' · '}
          <Data>{g.url}</Data>
        </>
      ) : null}
    </>
  );
  return (
    <Descriptions
      title={t('admin.mailboxes.settings.sms')}
      column={1}
      size="small"
      bordered
      data-testid="sms-settings"
      extra={
        <Space wrap>
          <Button type="primary" onClick={onEdit} data-testid="sms-edit">
            {t('admin.mailboxes.settings.edit')}
          </Button>
          <Button onClick={onTest} data-testid="sms-test">
            {t('admin.mailboxes.settings.test')}
          </Button>
          {sms.source === 'stored' ? <ResetButton gateway="sms" version={sms.version} /> : null}
        </Space>
      }
    >
      <Descriptions.Item label={t('admin.mailboxes.settings.source')}>
        <SourceLine g={sms} />
      </Descriptions.Item>
      <Descriptions.Item label={t('admin.mailboxes.settings.driver')}>
        <span data-testid="channel-settings-sms">{driver(sms)}</span>
      </Descriptions.Item>
      <Descriptions.Item label={t('admin.mailboxes.settings.key')}>
        <span data-testid="sms-key">
          <SecretState state={sms.key} />
        </span>
      </Descriptions.Item>
      <Descriptions.Item label={t('admin.mailboxes.settings.signName')}>
        <span data-testid="sms-sign-name">
          <Data>{sms.signName}</Data>
        </span>
      </Descriptions.Item>
      {sms.source === 'stored' ? (
        <Descriptions.Item label={t('admin.mailboxes.settings.environmentSays')}>
          {driver(sms.environment)}
          {' · '}
          <Data>{sms.environment.signName}</Data>
        </Descriptions.Item>
      ) : null}
    </Descriptions>
  );
}

interface MailForm {
  host: string;
  port: number;
  tls: (typeof TLS_MODES)[number];
  username?: string;
  password?: string;
  from: string;
}

/** Where a saved password goes: it is kept only for the same server and user (as the server rules). */
const mailPlace = (host: string | null | undefined, username: string | null | undefined) =>
  `${(host ?? '').trim().toLowerCase()}|${(username ?? '').trim()}`;

function MailOutDialog({ m, onClose }: { m: MailOutSettings; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<MailForm>();
  const host = Form.useWatch('host', form);
  const username = Form.useWatch('username', form);
  const save = useApiMutation(
    (v: MailForm) => {
      const login = v.username?.trim() || null;
      const body: MailOutChange = {
        host: v.host.trim(),
        port: v.port,
        tls: v.tls,
        username: login,
        from: v.from.trim(),
        version: m.version,
        // Left out: the password in use is kept (the server keeps it only for the same host and user).
        ...(login && v.password ? { password: v.password } : {}),
      };
      return ok(api.PUT('/api/v1/channel-settings/mail-out', { body }));
    },
    [queryKeys.channelSettings],
  );
  // The password in use goes on only to the server and user it was given for.
  const kept = m.password === 'set' && mailPlace(m.host, m.username) === mailPlace(host, username);
  const required = [{ required: true, whitespace: true, message: t('validation.required') }];
  const d = 'admin.mailboxes.settings.mailDialog';
  return (
    <FormDialog<MailForm>
      name="mail-out"
      form={form}
      testId="mail-out-modal"
      title={t(`${d}.title`)}
      intro={<Typography.Paragraph type="secondary">{t(`${d}.intro`)}</Typography.Paragraph>}
      initialValues={{
        host: m.host ?? '',
        port: m.port ?? 587,
        tls: m.tls ?? 'starttls',
        username: m.username ?? '',
        from: m.from,
      }}
      onClose={onClose}
      onSubmit={(v) => save.mutateAsync(v).then(() => undefined)}
      successMessage={t('common.saved')}
      conflictReloads={[queryKeys.channelSettings]}
    >
      <Form.Item name="host" label={t(`${d}.host`)} rules={required}>
        <Input maxLength={253} data-testid="mail-out-host" autoComplete="off" />
      </Form.Item>
      <Space>
        <Form.Item
          name="port"
          label={t(`${d}.port`)}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <InputNumber min={1} max={65535} controls={false} data-testid="mail-out-port" />
        </Form.Item>
        <Form.Item name="tls" label={t(`${d}.tls`)} rules={[{ required: true }]}>
          <Select
            style={{ width: 260 }}
            data-testid="mail-out-tls"
            options={TLS_MODES.map((v) => ({
              value: v,
              label: tDynamic(t, `admin.mailboxes.settings.tlsModes.${v}`, v),
            }))}
          />
        </Form.Item>
      </Space>
      <Form.Item name="username" label={t(`${d}.username`)} extra={t(`${d}.usernameHint`)}>
        <Input maxLength={200} data-testid="mail-out-username" autoComplete="off" />
      </Form.Item>
      {username?.trim() ? (
        <Form.Item
          name="password"
          label={t(`${d}.password`)}
          rules={
            kept
              ? []
              : [
                  {
                    required: true,
                    message: m.password === 'set' ? t(`${d}.passwordAgain`) : t('validation.required'),
                  },
                ]
          }
          extra={kept ? t(`${d}.passwordKept`) : t(`${d}.passwordHint`)}
        >
          <Input.Password maxLength={500} autoComplete="new-password" data-testid="mail-out-password-input" />
        </Form.Item>
      ) : null}
      <Form.Item
        name="from"
        label={t(`${d}.from`)}
        extra={
          <>
            {t(`${d}.fromHint`)}
            <Data>{FROM_EXAMPLE}</Data>
          </>
        }
        rules={[...required, { pattern: MAILBOX, message: t(`${d}.fromInvalid`) }]}
      >
        <Input maxLength={200} data-testid="mail-out-from-input" />
      </Form.Item>
    </FormDialog>
  );
}

interface SmsForm {
  driver: SmsSettings['driver'];
  url?: string;
  key?: string;
  signName: string;
}

const originOf = (url: string | null | undefined) => {
  try {
    return url ? new URL(url.trim()).origin : null;
  } catch {
    return 'invalid';
  }
};

function SmsDialog({ sms, onClose }: { sms: SmsSettings; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<SmsForm>();
  const driver = Form.useWatch('driver', form);
  const url = Form.useWatch('url', form);
  const save = useApiMutation(
    (v: SmsForm) => {
      const body: SmsSettingsChange = {
        driver: v.driver,
        url: v.url?.trim() || null,
        signName: v.signName.trim(),
        version: sms.version,
        // Left out: the key in use is kept (while the gateway's origin stays the same).
        ...(v.key ? { key: v.key } : {}),
      };
      return ok(api.PUT('/api/v1/channel-settings/sms', { body }));
    },
    [queryKeys.channelSettings],
  );
  const nextOrigin = originOf(url);
  const kept = sms.key === 'set' && (nextOrigin === null || nextOrigin === originOf(sms.url));
  const d = 'admin.mailboxes.settings.smsDialog';
  const http = driver === 'http';
  return (
    <FormDialog<SmsForm>
      name="sms-settings"
      form={form}
      testId="sms-modal"
      title={t(`${d}.title`)}
      intro={<Typography.Paragraph type="secondary">{t(`${d}.intro`)}</Typography.Paragraph>}
      initialValues={{ driver: sms.driver, url: sms.url ?? '', signName: sms.signName }}
      onClose={onClose}
      onSubmit={(v) => save.mutateAsync(v).then(() => undefined)}
      successMessage={t('common.saved')}
      conflictReloads={[queryKeys.channelSettings]}
    >
      <Form.Item name="driver" label={t('admin.mailboxes.settings.driver')} rules={[{ required: true }]}>
        <Select
          data-testid="sms-driver"
          options={(['simulator', 'http'] as const).map((v) => ({
            value: v,
            label: tDynamic(t, `admin.mailboxes.settings.drivers.${v}`, v),
          }))}
        />
      </Form.Item>
      <Form.Item
        name="url"
        label={t(`${d}.url`)}
        extra={t(`${d}.urlHint`)}
        rules={[
          { required: http, whitespace: true, message: t('validation.required') },
          { pattern: GATEWAY_URL, message: t(`${d}.urlInvalid`) },
        ]}
      >
        <Input maxLength={2000} data-testid="sms-url" autoComplete="off" />
      </Form.Item>
      <Form.Item
        name="key"
        label={t('admin.mailboxes.settings.key')}
        extra={kept ? t(`${d}.keyKept`) : t(`${d}.keyHint`)}
        rules={[
          {
            required: http && !kept,
            message: sms.key === 'set' ? t(`${d}.keyAgain`) : t('validation.required'),
          },
          { min: 16, message: t(`${d}.keyShort`) },
        ]}
      >
        <Input.Password maxLength={500} autoComplete="new-password" data-testid="sms-key-input" />
      </Form.Item>
      <Form.Item
        name="signName"
        label={t('admin.mailboxes.settings.signName')}
        rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
      >
        <Input maxLength={20} data-testid="sms-sign-name-input" />
      </Form.Item>
    </FormDialog>
  );
}

interface TestForm {
  to: string;
  channel?: 'sms' | 'voice';
  templateId?: string;
}

/** Sends one test message through the settings in force and shows what happened, as it happened. */
function TestDialog({ kind, onClose }: { kind: 'mail' | 'sms'; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<TestForm>();
  const [result, setResult] = useState<GatewayCheck | null>(null);
  const { saving, submit } = useFormSubmit(form, async (v: TestForm) => {
    setResult(null);
    setResult(
      kind === 'mail'
        ? await ok(api.POST('/api/v1/channel-settings/mail-out/test', { body: { to: v.to.trim() } }))
        : await ok(
            api.POST('/api/v1/channel-settings/sms/test', {
              body: {
                to: v.to.trim(),
                channel: v.channel ?? 'sms',
                ...(v.templateId?.trim() ? { templateId: v.templateId.trim() } : {}),
              },
            }),
          ),
    );
  });
  const d = 'admin.mailboxes.settings.testDialog';
  return (
    <Modal
      open
      title={t(kind === 'mail' ? `${d}.mailTitle` : `${d}.smsTitle`)}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t(`${d}.send`)}
      cancelText={t('common.close')}
      confirmLoading={saving}
      destroyOnHidden
      data-testid="gateway-test-modal"
    >
      <Typography.Paragraph type="secondary">
        {t(kind === 'mail' ? `${d}.mailIntro` : `${d}.smsIntro`)}
      </Typography.Paragraph>
      <Form<TestForm>
        layout="vertical"
        form={form}
        name="gateway-test"
        initialValues={{ channel: 'sms' }}
        onFinish={(v) => void submit(v)}
      >
        <Form.Item
          name="to"
          label={t(kind === 'mail' ? `${d}.to` : `${d}.phone`)}
          rules={[
            { required: true, whitespace: true, message: t('validation.required') },
            kind === 'mail'
              ? { pattern: EMAIL, message: t(`${d}.emailInvalid`) }
              : { pattern: MOBILE, message: t(`${d}.phoneInvalid`) },
          ]}
        >
          <Input maxLength={200} data-testid="gateway-test-to" autoComplete="off" />
        </Form.Item>
        {kind === 'sms' ? (
          <Space>
            <Form.Item name="channel" label={t(`${d}.channel`)}>
              <Select
                style={{ width: 120 }}
                options={(['sms', 'voice'] as const).map((v) => ({
                  value: v,
                  label: tDynamic(t, `notices.channels.${v}`, v),
                }))}
              />
            </Form.Item>
            <Form.Item name="templateId" label={t(`${d}.templateId`)}>
              <Input maxLength={64} />
            </Form.Item>
          </Space>
        ) : null}
      </Form>
      {result ? <TestResult r={result} /> : null}
    </Modal>
  );
}

function TestResult({ r }: { r: GatewayCheck }) {
  const { t } = useTranslation();
  const d = 'admin.mailboxes.settings.testDialog';
  const used = t(`${d}.used`, {
    source: tDynamic(t, `admin.mailboxes.settings.sources.${r.source}`, r.source),
    ms: r.durationMs,
  });
  if (r.outcome === 'failed')
    return (
      <Alert
        type="error"
        showIcon
        data-testid="gateway-test-result"
        title={t(`${d}.failed`)}
        description={
          <>
            <Data>{r.error}</Data>
            <div>{used}</div>
          </>
        }
      />
    );
  return (
    <Alert
      type={r.outcome === 'sent' ? 'success' : 'info'}
      showIcon
      data-testid="gateway-test-result"
      title={r.outcome === 'sent' ? t(`${d}.sent`) : t(`${d}.recorded`)}
      description={
        <>
          {r.outcome === 'sent' ? <div>{t(`${d}.sentHint`)}</div> : null}
          {r.providerId ? (
            <div>
              {t(`${d}.providerId`)}
              <Data>{r.providerId}</Data>
            </div>
          ) : null}
          <div>{used}</div>
        </>
      }
    />
  );
}
