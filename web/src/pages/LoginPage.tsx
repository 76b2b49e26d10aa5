import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Flex, Form, Input, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { api, ok } from '../api/client.ts';
import { accountLock, ApiError } from '../api/errors.ts';
import { useSession, type SecondFactorSignIn, type SessionUser } from '../auth/session.tsx';
import { FullPageSpin } from '../auth/guards.tsx';
import { useErrorText } from '../components/errors.tsx';
import { CodeForm, MfaEnrolment, useMfaErrorText } from '../components/MfaEnrolment.tsx';
import { RECOVERY_CODES_LOW, RecoveryCodeForm, RecoveryCodesShown } from '../components/RecoveryCodes.tsx';
import { LanguageSelect } from '../components/Preferences.tsx';
import { usePrefs } from '../i18n/PrefsProvider.tsx';
import { homePath, workspaceOfPath, workspacesFor } from '../nav/workspaces.ts';

interface FromState {
  from?: string;
  reason?: 'expired' | 'loggedOut';
}

/**
 * The sign-in's steps: the password, then (for users with a second factor) a code — or a recovery
 * code — or enrolment, after which the recovery codes are shown before going on.
 */
type Step =
  | { kind: 'password' }
  | { kind: 'code' | 'recovery' | 'enrol'; challenge: string }
  | { kind: 'recoveryCodes'; codes: string[]; user: SessionUser };

export default function LoginPage() {
  const { t } = useTranslation();
  const { state, login, verifyCode, verifyRecoveryCode, confirmEnrolment } = useSession();
  const { notification } = App.useApp();
  const location = useLocation();
  const navigate = useNavigate();
  const errorText = useErrorText();
  const { fmt } = usePrefs();
  const from = (location.state as FromState | null) ?? {};
  const mfaErrorText = useMfaErrorText();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [step, setStep] = useState<Step>({ kind: 'password' });
  const challenge = 'challenge' in step ? step.challenge : '';
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
  // Signed in: off to the workspace — but not while the new recovery codes are on the screen.
  if (state.status === 'authenticated' && !busy && step.kind !== 'recoveryCodes')
    return <Navigate to={homePath(state.user) ?? '/'} replace />;

  const enter = (user: SessionUser) => {
    // Back to where the user was going, if their roles may open it; else their home.
    const target = from.from && from.from !== '/' ? workspaceOfPath(from.from) : undefined;
    navigate(target && workspacesFor(user).includes(target) ? from.from! : (homePath(user) ?? '/'), {
      replace: true,
    });
  };

  /** Runs a second-factor step with the code typed; `then` goes on with what it answered. */
  const secondStep =
    <R,>(run: (challenge: string, code: string) => Promise<R>, then: (result: R) => void) =>
    async (code: string) => {
      if (!('challenge' in step)) return;
      setError(undefined);
      setBusy(true);
      try {
        then(await run(step.challenge, code));
      } catch (err) {
        setBusy(false);
        onMfaError(err);
      }
    };

  /** In with a code or a recovery code; few recovery codes left: say so (it stays after navigating). */
  const signedInWithSecondFactor = ({ user, recoveryCodesLeft }: SecondFactorSignIn) => {
    if (recoveryCodesLeft <= RECOVERY_CODES_LOW)
      notification.warning({
        key: 'recovery-codes-low',
        title:
          recoveryCodesLeft === 0
            ? t('auth.mfa.recovery.noneLeft')
            : t('auth.mfa.recovery.fewLeft', { count: recoveryCodesLeft }),
        description: t('auth.mfa.recovery.makeNew'),
        // Not top right: it stays until closed and would cover the user menu it points to.
        placement: 'bottomRight',
        duration: 0,
      });
    enter(user);
  };

  const enrolled = ({ user, recoveryCodes }: { user: SessionUser; recoveryCodes: string[] }) => {
    setBusy(false);
    setStep({ kind: 'recoveryCodes', codes: recoveryCodes, user });
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
              : step.kind === 'recovery'
                ? t('auth.mfa.recovery.title')
                : step.kind === 'enrol'
                  ? t('auth.mfa.enrolTitle')
                  : step.kind === 'recoveryCodes'
                    ? t('auth.mfa.recovery.shownTitle')
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
              <CodeForm
                autoFocus
                onSubmit={secondStep(verifyCode, signedInWithSecondFactor)}
                submitText={t('auth.mfa.verify')}
              />
              <Button
                type="link"
                block
                style={{ marginTop: 8 }}
                onClick={() => {
                  setError(undefined);
                  setStep({ kind: 'recovery', challenge: step.challenge });
                }}
                data-testid="mfa-use-recovery"
              >
                {t('auth.mfa.recovery.use')}
              </Button>
            </>
          ) : null}
          {step.kind === 'recovery' ? (
            <>
              <Typography.Paragraph type="secondary">{t('auth.mfa.recovery.intro')}</Typography.Paragraph>
              <RecoveryCodeForm
                onSubmit={secondStep(verifyRecoveryCode, signedInWithSecondFactor)}
                submitText={t('auth.mfa.verify')}
              />
              <Button
                type="link"
                block
                style={{ marginTop: 8 }}
                onClick={() => {
                  setError(undefined);
                  setStep({ kind: 'code', challenge: step.challenge });
                }}
              >
                {t('auth.mfa.recovery.useApp')}
              </Button>
            </>
          ) : null}
          {step.kind === 'enrol' ? (
            <MfaEnrolment
              start={startEnrolment}
              confirm={secondStep(confirmEnrolment, enrolled)}
              onError={onMfaError}
            />
          ) : null}
          {step.kind === 'recoveryCodes' ? (
            <RecoveryCodesShown
              codes={step.codes}
              login={step.user.login}
              onDone={() => enter(step.user)}
              doneText={t('auth.mfa.recovery.continue')}
            />
          ) : null}
          {step.kind !== 'password' && step.kind !== 'recoveryCodes' ? (
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
