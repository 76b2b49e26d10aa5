import { Modal, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Shortcut } from '../lib/shortcuts.ts';

/** The list of keyboard shortcuts (opened with "?" or from the header). */
export function ShortcutHelp(props: { open: boolean; onClose: () => void; shortcuts: readonly Shortcut[] }) {
  const { t } = useTranslation();
  return (
    <Modal
      open={props.open}
      onCancel={props.onClose}
      footer={null}
      title={t('shortcuts.title')}
      destroyOnHidden
    >
      <Table
        data-testid="shortcut-list"
        size="small"
        pagination={false}
        rowKey="id"
        dataSource={[...props.shortcuts]}
        columns={[
          {
            title: t('shortcuts.key'),
            dataIndex: 'label',
            width: 120,
            render: (label: string) => <Typography.Text keyboard>{label}</Typography.Text>,
          },
          {
            title: t('shortcuts.action'),
            dataIndex: 'id',
            render: (id: string) => t(`shortcuts.${id}` as 'shortcuts.help'),
          },
        ]}
      />
    </Modal>
  );
}
