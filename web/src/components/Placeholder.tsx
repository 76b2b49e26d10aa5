import { Card, Empty, Tag } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** A panel whose feature comes in a later issue: its title and an honest empty state. */
export function Placeholder(props: {
  title: ReactNode;
  empty: ReactNode;
  extra?: ReactNode;
  soon?: boolean;
  id?: string;
  tabIndex?: number;
}) {
  const { t } = useTranslation();
  return (
    <Card
      id={props.id}
      tabIndex={props.tabIndex}
      title={props.title}
      extra={props.extra ?? (props.soon ? <Tag>{t('frame.placeholderTag')}</Tag> : null)}
      style={{ height: '100%' }}
    >
      <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={props.empty} />
    </Card>
  );
}
