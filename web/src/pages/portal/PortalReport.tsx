import { UploadOutlined } from '@ant-design/icons';
import { App, Button, Card, Flex, Form, Input, Radio, Select, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { api, ok } from '../../api/client.ts';
import type { NewPortalRequest, PortalKind } from '../../api/models.ts';
import { queryKeys, useApiMutation } from '../../api/query.tsx';
import { errorOf, sessionFetch } from '../../api/raw.ts';
import { Data } from '../../components/Data.tsx';
import { useFormSubmit } from '../../components/FormDialog.tsx';
import { useErrorText } from '../../components/errors.tsx';
import { newIdempotencyKey } from '../../lib/idempotency.ts';
import { readableNumber } from '../requests/common.tsx';
import { PORTAL_KINDS, serviceName, usePortalCategories, usePortalServices } from './common.tsx';

interface ReportForm {
  kind: PortalKind;
  productInstanceId?: string;
  category?: string;
  title: string;
  description?: string;
}

/**
 * 报障 / 提交服务请求: a fault on one of my services (the service is required), or a question,
 * complaint or suggestion; an optional attachment goes up once the request exists. One
 * Idempotency-Key per form: a double click makes one request.
 */
export default function PortalReport() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [form] = Form.useForm<ReportForm>();
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [file, setFile] = useState<File | null>(null);
  const initialKind = PORTAL_KINDS.find((k) => k === params.get('kind')) ?? 'fault';
  const kind = Form.useWatch('kind', form) ?? initialKind;
  const services = usePortalServices();
  const categories = usePortalCategories(kind);
  const create = useApiMutation(
    (body: NewPortalRequest) =>
      ok(
        api.POST('/api/v1/portal/service-requests', { body, headers: { 'Idempotency-Key': idempotencyKey } }),
      ),
    [queryKeys.allPortalRequests],
  );
  const { saving, submit } = useFormSubmit(form, async (v) => {
    const created = await create.mutateAsync({
      kind: v.kind,
      title: v.title,
      description: v.description ?? '',
      ...(v.productInstanceId ? { productInstanceId: v.productInstanceId } : {}),
      ...(v.category ? { category: v.category } : {}),
    });
    if (file) {
      const url = `/api/v1/attachments?ownerType=service_request&ownerId=${created.id}&fileName=${encodeURIComponent(file.name)}`;
      const res = await sessionFetch(url, {
        method: 'POST',
        headers: { 'content-type': file.type || 'application/octet-stream' },
        body: file,
      }).catch((err: unknown) => err);
      if (!(res instanceof Response) || !res.ok) {
        const err = res instanceof Response ? await errorOf(res) : res;
        void message.warning(t('portal.report.attachmentFailed', { message: errorText(err) }));
      }
    }
    void message.success(t('portal.report.submitted', { number: readableNumber(created.number) }));
    void navigate(`/portal/requests/${created.id}`, { replace: true });
  });
  const live = (services.data ?? []).filter((s) => s.status !== 'terminated');
  return (
    <Card title={t('portal.report.title')} data-testid="portal-report-form">
      <Form<ReportForm>
        form={form}
        layout="vertical"
        name="portal-report"
        initialValues={{
          kind: initialKind,
          ...(params.get('service') ? { productInstanceId: params.get('service')! } : {}),
        }}
        onFinish={(v) => void submit(v)}
        onValuesChange={(changed: Partial<ReportForm>) => {
          if (changed.kind) form.setFieldValue('category', undefined);
        }}
      >
        <Form.Item name="kind" label={t('portal.report.kind')}>
          <Radio.Group
            optionType="button"
            data-testid="portal-report-kind"
            options={PORTAL_KINDS.map((k) => ({ value: k, label: t(`portal.kinds.${k}`) }))}
          />
        </Form.Item>
        <Form.Item
          name="productInstanceId"
          label={kind === 'fault' ? t('portal.report.service') : t('portal.report.serviceOptional')}
          rules={kind === 'fault' ? [{ required: true, message: t('validation.required') }] : []}
        >
          <Select
            data-testid="portal-report-service"
            placeholder={t('portal.report.servicePlaceholder')}
            loading={!services.data}
            options={live.map((s) => ({
              value: s.id,
              label: (
                <>
                  {serviceName(s)} · <Data>{s.accountNo}</Data>
                </>
              ),
            }))}
          />
        </Form.Item>
        <Form.Item name="category" label={t('portal.report.category')}>
          <Select
            data-testid="portal-report-category"
            placeholder={t('portal.report.categoryPlaceholder')}
            loading={!categories.data}
            options={(categories.data ?? []).map((c) => ({
              value: c.code,
              label: i18n.language === 'en' ? c.nameEn : c.name,
            }))}
          />
        </Form.Item>
        <Form.Item
          name="title"
          label={t('portal.report.titleLabel')}
          rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
        >
          <Input
            maxLength={200}
            placeholder={t('portal.report.titlePlaceholder')}
            data-testid="portal-report-title"
          />
        </Form.Item>
        <Form.Item name="description" label={t('portal.report.description')}>
          <Input.TextArea
            rows={4}
            maxLength={10000}
            placeholder={t('portal.report.descriptionPlaceholder')}
            data-testid="portal-report-description"
          />
        </Form.Item>
        <Form.Item label={t('portal.report.attachment')}>
          <Upload
            maxCount={1}
            beforeUpload={(f) => {
              setFile(f);
              return false;
            }}
            onRemove={() => setFile(null)}
            fileList={file ? [{ uid: 'file', name: file.name, status: 'done' }] : []}
          >
            <Button icon={<UploadOutlined />} data-testid="portal-report-file">
              {t('portal.report.attachmentPick')}
            </Button>
          </Upload>
        </Form.Item>
        <Flex gap={8}>
          <Button type="primary" htmlType="submit" loading={saving} data-testid="portal-report-submit">
            {t('portal.report.submit')}
          </Button>
          <Button onClick={() => void navigate(-1)}>{t('portal.report.cancel')}</Button>
        </Flex>
      </Form>
    </Card>
  );
}
