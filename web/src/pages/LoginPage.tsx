import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Form, Input, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { accountLock, ApiError } from '../api/errors.ts';
import { useSession } from '../auth/session.tsx';
import { FullPageSpin } from '../auth/guards.tsx';
import { useErrorText } from '../components/errors.tsx';
import { LanguageSelect } from '../components/Preferences.tsx';
import { usePrefs } from '../i18n/PrefsProvider.tsx';
import { canOpen, homePath, workspaceOfPath } from '../nav/workspaces.ts';

interface FromState {
  from?: string;
  reason?: 'expired' | 'loggedOut';
}

export default function LoginPage() {
  const { t } = useTranslation();
  const { state, login } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const errorText = useErrorText();
  const { fmt } = usePrefs();
  const from = (location.state as FromState | null) ?? {};
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.title = `${t('auth.title')} · ${t('app.name')}`;
  }, [t]);

  if (state.status === 'loading') return <FullPageSpin />;
  if (state.status === 'authenticated' && !busy) return <Navigate to={homePath(state.user) ?? '/'} replace />;

  const submit = async (values: { login: string; password: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      const user = await login(values.login.trim(), values.password);
      // Back to where the user was going, if their roles may open it; else their home.
      const target = from.from && from.from !== '/' ? workspaceOfPath(from.from) : undefined;
      navigate(target && canOpen(target, user) ? from.from! : (homePath(user) ?? '/'), { replace: true });
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
            {t('auth.title')}
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
          <Form layout="vertical" onFinish={submit} requiredMark={false} disabled={busy} name="login">
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
