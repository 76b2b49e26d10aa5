import { Alert, Button, Flex, Form, Input, Spin, Typography, type InputProps } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/errors.ts';
import { useErrorText } from './errors.tsx';

/** What the server sends to enrol an authenticator app: shown once. */
export interface Enrolment {
  secret: string;
  otpauthUri: string;
  qrDataUrl: string;
}

/**
 * Text for a failed code (from the app, or a recovery code, or the password standing in for one):
 * wrong, already used, too many wrong ones, or the sign-in step gone (`expired`: the caller sends
 * the user back to the password).
 */
export function useMfaErrorText() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  return useCallback(
    (err: unknown): { text: string; expired: boolean } => {
      if (err instanceof ApiError) {
        const reason = (err.details as { reason?: string } | undefined)?.reason;
        if (reason === 'code_replayed') return { text: t('auth.mfa.codeUsed'), expired: false };
        if (reason === 'code_wrong') return { text: t('auth.mfa.wrongCode'), expired: false };
        if (reason === 'recovery_code_wrong') return { text: t('auth.mfa.recovery.wrong'), expired: false };
        if (reason === 'recovery_code_used') return { text: t('auth.mfa.recovery.used'), expired: false };
        if (reason === 'password_wrong')
          return { text: t('auth.mfa.recovery.passwordWrong'), expired: false };
        if (err.status === 429) return { text: t('auth.mfa.locked'), expired: false };
        if (err.status === 401) return { text: t('auth.mfa.expired'), expired: true };
      }
      return { text: errorText(err), expired: false };
    },
    [t, errorText],
  );
}

/**
 * One code field and its button, busy while the code is checked and emptied afterwards (a code is
 * not tried twice by accident): the 6-digit app code and the recovery code.
 */
export function SingleCodeForm(props: {
  name: string;
  label: string;
  hint: string;
  /** The pattern the code must match, and what to say when it does not. */
  format: { pattern: RegExp; message: string };
  /** The code as sent: the typed one without the spaces and dashes it may be written with. */
  normalise: (typed: string) => string;
  onSubmit: (code: string) => Promise<void>;
  submitText: string;
  input: InputProps;
  testId: string;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ code: string }>();
  const submit = async ({ code }: { code: string }) => {
    setBusy(true);
    try {
      await props.onSubmit(props.normalise(code));
    } finally {
      setBusy(false);
      form.resetFields();
    }
  };
  return (
    <Form
      form={form}
      layout="vertical"
      onFinish={submit}
      requiredMark={false}
      disabled={busy}
      name={props.name}
    >
      <Form.Item
        name="code"
        label={props.label}
        extra={props.hint}
        rules={[{ required: true, message: t('validation.required') }, props.format]}
      >
        <Input autoComplete="off" {...props.input} data-testid={props.testId} />
      </Form.Item>
      <Button type="primary" htmlType="submit" block loading={busy}>
        {props.submitText}
      </Button>
    </Form>
  );
}

/** The 6-digit code field and its button (the second sign-in step, and an enrolment's last step). */
export function CodeForm(props: {
  onSubmit: (code: string) => Promise<void>;
  submitText: string;
  autoFocus?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <SingleCodeForm
      name="mfa-code"
      label={t('auth.mfa.code')}
      hint={t('auth.mfa.codeHint')}
      format={{ pattern: /^\s*\d{3}[\s-]?\d{3}\s*$/, message: t('auth.mfa.codeFormat') }}
      normalise={(code) => code.replace(/[\s-]/g, '')}
      onSubmit={props.onSubmit}
      submitText={props.submitText}
      input={{
        autoFocus: props.autoFocus,
        inputMode: 'numeric',
        autoComplete: 'one-time-code',
        maxLength: 7,
        placeholder: '123456',
      }}
      testId="mfa-code"
    />
  );
}

/**
 * Enrolling an authenticator app: the QR code (and the secret, to type in by hand), then the
 * app's first code confirms it. `start` fetches a new secret; `confirm` sends the first code.
 */
export function MfaEnrolment(props: {
  start: () => Promise<Enrolment>;
  confirm: (code: string) => Promise<void>;
  onError: (err: unknown) => void;
}) {
  const { t } = useTranslation();
  const { start, onError } = props;
  const [enrolment, setEnrolment] = useState<Enrolment>();
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let live = true;
    start().then(
      (e) => live && setEnrolment(e),
      (err: unknown) => {
        if (!live) return;
        setFailed(true);
        onError(err);
      },
    );
    return () => {
      live = false;
    };
  }, [start, onError]);

  if (failed) return null;
  if (!enrolment) return <Spin />;
  const grouped = enrolment.secret.replace(/(.{4})/g, '$1 ').trim();
  return (
    <div data-testid="mfa-enrolment">
      <Alert type="info" showIcon title={t('auth.mfa.enrolWhy')} style={{ marginBottom: 16 }} />
      <Typography.Paragraph>{t('auth.mfa.enrolStep1')}</Typography.Paragraph>
      <Flex justify="center" style={{ marginBottom: 12 }}>
        <img
          src={enrolment.qrDataUrl}
          alt={t('auth.mfa.qrAlt')}
          width={200}
          height={200}
          data-testid="mfa-qr"
        />
      </Flex>
      <Typography.Paragraph type="secondary">
        {t('auth.mfa.manualEntry')}{' '}
        <Typography.Text code copyable={{ text: enrolment.secret }} data-testid="mfa-secret">
          {grouped}
        </Typography.Text>
      </Typography.Paragraph>
      <Typography.Paragraph>{t('auth.mfa.enrolStep2')}</Typography.Paragraph>
      <CodeForm onSubmit={props.confirm} submitText={t('auth.mfa.confirm')} />
    </div>
  );
}
