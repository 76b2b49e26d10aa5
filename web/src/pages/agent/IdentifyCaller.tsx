import { Button, Card, Form, Input, List, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client.ts';
import type { IdentifiedCaller, IdentifyRequest } from '../../api/models.ts';
import { useApiMutation } from '../../api/query.tsx';
import { Data } from '../../components/Data.tsx';
import { useFormSubmit } from '../../components/FormDialog.tsx';

const KINDS: ReadonlyArray<IdentifyRequest['kind']> = ['phone', 'idNumber', 'accountNo', 'circuitId'];

/**
 * 外地客户识别 (跨地域无差异服务): a caller outside the agent's data scope, found only by a whole
 * identifier with a stated purpose (access-logged by the API), shown as the masked summary it returns.
 */
export function IdentifyCaller({ onPick }: { onPick: (caller: IdentifiedCaller) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<IdentifyRequest>();
  const [found, setFound] = useState<IdentifiedCaller[] | undefined>();
  const identify = useApiMutation(
    (body: IdentifyRequest) => ok(api.POST('/api/v1/customers/identify', { body })).then((r) => r.items),
    [],
  );
  const { saving, submit } = useFormSubmit(form, async (v: IdentifyRequest) => {
    setFound(await identify.mutateAsync({ kind: v.kind, value: v.value.trim(), purpose: v.purpose.trim() }));
  });
  const required = [{ required: true, whitespace: true, message: t('validation.required') }];
  return (
    <Card size="small" title={t('requests.identify.title')} data-testid="intake-identify">
      <Typography.Paragraph type="secondary">{t('requests.identify.intro')}</Typography.Paragraph>
      <Form<IdentifyRequest>
        form={form}
        name="identify"
        layout="vertical"
        initialValues={{ kind: 'phone' }}
        onFinish={(v) => void submit(v)}
      >
        <Space.Compact block>
          <Form.Item name="kind" noStyle>
            <Select
              style={{ width: 140 }}
              options={KINDS.map((k) => ({ value: k, label: t(`requests.identify.kinds.${k}`) }))}
              data-testid="identify-kind"
            />
          </Form.Item>
          <Form.Item name="value" noStyle rules={required}>
            <Input placeholder={t('requests.identify.value')} maxLength={100} data-testid="identify-value" />
          </Form.Item>
        </Space.Compact>
        <Form.Item
          name="purpose"
          label={t('requests.identify.purpose')}
          rules={required}
          style={{ marginTop: 12 }}
        >
          <Input
            placeholder={t('requests.identify.purposeHint')}
            maxLength={200}
            data-testid="identify-purpose"
          />
        </Form.Item>
        <Button htmlType="submit" loading={saving} data-testid="identify-submit">
          {t('requests.identify.submit')}
        </Button>
      </Form>
      {found ? (
        found.length === 0 ? (
          <Typography.Paragraph type="secondary" style={{ marginTop: 12 }} data-testid="identify-none">
            {t('requests.identify.none')}
          </Typography.Paragraph>
        ) : (
          <List<IdentifiedCaller>
            style={{ marginTop: 12 }}
            size="small"
            dataSource={found}
            data-testid="identify-results"
            renderItem={(c) => (
              <List.Item
                actions={[
                  <Button
                    key="pick"
                    size="small"
                    type="primary"
                    onClick={() => onPick(c)}
                    data-testid="identify-pick"
                  >
                    {t('requests.intake.pick')}
                  </Button>,
                ]}
              >
                <CallerSummary caller={c} />
              </List.Item>
            )}
          />
        )
      ) : null}
    </Card>
  );
}

/** The masked summary: name, home unit, whether in the agent's scope, the services and their status. */
export function CallerSummary({ caller: c }: { caller: IdentifiedCaller }) {
  const { t } = useTranslation();
  return (
    <Space orientation="vertical" size={2}>
      <Space wrap>
        <Typography.Text strong>
          <Data>{c.name}</Data>
        </Typography.Text>
        {c.homeUnit.name ? <Data>{c.homeUnit.name}</Data> : null}
        {c.inScope ? null : <Tag color="purple">{t('requests.identify.otherRegion')}</Tag>}
      </Space>
      {c.services.map((s) => (
        <Typography.Text key={s.instanceId} type="secondary">
          <Data>{[s.productName ?? s.productCode, s.number].filter(Boolean).join(' · ')}</Data>
        </Typography.Text>
      ))}
    </Space>
  );
}
