import { Form, Modal, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { usePrefs } from '../i18n/PrefsProvider.tsx';
import { LANGUAGES, type Language } from '../i18n/languages.ts';
import { timeZoneLabel } from '../i18n/dynamic.ts';
import { COMMON_TIME_ZONES } from '../lib/time.ts';

/** Language picker (the names are each language's own name, from the locale files). */
export function LanguageSelect(props: { size?: 'small' | 'middle' }) {
  const { t } = useTranslation();
  const { language, setLanguage } = usePrefs();
  return (
    <Select<Language>
      aria-label={t('language.label')}
      data-testid="language-select"
      size={props.size}
      value={language}
      onChange={setLanguage}
      style={{ width: 110 }}
      options={LANGUAGES.map((l) => ({ value: l, label: t(`language.${l}`) }))}
    />
  );
}

export function PreferencesModal(props: { open: boolean; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { timeZone, setTimeZone, fmt } = usePrefs();
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const zones = [...new Set([...COMMON_TIME_ZONES, timeZone, browserZone].filter(Boolean))];
  return (
    <Modal open={props.open} onCancel={props.onClose} footer={null} title={t('prefs.title')} destroyOnHidden>
      <Form layout="vertical">
        <Form.Item label={t('prefs.language')}>
          <LanguageSelect />
        </Form.Item>
        <Form.Item label={t('prefs.timeZone')} extra={t('prefs.timeZoneHint')}>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            data-testid="timezone-select"
            value={timeZone}
            onChange={setTimeZone}
            options={zones.map((z) => ({ value: z, label: timeZoneLabel(t, i18n.language, z) }))}
          />
        </Form.Item>
        <Typography.Text type="secondary">
          {t('prefs.now', { time: fmt.dateTime(new Date().toISOString()) })}
        </Typography.Text>
      </Form>
    </Modal>
  );
}
