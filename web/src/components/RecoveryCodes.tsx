import { DownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Flex, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { usePrefs } from '../i18n/PrefsProvider.tsx';
import { SingleCodeForm } from './MfaEnrolment.tsx';

/** At or below this many unused recovery codes the console says to make new ones (the server's rule). */
export const RECOVERY_CODES_LOW = 2;

/**
 * The ten recovery codes just made (enrolment or regeneration): shown this once, to copy or to
 * download as a text file; `onDone` when the user says they are kept.
 */
export function RecoveryCodesShown(props: {
  codes: string[];
  login: string;
  onDone: () => void;
  doneText: string;
}) {
  const { t } = useTranslation();
  const { fmt } = usePrefs();
  const all = props.codes.join('\n');
  const download = () => {
    const text = [
      t('auth.mfa.recovery.fileTitle', { login: props.login }),
      t('auth.mfa.recovery.fileIssued', { time: fmt.dateTime(new Date().toISOString()) }),
      '',
      ...props.codes,
      '',
      t('auth.mfa.recovery.fileHint'),
      '',
    ].join('\r\n');
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = t('auth.mfa.recovery.fileName', { login: props.login });
    a.click();
    window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <div data-testid="recovery-codes">
      <Alert
        type="warning"
        showIcon
        title={t('auth.mfa.recovery.shownOnce')}
        description={t('auth.mfa.recovery.howToUse')}
        style={{ marginBottom: 12 }}
      />
      <Typography.Paragraph
        copyable={{ text: all, tooltips: [t('auth.mfa.recovery.copy'), t('auth.mfa.recovery.copied')] }}
        style={{ marginBottom: 12 }}
      >
        <span
          style={{
            display: 'inline-grid',
            gridTemplateColumns: 'repeat(2, auto)',
            gap: '4px 16px',
            fontFamily: 'monospace',
            fontSize: 13,
            // A code broken over two lines is copied wrong by hand: two columns fit the login card.
            whiteSpace: 'nowrap',
          }}
        >
          {props.codes.map((code) => (
            <span key={code} data-testid="recovery-code">
              {code}
            </span>
          ))}
        </span>
      </Typography.Paragraph>
      <Flex gap={8} vertical>
        <Button icon={<DownloadOutlined />} onClick={download} data-testid="recovery-codes-download">
          {t('auth.mfa.recovery.download')}
        </Button>
        <Button type="primary" onClick={props.onDone} data-testid="recovery-codes-done">
          {props.doneText}
        </Button>
      </Flex>
    </div>
  );
}

/** The recovery code field and its button (the sign-in's code step, when the phone is not at hand). */
export function RecoveryCodeForm(props: { onSubmit: (code: string) => Promise<void>; submitText: string }) {
  const { t } = useTranslation();
  return (
    <SingleCodeForm
      name="mfa-recovery"
      label={t('auth.mfa.recovery.code')}
      hint={t('auth.mfa.recovery.codeHint')}
      // 16 letters and digits, with or without the dashes and spaces of the printed form.
      format={{
        pattern: /^\s*[A-Za-z0-9](?:[\s-]?[A-Za-z0-9]){15}\s*$/,
        message: t('auth.mfa.recovery.codeFormat'),
      }}
      normalise={(code) => code.trim()}
      onSubmit={props.onSubmit}
      submitText={props.submitText}
      input={{
        autoFocus: true,
        spellCheck: false,
        maxLength: 24,
        placeholder: t('auth.mfa.recovery.placeholder'),
      }}
      testId="mfa-recovery-code"
    />
  );
}
