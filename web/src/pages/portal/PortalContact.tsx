import { PhoneOutlined, ShopOutlined } from '@ant-design/icons';
import { Card, List } from 'antd';
import { useTranslation } from 'react-i18next';

export default function PortalContact() {
  const { t } = useTranslation();
  const hotline = t('portal.contact.hotlineNumber');
  return (
    <Card title={t('portal.contact.title')} data-testid="portal-contact">
      <List itemLayout="horizontal">
        <List.Item>
          <List.Item.Meta
            avatar={<PhoneOutlined style={{ fontSize: 22 }} />}
            title={<a href={`tel:${hotline}`}>{`${t('portal.contact.hotline')} ${hotline}`}</a>}
            description={t('portal.contact.hotlineHours')}
          />
        </List.Item>
        <List.Item>
          <List.Item.Meta
            avatar={<ShopOutlined style={{ fontSize: 22 }} />}
            title={t('portal.contact.office')}
            description={t('portal.contact.officeHint')}
          />
        </List.Item>
      </List>
    </Card>
  );
}
