import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Form, Input, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { api, ok } from '../api/client.ts';
import { accountLock, ApiError } from '../api/errors.ts';
import { useSession, type SessionUser } from '../auth/session.tsx';
import { FullPageSpin } from '../auth/guards.tsx';
import { useErrorText } from '../components/errors.tsx';
import { CodeForm, MfaEnrolment, useMfaErrorText } from '../components/MfaEnrolment.tsx';
import { LanguageSelect } from '../components/Preferences.tsx';
import { usePrefs } from '../i18n/PrefsProvider.tsx';
import { canOpen, homePath, workspaceOfPath } from '../nav/workspaces.ts';

interface FromState {
  from?: string;
  reason?: 'expired' | 'loggedOut';
}

/** The sign-in's steps: the password, then (for users with a second factor) a code or enrolment. */
type Step = { kind: 'password' } | { kind: 'code' | 'enrol'; challenge: string };

export default function LoginPage() {
  const { t } = useTranslation();
  const { state, login, verifyCode, confirmEnrolment } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const errorText = useErrorText();
  const { fmt } = usePrefs();
  const from = (location.state as FromState | null) ?? {};
  const mfaErrorText = useMfaErrorText();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [step, setStep] = useState<Step>({ kind: 'password' });
  const challenge = step.kind === 'password' ? '' : step.challenge;
  const startEnrolment = useCallback(
    () => ok(api.POST('/api/v1/auth/login/mfa/enrolment', { body: { challenge } })),
    [challenge],
  );
  const onMfaError = useCallback(
    (err: unknown) => {
      const { text, expired } = mfaErrorText(err);
      setError(text);
      if (expired) setStep({ kind: 'password' });
    },
    [mfaErrorText],
  );

  useEffect(() => {
    document.title = `${t('auth.title')} · ${t('app.name')}`;
  }, [t]);

  if (state.status === 'loading') return <FullPageSpin />;
  if (state.status === 'authenticated' && !busy) return <Navigate to={homePath(state.user) ?? '/'} replace />;

  const enter = (user: SessionUser) => {
    // Back to where the user was going, if their roles may open it; else their home.
    const target = from.from && from.from !== '/' ? workspaceOfPath(from.from) : undefined;
    navigate(target && canOpen(target, user) ? from.from! : (homePath(user) ?? '/'), { replace: true });
  };

  const secondStep =
    (run: (challenge: string, code: string) => Promise<SessionUser>) => async (code: string) => {
      if (step.kind === 'password') return;
      setError(undefined);
      setBusy(true);
      try {
        enter(await run(step.challenge, code));
      } catch (err) {
        setBusy(false);
        onMfaError(err);
      }
    };

  const submit = async (values: { login: string; password: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      const result = await login(values.login.trim(), values.password);
      if (result.status === 'ok') return enter(result.user);
      setBusy(false);
      setStep({ kind: result.status === 'mfa_required' ? 'code' : 'enrol', challenge: result.challenge });
    } catch (err) {
      setBusy(false);
      const lock = accountLock(err);
      if (lock) setError(t('auth.locked', { time: fmt.dateTime(lock.until), minutes: lock.minutes }));
      else if (err instanceof ApiError && err.status === 401) setError(t('auth.failed'));
      else if (err instanceof ApiError && err.status === 429) setError(t('auth.rateLimited'));
      else setError(errorText(err));
    }
  };

  return (
    <main className="op-full-center" style={{ padding: 16 }}>
      <div style={{ width: '100%', maxWidth: 380 }}>
        <Flex justify="flex-end" style={{ marginBottom: 12 }}>
          <LanguageSelect />
        </Flex>
        <Card>
          <Typography.Title level={2} style={{ marginTop: 0, marginBottom: 4 }}>
            {t('app.name')}
          </Typography.Title>
          <Typography.Paragraph type="secondary">{t('app.tagline')}</Typography.Paragraph>
          <Typography.Title level={4} style={{ marginTop: 8 }}>
            {step.kind === 'code'
              ? t('auth.mfa.codeTitle')
              : step.kind === 'enrol'
                ? t('auth.mfa.enrolTitle')
                : t('auth.title')}
          </Typography.Title>
          {from.reason === 'expired' && !error ? (
            <Alert type="warning" showIcon title={t('auth.sessionExpired')} style={{ marginBottom: 16 }} />
          ) : null}
          {error ? (
            <Alert
              type="error"
              showIcon
              title={error}
              style={{ marginBottom: 16 }}
              data-testid="login-error"
            />
          ) : null}
          {step.kind === 'code' ? (
            <>
              <Typography.Paragraph type="secondary">{t('auth.mfa.codeIntro')}</Typography.Paragraph>
              <CodeForm autoFocus onSubmit={secondStep(verifyCode)} submitText={t('auth.mfa.verify')} />
            </>
          ) : null}
          {step.kind === 'enrol' ? (
            <MfaEnrolment
              start={startEnrolment}
              confirm={secondStep(confirmEnrolment)}
              onError={onMfaError}
            />
          ) : null}
          {step.kind !== 'password' ? (
            <Button type="link" block style={{ marginTop: 8 }} onClick={() => setStep({ kind: 'password' })}>
              {t('auth.mfa.back')}
            </Button>
          ) : null}
          <Form
            layout="vertical"
            onFinish={submit}
            requiredMark={false}
            disabled={busy}
            name="login"
            hidden={step.kind !== 'password'}
          >
            <Form.Item
              name="login"
              label={t('auth.login')}
              rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
            >
              <Input
                prefix={<UserOutlined />}
                placeholder={t('auth.loginPlaceholder')}
                autoComplete="username"
                autoFocus
              />
            </Form.Item>
            <Form.Item
              name="password"
              label={t('auth.password')}
              rules={[{ required: true, message: t('validation.required') }]}
            >
              <Input.Password
                prefix={<LockOutlined />}
                placeholder={t('auth.passwordPlaceholder')}
                autoComplete="current-password"
              />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy}>
              {t('auth.submit')}
            </Button>
          </Form>
        </Card>
      </div>
    </main>
  );
}
