import { Alert, App, Button, Descriptions, Modal, Spin, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client.ts';
import { usePrefs } from '../i18n/PrefsProvider.tsx';
import { MfaEnrolment, useMfaErrorText } from './MfaEnrolment.tsx';

interface Status {
  enrolled: boolean;
  enrolledAt: string | null;
  required: boolean;
}

/** The signed-in user's second factor: whether it is on, and turning it on (user menu). */
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
  const [status, setStatus] = useState<Status>();
  const [enrolling, setEnrolling] = useState(false);
  const [error, setError] = useState<string>();

  useEffect(() => {
    ok(api.GET('/api/v1/auth/mfa')).then(setStatus, (err: unknown) => setError(mfaErrorText(err).text));
  }, [mfaErrorText]);

  const start = useCallback(() => ok(api.POST('/api/v1/auth/mfa/enrolment')), []);
  const onError = useCallback((err: unknown) => setError(mfaErrorText(err).text), [mfaErrorText]);
  const confirm = async (code: string) => {
    setError(undefined);
    try {
      await ok(api.POST('/api/v1/auth/mfa/enrolment/confirm', { body: { code } }));
      void message.success(t('auth.mfa.done'));
      setEnrolling(false);
      setStatus(await ok(api.GET('/api/v1/auth/mfa')));
    } catch (err) {
      onError(err);
    }
  };

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
          </Descriptions>
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
        </>
      )}
    </>
  );
}
