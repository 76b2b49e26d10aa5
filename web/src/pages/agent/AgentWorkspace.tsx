import { QuestionCircleOutlined } from '@ant-design/icons';
import { Button, Card, Input, Typography, type InputRef } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { NotBuilt } from '../../components/NotBuilt.tsx';
import { PageFrame } from '../../components/PageFrame.tsx';
import { ShortcutHelp } from '../../components/ShortcutHelp.tsx';
import { AGENT_SHORTCUTS, shortcutLabel } from '../../lib/shortcuts.ts';
import { useShortcuts } from '../../lib/useShortcuts.ts';

/**
 * 坐席工作台: customer search from the keyboard. Requests (queue, new request) are not built yet:
 * one line says so instead of empty panels and a button that opens nothing.
 */
export default function AgentWorkspace() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [helpOpen, setHelpOpen] = useState(false);
  const searchRef = useRef<InputRef>(null);

  useShortcuts(AGENT_SHORTCUTS, (id) => {
    if (id === 'help') setHelpOpen(true);
    if (id === 'searchCustomer') searchRef.current?.focus();
  });

  return (
    <PageFrame
      testId="workspace-agent"
      title={t('agent.title')}
      subtitle={t('agent.subtitle')}
      extra={
        <Button
          icon={<QuestionCircleOutlined />}
          onClick={() => setHelpOpen(true)}
          data-testid="shortcut-help"
        >
          {t('nav.shortcuts')}
        </Button>
      }
    >
      <NotBuilt>{t('agent.notBuilt')}</NotBuilt>
      <Card
        title={t('agent.search.title')}
        style={{ maxWidth: 880 }}
        extra={<Typography.Text keyboard>{shortcutLabel(AGENT_SHORTCUTS, 'searchCustomer')}</Typography.Text>}
      >
        <Input.Search
          ref={searchRef}
          data-testid="customer-search"
          placeholder={t('agent.search.placeholder')}
          enterButton={t('common.search')}
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
      <ShortcutHelp open={helpOpen} onClose={() => setHelpOpen(false)} shortcuts={AGENT_SHORTCUTS} />
    </PageFrame>
  );
}
