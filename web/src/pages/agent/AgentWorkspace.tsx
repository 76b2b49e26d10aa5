import { QuestionCircleOutlined } from '@ant-design/icons';
import { Button, Card, Input, Typography, type InputRef } from 'antd';
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { KeyHint } from '../../components/KeyHint.tsx';
import { NotBuilt } from '../../components/NotBuilt.tsx';
import { PageFrame } from '../../components/PageFrame.tsx';
import { useShortcutList, useShortcutTarget } from '../../components/Shortcuts.tsx';
import { STAFF_SHORTCUTS, shortcutLabel } from '../../lib/shortcuts.ts';

/**
 * 坐席工作台: customer search from the keyboard. Requests (queue, new request) are not built yet:
 * one line says so instead of empty panels and a button that opens nothing.
 */
export default function AgentWorkspace() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const searchRef = useRef<InputRef>(null);
  const { openHelp } = useShortcutList();
  useShortcutTarget('searchCustomer', () => searchRef.current?.focus());

  return (
    <PageFrame
      testId="workspace-agent"
      title={t('agent.title')}
      subtitle={t('agent.subtitle')}
      extra={
        <Button icon={<QuestionCircleOutlined />} onClick={openHelp} data-testid="shortcut-help">
          {t('nav.shortcuts')}
        </Button>
      }
    >
      <NotBuilt>{t('agent.notBuilt')}</NotBuilt>
      <Card title={t('agent.search.title')} style={{ maxWidth: 880 }}>
        <Input.Search
          ref={searchRef}
          data-testid="customer-search"
          placeholder={t('agent.search.placeholder')}
          enterButton={
            <>
              {t('common.search')}
              <KeyHint>{shortcutLabel(STAFF_SHORTCUTS, 'searchCustomer')}</KeyHint>
            </>
          }
          allowClear
          // The search itself is the customers screen: the same box, its results and the 360 view.
          onSearch={(q) => {
            if (q.trim()) void navigate(`/customers?q=${encodeURIComponent(q.trim())}`);
          }}
        />
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
          {t('agent.search.hint')}
        </Typography.Paragraph>
      </Card>
      <Typography.Paragraph type="secondary" style={{ marginTop: 16 }}>
        {t('shortcuts.hint')}
      </Typography.Paragraph>
    </PageFrame>
  );
}
