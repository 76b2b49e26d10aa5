import { App, Button, Result } from 'antd';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError, codeForStatus, errorKind, invalidFields, passwordRule } from '../api/errors.ts';

/**
 * Translated text for an API error: by its stable code; a code the console does not know says
 * the server's own message in English, and in Chinese the text for its HTTP status (the server
 * speaks English, and "HTTP 500" is no message).
 */
export function useErrorText() {
  const { t, i18n } = useTranslation();
  return useCallback(
    (err: unknown): string => {
      // A new password the policy refuses: say which rule, not just "invalid input".
      const rule = passwordRule(err);
      if (rule) return t(`errors.passwordRules.${rule}`);
      if (err instanceof ApiError) {
        const key = `errors.codes.${err.code}`;
        const fromServer = i18n.language === 'en' && err.code !== `HTTP_${err.status}`;
        const base = i18n.exists(key)
          ? t(key as 'errors.codes.INTERNAL')
          : fromServer
            ? err.message
            : t(`errors.codes.${codeForStatus(err.status)}` as 'errors.codes.INTERNAL');
        const fields = invalidFields(err);
        return fields.length ? `${base} — ${t('errors.fields', { fields: fields.join(', ') })}` : base;
      }
      return t('errors.codes.INTERNAL');
    },
    [t, i18n],
  );
}

/** A 403 page: what happened and where to go instead of a blank screen. */
export function Forbidden(props: { detail?: string }) {
  const { t } = useTranslation();
  return (
    <Result
      status="403"
      title={t('errors.forbidden.title')}
      subTitle={props.detail ?? t('errors.forbidden.description')}
      extra={
        <Link to="/">
          <Button type="primary">{t('errors.backHome')}</Button>
        </Link>
      }
      data-testid="forbidden"
    />
  );
}

/** What a failed load shows in place of its content. */
export function ErrorResult(props: { error: unknown; onRetry?: () => void; compact?: boolean }) {
  const { t } = useTranslation();
  const text = useErrorText();
  const kind = errorKind(props.error);
  if (kind === 'forbidden') {
    return <Forbidden detail={`${t('errors.forbidden.description')} (${text(props.error)})`} />;
  }
  return (
    <Result
      status={kind === 'notFound' ? '404' : 'warning'}
      title={t('errors.loadFailed')}
      subTitle={text(props.error)}
      className={props.compact ? 'op-result-compact' : undefined}
      extra={props.onRetry ? <Button onClick={props.onRetry}>{t('errors.retry')}</Button> : undefined}
      data-testid="load-error"
    />
  );
}

/** Shows a failed action (save, create) as a notification; a 403 says plainly it is not allowed. */
export function useActionError() {
  const { notification } = App.useApp();
  const { t } = useTranslation();
  const text = useErrorText();
  return useCallback(
    (err: unknown) => {
      const kind = errorKind(err);
      notification.error({
        title: kind === 'forbidden' ? t('errors.forbidden.title') : t('errors.actionFailed'),
        description: text(err),
        placement: 'topRight',
      });
    },
    [notification, t, text],
  );
}
