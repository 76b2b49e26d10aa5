import { PlusOutlined, QuestionCircleOutlined } from '@ant-design/icons';
import { Badge, Button, Card, Col, Drawer, Empty, Input, Row, Space, Typography, type InputRef } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { PageFrame } from '../../components/PageFrame.tsx';
import { Placeholder } from '../../components/Placeholder.tsx';
import { ShortcutHelp } from '../../components/ShortcutHelp.tsx';
import { AGENT_SHORTCUTS, shortcutLabel } from '../../lib/shortcuts.ts';
import { useShortcuts } from '../../lib/useShortcuts.ts';

/** 坐席工作台: queue, customer search, new request — all reachable from the keyboard. */
export default function AgentWorkspace() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [helpOpen, setHelpOpen] = useState(false);
  const [newOpen, setNewOpen] = useState(false);
  const searchRef = useRef<InputRef>(null);
  const queueRef = useRef<HTMLDivElement>(null);

  useShortcuts(AGENT_SHORTCUTS, (id) => {
    if (id === 'help') setHelpOpen(true);
    if (id === 'newRequest') setNewOpen(true);
    if (id === 'searchCustomer') searchRef.current?.focus();
    if (id === 'queue') queueRef.current?.focus();
  });

  return (
    <PageFrame
      testId="workspace-agent"
      title={t('agent.title')}
      subtitle={t('agent.subtitle')}
      extra={
        <>
          <Badge status="success" text={t('agent.status')} />
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setNewOpen(true)}
            data-testid="new-request"
          >
            {t('agent.newRequest.button')}{' '}
            <Typography.Text keyboard>{shortcutLabel(AGENT_SHORTCUTS, 'newRequest')}</Typography.Text>
          </Button>
          <Button
            icon={<QuestionCircleOutlined />}
            onClick={() => setHelpOpen(true)}
            data-testid="shortcut-help"
          >
            {t('nav.shortcuts')}
          </Button>
        </>
      }
    >
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={8}>
          <div
            ref={queueRef}
            tabIndex={-1}
            data-testid="agent-queue"
            style={{ height: '100%', outlineOffset: 2 }}
          >
            <Placeholder
              title={t('agent.queue.title')}
              empty={t('agent.queue.empty')}
              extra={<Typography.Text keyboard>{shortcutLabel(AGENT_SHORTCUTS, 'queue')}</Typography.Text>}
            />
          </div>
        </Col>
        <Col xs={24} lg={16}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Card
              title={t('agent.search.title')}
              extra={
                <Typography.Text keyboard>{shortcutLabel(AGENT_SHORTCUTS, 'searchCustomer')}</Typography.Text>
              }
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
              <Empty
                image={Empty.PRESENTED_IMAGE_SIMPLE}
                description={t('agent.search.empty')}
                style={{ marginTop: 16 }}
              />
            </Card>
            <Placeholder title={t('agent.current.title')} empty={t('agent.current.empty')} />
            <Placeholder title={t('agent.knowledge.title')} empty={t('agent.knowledge.empty')} soon />
          </Space>
        </Col>
      </Row>
      <Typography.Paragraph type="secondary" style={{ marginTop: 16 }}>
        {t('shortcuts.hint')}
      </Typography.Paragraph>
      <Drawer
        open={newOpen}
        onClose={() => setNewOpen(false)}
        title={t('agent.newRequest.title')}
        size={480}
        data-testid="new-request-drawer"
      >
        <Empty description={t('agent.newRequest.empty')} />
      </Drawer>
      <ShortcutHelp open={helpOpen} onClose={() => setHelpOpen(false)} shortcuts={AGENT_SHORTCUTS} />
    </PageFrame>
  );
}
