import { Flex, Typography } from 'antd';
import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** Every workspace page: a title, a one-line purpose, actions on the right, then the content. */
export function PageFrame(props: {
  title: string;
  subtitle?: ReactNode;
  extra?: ReactNode;
  children: ReactNode;
  testId?: string;
}) {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = `${props.title} · ${t('app.name')}`;
  }, [props.title, t]);
  return (
    <section className="op-page" data-testid={props.testId}>
      <Flex justify="space-between" align="flex-start" wrap gap={12} style={{ marginBottom: 16 }}>
        <div style={{ minWidth: 0 }}>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {props.title}
          </Typography.Title>
          {props.subtitle ? (
            <Typography.Text type="secondary" style={{ display: 'block', marginTop: 4 }}>
              {props.subtitle}
            </Typography.Text>
          ) : null}
        </div>
        {props.extra ? (
          <Flex gap={8} wrap>
            {props.extra}
          </Flex>
        ) : null}
      </Flex>
      {props.children}
    </section>
  );
}
