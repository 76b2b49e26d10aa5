import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Checkbox, Col, Form, Input, Modal, Row, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client.ts';
import { errorKind } from '../../api/errors.ts';
import type { PermissionInfo, Role, RoleChange } from '../../api/models.ts';
import { useUser } from '../../auth/session.tsx';
import { Data } from '../../components/Data.tsx';
import { ErrorResult, useActionError } from '../../components/errors.tsx';
import { PageFrame } from '../../components/PageFrame.tsx';
import { roleLabel, tDynamic } from '../../i18n/dynamic.ts';
import { useLoad } from '../../lib/useLoad.ts';
import { adminScreensFor } from '../../nav/workspaces.ts';
import { useRoles } from './common.tsx';

/** 角色: roles and the permissions each grants; administrators may add their own roles. */
export default function RolesPage() {
  const { t, i18n } = useTranslation();
  const me = useUser();
  const canManage = adminScreensFor(me).find((s) => s.id === 'roles')?.canManage ?? false;
  const roles = useRoles();
  const permissions = useLoad(
    async (signal) => (await ok(api.GET('/api/v1/permissions', { signal }))).items,
    'permissions',
  );
  const [editing, setEditing] = useState<Role | 'new' | null>(null);

  return (
    <PageFrame
      testId="admin-roles"
      title={t('admin.roles.title')}
      subtitle={t('admin.subtitle')}
      extra={
        <>
          <Button icon={<ReloadOutlined />} onClick={roles.reload}>
            {t('common.reload')}
          </Button>
          {canManage ? (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setEditing('new')}
              data-testid="role-new"
            >
              {t('admin.roles.new')}
            </Button>
          ) : null}
        </>
      }
    >
      {canManage ? null : (
        <Alert type="info" showIcon title={t('admin.readOnly')} style={{ marginBottom: 16 }} />
      )}
      {roles.error && !roles.data ? (
        <ErrorResult error={roles.error} onRetry={roles.reload} />
      ) : (
        <Table<Role>
          data-testid="role-table"
          rowKey="code"
          loading={roles.loading}
          dataSource={roles.data ?? []}
          pagination={false}
          scroll={{ x: 720 }}
          expandable={{
            expandedRowRender: (r) => (
              <Typography.Paragraph style={{ margin: 0 }}>
                {r.permissions.map((p) => (
                  <Tag key={p}>{permissionLabel(t, p, permissions.data)}</Tag>
                ))}
              </Typography.Paragraph>
            ),
          }}
          columns={[
            {
              title: t('admin.roles.fields.code'),
              dataIndex: 'code',
              width: 180,
              render: (code: string) => <Data>{code}</Data>,
            },
            {
              title: t('admin.roles.fields.name'),
              key: 'name',
              render: (_, r) => roleLabel(t, i18n.language, r.code, r),
            },
            {
              title: t('admin.roles.fields.permissions'),
              key: 'count',
              render: (_, r) => t('admin.roles.permissionCount', { count: r.permissions.length }),
            },
            {
              title: t('admin.roles.fields.kind'),
              dataIndex: 'builtin',
              render: (b: boolean) =>
                b ? <Tag color="blue">{t('admin.roles.builtin')}</Tag> : <Tag>{t('admin.roles.custom')}</Tag>,
            },
            ...(canManage
              ? [
                  {
                    title: t('common.actions'),
                    key: 'actions',
                    width: 100,
                    render: (_: unknown, r: Role) => (
                      <Button type="link" onClick={() => setEditing(r)}>
                        {t('common.edit')}
                      </Button>
                    ),
                  },
                ]
              : []),
          ]}
        />
      )}
      {editing ? (
        <RoleModal
          role={editing === 'new' ? undefined : editing}
          permissions={permissions.data ?? []}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            roles.reload();
          }}
        />
      ) : null}
    </PageFrame>
  );
}

/** A permission in the user's language, else the catalogue's description, else its code. */
function permissionLabel(
  t: ReturnType<typeof useTranslation>['t'],
  code: string,
  catalogue?: PermissionInfo[],
) {
  const fallback = catalogue?.find((p) => p.code === code)?.description ?? code;
  return tDynamic(t, `permissions.${code}`, fallback);
}

interface RoleForm {
  code: string;
  name: string;
  nameEn: string;
  permissions: string[];
}

function RoleModal(props: {
  role: Role | undefined;
  permissions: PermissionInfo[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const actionError = useActionError();
  const [form] = Form.useForm<RoleForm>();
  const [saving, setSaving] = useState(false);
  const r = props.role;

  const submit = async (v: RoleForm) => {
    setSaving(true);
    try {
      if (!r) {
        await ok(
          api.POST('/api/v1/roles', {
            body: {
              code: v.code.trim(),
              name: v.name.trim(),
              nameEn: v.nameEn.trim(),
              permissions: v.permissions,
            },
          }),
        );
        void message.success(t('admin.roles.created'));
      } else {
        const body: RoleChange = {
          version: r.version,
          name: v.name.trim(),
          nameEn: v.nameEn.trim(),
          permissions: v.permissions,
        };
        await ok(api.PATCH('/api/v1/roles/{code}', { params: { path: { code: r.code } }, body }));
        void message.success(t('admin.roles.saved'));
      }
      props.onSaved();
    } catch (err) {
      setSaving(false);
      if (errorKind(err) === 'conflict' && r) {
        void message.warning(t('admin.conflict'));
        props.onSaved();
      } else actionError(err);
    }
  };

  const required = [{ required: true, whitespace: true, message: t('validation.required') }];
  return (
    <Modal
      open
      width={680}
      title={r ? t('admin.roles.edit') : t('admin.roles.new')}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      okText={r ? t('common.save') : t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      destroyOnHidden
    >
      <Form<RoleForm>
        form={form}
        layout="vertical"
        name="role"
        onFinish={submit}
        initialValues={
          r
            ? { code: r.code, name: r.name, nameEn: r.nameEn, permissions: r.permissions }
            : { permissions: [] }
        }
      >
        <Form.Item
          name="code"
          label={t('admin.roles.fields.code')}
          extra={r ? undefined : t('admin.roles.codeRule')}
          rules={r ? [] : [...required, { pattern: /^[a-z][a-z0-9_]*$/, message: t('validation.pattern') }]}
        >
          <Input disabled={Boolean(r)} maxLength={64} />
        </Form.Item>
        <Row gutter={12}>
          <Col xs={24} sm={12}>
            <Form.Item name="name" label={t('admin.roles.fields.name')} rules={required}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="nameEn" label={t('admin.roles.fields.nameEn')} rules={required}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="permissions" label={t('admin.roles.fields.permissions')}>
          <Checkbox.Group style={{ width: '100%' }}>
            <Row gutter={[8, 8]}>
              {props.permissions.map((p) => (
                <Col xs={24} sm={12} key={p.code}>
                  <Checkbox value={p.code}>
                    {permissionLabel(t, p.code, props.permissions)}{' '}
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      <Data>{p.code}</Data>
                    </Typography.Text>
                  </Checkbox>
                </Col>
              ))}
            </Row>
          </Checkbox.Group>
        </Form.Item>
      </Form>
    </Modal>
  );
}
