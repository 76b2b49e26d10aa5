import { PlusOutlined, QuestionCircleOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { Button, Card, Flex, Input, Typography, type InputRef } from 'antd';
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { KeyHint } from '../../components/KeyHint.tsx';
import { useUser } from '../../auth/session.tsx';
import { PageFrame } from '../../components/PageFrame.tsx';
import { useShortcutList, useShortcutTarget } from '../../components/Shortcuts.tsx';
import { STAFF_SHORTCUTS, shortcutLabel } from '../../lib/shortcuts.ts';
import { hasPermission } from '../../nav/workspaces.ts';

/** 坐席工作台: customer search from the keyboard, a new request (Alt+N) and the request list. */
export default function AgentWorkspace() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const searchRef = useRef<InputRef>(null);
  const { openHelp } = useShortcutList();
  const user = useUser();
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
      <Flex wrap gap={8} style={{ marginBottom: 16 }}>
        {hasPermission(user, 'request.create') ? (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => void navigate('/requests/new')}
            data-testid="request-new"
          >
            {t('shortcuts.newRequest')}
            <KeyHint>{shortcutLabel(STAFF_SHORTCUTS, 'newRequest')}</KeyHint>
          </Button>
        ) : null}
        <Button
          icon={<UnorderedListOutlined />}
          onClick={() => void navigate('/requests')}
          data-testid="requests-open"
        >
          {t('nav.workspaces.requests')}
        </Button>
      </Flex>
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
