import { Alert, Button, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client.ts';
import type { NoticeTemplate, NoticeTemplateChange } from '../../api/models.ts';
import type { ApiPaths } from '../../api/paths.ts';
import { queryKeys, useApiMutation, useListQuery } from '../../api/query.tsx';
import { Data } from '../../components/Data.tsx';
import { FormDialog } from '../../components/FormDialog.tsx';
import { ListPage } from '../../components/ListPage.tsx';
import { tDynamic } from '../../i18n/dynamic.ts';
import { usePrefs } from '../../i18n/PrefsProvider.tsx';

/** The variables a template may use (the API's: channels' notices.ts, masked when sent). */
const VARIABLES = ['{number}', '{title}', '{status}', '{resolution}'];

type TemplatePath = ApiPaths['/api/v1/notice-templates/{event}/{lang}']['put']['parameters']['path'];

/** 通知模板: what customers are told at each step, per event and language (channels.admin). */
export default function NoticeTemplatesPage() {
  const { t } = useTranslation();
  const { fmt } = usePrefs();
  const templates = useListQuery(
    queryKeys.noticeTemplates,
    async (signal) => (await ok(api.GET('/api/v1/notice-templates', { signal }))).items,
  );
  const [editing, setEditing] = useState<NoticeTemplate | null>(null);
  return (
    <ListPage<NoticeTemplate>
      testId="admin-notice-templates"
      title={t('admin.noticeTemplates.title')}
      subtitle={t('admin.noticeTemplates.subtitle')}
      list={templates}
      header={
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={
            <>
              {t('admin.noticeTemplates.variables')}
              <Data>{VARIABLES.join(' ')}</Data>
            </>
          }
        />
      }
      table={{
        'data-testid': 'notice-template-table',
        rowKey: (r) => `${r.event}/${r.lang}`,
        scroll: { x: 900 },
        columns: [
          {
            title: t('admin.noticeTemplates.fields.event'),
            dataIndex: 'event',
            width: 120,
            render: (e: string) => tDynamic(t, `notices.events.${e}`, e),
          },
          {
            title: t('admin.noticeTemplates.fields.lang'),
            dataIndex: 'lang',
            width: 110,
            render: (l: string) => tDynamic(t, `admin.noticeTemplates.langs.${l}`, l),
          },
          {
            title: t('admin.noticeTemplates.fields.subject'),
            dataIndex: 'subject',
            width: 200,
            render: (v: string) => <Data>{v}</Data>,
          },
          {
            title: t('admin.noticeTemplates.fields.body'),
            dataIndex: 'body',
            ellipsis: { showTitle: false },
            render: (v: string) => (
              <Typography.Text ellipsis={{ tooltip: v }}>
                <Data>{v}</Data>
              </Typography.Text>
            ),
          },
          {
            title: t('admin.noticeTemplates.fields.updatedAt'),
            dataIndex: 'updatedAt',
            width: 160,
            render: (v: string) => fmt.dateTime(v),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            width: 90,
            render: (_, r) => (
              <Button type="link" onClick={() => setEditing(r)} data-testid="notice-template-edit">
                {t('admin.noticeTemplates.edit')}
              </Button>
            ),
          },
        ],
      }}
    >
      {editing ? <TemplateDialog template={editing} onClose={() => setEditing(null)} /> : null}
    </ListPage>
  );
}

interface TemplateForm {
  subject: string;
  body: string;
  smsTemplateId?: string;
}

function TemplateDialog({ template: tp, onClose }: { template: NoticeTemplate; onClose: () => void }) {
  const { t } = useTranslation();
  const save = useApiMutation(
    (v: TemplateForm) => {
      const body: NoticeTemplateChange = {
        subject: v.subject.trim(),
        body: v.body.trim(),
        smsTemplateId: v.smsTemplateId?.trim() ? v.smsTemplateId.trim() : null,
      };
      return ok(
        api.PUT('/api/v1/notice-templates/{event}/{lang}', {
          params: {
            path: { event: tp.event as TemplatePath['event'], lang: tp.lang as TemplatePath['lang'] },
          },
          body,
        }),
      );
    },
    [queryKeys.noticeTemplates],
  );
  const required = [{ required: true, whitespace: true, message: t('validation.required') }];
  return (
    <FormDialog<TemplateForm>
      name="notice-template"
      testId="notice-template-modal"
      creating={false}
      title={t('admin.noticeTemplates.editTitle', {
        event: tDynamic(t, `notices.events.${tp.event}`, tp.event),
        lang: tDynamic(t, `admin.noticeTemplates.langs.${tp.lang}`, tp.lang),
      })}
      intro={
        <>
          {t('admin.noticeTemplates.variables')}
          <Data>{VARIABLES.join(' ')}</Data>
        </>
      }
      initialValues={{ subject: tp.subject, body: tp.body, smsTemplateId: tp.smsTemplateId ?? '' }}
      onClose={onClose}
      onSubmit={(v) => save.mutateAsync(v).then(() => undefined)}
      successMessage={t('common.saved')}
    >
      <Form.Item name="subject" label={t('admin.noticeTemplates.fields.subject')} rules={required}>
        <Input maxLength={200} translate="no" />
      </Form.Item>
      <Form.Item name="body" label={t('admin.noticeTemplates.fields.body')} rules={required}>
        {/* The text is the administrator's (data): no browser translation of it. */}
        <Input.TextArea rows={5} maxLength={1000} showCount translate="no" />
      </Form.Item>
      <Form.Item
        name="smsTemplateId"
        label={t('admin.noticeTemplates.fields.smsTemplateId')}
        extra={t('admin.noticeTemplates.smsTemplateHint')}
      >
        <Input maxLength={64} />
      </Form.Item>
    </FormDialog>
  );
}
