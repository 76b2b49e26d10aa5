import { Alert, App, Button, Descriptions, Form, Input, Modal, Segmented, Spin, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client.ts';
import { useUser } from '../auth/session.tsx';
import { usePrefs } from '../i18n/PrefsProvider.tsx';
import { CodeForm, MfaEnrolment, useMfaErrorText } from './MfaEnrolment.tsx';
import { RECOVERY_CODES_LOW, RecoveryCodesShown } from './RecoveryCodes.tsx';

interface Status {
  enrolled: boolean;
  enrolledAt: string | null;
  required: boolean;
  recoveryCodesLeft: number;
}

/**
 * The signed-in user's second factor: whether it is on, turning it on, the recovery codes left and
 * making new ones (user menu).
 */
export function MfaModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  // destroyOnHidden: every opening starts afresh.
  return (
    <Modal open={open} title={t('auth.mfa.menu')} onCancel={onClose} footer={null} destroyOnHidden>
      <MfaSettings />
    </Modal>
  );
}

function MfaSettings() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { fmt } = usePrefs();
  const mfaErrorText = useMfaErrorText();
  const { login } = useUser();
  const [status, setStatus] = useState<Status>();
  const [enrolling, setEnrolling] = useState(false);
  const [regenerating, setRegenerating] = useState(false);
  /** Codes just made: shown this once, until the user says they are kept. */
  const [codes, setCodes] = useState<string[]>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    ok(api.GET('/api/v1/auth/mfa')).then(setStatus, (err: unknown) => setError(mfaErrorText(err).text));
  }, [mfaErrorText]);

  const start = useCallback(() => ok(api.POST('/api/v1/auth/mfa/enrolment', { body: {} })), []);
  const onError = useCallback((err: unknown) => setError(mfaErrorText(err).text), [mfaErrorText]);
  const confirm = async (code: string) => {
    setError(undefined);
    try {
      const made = await ok(api.POST('/api/v1/auth/mfa/enrolment/confirm', { body: { code } }));
      void message.success(t('auth.mfa.done'));
      setEnrolling(false);
      setCodes(made.recoveryCodes);
      setStatus(await ok(api.GET('/api/v1/auth/mfa')));
    } catch (err) {
      onError(err);
    }
  };

  const regenerate = async (proof: { code: string } | { password: string }) => {
    setError(undefined);
    try {
      const made = await ok(api.POST('/api/v1/auth/mfa/recovery-codes', { body: proof }));
      setRegenerating(false);
      setCodes(made.recoveryCodes);
      setStatus(await ok(api.GET('/api/v1/auth/mfa')));
    } catch (err) {
      onError(err);
    }
  };

  if (codes)
    return (
      <RecoveryCodesShown
        codes={codes}
        login={login}
        onDone={() => setCodes(undefined)}
        doneText={t('auth.mfa.recovery.kept')}
      />
    );

  const low = status?.enrolled && status.recoveryCodesLeft <= RECOVERY_CODES_LOW;
  return (
    <>
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
      {!status ? (
        error ? null : (
          <Spin />
        )
      ) : (
        <>
          <Descriptions column={1} size="small" style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('auth.mfa.status')}>
              <span data-testid="mfa-status">
                {status.enrolled
                  ? t('auth.mfa.enrolled', { time: fmt.dateTime(status.enrolledAt) })
                  : t('auth.mfa.notEnrolled')}
              </span>
            </Descriptions.Item>
            {status.enrolled ? (
              <Descriptions.Item label={t('auth.mfa.recovery.left')}>
                <span data-testid="mfa-recovery-left">{status.recoveryCodesLeft}</span>
              </Descriptions.Item>
            ) : null}
          </Descriptions>
          {low ? (
            <Alert
              type="warning"
              showIcon
              title={
                status.recoveryCodesLeft === 0
                  ? t('auth.mfa.recovery.noneLeft')
                  : t('auth.mfa.recovery.fewLeft', { count: status.recoveryCodesLeft })
              }
              style={{ marginBottom: 16 }}
              data-testid="mfa-recovery-low"
            />
          ) : null}
          <Typography.Paragraph type="secondary">
            {status.enrolled
              ? t('auth.mfa.resetHint')
              : status.required
                ? t('auth.mfa.required')
                : t('auth.mfa.optional')}
          </Typography.Paragraph>
          {!status.enrolled && !enrolling ? (
            <Button type="primary" onClick={() => setEnrolling(true)}>
              {t('auth.mfa.start')}
            </Button>
          ) : null}
          {enrolling ? <MfaEnrolment start={start} confirm={confirm} onError={onError} /> : null}
          {status.enrolled && !regenerating ? (
            <Button type={low ? 'primary' : 'default'} onClick={() => setRegenerating(true)}>
              {t('auth.mfa.recovery.regenerate')}
            </Button>
          ) : null}
          {status.enrolled && regenerating ? <RegenerateForm onSubmit={regenerate} /> : null}
        </>
      )}
    </>
  );
}

/** Proof for new recovery codes: a current code from the app, or the password. */
function RegenerateForm({
  onSubmit,
}: {
  onSubmit: (proof: { code: string } | { password: string }) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [by, setBy] = useState<'code' | 'password'>('code');
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ password: string }>();
  const submitPassword = async ({ password }: { password: string }) => {
    setBusy(true);
    try {
      await onSubmit({ password });
    } finally {
      setBusy(false);
      form.resetFields();
    }
  };
  return (
    <div data-testid="mfa-regenerate">
      <Typography.Paragraph>{t('auth.mfa.recovery.regenerateIntro')}</Typography.Paragraph>
      <Segmented
        block
        value={by}
        onChange={setBy}
        options={[
          { value: 'code', label: t('auth.mfa.recovery.byCode') },
          { value: 'password', label: t('auth.mfa.recovery.byPassword') },
        ]}
        style={{ marginBottom: 16 }}
      />
      {by === 'code' ? (
        <CodeForm onSubmit={(code) => onSubmit({ code })} submitText={t('auth.mfa.recovery.regenerate')} />
      ) : (
        <Form
          form={form}
          layout="vertical"
          onFinish={submitPassword}
          requiredMark={false}
          disabled={busy}
          name="mfa-password"
        >
          <Form.Item
            name="password"
            label={t('auth.password')}
            rules={[{ required: true, message: t('validation.required') }]}
          >
            <Input.Password autoComplete="current-password" data-testid="mfa-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('auth.mfa.recovery.regenerate')}
          </Button>
        </Form>
      )}
    </div>
  );
}
